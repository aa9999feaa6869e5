/**
 * Pacing for one portal. Bitrix24 enforces two independent limits (API.md §3, SYNC.md §1.1):
 * - a leaky bucket per portal (and source IP) counting HTTP requests: +1 per request, drained Y/s, 503
 *   QUERY_LIMIT_EXCEEDED above X (X=50, Y=2 on most plans; 250 and 5 on Enterprise);
 * - an operating budget per app and method: server seconds summed over a sliding 10-minute window, 429
 *   OPERATION_TIME_LIMIT above it (480 s in the docs' example) for that method only, until `operating_reset_at`.
 *
 * The client talks to a RateLimiter and never keeps this state itself, so several workers syncing the same portal
 * can share one limiter (a PostgreSQL-backed implementation lives with the sync engine). The in-memory one here
 * serves tests and single-process use.
 */

/** The `time` fields a limiter learns from. `operating_reset_at` is unix seconds (already normalised). */
export interface OperatingTime {
  /** Seconds this method has used in the current 10-minute window, as Bitrix24 reports it. */
  operating?: number;
  /** Unix seconds when that window resets. */
  operating_reset_at?: number;
}

/**
 * The contract between the client and a limiter shared by all workers of a portal.
 *
 * The client, for every HTTP request:
 * 1. awaits `methodReady(m)` for the called method (for a batch: every sub-command's method);
 * 2. awaits `acquire()` once (a batch is one request);
 * 3. sends, then calls `record(m, time, status)` with each `time` block it got back (for a batch: once per
 *    sub-command, under the sub-command's method — batch sub-calls count against their own methods);
 * 4. on 503 QUERY_LIMIT_EXCEEDED calls `backoff(ms)` and goes back to step 1;
 * 5. on 429 OPERATION_TIME_LIMIT calls `pauseMethod(m, resetAt)` and goes back to step 1.
 *
 * Implementations must make `acquire` honour `backoff` (no slot before it has passed), make `methodReady` honour
 * `pauseMethod` (resolve only once the pause is over), and may pause a method on their own when `record` shows
 * it close to its budget. All methods must be safe to call concurrently; `record`, `pauseMethod` and `backoff`
 * must not throw (a shared implementation should queue or log write failures rather than fail the call).
 */
export interface RateLimiter {
  /** Resolves when one more request may be sent to the portal; takes its slot in the bucket. */
  acquire(): Promise<void>;
  /** Resolves when `method` is not paused. */
  methodReady(method: string): Promise<void>;
  /** Feeds back a response's time block and HTTP status for `method`. */
  record(method: string, time: OperatingTime, status: number): void;
  /** Stops `method` until `untilEpochSec` (unix seconds); a later pause extends, an earlier one is ignored. */
  pauseMethod(method: string, untilEpochSec: number): void;
  /** Hands out no slot for the next `ms` milliseconds (after 503 QUERY_LIMIT_EXCEEDED). */
  backoff(ms: number): void;
}

export interface MemoryLimiterOptions {
  /** Requests the portal accepts in a burst (X). Default 50; Enterprise 250. */
  bucketSize?: number;
  /** Requests drained per second (Y). Default 2; Enterprise 5. */
  drainPerSecond?: number;
  /** Server seconds per method per 10 minutes. Default 480. */
  operatingBudgetSeconds?: number;
  /**
   * Share of the budget kept in reserve: once `operating` reaches budget·(1 − reserve) the method is paused
   * until its reset, instead of running into 429. Default 0.1.
   */
  operatingReserve?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export interface MemoryLimiter extends RateLimiter {
  /** Current state, for tests and diagnostics. */
  snapshot(): {
    level: number;
    backoffUntil: number;
    paused: Record<string, number>;
    operating: Record<string, number>;
  };
}

/** An in-process RateLimiter: a leaky bucket plus per-method pauses. Not shared between processes. */
export function createMemoryLimiter(opts: MemoryLimiterOptions = {}): MemoryLimiter {
  const bucketSize = opts.bucketSize ?? 50;
  const drainPerSecond = opts.drainPerSecond ?? 2;
  const budget = opts.operatingBudgetSeconds ?? 480;
  const reserve = opts.operatingReserve ?? 0.1;
  const now = opts.now ?? (() => Date.now());
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));

  let level = 0;
  let drainedAt = now();
  let backoffUntil = 0;
  const paused = new Map<string, number>();
  const operating = new Map<string, number>();

  const drain = () => {
    const t = now();
    level = Math.max(0, level - ((t - drainedAt) / 1000) * drainPerSecond);
    drainedAt = t;
  };

  const pauseMethod = (method: string, untilEpochSec: number) => {
    if (!Number.isFinite(untilEpochSec)) return;
    paused.set(method, Math.max(paused.get(method) ?? 0, untilEpochSec));
  };

  return {
    async acquire() {
      for (;;) {
        drain();
        const t = now();
        if (t < backoffUntil) {
          await sleep(backoffUntil - t);
          continue;
        }
        if (level + 1 <= bucketSize) {
          level += 1;
          return;
        }
        await sleep(Math.ceil(((level + 1 - bucketSize) / drainPerSecond) * 1000));
      }
    },
    async methodReady(method) {
      for (;;) {
        const until = paused.get(method);
        const t = now();
        if (until === undefined || t >= until * 1000) {
          if (until !== undefined) paused.delete(method);
          return;
        }
        await sleep(until * 1000 - t);
      }
    },
    record(method, time) {
      if (time.operating === undefined || !Number.isFinite(time.operating)) return;
      operating.set(method, time.operating);
      if (time.operating >= budget * (1 - reserve) && time.operating_reset_at !== undefined) {
        pauseMethod(method, time.operating_reset_at);
      }
    },
    pauseMethod,
    backoff(ms) {
      backoffUntil = Math.max(backoffUntil, now() + Math.max(0, ms));
    },
    snapshot() {
      drain();
      return {
        level,
        backoffUntil,
        paused: Object.fromEntries(paused),
        operating: Object.fromEntries(operating),
      };
    },
  };
}
