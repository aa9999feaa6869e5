import { and, eq, sql } from "drizzle-orm";
import { queryRows } from "@/db";
import { clientMetricStates, clients, portalConnections } from "@/db/schema";
import type { JobContext } from "@/lib/server/jobs/definitions";
import { METRICS_RECOMPUTE_JOB } from "@/lib/server/jobs/definitions";
import { sendJob } from "@/lib/server/jobs/queue";
import { systemContext } from "@/lib/server/tenant";
import { findAffectedFrom } from "./mirror-inputs";
import { recomputeClientMetrics, unsafeFindStaleClients } from "./recompute";
import { claimPendingRecompute, earlierMonth, fromMonthOf, releaseFailedRecompute, requestMetricsRecompute } from "./requests";

/** A recompute still "running" after this long was interrupted (its worker died): redo it. */
const STALE_RUNNING_MINUTES = 30;
/** A pending request older than this without a job running was lost: send its job again. */
const LOST_REQUEST_SECONDS = 60;

/**
 * metrics.recompute: claims the client's pending work and recomputes — the whole history, or from the earliest
 * month the request (or the synced changes) touches.
 */
export async function runMetricsRecomputeJob(data: { orgId: string; clientId: string }, ctx: JobContext) {
  const db = ctx.database.db;
  const claimed = await claimPendingRecompute(db, data.orgId, data.clientId);
  if (!claimed) return { skipped: true };
  try {
    let fromMonth: string | null = null;
    if (!claimed.full) {
      const [client] = await db
        .select({ timeZone: clients.timeZone })
        .from(clients)
        .where(and(eq(clients.orgId, data.orgId), eq(clients.id, data.clientId)))
        .limit(1);
      if (!client) return { skipped: true };
      let changedFrom: string | null = claimed.fromMonth ?? "9999-12";
      if (claimed.changedSince) {
        const [connection] = await db
          .select({ id: portalConnections.id })
          .from(portalConnections)
          .where(and(eq(portalConnections.orgId, data.orgId), eq(portalConnections.clientId, data.clientId)))
          .limit(1);
        const at = connection ? await db.transaction((tx) => findAffectedFrom(tx, { orgId: data.orgId, connectionId: connection.id }, claimed.changedSince!)) : null;
        // Nothing changed: still refresh the current month (pending requests age into "unanswered").
        changedFrom = earlierMonth(changedFrom, fromMonthOf(at ?? Date.now(), client.timeZone));
      }
      fromMonth = changedFrom;
    }
    const summary = await recomputeClientMetrics(systemContext(db, data.orgId, METRICS_RECOMPUTE_JOB), data.clientId, { fromMonth });
    await db
      .update(clientMetricStates)
      .set({ runningSince: null })
      .where(and(eq(clientMetricStates.orgId, data.orgId), eq(clientMetricStates.clientId, data.clientId)));
    return summary;
  } catch (error) {
    await releaseFailedRecompute(db, data.orgId, data.clientId, error instanceof Error ? error.message : String(error));
    throw error;
  }
}

/**
 * metrics.tick (every minute): re-sends lost requests, redoes interrupted recomputes, and requests a full
 * recompute for clients whose snapshots were made with other definition versions, another time zone, currency or
 * go-live date, or that never had one; from the last stored month when a new month has begun in the client's zone.
 */
export async function runMetricsTickJob(_data: unknown, ctx: JobContext) {
  const db = ctx.database.db;
  const lost = await queryRows<{ org_id: string; client_id: string }>(
    db,
    sql`select org_id, client_id from client_metric_states
        where (pending_full or pending_from is not null or pending_changed_since is not null)
          and requested_at < now() - make_interval(secs => ${LOST_REQUEST_SECONDS})
          and (running_since is null or running_since < now() - make_interval(mins => ${STALE_RUNNING_MINUTES}))
        limit 200`,
  );
  for (const row of lost) await sendJob(db, METRICS_RECOMPUTE_JOB, { orgId: row.org_id, clientId: row.client_id }, { singletonKey: row.client_id });

  const interrupted = await queryRows<{ org_id: string; client_id: string }>(
    db,
    sql`select org_id, client_id from client_metric_states
        where running_since < now() - make_interval(mins => ${STALE_RUNNING_MINUTES})
          and (computed_at is null or computed_at < running_since)
        limit 100`,
  );
  const stale = await db.transaction((tx) => unsafeFindStaleClients(tx, 100));
  for (const row of [...interrupted.map((r) => ({ orgId: r.org_id, clientId: r.client_id })), ...stale]) {
    await requestMetricsRecompute(db, { ...row, scope: { full: true } });
  }

  const rolled = await queryRows<{ org_id: string; client_id: string; last_month: string }>(
    db,
    sql`select s.org_id, s.client_id, to_char(s.last_month, 'YYYY-MM') as last_month
        from client_metric_states s join clients c on c.org_id = s.org_id and c.id = s.client_id
        where s.last_month is not null
          and s.last_month < date_trunc('month', now() at time zone c.time_zone)::date
          and not (s.pending_full or s.pending_from is not null or s.pending_changed_since is not null)
        limit 200`,
  );
  for (const row of rolled) await requestMetricsRecompute(db, { orgId: row.org_id, clientId: row.client_id, scope: { fromMonth: row.last_month } });
  return { resent: lost.length, full: interrupted.length + stale.length, rolled: rolled.length };
}
