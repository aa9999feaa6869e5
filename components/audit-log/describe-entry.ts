import type { Translate } from "@/lib/i18n/messages";

export interface AuditEntryView {
  action: string;
  details: Record<string, unknown>;
  targetUserName: string | null;
}

const ROLE_KEYS = ["role", "from", "to"] as const;

/**
 * One audit entry as a sentence in the reader's language. Each action has a message under `auditLog.actions`
 * (features add theirs); values come from the entry's details, roles translated. An action without a message
 * shows its code, so a new action is never hidden.
 */
export function describeAuditEntry(
  entry: AuditEntryView,
  t: { audit: Translate; roles: Translate; fields: Translate },
): { text: string; extra?: string } {
  const key = `actions.${entry.action}`;
  if (!t.audit.has(key)) return { text: entry.action };
  // Every placeholder gets a value, so an entry written before a detail existed still reads (with a dash).
  const raw = (t.audit as Translate & { raw(key: string): unknown }).raw(key);
  const values: Record<string, string> = Object.fromEntries(
    [...String(raw).matchAll(/\{(\w+)/g)].map(([, name]) => [name, "—"]),
  );
  if (entry.targetUserName) values.target = entry.targetUserName;
  for (const [name, value] of Object.entries(entry.details)) {
    if (typeof value === "string" || typeof value === "number") values[name] = String(value);
  }
  if (entry.action.startsWith("member.") || entry.action.startsWith("invitation.")) {
    for (const name of ROLE_KEYS) {
      const role = entry.details[name];
      if (typeof role === "string" && t.roles.has(role)) values[name] = t.roles(role);
    }
  }
  const changes = entry.details.changes;
  const extra =
    changes && typeof changes === "object"
      ? t.audit("changedFields", {
          fields: Object.keys(changes)
            .map((field) => (t.fields.has(field) ? t.fields(field) : field))
            .join(", "),
        })
      : undefined;
  return { text: t.audit(key, values), extra };
}
