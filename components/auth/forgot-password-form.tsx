"use client";

import Link from "next/link";
import { useActionState } from "react";
import { useTranslations } from "next-intl";
import { requestResetAction } from "@/app/(auth)/actions";
import { FormMessage } from "@/components/ui/alert";
import { TextField } from "@/components/ui/field";
import { SubmitButton } from "@/components/ui/submit-button";
import { initialFormState } from "@/lib/form-state";
import { useFocusFirstError } from "@/components/ui/use-focus-first-error";

export function ForgotPasswordForm() {
  const t = useTranslations("auth");
  const [state, action] = useActionState(requestResetAction, initialFormState);
  const formRef = useFocusFirstError(state);
  return (
    <form ref={formRef} action={action} className="space-y-4" noValidate>
      <FormMessage state={state} />
      <TextField
        name="email"
        type="email"
        label={t("email")}
        autoComplete="email"
        required
        defaultValue={state.values?.email}
        error={state.fieldErrors?.email}
        autoFocus
      />
      <SubmitButton className="w-full" pendingLabel={t("resetSending")}>
        {t("resetSend")}
      </SubmitButton>
      <p className="text-center text-sm">
        <Link href="/sign-in" className="text-brand-600 underline">
          {t("backToSignIn")}
        </Link>
      </p>
    </form>
  );
}
