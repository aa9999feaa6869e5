import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db";
import { createTestDatabase, testDbKind } from "@/db/testing";
import { createPgRateLimiter } from "./pg-limiter";

const run = promisify(execFile);

/** Largest excess over a leaky bucket (capacity, drain/s) that a sorted list of grant times reaches. */
function maxExcess(times: number[], capacity: number, drain: number): number {
  let level = 0;
  let last = times[0] ?? 0;
  let worst = 0;
  for (const t of times) {
    level = Math.max(0, level - ((t - last) / 1000) * drain) + 1;
    last = t;
    worst = Math.max(worst, level - capacity);
  }
  return worst;
}

describe(`shared rate limiter (${testDbKind})`, () => {
  let database: Database;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.close());

  it("grants the burst at once, then paces requests at the drain rate", async () => {
    const limiter = createPgRateLimiter(database.db, { portalKey: "burst", bucketSize: 10, drainPerSecond: 10, headroom: 0 });
    const times: number[] = [];
    const started = Date.now();
    for (let i = 0; i < 30; i++) {
      await limiter.acquire();
      times.push(Date.now());
    }
    expect(times[9] - started).toBeLessThan(1000);
    // 20 slots beyond the burst at 10/s.
    expect(times[29] - started).toBeGreaterThanOrEqual(1800);
    expect(times[29] - started).toBeLessThan(4000);
    expect(maxExcess(times, 10, 10)).toBeLessThanOrEqual(1);
  });

  it("shares method pauses and backoffs between limiter instances", async () => {
    const a = createPgRateLimiter(database.db, { portalKey: "shared", bucketSize: 50, drainPerSecond: 50 });
    const b = createPgRateLimiter(database.db, { portalKey: "shared", bucketSize: 50, drainPerSecond: 50, pauseCacheMs: 0 });
    const until = Date.now() / 1000 + 1;
    a.pauseMethod("crm.deal.list", until);
    await a.flush();
    let t = Date.now();
    await b.methodReady("crm.deal.list");
    expect(Date.now() - t).toBeGreaterThanOrEqual(800);
    await b.methodReady("crm.lead.list");

    // `operating` within the reserve of the budget pauses the method until its reset, for everyone.
    a.record("crm.activity.list", { operating: 470, operating_reset_at: Date.now() / 1000 + 1 }, 200);
    await a.flush();
    t = Date.now();
    await b.methodReady("crm.activity.list");
    expect(Date.now() - t).toBeGreaterThanOrEqual(800);

    a.backoff(800);
    await a.flush();
    t = Date.now();
    await b.acquire();
    expect(Date.now() - t).toBeGreaterThanOrEqual(600);
  });

  it.skipIf(testDbKind !== "postgres")("keeps two processes together within one portal's bucket", async () => {
    const child = path.join(import.meta.dirname, "test-processes", "limiter-child.ts");
    const args = [child, database.url!, "two-processes", "20", "5", "5"];
    const started = Date.now();
    const results = await Promise.all([run("npx", ["tsx", ...args]), run("npx", ["tsx", ...args])]);
    const times = results
      .flatMap((r) => (JSON.parse(r.stdout.trim().split("\n").at(-1)!) as { times: number[] }).times)
      .sort((x, y) => x - y);
    expect(times).toHaveLength(40);
    // 40 requests through a bucket of 5 draining 5/s: at least 7 s, and never more than the bucket at once.
    expect(times[39] - Math.min(started, times[0])).toBeGreaterThanOrEqual(6500);
    expect(maxExcess(times, 5, 5)).toBeLessThanOrEqual(1.2);
  }, 60_000);
});

if (testDbKind !== "postgres") {
  describe("shared rate limiter across processes", () => {
    it.skip("needs PostgreSQL (PGlite is one process): run with DATABASE_URL set", () => {});
  });
}
