import { sql } from "drizzle-orm";
import { getDatabase, type Database } from "@/db";
import { leaseSeconds, sweepOrphanedRuns } from "@/lib/server/sync/runs";
import { startJobWorker, type JobWorker } from "./worker";

export interface AppWorkerOptions {
  database?: Database;
  /**
   * This process is the only worker (the embedded default): leases left by an earlier run of it are dead, so their
   * syncs resume at once instead of after the lease expires.
   */
  exclusive?: boolean;
  log?: (message: string, error?: unknown) => void;
}

/**
 * The product's job worker: pg-boss on the app database plus a sweep, every half lease, that re-sends the jobs of
 * runs whose worker died (so a crashed sync resumes within about one lease, not at the next cron minute).
 */
export async function startAppWorker(options: AppWorkerOptions = {}): Promise<JobWorker> {
  const database = options.database ?? (await getDatabase());
  if (options.exclusive) {
    await database.db.execute(sql`update sync_leases set expires_at = clock_timestamp() - interval '1 second' where run_id is not null`);
  }
  const log = options.log;
  return startJobWorker(database, {
    log,
    onStarted: async ({ signal }) => {
      const interval = Math.max(500, (leaseSeconds() * 1000) / 2);
      while (!signal.aborted) {
        try {
          await sweepOrphanedRuns(database.db);
        } catch (error) {
          (log ?? console.error)("sync sweep failed", error);
        }
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, interval);
          signal.addEventListener("abort", () => {
            clearTimeout(timer);
            resolve();
          }, { once: true });
        });
      }
    },
  });
}
