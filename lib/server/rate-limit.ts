import { sql } from "drizzle-orm";
import { queryRows, type Db } from "@/db";

/**
 * Counts one attempt for `key` in a fixed window and tells whether it is within `limit`. The counter lives in the
 * database, so every web process shares it; one upsert statement keeps it race-free.
 */
export async function hitRateLimit(
  db: Db,
  key: string,
  limit: number,
  windowSeconds: number,
  now = new Date(),
): Promise<{ allowed: boolean; count: number; retryAfterSeconds: number }> {
  const [row] = await queryRows<{ count: number; window_start: string | Date }>(
    db,
    sql`insert into rate_limits (key, window_start, count) values (${key}, ${now.toISOString()}, 1)
        on conflict (key) do update set
          count = case when rate_limits.window_start <= ${now.toISOString()}::timestamptz - make_interval(secs => ${windowSeconds})
                       then 1 else rate_limits.count + 1 end,
          window_start = case when rate_limits.window_start <= ${now.toISOString()}::timestamptz - make_interval(secs => ${windowSeconds})
                       then ${now.toISOString()}::timestamptz else rate_limits.window_start end
        returning count, window_start`,
  );
  const count = Number(row.count);
  const windowEnd = new Date(row.window_start).getTime() + windowSeconds * 1000;
  return {
    allowed: count <= limit,
    count,
    retryAfterSeconds: Math.max(0, Math.ceil((windowEnd - now.getTime()) / 1000)),
  };
}

/**
 * Whether `key` has already used up `limit` attempts in its current window, without counting one. For limits on
 * failures: check first, count only when the attempt fails.
 */
export async function isRateLimited(db: Db, key: string, limit: number, windowSeconds: number, now = new Date()): Promise<boolean> {
  const [row] = await queryRows<{ count: number }>(
    db,
    sql`select count from rate_limits
        where key = ${key} and window_start > ${now.toISOString()}::timestamptz - make_interval(secs => ${windowSeconds})`,
  );
  return Boolean(row) && Number(row.count) >= limit;
}
