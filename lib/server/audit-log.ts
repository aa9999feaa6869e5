import { auditLog } from "@/db/schema";
import type { Db, Tx } from "@/db";
import type { TenantContext } from "./tenant";

/** Who did something: a signed-in user, an API key, or the system (jobs). */
export type Actor = { type: "user"; id: string } | { type: "api_key"; id: string } | { type: "system"; id?: string };

/**
 * Appends to the org's audit trail. Call it with the transaction of the write it describes, so the write and its
 * record land together or not at all.
 */
export async function recordAudit(
  db: Db | Tx,
  ctx: Pick<TenantContext, "orgId" | "actor">,
  action: string,
  target?: { type: string; id: string },
  details: Record<string, unknown> = {},
): Promise<void> {
  await db.insert(auditLog).values({
    orgId: ctx.orgId,
    actorType: ctx.actor.type,
    actorId: ctx.actor.id ?? null,
    action,
    targetType: target?.type ?? null,
    targetId: target?.id ?? null,
    details,
  });
}
