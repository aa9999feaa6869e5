"use client";

import { useActionState } from "react";
import { useTranslations } from "next-intl";
import { inviteeSignUpAction, signUpAction } from "@/app/(auth)/actions";
import { FormMessage } from "@/components/ui/alert";
import { TextField } from "@/components/ui/field";
import { SubmitButton } from "@/components/ui/submit-button";
import { initialFormState } from "@/lib/form-state";
import { useFocusFirstError } from "@/components/ui/use-focus-first-error";

/** The sign-up form; `invited` (arriving from an invitation) skips creating an org of one's own. */
export function SignUpForm({ next, email, invited = false }: { next?: string; email?: string; invited?: boolean }) {
  const t = useTranslations("auth");
  const [state, action] = useActionState(invited ? inviteeSignUpAction : signUpAction, initialFormState);
  const formRef = useFocusFirstError(state);
  const v = state.values ?? {};
  const e = state.fieldErrors ?? {};
  return (
    <form ref={formRef} action={action} className="space-y-4" noValidate>
      <FormMessage state={state} />
      <input type="hidden" name="next" value={next ?? "/"} />
      <TextField name="name" label={t("name")} autoComplete="name" required defaultValue={v.name} error={e.name} autoFocus />
      <TextField
        name="email"
        type="email"
        label={t("email")}
        autoComplete="email"
        required
        defaultValue={v.email ?? email}
        error={e.email}
      />
      <TextField
        name="password"
        type="password"
        label={t("password")}
        autoComplete="new-password"
        required
        hint={t("passwordHint")}
        error={e.password}
      />
      {!invited && (
        <TextField
          name="orgName"
          label={t("orgName")}
          autoComplete="organization"
          required
          hint={t("orgNameHint")}
          defaultValue={v.orgName}
          error={e.orgName}
        />
      )}
      <SubmitButton className="w-full" pendingLabel={t("signingUp")}>
        {t("signUp")}
      </SubmitButton>
    </form>
  );
}
