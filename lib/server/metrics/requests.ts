import { and, eq, sql } from "drizzle-orm";
import { queryRows, type Db, type Tx } from "@/db";
import { clientMetricStates, portalConnections } from "@/db/schema";
import { monthOf, type MonthKey } from "@/lib/metrics";
import { METRICS_RECOMPUTE_JOB } from "@/lib/server/jobs/definitions";
import { sendJob } from "@/lib/server/jobs/queue";
import { monthDate } from "./month-dates";

/**
 * Asking for a recompute. The request is recorded durably on the client's recompute state (in the caller's
 * transaction) and a job is sent; the job claims whatever is pending, so several requests before it runs become
 * one recompute, and a request whose job got lost is found by the tick.
 */

export type RecomputeScope =
  /** The whole history (first sync, settings or definition changes). */
  | { full: true }
  /** From this month through the current one (manual inputs of a month, a month rollover). */
  | { fromMonth: MonthKey }
  /** The months touched by mirror rows synced at or after this instant (after an incremental sync). */
  | { changedSince: Date };

export interface RecomputeRequest {
  orgId: string;
  clientId: string;
  scope: RecomputeScope;
}

/**
 * Records a recompute request for a client and sends the job. A system helper: the caller has established that
 * the client is in the org (services after their checks, the sync engine, jobs).
 */
export async function requestMetricsRecompute(db: Db | Tx, request: RecomputeRequest): Promise<void> {
  const { orgId, clientId, scope } = request;
  const full = "full" in scope;
  const from = "fromMonth" in scope ? monthDate(scope.fromMonth) : null;
  const since = "changedSince" in scope ? scope.changedSince.toISOString() : null;
  await db.execute(sql`
    insert into client_metric_states (org_id, client_id, pending_full, pending_from, pending_changed_since, requested_at)
    values (${orgId}, ${clientId}, ${full}, ${from}::date, ${since}::timestamptz, now())
    on conflict (org_id, client_id) do update set
      pending_full = client_metric_states.pending_full or excluded.pending_full,
      pending_from = least(client_metric_states.pending_from, excluded.pending_from),
      pending_changed_since = least(client_metric_states.pending_changed_since, excluded.pending_changed_since),
      requested_at = now(),
      updated_at = now()`);
  await sendJob(db, METRICS_RECOMPUTE_JOB, { orgId, clientId }, { singletonKey: clientId });
}

/**
 * What the sync engine calls when a run succeeded, in the transaction that records the run's end: a full run
 * (the first sync, or a full re-download) recomputes the whole history, an incremental one the months its rows
 * touch.
 */
export async function requestMetricsAfterSync(
  db: Db | Tx,
  run: { orgId: string; connectionId: string; kind: "full" | "incremental"; startedAt: Date },
): Promise<void> {
  const [connection] = await db
    .select({ clientId: portalConnections.clientId })
    .from(portalConnections)
    .where(and(eq(portalConnections.orgId, run.orgId), eq(portalConnections.id, run.connectionId)))
    .limit(1);
  if (!connection) return;
  await requestMetricsRecompute(db, {
    orgId: run.orgId,
    clientId: connection.clientId,
    scope: run.kind === "full" ? { full: true } : { changedSince: run.startedAt },
  });
}

export interface ClaimedRecompute {
  full: boolean;
  fromMonth: MonthKey | null;
  changedSince: Date | null;
}

/** Takes the client's pending work (clearing it) and marks the recompute running; null when nothing waits. */
export async function claimPendingRecompute(db: Db, orgId: string, clientId: string): Promise<ClaimedRecompute | null> {
  const [row] = await queryRows<{ pending_full: boolean; pending_from: string | Date | null; pending_changed_since: string | Date | null }>(
    db,
    sql`with old as (
          select org_id, client_id, pending_full, pending_from, pending_changed_since
          from client_metric_states where org_id = ${orgId} and client_id = ${clientId} for update
        )
        update client_metric_states s
        set pending_full = false, pending_from = null, pending_changed_since = null, running_since = now(), updated_at = now()
        from old
        where s.org_id = old.org_id and s.client_id = old.client_id
          and (old.pending_full or old.pending_from is not null or old.pending_changed_since is not null)
        returning old.pending_full, to_char(old.pending_from, 'YYYY-MM') as pending_from, old.pending_changed_since`,
  );
  if (!row) return null;
  return {
    full: row.pending_full,
    fromMonth: row.pending_from ? String(row.pending_from) : null,
    changedSince: row.pending_changed_since ? new Date(row.pending_changed_since) : null,
  };
}

/** Puts claimed work back after a failed recompute, with the error, so a retry or the tick redoes it. */
export async function releaseFailedRecompute(db: Db, orgId: string, clientId: string, error: string): Promise<void> {
  await db
    .update(clientMetricStates)
    .set({ pendingFull: true, runningSince: null, error: error.slice(0, 2000), requestedAt: new Date(), updatedAt: new Date() })
    .where(and(eq(clientMetricStates.orgId, orgId), eq(clientMetricStates.clientId, clientId)));
}

/** The month to recompute from for an instant in the client's zone, or null for "everything". */
export function fromMonthOf(instant: number | null, zone: string): MonthKey | null {
  return instant === null ? null : monthOf(instant, zone);
}

/** The earlier of two months, null meaning "the whole history". */
export function earlierMonth(a: MonthKey | null, b: MonthKey | null): MonthKey | null {
  if (a === null || b === null) return null;
  return a < b ? a : b;
}
