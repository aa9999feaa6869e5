import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db";
import { clients, portalConnections } from "@/db/schema";
import { createTestDatabase, testDbKind } from "@/db/testing";
import type { JobContext } from "@/lib/server/jobs/definitions";
import { getClientVerdict } from "@/lib/server/services/metric-overview";
import { createHarness, type Harness } from "@/lib/server/sync/sync-harness";
import { systemContext } from "@/lib/server/tenant";
import { runMetricsRecomputeJob } from "./jobs";

process.env.TOKEN_ENCRYPTION_KEY ??= Buffer.alloc(32, 7).toString("base64");

const DEALS = Number(process.env.DEMO_PROFILE_DEALS ?? 1500);
const NOW = Date.now();
/** The generator's default: go-live a year and a half before now. */
const GO_LIVE = NOW - Math.round(1.5 * 365.25 * 86_400_000);

/**
 * The demo profiles through the whole chain — generated portal, sync, recompute job, baselines from the months
 * before go-live, verdict: a healthy roll-out pays off; one where nobody was trained does not, and answers slower
 * than before.
 */
describe(`verdicts of the demo profiles (${testDbKind})`, () => {
  let database: Database;
  let harness: Harness;
  const clientOf: Record<string, { orgId: string; clientId: string }> = {};
  const job = (): JobContext => ({ database, jobId: "test", signal: new AbortController().signal, workerId: "test" });

  beforeAll(async () => {
    database = await createTestDatabase();
    harness = await createHarness(database, [
      { name: "healthy", timeZone: "Europe/Moscow", generate: { profile: "healthy", deals: DEALS, seed: 5, now: NOW, goLive: GO_LIVE } },
      { name: "no_training", timeZone: "Europe/Moscow", generate: { profile: "no_training", deals: DEALS, seed: 5, now: NOW, goLive: GO_LIVE } },
    ]);
    const goLiveDate = new Date(GO_LIVE + 3 * 3_600_000).toISOString().slice(0, 10);
    for (const name of ["healthy", "no_training"]) {
      const p = harness.portals[name];
      const [{ clientId }] = await database.db.select({ clientId: portalConnections.clientId }).from(portalConnections).where(eq(portalConnections.id, p.connectionId));
      await database.db.update(clients).set({ goLiveDate, timeZone: "Europe/Moscow" }).where(eq(clients.id, clientId));
      expect((await harness.sync(name, "full")).status).toBe("succeeded");
      await runMetricsRecomputeJob({ orgId: p.orgId, clientId }, job());
      clientOf[name] = { orgId: p.orgId, clientId };
    }
  }, 900_000);
  afterAll(async () => {
    await harness?.close();
    await database?.close();
  });

  const verdict = (name: string) => getClientVerdict(systemContext(database.db, clientOf[name].orgId), clientOf[name].clientId, { now: NOW });

  it("healthy pays off", async () => {
    const v = await verdict("healthy");
    expect(v.measurable).toBeGreaterThanOrEqual(5);
    expect(v.verdict, JSON.stringify(v.metrics)).toBe("pays_off");
    expect(v.metrics.response_time.outcome).toBe("improved");
  });

  it("no_training does not, and answers slower than before go-live", async () => {
    const v = await verdict("no_training");
    expect(v.measurable).toBeGreaterThanOrEqual(5);
    expect(v.verdict, JSON.stringify(v.metrics)).not.toBe("pays_off");
    expect(v.metrics.response_time.outcome).toBe("worse");
    expect(v.metrics.response_time.current!).toBeGreaterThan(v.metrics.response_time.baseline!);
  });
});
