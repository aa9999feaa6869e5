import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { queryRows, type Database } from "@/db";
import { createTestDatabase, testDbKind } from "@/db/testing";
import { startJobWorker } from "@/lib/server/jobs/worker";
import { requestPortalSync } from "./requests";
import { makePortalConnection } from "./testing";

process.env.TOKEN_ENCRYPTION_KEY ??= Buffer.alloc(32, 7).toString("base64");

describe(`requestPortalSync (${testDbKind})`, () => {
  let database: Database;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.close());

  it("queues one run per portal, joins waiting requests and upgrades them to full", async () => {
    const { orgId, connectionId } = await makePortalConnection(database.db);
    const first = await requestPortalSync(database.db, { orgId, connectionId, kind: "incremental", reason: "manual" });
    const second = await requestPortalSync(database.db, { orgId, connectionId, kind: "full", reason: "cli" });
    expect(first.created).toBe(true);
    expect(second.created).toBe(false);
    expect(second.runId).toBe(first.runId);
    const runs = await queryRows<{ kind: string; status: string }>(
      database.db,
      sql`select kind, status from sync_runs where org_id = ${orgId} and connection_id = ${connectionId}`,
    );
    expect(runs).toEqual([{ kind: "full", status: "queued" }]);
  });

  it("refuses a connection of another org", async () => {
    const a = await makePortalConnection(database.db);
    const b = await makePortalConnection(database.db);
    await expect(
      requestPortalSync(database.db, { orgId: a.orgId, connectionId: b.connectionId, kind: "full", reason: "manual" }),
    ).rejects.toMatchObject({ code: "not_found" });
  });

  it("sends one job per waiting portal once the queue is installed, inside the caller's transaction", async () => {
    const worker = await startJobWorker(database, { jobs: [], schedule: false });
    await worker.stop();
    // The queue table exists now; queues are created by workers that declare them.
    const withQueues = await startJobWorker(database, { schedule: false, pollingIntervalSeconds: 30 });
    await withQueues.stop();
    const { orgId, connectionId } = await makePortalConnection(database.db);
    await database.db.transaction(async (tx) => {
      await requestPortalSync(tx, { orgId, connectionId, kind: "full", reason: "manual" });
      await requestPortalSync(tx, { orgId, connectionId, kind: "incremental", reason: "manual" });
    });
    const jobs = await queryRows<{ n: number }>(
      database.db,
      sql`select count(*)::int as n from pgboss.job where name = 'sync.portal' and singleton_key = ${connectionId} and state = 'created'`,
    );
    expect(jobs[0].n).toBe(1);
  });
});

describe(`sync history pruning (${testDbKind})`, () => {
  let database: Database;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.close());

  it("deletes old finished runs but keeps each portal's last ones and anything unfinished", async () => {
    const { pruneSyncHistory } = await import("./runs");
    const { orgId, connectionId } = await makePortalConnection(database.db);
    for (let i = 0; i < 25; i++) {
      await database.db.execute(
        sql`insert into sync_runs (org_id, connection_id, kind, status, reason, queued_at, finished_at)
            values (${orgId}, ${connectionId}, 'incremental', 'succeeded', 'schedule',
                    now() - make_interval(days => ${100 - i}), now() - make_interval(days => ${100 - i}))`,
      );
    }
    await requestPortalSync(database.db, { orgId, connectionId, kind: "incremental", reason: "manual" });
    expect(await pruneSyncHistory(database.db, 30, 20)).toBe(6);
    const [left] = await queryRows<{ finished: number; waiting: number }>(
      database.db,
      sql`select count(*) filter (where status = 'succeeded')::int as finished, count(*) filter (where status = 'queued')::int as waiting
          from sync_runs where connection_id = ${connectionId}`,
    );
    // The last 20 by queue time include the waiting run, so 19 finished ones stay.
    expect(left).toEqual({ finished: 19, waiting: 1 });
  });
});
