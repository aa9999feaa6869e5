"use client";

import { useActionState } from "react";
import { useTranslations } from "next-intl";
import { changeRoleAction } from "@/app/(app)/settings/actions";
import { SubmitButton } from "@/components/ui/submit-button";
import type { Role } from "@/db/schema";
import { initialFormState } from "@/lib/form-state";
import { RoleFields } from "./role-fields";

/** Changes one member's role in place; the outcome (or why not) is announced beside it. */
export function MemberRoleForm({
  userId,
  name,
  role,
  clientId,
  roles,
  clients,
}: {
  userId: string;
  name: string;
  role: Role;
  clientId: string | null;
  roles: readonly Role[];
  clients: Array<{ id: string; name: string }>;
}) {
  const t = useTranslations("members");
  const [state, action] = useActionState(changeRoleAction, initialFormState);
  return (
    <form action={action} className="space-y-1" noValidate>
      <input type="hidden" name="userId" value={userId} />
      <div className="flex flex-wrap items-end gap-2">
        <RoleFields
          key={`${role}:${clientId}`}
          idPrefix={`member-${userId}`}
          roles={roles}
          clients={clients}
          defaultRole={role}
          defaultClientId={clientId}
          roleLabel={t("roleOf", { name })}
          clientLabel={t("clientOf", { name })}
          errors={state.fieldErrors}
          compact
        />
        <SubmitButton variant="secondary" size="sm" pendingLabel={t("saveRole")}>
          {t("saveRole")}
        </SubmitButton>
      </div>
      {state.message && state.status !== "idle" && (
        <p role={state.status === "error" ? "alert" : "status"} className={state.status === "error" ? "text-sm text-red-600" : "text-sm text-green-700"}>
          {state.message}
        </p>
      )}
    </form>
  );
}
