/**
 * Bitrix24's two limits (`settings/performance/limits.md`): a per-portal leaky bucket on HTTP requests
 * (503 QUERY_LIMIT_EXCEEDED), and a per-app, per-method budget of server time summed over ten buckets of a
 * sliding window (429 OPERATION_TIME_LIMIT). Both read time from the injected clock.
 */

export interface RateLimit {
  /** Requests the bucket holds before rejecting (X). */
  capacity: number;
  /** Requests drained per second (Y). */
  drainPerSecond: number;
}

export const PLAN_RATE_LIMITS: Record<string, RateLimit> = {
  standard: { capacity: 50, drainPerSecond: 2 },
  enterprise: { capacity: 250, drainPerSecond: 5 },
};

/** Each accepted request adds one; the level drains continuously; above capacity requests are refused. */
export class LeakyBucket {
  private level = 0;
  private updatedAt = 0;

  constructor(public limit: RateLimit) {}

  /** Takes one slot at `nowMs`; false when the bucket is full (the request is refused and not counted). */
  tryTake(nowMs: number): boolean {
    this.drain(nowMs);
    if (this.level + 1 > this.limit.capacity) return false;
    this.level += 1;
    return true;
  }

  /** Current fill level. */
  levelAt(nowMs: number): number {
    this.drain(nowMs);
    return this.level;
  }

  reset(): void {
    this.level = 0;
  }

  private drain(nowMs: number): void {
    if (nowMs > this.updatedAt) {
      this.level = Math.max(0, this.level - ((nowMs - this.updatedAt) / 1000) * this.limit.drainPerSecond);
    }
    this.updatedAt = Math.max(this.updatedAt, nowMs);
  }
}

export interface OperatingLimit {
  /** Server seconds a method may use within the window (Bitrix24's example: 480). */
  limitSeconds: number;
  /** The sliding window in seconds (600), split into ten buckets. */
  windowSeconds: number;
}

interface Bucket {
  start: number; // seconds
  used: number;
}

export interface OperatingState {
  /** Seconds used in the window. */
  operating: number;
  /** Unix seconds when the oldest usage leaves the window (when blocked: when the method unblocks). */
  resetAt: number;
  blocked: boolean;
}

/** Server-time budgets keyed by app and method. */
export class OperatingBudget {
  private readonly usage = new Map<string, Bucket[]>();

  constructor(public limit: OperatingLimit) {}

  private get bucketSeconds(): number {
    return this.limit.windowSeconds / 10;
  }

  /** Where `key` stands at `nowMs`: used seconds, reset time, and whether calls are refused. */
  state(key: string, nowMs: number): OperatingState {
    const now = nowMs / 1000;
    const buckets = this.live(key, now);
    const operating = buckets.reduce((sum, b) => sum + b.used, 0);
    const blocked = operating >= this.limit.limitSeconds;
    let resetAt = Math.ceil(now + this.limit.windowSeconds);
    if (buckets.length > 0) resetAt = Math.ceil(buckets[0].start + this.limit.windowSeconds);
    if (blocked) {
      let left = operating;
      for (const b of buckets) {
        left -= b.used;
        resetAt = Math.ceil(b.start + this.limit.windowSeconds);
        if (left < this.limit.limitSeconds) break;
      }
    }
    return { operating, resetAt, blocked };
  }

  /** Records `seconds` of server time used by `key` at `nowMs`. */
  add(key: string, nowMs: number, seconds: number): void {
    const now = nowMs / 1000;
    const buckets = this.live(key, now);
    const start = Math.floor(now / this.bucketSeconds) * this.bucketSeconds;
    const last = buckets[buckets.length - 1];
    if (last && last.start === start) last.used += seconds;
    else buckets.push({ start, used: seconds });
    this.usage.set(key, buckets);
  }

  reset(): void {
    this.usage.clear();
  }

  private live(key: string, now: number): Bucket[] {
    const buckets = (this.usage.get(key) ?? []).filter((b) => b.start + this.limit.windowSeconds > now);
    this.usage.set(key, buckets);
    return buckets;
  }
}
