"use client";

import Link from "next/link";
import { useActionState } from "react";
import { useTranslations } from "next-intl";
import { signInAction } from "@/app/(auth)/actions";
import { FormMessage } from "@/components/ui/alert";
import { TextField } from "@/components/ui/field";
import { SubmitButton } from "@/components/ui/submit-button";
import { initialFormState } from "@/lib/form-state";
import { useFocusFirstError } from "@/components/ui/use-focus-first-error";

export function SignInForm({ next, email }: { next?: string; email?: string }) {
  const t = useTranslations("auth");
  const [state, action] = useActionState(signInAction, initialFormState);
  const formRef = useFocusFirstError(state);
  return (
    <form ref={formRef} action={action} className="space-y-4" noValidate>
      <FormMessage state={state} />
      <input type="hidden" name="next" value={next ?? "/"} />
      <TextField
        name="email"
        type="email"
        label={t("email")}
        autoComplete="email"
        required
        defaultValue={state.values?.email ?? email}
        error={state.fieldErrors?.email}
        autoFocus
      />
      <TextField
        name="password"
        type="password"
        label={t("password")}
        autoComplete="current-password"
        required
        error={state.fieldErrors?.password}
      />
      <SubmitButton className="w-full" pendingLabel={t("signingIn")}>
        {t("signIn")}
      </SubmitButton>
      <p className="text-center text-sm">
        <Link href="/forgot-password" className="text-brand-600 underline">
          {t("forgotPassword")}
        </Link>
      </p>
    </form>
  );
}
