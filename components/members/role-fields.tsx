"use client";

import { useTranslations } from "next-intl";
import { useState } from "react";
import { SelectField } from "@/components/ui/field";
import type { Role } from "@/db/schema";

/**
 * A role picker, plus the client picker a client viewer needs (shown only for that role). Used to invite and to
 * change a member's role.
 */
export function RoleFields({
  idPrefix,
  roles,
  clients,
  defaultRole,
  defaultClientId,
  roleLabel,
  clientLabel,
  errors = {},
  compact = false,
}: {
  idPrefix: string;
  roles: readonly Role[];
  clients: Array<{ id: string; name: string }>;
  defaultRole: Role;
  defaultClientId?: string | null;
  roleLabel?: string;
  clientLabel?: string;
  errors?: Record<string, string | undefined>;
  compact?: boolean;
}) {
  const t = useTranslations("members");
  const [role, setRole] = useState<Role>(defaultRole);
  return (
    <div className={compact ? "flex flex-wrap items-start gap-2 [&_label]:sr-only" : "space-y-4"}>
      <SelectField
        id={`${idPrefix}-role`}
        name="role"
        label={roleLabel ?? t("role")}
        value={role}
        onChange={(event) => setRole(event.target.value as Role)}
        hint={compact ? undefined : t(`roleHints.${role}`)}
        error={errors.role}
        options={roles.map((value) => ({ value, label: t(`roles.${value}`) }))}
      />
      {role === "client_viewer" &&
        (clients.length > 0 ? (
          <SelectField
            id={`${idPrefix}-client`}
            name="clientId"
            label={clientLabel ?? t("client")}
            required
            defaultValue={defaultClientId ?? ""}
            error={errors.clientId}
            options={[{ value: "", label: t("chooseClient") }, ...clients.map((c) => ({ value: c.id, label: c.name }))]}
          />
        ) : (
          <p className="text-sm text-amber-800" data-field-error="clientId">
            {t("noClientsForViewer")}
          </p>
        ))}
    </div>
  );
}
