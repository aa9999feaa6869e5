import { z } from "zod";
import type { Database } from "@/db";

/**
 * Every background job, declared as data: its queue name, payload schema, queue policy, optional cron, how many run
 * at once per worker process, and its handler, imported only when a worker first runs it (so sending a job never
 * loads the code that runs it). To add a job, add an entry to JOBS.
 */

export interface JobContext {
  database: Database;
  jobId: string;
  /** Aborted when the worker shuts down: commit what is done and return. */
  signal: AbortSignal;
  /** Identifies this worker process in leases and logs. */
  workerId: string;
}

export type JobHandler<T> = (data: T, ctx: JobContext) => Promise<unknown>;

export interface JobDefinition<T = unknown> {
  name: string;
  schema: z.ZodType<T>;
  /**
   * standard: every job runs; short: at most one waiting job per singleton key (later sends are dropped while one
   * waits); see pg-boss's queue policies.
   */
  policy: "standard" | "short";
  retryLimit: number;
  retryDelaySeconds: number;
  /** A job still active after this long is failed and retried (its worker is presumed dead). */
  expireInSeconds: number;
  /** Cron expression (UTC) for scheduled jobs. */
  cron?: string;
  /** Handlers of this queue running at once in one worker process. */
  concurrency: number;
  handler: () => Promise<JobHandler<T>>;
}

function defineJob<T>(definition: JobDefinition<T>): JobDefinition<T> {
  return definition;
}

const portalRef = z.object({ orgId: z.uuid(), connectionId: z.uuid() });

/** Runs the queued (or interrupted) sync of one portal; the data names the portal, the run is found in sync_runs. */
export const SYNC_PORTAL_JOB = "sync.portal";
/** Every minute: schedules due incremental syncs, re-sends lost triggers, resumes runs of crashed workers. */
export const SYNC_TICK_JOB = "sync.tick";

function syncConcurrency(): number {
  const n = Number(process.env.SYNC_CONCURRENCY ?? 4);
  return Number.isInteger(n) && n > 0 ? n : 4;
}

/** Recomputes one client's metric snapshots (its pending work is on client_metric_states). */
export const METRICS_RECOMPUTE_JOB = "metrics.recompute";
/** Every minute: re-sends lost recompute requests, finds stale histories and month rollovers. */
export const METRICS_TICK_JOB = "metrics.tick";

const clientRef = z.object({ orgId: z.uuid(), clientId: z.uuid() });

export const JOBS: JobDefinition<never>[] = [
  defineJob({
    name: SYNC_PORTAL_JOB,
    schema: portalRef,
    policy: "short",
    retryLimit: 5,
    retryDelaySeconds: 30,
    // Long syncs hold the job; a crashed worker's run is resumed by the tick through its lease long before this.
    expireInSeconds: 12 * 3600,
    concurrency: syncConcurrency(),
    handler: async () => (await import("@/lib/server/sync/worker-handlers")).runPortalSyncJob,
  }),
  defineJob({
    name: SYNC_TICK_JOB,
    schema: z.object({}).loose(),
    policy: "short",
    retryLimit: 0,
    retryDelaySeconds: 0,
    expireInSeconds: 300,
    cron: "* * * * *",
    concurrency: 1,
    handler: async () => (await import("@/lib/server/sync/worker-handlers")).runSyncTickJob,
  }),
  defineJob({
    name: METRICS_RECOMPUTE_JOB,
    schema: clientRef,
    policy: "short",
    retryLimit: 3,
    retryDelaySeconds: 30,
    expireInSeconds: 1800,
    concurrency: 2,
    handler: async () => (await import("@/lib/server/metrics/jobs")).runMetricsRecomputeJob,
  }),
  defineJob({
    name: METRICS_TICK_JOB,
    schema: z.object({}).loose(),
    policy: "short",
    retryLimit: 0,
    retryDelaySeconds: 0,
    expireInSeconds: 300,
    cron: "* * * * *",
    concurrency: 1,
    handler: async () => (await import("@/lib/server/metrics/jobs")).runMetricsTickJob,
  }),
] as unknown as JobDefinition<never>[];

/** The definition of a job by name. */
export function findJob(name: string): JobDefinition<unknown> | undefined {
  return JOBS.find((j) => j.name === name) as JobDefinition<unknown> | undefined;
}
