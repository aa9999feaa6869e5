"use client";

import { useActionState } from "react";
import { useTranslations } from "next-intl";
import { signUpAction } from "@/app/(auth)/actions";
import { FormMessage } from "@/components/ui/alert";
import { TextField } from "@/components/ui/field";
import { SubmitButton } from "@/components/ui/submit-button";
import { initialFormState } from "@/lib/form-state";

export function SignUpForm({ next, email }: { next?: string; email?: string }) {
  const t = useTranslations("auth");
  const [state, action] = useActionState(signUpAction, initialFormState);
  const v = state.values ?? {};
  const e = state.fieldErrors ?? {};
  return (
    <form action={action} className="space-y-4" noValidate>
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
      <TextField
        name="orgName"
        label={t("orgName")}
        autoComplete="organization"
        required
        hint={t("orgNameHint")}
        defaultValue={v.orgName}
        error={e.orgName}
      />
      <SubmitButton className="w-full" pendingLabel={t("signingUp")}>
        {t("signUp")}
      </SubmitButton>
    </form>
  );
}
