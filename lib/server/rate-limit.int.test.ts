import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, testDbKind } from "@/db/testing";
import type { Database } from "@/db";
import { hitRateLimit, isRateLimited } from "./rate-limit";

describe(`rate limits (${testDbKind})`, () => {
  let database: Database;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database?.close();
  });

  it("counts attempts in a window, and peeking does not count", async () => {
    const t0 = new Date("2026-05-01T10:00:00Z");
    const db = database.db;
    expect(await isRateLimited(db, "k", 2, 60, t0)).toBe(false);
    expect((await hitRateLimit(db, "k", 2, 60, t0)).allowed).toBe(true);
    expect(await isRateLimited(db, "k", 2, 60, t0)).toBe(false);
    expect(await isRateLimited(db, "k", 2, 60, t0)).toBe(false);
    expect((await hitRateLimit(db, "k", 2, 60, t0)).allowed).toBe(true);
    expect(await isRateLimited(db, "k", 2, 60, t0)).toBe(true);
    const third = await hitRateLimit(db, "k", 2, 60, new Date(t0.getTime() + 10_000));
    expect(third).toMatchObject({ allowed: false, count: 3, retryAfterSeconds: 50 });
    // A new window starts afresh.
    const later = new Date(t0.getTime() + 61_000);
    expect(await isRateLimited(db, "k", 2, 60, later)).toBe(false);
    expect(await hitRateLimit(db, "k", 2, 60, later)).toMatchObject({ allowed: true, count: 1 });
    expect(await isRateLimited(db, "other", 2, 60, later)).toBe(false);
  });
});
