import { sql } from "drizzle-orm";
import type { Db, Tx } from "@/db";
import { queryRows } from "@/db";
import type { SyncKind, SyncRunStatus } from "@/db/schema";
import { SYNC_PORTAL_JOB } from "@/lib/server/jobs/definitions";
import { sendJob } from "@/lib/server/jobs/queue";
import { requestMetricsAfterSync } from "@/lib/server/metrics/requests";
import { requestPortalSync } from "./requests";

/**
 * Run lifecycle and the per-portal lease. The lease row (sync_leases) is what keeps one sync per portal running,
 * whatever the queue does: a worker takes it in a transaction with the run it will execute, renews it while it
 * works, and gives it back at the end. A worker that dies (SIGKILL, OOM, host lost) stops renewing; once the lease
 * has expired, the sweep sends the portal's job again and the next worker resumes the same run from its cursors.
 */

export interface ConnectionKey {
  orgId: string;
  connectionId: string;
}

export interface ClaimedRun extends ConnectionKey {
  runId: string;
  kind: SyncKind;
  reason: string;
  attempts: number;
  startedAt: Date;
}

/** Lease length in seconds (SYNC_LEASE_SECONDS, default 60): how long a dead worker keeps its portal blocked. */
export function leaseSeconds(): number {
  const n = Number(process.env.SYNC_LEASE_SECONDS ?? 60);
  return Number.isFinite(n) && n >= 1 ? n : 60;
}

/**
 * Takes the portal's lease and the run to execute: a run left `running` by a dead worker first, else the oldest
 * queued one (moved to `running`). Null when another live worker holds the lease or nothing waits.
 */
export async function claimRun(
  db: Db,
  key: ConnectionKey,
  holder: string,
  seconds = leaseSeconds(),
): Promise<ClaimedRun | null> {
  return db.transaction(async (tx) => {
    await tx.execute(
      sql`insert into sync_leases (org_id, connection_id) values (${key.orgId}, ${key.connectionId}) on conflict do nothing`,
    );
    const [lease] = await queryRows<{ run_id: string | null; holder: string | null; live: boolean }>(
      tx,
      sql`select run_id, holder, coalesce(expires_at > clock_timestamp(), false) as live
          from sync_leases where org_id = ${key.orgId} and connection_id = ${key.connectionId} for update`,
    );
    if (lease.run_id && lease.live && lease.holder !== holder) return null;

    const [run] = await queryRows<{ id: string; kind: SyncKind; reason: string; status: SyncRunStatus }>(
      tx,
      sql`select id, kind, reason, status from sync_runs
          where org_id = ${key.orgId} and connection_id = ${key.connectionId} and status in ('running', 'queued')
          order by (status = 'running') desc, queued_at, id
          limit 1 for update`,
    );
    if (!run) {
      await tx.execute(
        sql`update sync_leases set run_id = null, holder = null, expires_at = null
            where org_id = ${key.orgId} and connection_id = ${key.connectionId}`,
      );
      return null;
    }
    const [started] = await queryRows<{ attempts: number; started_at: Date | string }>(
      tx,
      sql`update sync_runs set status = 'running', started_at = coalesce(started_at, clock_timestamp()),
            attempts = attempts + 1, finished_at = null
          where org_id = ${key.orgId} and id = ${run.id}
          returning attempts, started_at`,
    );
    await tx.execute(
      sql`update sync_leases set run_id = ${run.id}, holder = ${holder},
            expires_at = clock_timestamp() + make_interval(secs => ${seconds})
          where org_id = ${key.orgId} and connection_id = ${key.connectionId}`,
    );
    return {
      ...key,
      runId: run.id,
      kind: run.kind,
      reason: run.reason,
      attempts: Number(started.attempts),
      startedAt: new Date(started.started_at),
    };
  });
}

/**
 * Extends the lease. `held` is false when someone else took it over (this worker was presumed dead: it must stop
 * without writing more); `cancelled` when a person cancelled the run.
 */
export async function renewLease(
  db: Db,
  run: ClaimedRun,
  holder: string,
  seconds = leaseSeconds(),
): Promise<{ held: boolean; cancelled: boolean }> {
  const rows = await queryRows<{ status: SyncRunStatus }>(
    db,
    sql`with renewed as (
          update sync_leases set expires_at = clock_timestamp() + make_interval(secs => ${seconds})
          where org_id = ${run.orgId} and connection_id = ${run.connectionId} and run_id = ${run.runId} and holder = ${holder}
          returning run_id
        )
        select r.status from sync_runs r join renewed on renewed.run_id = r.id where r.org_id = ${run.orgId}`,
  );
  if (rows.length === 0) return { held: false, cancelled: false };
  return { held: true, cancelled: rows[0].status === "cancelled" };
}

export interface RunOutcome {
  status: Extract<SyncRunStatus, "succeeded" | "failed" | "cancelled">;
  errorCode?: string | null;
  error?: string | null;
  stats?: Record<string, unknown>;
}

/** Records the run's end and gives the lease back, in one transaction. False if the lease was no longer ours. */
export async function finishRun(db: Db, run: ClaimedRun, holder: string, outcome: RunOutcome): Promise<boolean> {
  return db.transaction(async (tx) => {
    const released = await queryRows(
      tx,
      sql`update sync_leases set run_id = null, holder = null, expires_at = null
          where org_id = ${run.orgId} and connection_id = ${run.connectionId} and run_id = ${run.runId} and holder = ${holder}
          returning 1`,
    );
    if (released.length === 0) return false;
    await tx.execute(
      sql`update sync_runs set status = case when status = 'cancelled' then 'cancelled'::sync_run_status else ${outcome.status}::sync_run_status end,
            finished_at = clock_timestamp(), error_code = ${outcome.errorCode ?? null}, error = ${outcome.error ?? null},
            stats = ${JSON.stringify(outcome.stats ?? {})}::jsonb
          where org_id = ${run.orgId} and id = ${run.runId}`,
    );
    if (outcome.status === "succeeded") {
      await tx.execute(
        sql`update portal_connections set last_synced_at = clock_timestamp()
            where org_id = ${run.orgId} and id = ${run.connectionId}`,
      );
      // The metrics of the months this run touched (all of them after a full run) are recomputed by a job. Deleted
      // rows leave nothing to find their months by, so a run that deleted any counts as a full one here.
      const deleted = Number((outcome.stats as { deleted?: unknown } | undefined)?.deleted ?? 0) > 0;
      await requestMetricsAfterSync(tx, {
        orgId: run.orgId,
        connectionId: run.connectionId,
        kind: deleted ? "full" : run.kind,
        startedAt: run.startedAt,
      });
    }
    return true;
  });
}

/**
 * Gives the lease back without ending the run (graceful shutdown mid-run): the run stays `running` and the next
 * worker resumes it from its cursors right away.
 */
export async function suspendRun(db: Db, run: ClaimedRun, holder: string): Promise<void> {
  await db.execute(
    sql`update sync_leases set expires_at = clock_timestamp() - interval '1 second'
        where org_id = ${run.orgId} and connection_id = ${run.connectionId} and run_id = ${run.runId} and holder = ${holder}`,
  );
}

/** Marks a waiting or running run cancelled; a running one stops at its next lease renewal. */
export async function cancelRun(db: Db | Tx, key: ConnectionKey, runId: string): Promise<boolean> {
  const rows = await queryRows(
    db,
    sql`update sync_runs set status = 'cancelled',
          finished_at = case when status = 'queued' then clock_timestamp() else finished_at end
        where org_id = ${key.orgId} and connection_id = ${key.connectionId} and id = ${runId}
          and status in ('queued', 'running')
        returning 1`,
  );
  return rows.length > 0;
}

/**
 * Finds work whose trigger is missing and sends it: runs left running under an expired lease (their worker died)
 * and runs waiting for longer than `staleQueuedSeconds` (their job was sent before a commit, or never). Returns
 * the connections it poked.
 */
export async function sweepOrphanedRuns(db: Db, staleQueuedSeconds = 20): Promise<ConnectionKey[]> {
  const rows = await queryRows<{ org_id: string; connection_id: string }>(
    db,
    sql`select distinct r.org_id, r.connection_id
        from sync_runs r
        left join sync_leases l on l.org_id = r.org_id and l.connection_id = r.connection_id
        where (r.status = 'running' and (l.run_id is distinct from r.id or l.expires_at is null or l.expires_at < clock_timestamp()))
           or (r.status = 'queued' and r.queued_at < clock_timestamp() - make_interval(secs => ${staleQueuedSeconds})
               and (l.run_id is null or l.expires_at < clock_timestamp()))`,
  );
  const keys = rows.map((r) => ({ orgId: r.org_id, connectionId: r.connection_id }));
  for (const key of keys) {
    await sendJob(db, SYNC_PORTAL_JOB, key, { singletonKey: key.connectionId });
  }
  return keys;
}

/** Default incremental interval when neither the connection nor the org sets one. */
export const DEFAULT_SYNC_INTERVAL_MINUTES = 60;

/**
 * Queues an incremental sync for every connected portal whose interval has passed since its last run was queued
 * (the connection's sync_interval_minutes, else the org's, else hourly), skipping orgs that turned scheduling off and
 * portals with a run waiting or in progress. Returns how many it queued.
 */
export async function scheduleDueSyncs(db: Db): Promise<number> {
  const due = await queryRows<{ org_id: string; id: string }>(
    db,
    sql`select c.org_id, c.id
        from portal_connections c
        left join org_sync_settings s on s.org_id = c.org_id
        where c.status = 'connected'
          and coalesce(s.schedule_enabled, true)
          and not exists (select 1 from sync_runs r where r.org_id = c.org_id and r.connection_id = c.id
                          and r.status in ('queued', 'running'))
          and coalesce((select max(r.queued_at) from sync_runs r where r.org_id = c.org_id and r.connection_id = c.id),
                       'epoch'::timestamptz)
              <= clock_timestamp() - make_interval(mins => coalesce(c.sync_interval_minutes, s.interval_minutes, ${DEFAULT_SYNC_INTERVAL_MINUTES}))`,
  );
  for (const row of due) {
    await requestPortalSync(db, { orgId: row.org_id, connectionId: row.id, kind: "incremental", reason: "schedule" });
  }
  return due.length;
}

/**
 * Keeps the sync history bounded: finished runs older than `days` are deleted (with their progress rows), except
 * each portal's last `keep` runs, so a portal synced rarely still shows its history. Returns how many went.
 */
export async function pruneSyncHistory(db: Db, days = 30, keep = 20): Promise<number> {
  const rows = await queryRows(
    db,
    sql`delete from sync_runs r
        where r.status in ('succeeded', 'failed', 'cancelled')
          and r.finished_at < clock_timestamp() - make_interval(days => ${days})
          and r.id not in (
            select k.id from sync_runs k
            where k.org_id = r.org_id and k.connection_id = r.connection_id
            order by k.queued_at desc limit ${keep}
          )
        returning 1`,
  );
  return rows.length;
}
