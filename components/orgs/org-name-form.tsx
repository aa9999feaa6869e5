"use client";

import { useActionState } from "react";
import { useTranslations } from "next-intl";
import { FormMessage } from "@/components/ui/alert";
import { TextField } from "@/components/ui/field";
import { SubmitButton } from "@/components/ui/submit-button";
import { initialFormState, type FormState } from "@/lib/form-state";
import { useFocusFirstError } from "@/components/ui/use-focus-first-error";

/** The org's name: creating an org, or renaming the current one. */
export function OrgNameForm({
  action,
  defaultName,
  submitLabel,
  pendingLabel,
  autoFocus = false,
}: {
  action: (state: FormState, formData: FormData) => Promise<FormState>;
  defaultName?: string;
  submitLabel: string;
  pendingLabel: string;
  autoFocus?: boolean;
}) {
  const t = useTranslations("orgs");
  const [state, formAction] = useActionState(action, initialFormState);
  const formRef = useFocusFirstError(state);
  return (
    <form ref={formRef} action={formAction} className="space-y-4" noValidate>
      <FormMessage state={state} />
      <TextField
        name="name"
        label={t("name")}
        hint={t("nameHint")}
        autoComplete="organization"
        required
        maxLength={100}
        defaultValue={state.values?.name ?? defaultName}
        error={state.fieldErrors?.name}
        autoFocus={autoFocus}
      />
      <SubmitButton pendingLabel={pendingLabel}>{submitLabel}</SubmitButton>
    </form>
  );
}
