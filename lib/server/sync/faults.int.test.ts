import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { queryRows, type Database } from "@/db";
import { createTestDatabase, testDbKind } from "@/db/testing";
import { createHarness, type Harness } from "./sync-harness";

process.env.TOKEN_ENCRYPTION_KEY ??= Buffer.alloc(32, 7).toString("base64");

async function until(probe: () => Promise<boolean>, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe(`sync under faults (${testDbKind})`, () => {
  let database: Database;
  let harness: Harness;
  beforeAll(async () => {
    database = await createTestDatabase();
    harness = await createHarness(database, [
      { name: "flaky", generate: { profile: "healthy", deals: 1500, seed: 21 } },
      { name: "ok", generate: { profile: "diy", deals: 600, seed: 22 } },
      { name: "deleted", generate: { profile: "healthy", deals: 100, seed: 23 } },
      { name: "revoked", generate: { profile: "healthy", deals: 100, seed: 24 } },
      { name: "garbled", generate: { profile: "healthy", deals: 100, seed: 25 } },
      // A bucket far smaller than the one our limiter is told about, so the portal keeps answering 503.
      { name: "limited", rateLimit: { capacity: 4, drainPerSecond: 4 }, generate: { profile: "healthy", deals: 300, seed: 26 } },
    ]);
  });
  afterAll(async () => {
    await harness?.close();
    await database?.close();
  });

  it("10 % 503, 2 % 500, lost and cut-short answers, tokens expiring mid-run: the mirror still equals the portal", async () => {
    const p = harness.portals.flaky;
    p.handle.setFaults({ seed: 7, overload503: 0.1, error500: 0.02, hang: 0.02, malformedJson: 0.01 });
    const running = harness.sync("flaky", "full", { timeoutMs: 1500 });
    // Once pages are landing, every access token issued so far stops working.
    await until(async () => {
      const [row] = await queryRows<{ n: number }>(
        database.db,
        sql`select coalesce(sum(p.rows_fetched), 0)::int as n from sync_progress p join sync_runs r on r.id = p.run_id
            where r.connection_id = ${p.connectionId}`,
      );
      return row.n > 0;
    });
    p.handle.expireTokens();
    const outcome = await running;
    expect(outcome.error ?? null).toBeNull();
    expect(outcome.status).toBe("succeeded");
    expect(await harness.compare("flaky")).toEqual({});

    // Changes, then an incremental sync under the same faults.
    const deals = [...p.handle.data.tables.deal.scan()].slice(0, 4).map((r) => r.ID as number);
    p.handle.updateRecord("deal", deals[0], { TITLE: "Changed under faults" });
    p.handle.deleteRecord("deal", deals[1]);
    p.handle.createRecord("deal", { TITLE: "Created under faults" });
    p.handle.expireTokens();
    const again = await harness.sync("flaky", "incremental", { timeoutMs: 1500 });
    expect(again.status).toBe("succeeded");
    expect(await harness.compare("flaky")).toEqual({});
    p.handle.clearFaults();
  }, 600_000);

  it("a deleted, a revoked and a garbling portal fail with their reason and do not hold up a healthy one", async () => {
    const aloneStarted = Date.now();
    const alone = await harness.sync("ok", "full");
    const aloneMs = Date.now() - aloneStarted;
    expect(alone.status).toBe("succeeded");

    harness.portals.deleted.handle.delete();
    harness.portals.revoked.handle.uninstall();
    harness.portals.garbled.handle.setFaults({ malformedJson: 1 });
    // Something to do for the healthy portal in the same round.
    const ok = harness.portals.ok.handle;
    ok.createRecord("deal", { TITLE: "While others fail" });

    const timed = async (name: string, kind: "full" | "incremental") => {
      const t0 = Date.now();
      const outcome = await harness.sync(name, kind);
      return { ...outcome, ms: Date.now() - t0 };
    };
    const [healthy, deleted, revoked, garbled] = await Promise.all([
      timed("ok", "full"),
      timed("deleted", "full"),
      timed("revoked", "full"),
      timed("garbled", "full"),
    ]);
    expect(healthy.status).toBe("succeeded");
    expect(await harness.compare("ok")).toEqual({});
    expect(healthy.ms).toBeLessThan(aloneMs * 3 + 15_000);

    expect(deleted).toMatchObject({ status: "failed", errorCode: "portal_deleted" });
    expect(garbled).toMatchObject({ status: "failed", errorCode: "malformed" });
    expect(revoked.status).toBe("failed");
    expect(["needs_reauth", "app_not_installed"]).toContain(revoked.errorCode);
    for (const failed of [deleted, revoked, garbled]) expect(failed.ms).toBeLessThan(60_000);

    const statuses = await queryRows<{ id: string; status: string; status_reason: string | null }>(
      database.db,
      sql`select id, status, status_reason from portal_connections`,
    );
    const statusOf = (name: string) => statuses.find((s) => s.id === harness.portals[name].connectionId)!;
    expect(statusOf("ok").status).toBe("connected");
    expect(statusOf("deleted").status).toBe("error");
    expect(["needs_reauth", "error"]).toContain(statusOf("revoked").status);
    // Garbled answers are the portal's data problem, not the connection's: it stays connected and is retried.
    expect(statusOf("garbled").status).toBe("connected");

    // A connection that is not connected any more fails its next run at once, without calling Bitrix24.
    const next = await harness.sync("deleted", "incremental");
    expect(next).toMatchObject({ status: "failed", errorCode: "connection_error" });
  }, 600_000);

  it("rate-limit and operating-limit refusals slow a run down and never fail it", async () => {
    const p = harness.portals.limited;
    // Every method may use 1 s of server time per 5 s window; a 50-page batch costs about 4.5 s.
    harness.emulator.setOperatingLimit({ limitSeconds: 1, windowSeconds: 5 });
    try {
      // harness.sync tells our limiter the emulator's bucket; lie to it so the portal's own 503s do the pacing.
      const { syncPortal } = await import("./engine");
      const { requestPortalSync } = await import("./requests");
      const { claimRun, finishRun } = await import("./runs");
      await requestPortalSync(database.db, { orgId: p.orgId, connectionId: p.connectionId, kind: "full", reason: "test" });
      const run = (await claimRun(database.db, p, "limits"))!;
      harness.emulator.resetCounters();
      const outcome = await syncPortal({
        database,
        run,
        signal: new AbortController().signal,
        config: harness.config,
        rateLimit: { bucketSize: 1000, drainPerSecond: 1000 },
        timeoutMs: 30_000,
      });
      await finishRun(database.db, run, "limits", outcome);
      expect(outcome.error ?? null).toBeNull();
      expect(outcome.status).toBe("succeeded");
      const errors = harness.emulator.counters().portals.limited?.errors ?? {};
      expect(errors.QUERY_LIMIT_EXCEEDED ?? 0).toBeGreaterThan(0);
      expect(errors.OPERATION_TIME_LIMIT ?? 0).toBeGreaterThan(0);
      expect(await harness.compare("limited")).toEqual({});
    } finally {
      harness.emulator.setOperatingLimit({ limitSeconds: 480, windowSeconds: 600 });
    }
  }, 600_000);
});
