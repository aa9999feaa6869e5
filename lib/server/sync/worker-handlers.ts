import crypto from "node:crypto";
import type { JobContext } from "@/lib/server/jobs/definitions";
import { executeRun } from "./execute-run";
import { claimRun, pruneSyncHistory, scheduleDueSyncs, sweepOrphanedRuns, type ConnectionKey } from "./runs";

/**
 * Handlers of the sync jobs. The job only names a portal; what to run is decided here from sync_runs under the
 * portal's lease, so duplicate, late or retried jobs are harmless: they find the lease held or nothing to do.
 */

/** sync.portal: runs the portal's interrupted run, then its waiting ones, while this worker holds the lease. */
export async function runPortalSyncJob(data: ConnectionKey, ctx: JobContext): Promise<{ runs: number }> {
  let runs = 0;
  while (!ctx.signal.aborted) {
    // One holder per claim: if this very process stalls past its lease and claims the run again, the stalled
    // execution is fenced off like any other.
    const holder = `${ctx.workerId}:${crypto.randomBytes(4).toString("hex")}`;
    const run = await claimRun(ctx.database.db, data, holder);
    if (!run) break;
    runs++;
    await executeRun(ctx, run, holder);
  }
  return { runs };
}

/** sync.tick (every minute): queues due scheduled syncs, re-sends the jobs of orphaned runs, trims old history. */
export async function runSyncTickJob(_data: unknown, ctx: JobContext): Promise<{ scheduled: number; swept: number; pruned: number }> {
  const scheduled = await scheduleDueSyncs(ctx.database.db);
  const swept = (await sweepOrphanedRuns(ctx.database.db)).length;
  // Once an hour is plenty.
  const pruned = new Date().getUTCMinutes() === 7 ? await pruneSyncHistory(ctx.database.db) : 0;
  return { scheduled, swept, pruned };
}
