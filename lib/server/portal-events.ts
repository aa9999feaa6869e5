import { and, asc, eq, inArray, isNull, sql } from "drizzle-orm";
import type { Db, Tx } from "@/db";
import { portalEvents } from "@/db/schema";
import type { CrmAction, CrmEntity } from "./bitrix24-payloads";

/**
 * The hand-over of CRM change notifications from the events endpoint to the sync engine. Bitrix24 sends only the
 * record's ID, never resends, and floods on mass edits, so the endpoint only records "this record changed" and
 * answers; the sync engine reads the pending rows (deletions cannot be seen by polling) and marks them processed.
 */

export interface PortalEventInput {
  orgId: string;
  connectionId: string;
  entity: CrmEntity;
  entityId: string;
  action: CrmAction;
  /** Event name as sent, e.g. "ONCRMDEALDELETE". */
  event: string;
}

/**
 * Records one change. A record with a pending row keeps one row (its latest event and time), except that a
 * deletion is never replaced by a later add or update (events can arrive out of order through Bitrix24's queue).
 */
export async function recordPortalEvent(db: Db | Tx, input: PortalEventInput): Promise<void> {
  await db
    .insert(portalEvents)
    .values({ ...input, receivedAt: new Date() })
    .onConflictDoUpdate({
      target: [portalEvents.orgId, portalEvents.connectionId, portalEvents.entity, portalEvents.entityId],
      targetWhere: sql`${portalEvents.processedAt} is null`,
      set: {
        action: sql`case when ${portalEvents.action} = 'delete' then ${portalEvents.action} else excluded.action end`,
        event: sql`case when ${portalEvents.action} = 'delete' then ${portalEvents.event} else excluded.event end`,
        receivedAt: sql`excluded.received_at`,
      },
    });
}

/** Pending changes of a connection, oldest first (for the sync engine). */
export async function listPendingPortalEvents(db: Db | Tx, ref: { orgId: string; connectionId: string }, limit = 500) {
  return db
    .select()
    .from(portalEvents)
    .where(
      and(eq(portalEvents.orgId, ref.orgId), eq(portalEvents.connectionId, ref.connectionId), isNull(portalEvents.processedAt)),
    )
    .orderBy(asc(portalEvents.id))
    .limit(limit);
}

/** Marks changes as applied (for the sync engine, in the transaction that applied them). */
export async function markPortalEventsProcessed(db: Db | Tx, orgId: string, ids: number[]): Promise<void> {
  if (ids.length === 0) return;
  await db
    .update(portalEvents)
    .set({ processedAt: new Date() })
    .where(and(eq(portalEvents.orgId, orgId), inArray(portalEvents.id, ids), isNull(portalEvents.processedAt)));
}
