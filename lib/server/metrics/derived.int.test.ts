import { sql } from "drizzle-orm";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows, type Database } from "@/db";
import { createTestDatabase, testDbKind } from "@/db/testing";
import { makePortalConnection } from "@/lib/server/sync/testing";
import { refreshDealOutcomes, refreshRequestPairs } from "./mirror-inputs";
import { insertMirror, randomRequestRecords, type DealFixture, type HistoryFixture, type LeadFixture, type MirrorKey } from "./testing";

/**
 * The kept request pairs: after any mix of mirror changes, the incremental refresh must leave exactly what a
 * rebuild from scratch makes.
 */
describe(`request pairs stay equal to a rebuild (${testDbKind})`, () => {
  let database: Database;
  afterAll(() => database.close());
  beforeAll(async () => {
    database = await createTestDatabase();
  });

  const pairs = (key: MirrorKey) =>
    queryRows<Record<string, unknown>>(
      database.db,
      sql`select owner_type_id, owner_id, requested_at::text, source, activity_id, answered_at::text, first
          from mirror_request_pairs where org_id = ${key.orgId} and connection_id = ${key.connectionId}
          order by owner_type_id, owner_id, requested_at, source, activity_id`,
    );
  const refresh = (key: MirrorKey) => database.db.transaction((tx) => refreshRequestPairs(tx, key));
  /** What a rebuild makes now (the stored version is made stale, so the refresh rebuilds). */
  async function rebuilt(key: MirrorKey) {
    await database.executeSql(`update mirror_derived_states set version = 'stale' where connection_id = '${key.connectionId}'`);
    expect((await refresh(key)).rebuilt).toBe(true);
    return pairs(key);
  }

  it("refreshes the records whose activities or lead changed, moved or went", async () => {
    const key = await makePortalConnection(database.db);
    const other = await makePortalConnection(database.db);
    const data = randomRequestRecords(5);
    await insertMirror(database.db, key, { leads: data.leads, activities: data.activities });
    await insertMirror(database.db, other, { leads: data.leads, activities: data.activities });

    expect((await refresh(key)).rebuilt).toBe(true);
    expect((await refresh(other)).rebuilt).toBe(true);
    const before = await pairs(key);
    const otherBefore = await pairs(other);
    expect(before.length).toBeGreaterThan(50);
    expect(await refresh(key)).toEqual({ rebuilt: false, records: 0 });

    const c = `connection_id = '${key.connectionId}'`;
    // Completed by an employee, moved to another record, deleted; a lead re-dated, a lead deleted; new activities.
    await database.executeSql(`update mirror_activities set completed = true, status = 2, last_updated = created + interval '5 minutes', synced_at = clock_timestamp()
                               where ${c} and id % 7 = 0`);
    await database.executeSql(`update mirror_activities set owner_id = owner_id + 1, synced_at = clock_timestamp() where ${c} and id % 11 = 0`);
    await database.executeSql(`delete from mirror_activities where ${c} and id % 13 = 0`);
    await database.executeSql(`update mirror_leads set date_create = date_create + interval '2 hours', synced_at = clock_timestamp() where ${c} and id % 5 = 0`);
    const gone = data.leads.find((l) => data.activities.some((a) => a.ownerType === 1 && a.ownerId === l.id && a.direction === 1))!;
    await database.executeSql(`delete from mirror_leads where ${c} and id = ${gone.id}`);
    await insertMirror(database.db, key, {
      activities: data.activities.slice(0, 20).map((a, i) => ({ ...a, id: 10_000 + i, direction: 2 as const, created: new Date(Date.parse(a.created) + 60_000).toISOString() })),
    });

    const refreshed = await refresh(key);
    expect(refreshed.rebuilt).toBe(false);
    expect(refreshed.records).toBeGreaterThan(10);
    const after = await pairs(key);
    expect(after).not.toEqual(before);
    expect(after.some((p) => p.owner_type_id === 1 && p.owner_id === gone.id)).toBe(false);
    expect(after).toEqual(await rebuilt(key));
    // The other portal's pairs are untouched.
    expect(await pairs(other)).toEqual(otherBefore);
  });

  it("logs deleted leads and deals with the earliest instant they stood for", async () => {
    const key = await makePortalConnection(database.db);
    await insertMirror(database.db, key, {
      leads: [{ id: 1, created: "2024-03-05T10:00:00Z" }],
      deals: [{ id: 2, created: "2024-03-07T10:00:00Z" }],
    });
    await database.executeSql(`delete from mirror_leads where connection_id = '${key.connectionId}'`);
    await database.executeSql(`delete from mirror_deals where connection_id = '${key.connectionId}'`);
    const logged = await queryRows<{ entity: string; id: number; owner_type_id: number; occurred_at: string }>(
      database.db,
      sql`select entity, id, owner_type_id, to_char(occurred_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI') as occurred_at
          from mirror_changes where connection_id = ${key.connectionId} order by id`,
    );
    expect(logged).toEqual([
      { entity: "lead", id: 1, owner_type_id: 1, occurred_at: "2024-03-05 10:00" },
      { entity: "deal", id: 2, owner_type_id: 2, occurred_at: "2024-03-07 10:00" },
    ]);
  });

  it.runIf(testDbKind === "postgres")("does not skip rows committed after a refresh that started before them", async () => {
    const key = await makePortalConnection(database.db);
    const data = randomRequestRecords(9);
    await insertMirror(database.db, key, { leads: data.leads, activities: data.activities });
    await refresh(key);

    // Another session writes an incoming call (synced_at: its write instant) and commits only after a refresh ran.
    const writer = postgres(database.url!, { max: 1, onnotice: () => {} });
    const owner = data.leads[0].id;
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let written!: () => void;
    const wrote = new Promise<void>((resolve) => (written = resolve));
    const writing = writer.begin(async (tx) => {
      await tx.unsafe(`insert into mirror_activities (org_id, connection_id, id, owner_type_id, owner_id, type_id, provider_id, direction, created, last_updated, completed, status, synced_at)
                       values ('${key.orgId}', '${key.connectionId}', 50000, 1, ${owner}, 2, 'VOXIMPLANT_CALL', 1, '2024-04-01T09:00:00Z', '2024-04-01T09:00:00Z', false, 1, clock_timestamp())`);
      written();
      await held;
    });
    await wrote;
    expect(await refresh(key)).toEqual({ rebuilt: false, records: 0 });
    release();
    await writing;
    await writer.end();

    expect((await refresh(key)).records).toBeGreaterThan(0);
    const after = await pairs(key);
    expect(after.some((p) => p.activity_id === 50000)).toBe(true);
    expect(after).toEqual(await rebuilt(key));
  });
});

/** Closed deals kept beside the mirror: the incremental refresh must leave what a rebuild makes. */
describe(`deal outcomes stay equal to a rebuild (${testDbKind})`, () => {
  let database: Database;
  afterAll(() => database.close());
  beforeAll(async () => {
    database = await createTestDatabase();
  });

  const ZONE = "Asia/Vladivostok";
  const outcomes = (key: MirrorKey) =>
    queryRows<Record<string, unknown>>(
      database.db,
      sql`select id, company_id, contact_id, lead_id, stage_id, opportunity::text, currency_id, won_at::text, lost_at::text, first_at::text,
                 customer, customer_first_won_at::text
          from mirror_deal_outcomes where org_id = ${key.orgId} and connection_id = ${key.connectionId} order by id`,
    );
  const refresh = (key: MirrorKey, timeZone = ZONE) => database.db.transaction((tx) => refreshDealOutcomes(tx, { ...key, timeZone }));

  function mirror() {
    const leads: LeadFixture[] = [];
    const deals: DealFixture[] = [];
    const history: HistoryFixture[] = [];
    for (let i = 1; i <= 60; i++) {
      const created = Date.parse("2024-01-10T08:00:00Z") + i * 86_400_000;
      const semantic = (["S", "F", "P"] as const)[i % 3];
      if (i % 4 === 0) leads.push({ id: i, created: new Date(created - 3 * 86_400_000).toISOString() });
      deals.push({
        id: i,
        created: new Date(created).toISOString(),
        semantic,
        amount: 1000 + i,
        currency: i % 5 === 0 ? "USD" : "RUB",
        leadId: i % 4 === 0 ? i : null,
        companyId: i % 2 === 0 ? 100 + (i % 7) : null,
        contactId: i % 2 === 1 ? 200 + (i % 5) : null,
        // Deals without a final history entry fall back to CLOSEDATE, a local date.
        closeDate: new Date(created + 10 * 86_400_000).toISOString().slice(0, 10),
      });
      history.push({ id: i * 10, ownerId: i, created: new Date(created).toISOString(), typeId: 1, semantic: "P" });
      if (semantic !== "P" && i % 6 !== 0) history.push({ id: i * 10 + 1, ownerId: i, created: new Date(created + 5 * 86_400_000).toISOString(), typeId: 3, semantic });
    }
    return { leads, deals, dealHistory: history };
  }

  it("refreshes the deals whose row, history or lead changed, and those deleted", async () => {
    const key = await makePortalConnection(database.db);
    await insertMirror(database.db, key, mirror());
    expect((await refresh(key)).rebuilt).toBe(true);
    const before = await outcomes(key);
    expect(before.length).toBe(40);
    expect(await refresh(key)).toEqual({ rebuilt: false, records: 0 });

    const firstWinOf = (rows: Record<string, unknown>[], id: number) => rows.find((o) => o.id === id)?.customer_first_won_at;
    // Contact 203 won deals 3 and 33; company 106 won deal 6 (and others), company 101 deals 36 and 78.
    expect(firstWinOf(before, 33)).toBe(before.find((o) => o.id === 3)?.won_at);
    expect(firstWinOf(before, 6)).toBe(before.find((o) => o.id === 6)?.won_at);

    const c = `connection_id = '${key.connectionId}'`;
    // A deal reopened, one won now, a later final entry, a lead re-dated, a deal deleted, a deal moved to another
    // company.
    await database.executeSql(`update mirror_deals set stage_semantic_id = 'P', stage_id = 'NEW', synced_at = clock_timestamp() where ${c} and id = 3`);
    await database.executeSql(`update mirror_deals set company_id = 101, synced_at = clock_timestamp() where ${c} and id = 6`);
    await database.executeSql(`update mirror_deals set stage_semantic_id = 'S', stage_id = 'WON', synced_at = clock_timestamp() where ${c} and id = 5`);
    await insertMirror(database.db, key, {
      dealHistory: [
        { id: 9001, ownerId: 5, created: "2024-03-01T09:00:00Z", typeId: 3, semantic: "S" },
        { id: 9002, ownerId: 7, created: "2024-03-02T09:00:00Z", typeId: 3, semantic: "S" },
      ],
    });
    await database.executeSql(`update mirror_leads set date_create = date_create - interval '1 day', synced_at = clock_timestamp() where ${c} and id = 8`);
    await database.executeSql(`delete from mirror_deals where ${c} and id = 10`);

    const refreshed = await refresh(key);
    expect(refreshed).toEqual({ rebuilt: false, records: 6 });
    const after = await outcomes(key);
    expect(after).not.toEqual(before);
    // Customers' first wins moved on deals that did not change themselves.
    expect(firstWinOf(after, 33)).toBe(after.find((o) => o.id === 33)?.won_at);
    expect(firstWinOf(after, 36)).toBe(after.find((o) => o.id === 6)?.won_at);
    expect(firstWinOf(after, 13)).toBeNull();
    expect(after.find((o) => o.id === 5)?.won_at).toMatch(/^2024-03-01/);
    expect(after.some((o) => o.id === 10 || o.id === 3)).toBe(false);

    await database.executeSql(`update mirror_derived_states set version = 'stale' where ${c}`);
    expect((await refresh(key)).rebuilt).toBe(true);
    expect(await outcomes(key)).toEqual(after);
  });

  it("rebuilds when the client's time zone changes (CLOSEDATE is a local date)", async () => {
    const key = await makePortalConnection(database.db);
    await insertMirror(database.db, key, mirror());
    await refresh(key);
    const east = await outcomes(key);
    expect((await refresh(key, "America/Los_Angeles")).rebuilt).toBe(true);
    const west = await outcomes(key);
    const fallback = (rows: Record<string, unknown>[]) => rows.find((o) => o.id === 6)!;
    expect(fallback(west).won_at).toEqual(expect.any(String));
    expect(fallback(west).won_at).not.toEqual(fallback(east).won_at);
  });
});
