import { and, eq, sql } from "drizzle-orm";
import type { Db, Tx } from "@/db";
import { queryRows } from "@/db";
import { portalConnections, type SyncKind } from "@/db/schema";
import { AppError } from "@/lib/server/errors";
import { SYNC_PORTAL_JOB } from "@/lib/server/jobs/definitions";
import { sendJob } from "@/lib/server/jobs/queue";

export interface PortalSyncRequest {
  orgId: string;
  connectionId: string;
  /** full: download everything again (and reconcile deletions); incremental: changes since the last run. */
  kind: SyncKind;
  /** Why: "schedule", "manual", "connected", "cli", "api", "recovery"… (shown in the sync history). */
  reason: string;
  /** The user who asked, if any. */
  requestedBy?: string | null;
}

export interface PortalSyncRequested {
  runId: string;
  /** False when the request joined a run that was already waiting. */
  created: boolean;
}

/**
 * Asks for a sync of one portal. A system helper: callers (services after their permission check, onboarding,
 * the scheduler, the CLI) have already established that the connection is theirs to sync.
 *
 * At most one run waits per portal: a request while one waits joins it (a full request upgrades a waiting
 * incremental one). A request while a run is in progress queues one more run after it. The run row is the truth
 * and is written through `db`, so inside a transaction it appears on commit together with its job; a worker that
 * starts later also finds waiting runs without their job. Runs for connections that are not `connected` fail at
 * once with the reason, which shows in the history.
 */
export async function requestPortalSync(db: Db | Tx, request: PortalSyncRequest): Promise<PortalSyncRequested> {
  const [connection] = await db
    .select({ id: portalConnections.id })
    .from(portalConnections)
    .where(and(eq(portalConnections.orgId, request.orgId), eq(portalConnections.id, request.connectionId)));
  if (!connection) throw new AppError("not_found");

  const [row] = await queryRows<{ id: string; created: boolean }>(
    db,
    sql`insert into sync_runs (org_id, connection_id, kind, reason, requested_by)
        values (${request.orgId}, ${request.connectionId}, ${request.kind}, ${request.reason}, ${request.requestedBy ?? null})
        on conflict (org_id, connection_id) where status = 'queued'
        do update set kind = case when excluded.kind = 'full' then 'full'::sync_kind else sync_runs.kind end
        returning id, (xmax = 0) as created`,
  );
  await sendJob(
    db,
    SYNC_PORTAL_JOB,
    { orgId: request.orgId, connectionId: request.connectionId },
    { singletonKey: request.connectionId },
  );
  return { runId: row.id, created: row.created };
}
