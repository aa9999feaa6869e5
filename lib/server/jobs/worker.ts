import crypto from "node:crypto";
import os from "node:os";
import PgBoss from "pg-boss";
import type { Database } from "@/db";
import { JOBS, type JobContext, type JobDefinition, type JobHandler } from "./definitions";
import { BOSS_SCHEMA, bossDbForDatabase } from "./queue";

export interface JobWorkerOptions {
  /** Job definitions to run (default: all). */
  jobs?: JobDefinition<never>[];
  /** Seconds between polls of an idle queue (pg-boss minimum 0.5). Default 1. */
  pollingIntervalSeconds?: number;
  /** Register the cron schedules (default true). */
  schedule?: boolean;
  /** Called once the worker runs, e.g. to sweep for missed work. */
  onStarted?: (ctx: Omit<JobContext, "jobId">) => Promise<void>;
  log?: (message: string, error?: unknown) => void;
}

export interface JobWorker {
  workerId: string;
  boss: PgBoss;
  /** Stops fetching, aborts running handlers' signals, waits for them (up to `timeoutMs`), closes pg-boss. */
  stop(timeoutMs?: number): Promise<void>;
}

const defaultLog = (message: string, error?: unknown) => {
  if (error) console.error(`[worker] ${message}`, error);
  else console.log(`[worker] ${message}`);
};

/**
 * Starts a job worker on the database: installs/updates pg-boss's schema, creates the declared queues, registers
 * `concurrency` pollers per queue and the cron schedules. PostgreSQL gets its own small pg pool (pg-boss's driver);
 * PGlite goes through the one embedded connection.
 */
export async function startJobWorker(database: Database, options: JobWorkerOptions = {}): Promise<JobWorker> {
  const log = options.log ?? defaultLog;
  const jobs = options.jobs ?? JOBS;
  const workerId = `${os.hostname()}:${process.pid}:${crypto.randomBytes(3).toString("hex")}`;
  const pollingIntervalSeconds = Math.max(0.5, options.pollingIntervalSeconds ?? 1);
  const boss =
    database.kind === "postgres" && database.url
      ? new PgBoss({ connectionString: database.url, schema: BOSS_SCHEMA, max: 4, application_name: "impact24-worker" })
      : new PgBoss({ db: bossDbForDatabase(database) as PgBoss.Db, schema: BOSS_SCHEMA });
  boss.on("error", (error) => log("queue error", error));
  await boss.start();

  const controller = new AbortController();
  const running = new Set<Promise<unknown>>();

  for (const job of jobs) {
    await boss.createQueue(job.name, {
      name: job.name,
      policy: job.policy,
      retryLimit: job.retryLimit,
      retryDelay: job.retryDelaySeconds,
      expireInSeconds: job.expireInSeconds,
    });
    // Queue settings declared here win over whatever an older version created.
    await boss.updateQueue(job.name, {
      name: job.name,
      policy: job.policy,
      retryLimit: job.retryLimit,
      retryDelay: job.retryDelaySeconds,
      expireInSeconds: job.expireInSeconds,
    });
    let handler: JobHandler<unknown> | undefined;
    // PGlite runs one statement at a time: more pollers would only queue behind each other.
    const concurrency = database.kind === "pglite" ? Math.min(job.concurrency, 2) : job.concurrency;
    for (let i = 0; i < concurrency; i++) {
      await boss.work<unknown>(job.name, { pollingIntervalSeconds, batchSize: 1 }, async ([item]) => {
        if (!item || controller.signal.aborted) return;
        handler ??= (await job.handler()) as JobHandler<unknown>;
        const data = job.schema.parse(item.data);
        const promise = handler(data, { database, jobId: item.id, signal: controller.signal, workerId });
        running.add(promise);
        try {
          return await promise;
        } catch (error) {
          log(`${job.name} ${item.id} failed`, error);
          throw error;
        } finally {
          running.delete(promise);
        }
      });
    }
    if (options.schedule !== false && job.cron) await boss.schedule(job.name, job.cron, {}, { singletonKey: job.name });
  }

  if (options.onStarted) {
    options.onStarted({ database, signal: controller.signal, workerId }).catch((error) => log("start-up sweep failed", error));
  }

  let stopping: Promise<void> | undefined;
  return {
    workerId,
    boss,
    stop(timeoutMs = 30_000) {
      stopping ??= (async () => {
        controller.abort();
        for (const job of jobs) await boss.offWork(job.name).catch(() => {});
        const all = Promise.allSettled([...running]);
        await Promise.race([all, new Promise((r) => setTimeout(r, timeoutMs).unref())]);
        await boss.stop({ graceful: false, close: true, wait: true, timeout: 1000 }).catch(() => {});
      })();
      return stopping;
    },
  };
}
