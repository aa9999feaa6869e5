import { sql } from "drizzle-orm";
import type { Db } from "@/db";
import { queryRows } from "@/db";
import type { OperatingTime, RateLimiter } from "@/lib/bitrix24/limiter";

/**
 * The RateLimiter of lib/bitrix24/limiter.ts kept in PostgreSQL, so every worker process syncing a portal draws
 * from one leaky bucket and sees one set of method pauses (SYNC.md §1.5: the SDK limiters are in-memory only).
 *
 * - The bucket is one row (portal_rate_buckets). A slot is taken by a single UPDATE that drains the level by the
 *   time elapsed on the database clock and adds 1 only if the result fits; when it does not, the same statement
 *   tells how long until it would, and the caller sleeps that long (with jitter, so waiting workers do not all
 *   wake at once) and tries again.
 * - Method pauses (429 OPERATION_TIME_LIMIT, or `time.operating` close to the budget) are rows of
 *   portal_method_budgets; `methodReady` reads them, at most once per `pauseCacheMs` per method.
 * - `record`, `pauseMethod` and `backoff` must not throw or block the call: they apply locally at once and write
 *   in the background, coalesced per method.
 */

export interface PgLimiterOptions {
  /** The portal: its member_id (Bitrix24 counts per portal, whichever org syncs it). */
  portalKey: string;
  /** X: requests accepted in a burst. Default 50 (Enterprise 250). */
  bucketSize?: number;
  /** Y: requests drained per second. Default 2 (Enterprise 5). */
  drainPerSecond?: number;
  /**
   * Slots kept free below X, for other apps on the portal and for requests that arrive at the portal in a
   * different order than they were granted. Default 2.
   */
  headroom?: number;
  /** Server seconds per method per 10 minutes. Default 480. */
  operatingBudgetSeconds?: number;
  /** Pause a method once `operating` reaches budget·(1 − reserve). Default 0.1. */
  operatingReserve?: number;
  /** How long a method's pause state read from the database is trusted. Default 1000 ms. */
  pauseCacheMs?: number;
  /** Aborts waits (shutdown). */
  signal?: AbortSignal;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  log?: (message: string, error?: unknown) => void;
}

export interface PgRateLimiter extends RateLimiter {
  /** Waits until background writes are done (tests, shutdown). */
  flush(): Promise<void>;
  /** Requests granted by this instance. */
  readonly granted: number;
}

/** Bucket sizes by plan (API.md §3). */
export const PLAN_LIMITS: Record<string, { bucketSize: number; drainPerSecond: number }> = {
  standard: { bucketSize: 50, drainPerSecond: 2 },
  enterprise: { bucketSize: 250, drainPerSecond: 5 },
};

function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, Math.max(0, ms));
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** Creates the shared limiter of one portal on `db`. */
export function createPgRateLimiter(db: Db, options: PgLimiterOptions): PgRateLimiter {
  const key = options.portalKey;
  const bucketSize = options.bucketSize ?? 50;
  const drain = options.drainPerSecond ?? 2;
  const capacity = Math.max(1, bucketSize - (options.headroom ?? 2));
  const budget = options.operatingBudgetSeconds ?? 480;
  const reserve = options.operatingReserve ?? 0.1;
  const pauseCacheMs = options.pauseCacheMs ?? 1000;
  const sleep = options.sleep ?? abortableSleep;
  const log = options.log ?? ((message, error) => console.error(`[rate-limiter] ${message}`, error ?? ""));

  let ensured: Promise<void> | undefined;
  const ensureRow = () =>
    (ensured ??= db
      .execute(sql`insert into portal_rate_buckets (portal_key) values (${key}) on conflict do nothing`)
      .then(() => undefined)
      .catch((error) => {
        ensured = undefined;
        throw error;
      }));

  // Local state: applied at once, so this process honours a pause or backoff before the write lands.
  let localBackoffUntil = 0;
  const localPauses = new Map<string, number>();
  const pauseCache = new Map<string, { until: number; readAt: number }>();
  const pendingRecords = new Map<string, { operating?: number; resetAt?: number; pauseUntil?: number }>();
  let pendingBackoffMs = 0;
  let writing: Promise<void> | null = null;
  let granted = 0;

  const scheduleWrite = () => {
    writing ??= (async () => {
      try {
        while (pendingRecords.size > 0 || pendingBackoffMs > 0) {
          const records = [...pendingRecords.entries()];
          pendingRecords.clear();
          const backoffMs = pendingBackoffMs;
          pendingBackoffMs = 0;
          if (backoffMs > 0) {
            await ensureRow();
            await db.execute(
              sql`update portal_rate_buckets
                  set backoff_until = greatest(backoff_until, clock_timestamp() + make_interval(secs => ${backoffMs / 1000}))
                  where portal_key = ${key}`,
            );
          }
          for (const [method, r] of records) {
            await db.execute(
              sql`insert into portal_method_budgets (portal_key, method, operating, operating_reset_at, paused_until, updated_at)
                  values (${key}, ${method}, ${r.operating ?? null},
                          ${r.resetAt === undefined ? null : new Date(r.resetAt * 1000).toISOString()}::timestamptz,
                          ${r.pauseUntil === undefined ? null : new Date(r.pauseUntil * 1000).toISOString()}::timestamptz,
                          clock_timestamp())
                  on conflict (portal_key, method) do update set
                    operating = coalesce(excluded.operating, portal_method_budgets.operating),
                    operating_reset_at = coalesce(excluded.operating_reset_at, portal_method_budgets.operating_reset_at),
                    paused_until = greatest(portal_method_budgets.paused_until, excluded.paused_until),
                    updated_at = excluded.updated_at`,
            );
          }
        }
      } catch (error) {
        log("could not store limiter state", error);
      } finally {
        writing = null;
      }
    })();
  };

  const queueRecord = (method: string, patch: { operating?: number; resetAt?: number; pauseUntil?: number }) => {
    const current = pendingRecords.get(method) ?? {};
    pendingRecords.set(method, {
      operating: patch.operating ?? current.operating,
      resetAt: patch.resetAt ?? current.resetAt,
      pauseUntil: Math.max(patch.pauseUntil ?? 0, current.pauseUntil ?? 0) || undefined,
    });
    scheduleWrite();
  };

  const pauseMethod = (method: string, untilEpochSec: number) => {
    if (!Number.isFinite(untilEpochSec)) return;
    localPauses.set(method, Math.max(localPauses.get(method) ?? 0, untilEpochSec * 1000));
    queueRecord(method, { pauseUntil: untilEpochSec });
  };

  const sharedPause = async (method: string): Promise<number> => {
    const cached = pauseCache.get(method);
    const now = Date.now();
    if (cached && now - cached.readAt < pauseCacheMs) return cached.until;
    const [row] = await queryRows<{ wait_ms: number | string | null }>(
      db,
      sql`select extract(epoch from (paused_until - clock_timestamp())) * 1000 as wait_ms
          from portal_method_budgets where portal_key = ${key} and method = ${method}`,
    );
    const waitMs = row?.wait_ms === null || row?.wait_ms === undefined ? 0 : Number(row.wait_ms);
    const until = waitMs > 0 ? now + waitMs : 0;
    pauseCache.set(method, { until, readAt: now });
    return until;
  };

  return {
    get granted() {
      return granted;
    },

    async acquire() {
      await ensureRow();
      for (;;) {
        const localWait = localBackoffUntil - Date.now();
        if (localWait > 0) {
          await sleep(localWait, options.signal);
          continue;
        }
        const [row] = await queryRows<{ granted: boolean; wait_ms: number | string }>(
          db,
          sql`with cur as (
                select b.portal_key, clock_timestamp() as now, b.backoff_until,
                       greatest(0, b.level - extract(epoch from (clock_timestamp() - b.drained_at)) * ${drain}) as lvl
                from portal_rate_buckets b where b.portal_key = ${key} for update
              ), upd as (
                update portal_rate_buckets b set level = cur.lvl + 1, drained_at = cur.now, granted = b.granted + 1
                from cur
                where b.portal_key = cur.portal_key and cur.lvl + 1 <= ${capacity} and cur.backoff_until <= cur.now
                returning 1
              )
              select exists (select 1 from upd) as granted,
                     greatest(extract(epoch from (cur.backoff_until - cur.now)) * 1000,
                              (cur.lvl + 1 - ${capacity}) / ${drain} * 1000, 0) as wait_ms
              from cur`,
        );
        if (row?.granted) {
          granted++;
          return;
        }
        const waitMs = Number(row?.wait_ms ?? 500);
        // Jitter spreads workers that wait for the same slot; the floor avoids a hot loop on rounding.
        await sleep(Math.max(20, waitMs) * (1 + Math.random() * 0.2), options.signal);
      }
    },

    async methodReady(method) {
      for (;;) {
        const now = Date.now();
        const until = Math.max(localPauses.get(method) ?? 0, await sharedPause(method));
        if (until <= now) {
          localPauses.delete(method);
          return;
        }
        await sleep(until - now, options.signal);
        pauseCache.delete(method);
      }
    },

    record(method: string, time: OperatingTime) {
      if (time.operating === undefined || !Number.isFinite(time.operating)) return;
      const resetAt = time.operating_reset_at;
      const nearBudget = time.operating >= budget * (1 - reserve) && resetAt !== undefined;
      if (nearBudget) localPauses.set(method, Math.max(localPauses.get(method) ?? 0, resetAt * 1000));
      queueRecord(method, { operating: time.operating, resetAt, pauseUntil: nearBudget ? resetAt : undefined });
    },

    pauseMethod,

    backoff(ms: number) {
      const until = Date.now() + Math.max(0, ms);
      localBackoffUntil = Math.max(localBackoffUntil, until);
      pendingBackoffMs = Math.max(pendingBackoffMs, ms);
      scheduleWrite();
    },

    async flush() {
      while (writing) await writing;
    },
  };
}
