"use client";

import { useActionState } from "react";
import { useTranslations } from "next-intl";
import { inviteMemberAction } from "@/app/(app)/settings/actions";
import { FormMessage } from "@/components/ui/alert";
import { TextField } from "@/components/ui/field";
import { SubmitButton } from "@/components/ui/submit-button";
import type { Role } from "@/db/schema";
import { initialFormState } from "@/lib/form-state";
import { RoleFields } from "./role-fields";
import { useFocusFirstError } from "@/components/ui/use-focus-first-error";

export function InviteForm({ roles, clients }: { roles: readonly Role[]; clients: Array<{ id: string; name: string }> }) {
  const t = useTranslations("members");
  const [state, action] = useActionState(inviteMemberAction, initialFormState);
  const formRef = useFocusFirstError(state);
  const e = state.fieldErrors ?? {};
  return (
    <form ref={formRef} action={action} className="space-y-4" noValidate>
      <FormMessage state={state} />
      <TextField
        id="invite-email"
        name="email"
        type="email"
        label={t("email")}
        autoComplete="off"
        required
        defaultValue={state.status === "error" ? state.values?.email : undefined}
        error={e.email}
      />
      <RoleFields
        // A new key after each success puts the pickers back to their defaults along with the e-mail field.
        key={state.status === "success" ? state.message : "form"}
        idPrefix="invite"
        roles={roles}
        clients={clients}
        defaultRole={(state.status === "error" ? (state.values?.role as Role) : undefined) ?? "analyst"}
        defaultClientId={state.status === "error" ? state.values?.clientId : undefined}
        errors={e}
      />
      <SubmitButton pendingLabel={t("inviting")}>{t("invite")}</SubmitButton>
    </form>
  );
}
