import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { queryRows, type Database } from "@/db";
import { createTestDatabase, testDbKind } from "@/db/testing";
import { startAppWorker } from "@/lib/server/jobs/app-worker";
import type { JobWorker } from "@/lib/server/jobs/worker";
import { requestPortalSync } from "./requests";
import { scheduleDueSyncs, sweepOrphanedRuns } from "./runs";
import { createHarness, TEST_RATE_LIMIT, type Harness } from "./sync-harness";

process.env.TOKEN_ENCRYPTION_KEY ??= Buffer.alloc(32, 7).toString("base64");

async function waitFor<T>(probe: () => Promise<T | null | undefined | false>, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** The worker as the embedded default runs it: in this process, pg-boss on the same database (PGlite included). */
describe(`job worker in the app process (${testDbKind})`, () => {
  let database: Database;
  let harness: Harness;
  let worker: JobWorker | undefined;
  const saved = { ...process.env };

  beforeAll(async () => {
    database = await createTestDatabase();
    harness = await createHarness(database, [
      { name: "embedded", generate: { profile: "no_training", deals: 150, seed: 41 } },
      { name: "scheduled", generate: { profile: "healthy", deals: 50, seed: 42 } },
    ]);
    Object.assign(process.env, {
      BITRIX24_CLIENT_ID: harness.config.clientId,
      BITRIX24_CLIENT_SECRET: harness.config.clientSecret,
      BITRIX24_OAUTH_URL: harness.config.oauthUrl,
      BITRIX24_ALLOW_INSECURE: "1",
      BITRIX24_RATE_LIMIT: `${TEST_RATE_LIMIT.capacity}:${TEST_RATE_LIMIT.drainPerSecond}`,
    });
    worker = await startAppWorker({ database, exclusive: true, log: () => {} });
  });
  afterAll(async () => {
    await worker?.stop(5000);
    process.env = saved;
    await harness?.close();
    await database?.close();
  });

  it("picks up a requested sync and runs it to the end", async () => {
    const p = harness.portals.embedded;
    const { runId } = await requestPortalSync(database.db, { orgId: p.orgId, connectionId: p.connectionId, kind: "full", reason: "manual" });
    const run = await waitFor(async () => {
      const [row] = await queryRows<{ status: string; error: string | null }>(database.db, sql`select status, error from sync_runs where id = ${runId}`);
      return row.status === "succeeded" || row.status === "failed" ? row : null;
    });
    expect(run).toEqual({ status: "succeeded", error: null });
    expect(await harness.compare("embedded")).toEqual({});
    const [connection] = await queryRows<{ last_synced_at: Date | null; crm_mode: number | null }>(
      database.db,
      sql`select last_synced_at, crm_mode from portal_connections where id = ${p.connectionId}`,
    );
    expect(connection.last_synced_at).not.toBeNull();
    expect(connection.crm_mode).not.toBeNull();
  });

  it("schedules due portals by their interval, the org's, or hourly, and not twice", async () => {
    const p = harness.portals.scheduled;
    // Never synced: due now (the worker's own minute tick may have queued it already).
    await scheduleDueSyncs(database.db);
    const waiting = await queryRows<{ reason: string }>(database.db, sql`select reason from sync_runs where connection_id = ${p.connectionId}`);
    expect(waiting.map((r) => r.reason)).toEqual(["schedule"]);
    // Its run waits or runs: nothing more is queued for it.
    await scheduleDueSyncs(database.db);
    const [count] = await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from sync_runs where connection_id = ${p.connectionId}`);
    expect(count.n).toBe(1);
    await waitFor(async () => {
      const [row] = await queryRows<{ status: string }>(database.db, sql`select status from sync_runs where connection_id = ${p.connectionId}`);
      return row.status === "succeeded";
    });
    // Just synced, hourly by default: not due.
    await scheduleDueSyncs(database.db);
    const [after] = await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from sync_runs where connection_id = ${p.connectionId}`);
    expect(after.n).toBe(1);
    // A one-minute interval on the connection, its last run two minutes ago: due again.
    await database.db.execute(sql`update portal_connections set sync_interval_minutes = 1 where id = ${p.connectionId}`);
    await database.db.execute(sql`update sync_runs set queued_at = queued_at - interval '2 minutes' where connection_id = ${p.connectionId}`);
    await scheduleDueSyncs(database.db);
    const [again] = await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from sync_runs where connection_id = ${p.connectionId}`);
    expect(again.n).toBe(2);
    // Scheduling switched off for the org: nothing is queued however long ago.
    await waitFor(async () => {
      const [row] = await queryRows<{ n: number }>(
        database.db,
        sql`select count(*)::int as n from sync_runs where connection_id = ${p.connectionId} and status in ('queued', 'running')`,
      );
      return row.n === 0;
    });
    await database.db.execute(sql`insert into org_sync_settings (org_id, schedule_enabled) values (${p.orgId}, false)`);
    await database.db.execute(sql`update sync_runs set queued_at = queued_at - interval '1 day' where connection_id = ${p.connectionId}`);
    await scheduleDueSyncs(database.db);
    const [off] = await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from sync_runs where connection_id = ${p.connectionId}`);
    expect(off.n).toBe(2);
  });

  it("re-sends the job of a run whose worker vanished", async () => {
    const p = harness.portals.embedded;
    // A run left running under an expired lease, as a killed worker leaves it.
    const { runId } = await requestPortalSync(database.db, { orgId: p.orgId, connectionId: p.connectionId, kind: "incremental", reason: "manual" });
    await waitFor(async () => {
      const [row] = await queryRows<{ status: string }>(database.db, sql`select status from sync_runs where id = ${runId}`);
      return row.status === "succeeded";
    });
    await database.db.execute(sql`update sync_runs set status = 'running', finished_at = null where id = ${runId}`);
    await database.db.execute(
      sql`update sync_leases set run_id = ${runId}, holder = 'gone', expires_at = clock_timestamp() - interval '1 minute' where connection_id = ${p.connectionId}`,
    );
    const swept = await sweepOrphanedRuns(database.db);
    expect(swept.map((k) => k.connectionId)).toContain(p.connectionId);
    const done = await waitFor(async () => {
      const [row] = await queryRows<{ status: string; attempts: number }>(database.db, sql`select status, attempts from sync_runs where id = ${runId}`);
      return row.status === "succeeded" ? row : null;
    });
    expect(done.attempts).toBe(2);
  });
});
