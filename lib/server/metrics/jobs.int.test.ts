import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db";
import { clientMetricStates, clients, metricSnapshots, mirrorDeals } from "@/db/schema";
import { createTestDatabase, testDbKind } from "@/db/testing";
import type { JobContext } from "@/lib/server/jobs/definitions";
import { updateClient } from "@/lib/server/services/clients";
import { addMember } from "@/lib/server/services/test-helpers";
import { makePortalConnection } from "@/lib/server/sync/testing";
import { runMetricsRecomputeJob, runMetricsTickJob } from "./jobs";
import { requestMetricsAfterSync, requestMetricsRecompute } from "./requests";
import { insertMirror } from "./testing";

describe(`recompute requests and jobs (${testDbKind})`, () => {
  let database: Database;
  let key: Awaited<ReturnType<typeof makePortalConnection>>;
  const job = (): JobContext => ({ database, jobId: "test", signal: new AbortController().signal, workerId: "test" });
  const state = async () => (await database.db.select().from(clientMetricStates).where(eq(clientMetricStates.clientId, key.clientId)))[0];

  beforeAll(async () => {
    database = await createTestDatabase();
    key = await makePortalConnection(database.db);
    await insertMirror(database.db, key, {
      deals: [
        { id: 1, created: "2024-01-12T09:00:00Z", semantic: "S", companyId: 1, amount: 10, movedTime: "2024-01-20T09:00:00Z" },
        { id: 2, created: "2024-05-12T09:00:00Z", semantic: "S", companyId: 2, amount: 30, movedTime: "2024-05-20T09:00:00Z" },
      ],
    });
  });
  afterAll(() => database.close());

  it("merges requests and lets one job do them", async () => {
    await requestMetricsRecompute(database.db, { orgId: key.orgId, clientId: key.clientId, scope: { fromMonth: "2024-05" } });
    await requestMetricsRecompute(database.db, { orgId: key.orgId, clientId: key.clientId, scope: { fromMonth: "2024-03" } });
    expect(await state()).toMatchObject({ pendingFull: false, pendingFrom: "2024-03-01" });
    await requestMetricsAfterSync(database.db, { orgId: key.orgId, connectionId: key.connectionId, kind: "full", startedAt: new Date() });
    expect(await state()).toMatchObject({ pendingFull: true, pendingFrom: "2024-03-01" });
    const summary = (await runMetricsRecomputeJob({ orgId: key.orgId, clientId: key.clientId }, job())) as { fromMonth: string | null; firstMonth: string };
    expect(summary).toMatchObject({ fromMonth: null, firstMonth: "2024-01" });
    expect(await state()).toMatchObject({ pendingFull: false, pendingFrom: null, pendingChangedSince: null, runningSince: null });
    expect(await runMetricsRecomputeJob({ orgId: key.orgId, clientId: key.clientId }, job())).toEqual({ skipped: true });
  });

  it("after an incremental sync, recomputes from the earliest month the synced rows touch", async () => {
    // The rows written by the first sync are older than this run, however fast the tests before it were.
    await database.db.update(mirrorDeals).set({ syncedAt: new Date(Date.now() - 3_600_000) });
    const before = new Date(Date.now() - 1000);
    await database.db.update(mirrorDeals).set({ opportunity: 50, syncedAt: new Date() }).where(eq(mirrorDeals.id, 2));
    await requestMetricsAfterSync(database.db, { orgId: key.orgId, connectionId: key.connectionId, kind: "incremental", startedAt: before });
    const summary = (await runMetricsRecomputeJob({ orgId: key.orgId, clientId: key.clientId }, job())) as { fromMonth: string | null };
    expect(summary.fromMonth).toBe("2024-05");
    const [row] = await database.db
      .select()
      .from(metricSnapshots)
      .where(sql`${metricSnapshots.clientId} = ${key.clientId} and ${metricSnapshots.metric} = 'avg_deal_size' and ${metricSnapshots.month} = '2024-05-01'`);
    expect(row.value).toBe(50);
  });

  it("puts the work back when a recompute fails", async () => {
    await requestMetricsRecompute(database.db, { orgId: key.orgId, clientId: key.clientId, scope: { fromMonth: "2024-02" } });
    await database.db.update(clients).set({ timeZone: "Not/AZone" }).where(eq(clients.id, key.clientId));
    await expect(runMetricsRecomputeJob({ orgId: key.orgId, clientId: key.clientId }, job())).rejects.toThrow();
    expect(await state()).toMatchObject({ pendingFull: true, runningSince: null });
    expect((await state()).error).toBeTruthy();
    await database.db.update(clients).set({ timeZone: "Europe/Moscow" }).where(eq(clients.id, key.clientId));
    await runMetricsRecomputeJob({ orgId: key.orgId, clientId: key.clientId }, job());
    expect(await state()).toMatchObject({ pendingFull: false, error: null });
  });

  it("finds histories made under other settings or definitions, and new months", async () => {
    const editor = await addMember(database.db, key.orgId, "admin");
    await updateClient(editor.ctx, key.clientId, { name: "Renamed", timeZone: "Asia/Vladivostok", baseCurrency: "RUB", status: "active" });
    expect((await state()).pendingFull).toBe(true);
    await runMetricsRecomputeJob({ orgId: key.orgId, clientId: key.clientId }, job());

    // A definition version the code no longer has: the tick requests the whole history again.
    await database.db.update(clientMetricStates).set({ definitionVersions: { lead_conversion: 0 } }).where(eq(clientMetricStates.clientId, key.clientId));
    await runMetricsTickJob({}, job());
    expect((await state()).pendingFull).toBe(true);
    await runMetricsRecomputeJob({ orgId: key.orgId, clientId: key.clientId }, job());

    // The month rolled over since the last recompute: from the last stored month on.
    await database.db.update(clientMetricStates).set({ lastMonth: "2024-06-01" }).where(eq(clientMetricStates.clientId, key.clientId));
    await runMetricsTickJob({}, job());
    expect(await state()).toMatchObject({ pendingFull: false, pendingFrom: "2024-06-01" });
  });
});
