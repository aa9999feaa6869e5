import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db";
import { createTestDatabase, testDbKind } from "@/db/testing";
import {
  businessMinutesBetween,
  classifyRequest,
  inboundRequests,
  monthBoundaries,
  monthOf,
  summarizeResponses,
  type BusinessHours,
  type RequestActivity,
} from "@/lib/metrics";
import { makePortalConnection } from "@/lib/server/sync/testing";
import { loadResponseMonths, prepareRequests, type MirrorScope } from "./mirror-inputs";
import { insertMirror, type ActivityFixture, type LeadFixture } from "./testing";

/** A small deterministic generator (mulberry32). */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ZONE = "America/New_York"; // far from UTC and with DST changes inside the data
const START = Date.parse("2024-02-20T00:00:00Z");
const NOW = Date.parse("2024-04-20T00:00:00Z");
const MIN = 60_000;

/**
 * Random records (leads, deals, contacts) with random activities of every kind, stored in the mirror; the SQL's
 * monthly response figures must equal the reference definition (lib/metrics/inbound-requests.ts) applied record
 * by record.
 */
function generate(seed: number) {
  const r = rng(seed);
  const leads: LeadFixture[] = [];
  const activities: ActivityFixture[] = [];
  let actId = 0;
  const records: { ot: 1 | 2 | 3; id: number; leadAt: number | null; acts: RequestActivity[] }[] = [];
  for (let i = 1; i <= 120; i++) {
    const ot = (1 + Math.floor(r() * 3)) as 1 | 2 | 3;
    const base = START + Math.floor(r() * 55 * 24 * 60) * MIN;
    const leadAt = ot === 1 ? base : null;
    if (ot === 1) leads.push({ id: i, created: new Date(base).toISOString() });
    const acts: RequestActivity[] = [];
    const count = Math.floor(r() * 6);
    for (let k = 0; k < count; k++) {
      const created = base + Math.floor((r() - 0.1) * 3 * 24 * 60) * MIN;
      const kind = r();
      const completed = r() < 0.5;
      const status = completed ? (r() < 0.8 ? 2 : 3) : 1;
      const lastUpdated = completed ? created + Math.floor(r() * 600) * MIN : created;
      const a: RequestActivity =
        kind < 0.3
          ? { id: ++actId, created, lastUpdated, direction: 1, typeId: 2, providerId: "VOXIMPLANT_CALL", completed, status }
          : kind < 0.45
            ? { id: ++actId, created, lastUpdated, direction: 1, typeId: 6, providerId: r() < 0.5 ? "IMOPENLINES_SESSION" : "CRM_WEBFORM", completed, status }
            : kind < 0.7
              ? { id: ++actId, created, lastUpdated, direction: 2, typeId: 4, providerId: "CRM_EMAIL", completed, status }
              : { id: ++actId, created, lastUpdated, direction: 0, typeId: 6, providerId: "CRM_TODO", completed, status };
      acts.push(a);
      activities.push({
        id: a.id,
        ownerType: ot,
        ownerId: i,
        created: new Date(a.created).toISOString(),
        lastUpdated: new Date(a.lastUpdated!).toISOString(),
        typeId: a.typeId,
        providerId: a.providerId!,
        direction: a.direction as 0 | 1 | 2,
        completed: a.completed,
        status: a.status as 1 | 2 | 3,
      });
    }
    records.push({ ot, id: i, leadAt, acts });
  }
  return { leads, activities, records };
}

describe(`inbound requests in SQL match the reference definition (${testDbKind})`, () => {
  let database: Database;
  afterAll(() => database.close());
  beforeAll(async () => {
    database = await createTestDatabase();
  });

  const cases: [string, number, BusinessHours | null][] = [
    ["calendar minutes", 7, null],
    ["business hours", 11, { days: [1, 2, 3, 4, 5], startMinute: 9 * 60, endMinute: 18 * 60 }],
  ];

  it.each(cases)("%s", async (_, seed, hours) => {
    const key = await makePortalConnection(database.db);
    const data = generate(seed);
    await insertMirror(database.db, key, { leads: data.leads, activities: data.activities });

    const minutes = hours ? (a: number, b: number) => businessMinutesBetween(a, b, hours, ZONE) : undefined;
    const byMonth = new Map<string, ReturnType<typeof classifyRequest>[]>();
    for (const rec of data.records) {
      for (const req of inboundRequests({ leadCreatedAt: rec.leadAt, activities: rec.acts })) {
        const month = monthOf(req.at, ZONE);
        if (!byMonth.has(month)) byMonth.set(month, []);
        byMonth.get(month)!.push(classifyRequest(req.at, req.answeredAt, NOW, minutes));
      }
    }

    const grid = monthBoundaries("2024-02", "2024-04", ZONE);
    const scope: MirrorScope = { ...key, timeZone: ZONE, factors: [], portalBase: "RUB", rangeStart: null, now: NOW, months: grid.months, bounds: grid.boundaries };
    const rows = await database.db.transaction(async (tx) => {
      await tx.execute(sql`create temp table m_lost (ot int, id int, lead_id int) on commit drop`);
      await prepareRequests(tx, scope, { from: null, businessHours: hours });
      return loadResponseMonths(tx, scope, 15, null);
    });

    expect(rows.map((r) => r.month).sort()).toEqual([...byMonth.keys()].sort());
    let total = 0;
    for (const row of rows) {
      const expected = summarizeResponses(byMonth.get(row.month)!, 15);
      total += expected.answered + expected.unanswered + expected.pending;
      expect([row.answered, row.unanswered, row.pending, row.withinSla], row.month).toEqual([expected.answered, expected.unanswered, expected.pending, expected.withinSla]);
      expect(row.sumMinutes).toBeCloseTo(expected.sumMinutes, 6);
      if (expected.median === null) expect(row.median).toBeNull();
      else expect(row.median).toBeCloseTo(expected.median, 6);
      if (expected.p90 === null) expect(row.p90).toBeNull();
      else expect(row.p90).toBeCloseTo(expected.p90, 6);
      expect(row.histogram).toEqual(expected.histogram);
    }
    expect(total).toBeGreaterThan(100);
  });
});
