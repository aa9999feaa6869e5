"use client";

import Link from "next/link";
import { useActionState } from "react";
import { useTranslations } from "next-intl";
import { resetPasswordAction } from "@/app/(auth)/actions";
import { Alert, FormMessage } from "@/components/ui/alert";
import { buttonClass } from "@/components/ui/button";
import { TextField } from "@/components/ui/field";
import { SubmitButton } from "@/components/ui/submit-button";
import { initialFormState } from "@/lib/form-state";
import { useFocusFirstError } from "@/components/ui/use-focus-first-error";

export function ResetPasswordForm({ token }: { token: string }) {
  const t = useTranslations("auth");
  const [state, action] = useActionState(resetPasswordAction, initialFormState);
  const formRef = useFocusFirstError(state);
  if (state.status === "success") {
    return (
      <div className="space-y-4">
        <Alert tone="success">{state.message}</Alert>
        <Link href="/sign-in" className={buttonClass("primary") + " w-full"}>
          {t("signIn")}
        </Link>
      </div>
    );
  }
  return (
    <form ref={formRef} action={action} className="space-y-4" noValidate>
      <FormMessage state={state} />
      {state.status === "error" && !state.fieldErrors && (
        <p className="text-sm">
          <Link href="/forgot-password" className="text-brand-600 underline">
            {t("requestNewLink")}
          </Link>
        </p>
      )}
      <input type="hidden" name="token" value={token} />
      <TextField
        name="password"
        type="password"
        label={t("newPassword")}
        autoComplete="new-password"
        required
        hint={t("passwordHint")}
        error={state.fieldErrors?.password}
        autoFocus
      />
      <TextField
        name="confirm"
        type="password"
        label={t("confirmPassword")}
        autoComplete="new-password"
        required
        error={state.fieldErrors?.confirm}
      />
      <SubmitButton className="w-full" pendingLabel={t("resetSending")}>
        {t("setPassword")}
      </SubmitButton>
    </form>
  );
}
