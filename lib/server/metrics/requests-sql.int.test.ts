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
} from "@/lib/metrics";
import { makePortalConnection } from "@/lib/server/sync/testing";
import { loadResponseMonths, prepareRequests, type MirrorScope } from "./mirror-inputs";
import { insertMirror, randomRequestRecords } from "./testing";

const ZONE = "America/New_York"; // far from UTC and with DST changes inside the data
const NOW = Date.parse("2024-04-20T00:00:00Z");

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
    const data = randomRequestRecords(seed);
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
      const requests = await prepareRequests(tx, scope, { from: null, businessHours: hours });
      return loadResponseMonths(tx, scope, requests, 15, null);
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
