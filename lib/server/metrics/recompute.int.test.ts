import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db";
import { clients, metricBaselines, metricSnapshots } from "@/db/schema";
import { createTestDatabase, testDbKind } from "@/db/testing";
import { makePortalConnection } from "@/lib/server/sync/testing";
import { systemContext } from "@/lib/server/tenant";
import { recomputeClientMetrics } from "./recompute";
import { insertMirror } from "./testing";

/**
 * A hand-written mirror (Moscow time, roubles, one US-dollar deal) and its metrics computed by hand below.
 * Moscow is UTC+3 all year: 1 Feb 00:00 MSK = 31 Jan 21:00Z.
 */
const NOW = Date.parse("2024-04-15T12:00:00Z");

describe(`recompute from the mirror (${testDbKind})`, () => {
  let database: Database;
  let key: { orgId: string; connectionId: string; clientId: string };

  beforeAll(async () => {
    database = await createTestDatabase();
    key = await makePortalConnection(database.db);
    await database.db.update(clients).set({ timeZone: "Europe/Moscow", baseCurrency: "RUB", goLiveDate: "2024-03-01" }).where(eq(clients.id, key.clientId));
    await insertMirror(database.db, key, {
      currencies: [
        { currency: "RUB", amount: 1, base: true },
        { currency: "USD", amount: 90 },
      ],
      leads: [
        { id: 1, created: "2024-01-10T10:00:00Z", semantic: "S", closed: "2024-01-12T09:00:00Z" },
        { id: 2, created: "2024-01-20T10:00:00Z", semantic: "F", closed: "2024-01-25T10:00:00Z" },
        { id: 3, created: "2024-02-05T10:00:00Z" },
      ],
      deals: [
        { id: 1, created: "2024-01-12T09:00:00Z", semantic: "S", leadId: 1, companyId: 100, amount: 1000 },
        // no stage history: won on its CLOSEDATE (10 Feb 00:00 MSK = 9 Feb 21:00Z); a deal without a company
        { id: 2, created: "2024-02-01T07:00:00Z", semantic: "S", contactId: 5, amount: 10, currency: "USD", closeDate: "2024-02-10" },
        { id: 3, created: "2024-02-15T09:00:00Z", semantic: "F", companyId: 100, amount: 500 },
        { id: 4, created: "2024-03-05T09:00:00Z", semantic: "S", companyId: 200, amount: 2000 },
      ],
      dealHistory: [
        { id: 1, ownerId: 1, created: "2024-01-12T09:00:00Z", typeId: 1, semantic: "P" },
        { id: 2, ownerId: 1, created: "2024-01-20T10:00:00Z", typeId: 3, semantic: "S" },
        { id: 3, ownerId: 3, created: "2024-03-01T05:00:00Z", typeId: 3, semantic: "F" }, // 08:00 MSK on 1 March
        { id: 4, ownerId: 4, created: "2024-03-10T09:00:00Z", typeId: 3, semantic: "S" },
      ],
      activities: [
        { id: 1, ownerType: 1, ownerId: 1, created: "2024-01-10T10:00:00Z", typeId: 2, providerId: "VOXIMPLANT_CALL", direction: 1 },
        { id: 2, ownerType: 1, ownerId: 1, created: "2024-01-10T10:12:00Z", typeId: 2, providerId: "VOXIMPLANT_CALL", direction: 2, completed: true },
        { id: 4, ownerType: 1, ownerId: 3, created: "2024-02-05T10:00:00Z", completed: true, lastUpdated: "2024-02-05T10:30:00Z" },
        { id: 5, ownerType: 2, ownerId: 3, created: "2024-02-15T09:00:00Z", typeId: 4, providerId: "CRM_EMAIL", direction: 1 },
        { id: 6, ownerType: 2, ownerId: 2, created: "2024-02-01T08:00:00Z", providerId: "CRM_WEBFORM", direction: 1 },
        { id: 7, ownerType: 2, ownerId: 2, created: "2024-02-01T08:05:00Z", typeId: 4, providerId: "CRM_EMAIL", direction: 2, completed: true },
      ],
    });
  });
  afterAll(() => database.close());

  const snapshots = async () => {
    const rows = await database.db
      .select()
      .from(metricSnapshots)
      .where(and(eq(metricSnapshots.orgId, key.orgId), eq(metricSnapshots.clientId, key.clientId)));
    const map = new Map(rows.map((r) => [`${r.metric}@${r.month.slice(0, 7)}`, r]));
    return { rows, get: (metric: string, month: string) => map.get(`${metric}@${month}`)! };
  };

  it("stores every metric for every month of the history", async () => {
    const summary = await recomputeClientMetrics(systemContext(database.db, key.orgId), key.clientId, { now: NOW });
    expect(summary).toMatchObject({ firstMonth: "2024-01", lastMonth: "2024-04", months: 4, snapshots: 40 });
    const { rows } = await snapshots();
    expect(rows).toHaveLength(40);
  });

  it("computes January by hand", async () => {
    const { get } = await snapshots();
    expect(get("lead_conversion", "2024-01")).toMatchObject({ value: 50, numerator: 1, denominator: 2 });
    expect(get("lead_conversion", "2024-01").secondary).toMatchObject({ cohortSize: 2, cohortWon: 1, cohortConversion: 50 });
    // lead 1 answered after 12 min (its incoming call is part of the lead's request); lead 2 never
    expect(get("response_time", "2024-01")).toMatchObject({ value: 12, denominator: 1 });
    expect(get("response_time", "2024-01").secondary).toMatchObject({ answered: 1, unanswered: 1, slaShare: 50 });
    expect(get("retention_rate", "2024-01")).toMatchObject({ value: null, denominator: 0 });
    expect(get("retention_rate", "2024-01").secondary).toMatchObject({ S: 0, E: 1, N: 1 });
    expect(get("cac", "2024-01").value).toBeNull();
    expect(get("sales_cycle", "2024-01")).toMatchObject({ value: 10, denominator: 1 }); // lead created 10 Jan 10:00, won 20 Jan 10:00
    expect(get("avg_deal_size", "2024-01").value).toBe(1000);
    // lost: lead 2 (no answer: organisational) of 2 requests → SF 0.5; FAD = January's own 2; USP 1 000
    expect(get("lost_deals_cost", "2024-01").value).toBe(1000);
    expect(get("lost_deals_cost", "2024-01").secondary).toMatchObject({ sf: 0.5, fad: 2, usp: 1000, lostLeads: 1, actualLost: 0 });
    // telephony activities → call logging detected: 1 of 9
    expect(get("automation_level", "2024-01").value).toBeCloseTo(100 / 9, 9);
    // LTV: one buyer, 1 000 a year, no churn measurable: observed lifespan 20 Jan 10:00Z → 31 Jan 21:00Z = 11.458 days
    expect(get("ltv", "2024-01").value).toBeCloseTo((1000 * (11 + 11 / 24)) / 365.25, 6);
  });

  it("computes February by hand (a dollar deal without a company, won on its CLOSEDATE)", async () => {
    const { get } = await snapshots();
    expect(get("lead_conversion", "2024-02")).toMatchObject({ value: 100, numerator: 1, denominator: 1 });
    // lead 3 answered after 30 min, deal 2's web form after 5 min, deal 3's e-mail never
    expect(get("response_time", "2024-02")).toMatchObject({ value: 17.5, denominator: 2, numerator: 35 });
    expect(get("response_time", "2024-02").secondary.slaShare).toBeCloseTo(100 / 3, 9);
    expect(get("retention_rate", "2024-02")).toMatchObject({ value: 100 });
    expect(get("retention_rate", "2024-02").secondary).toMatchObject({ S: 1, E: 2, N: 1, C: 0, R: 0 });
    expect(get("churn_rate", "2024-02").value).toBe(0);
    expect(get("avg_deal_size", "2024-02").value).toBe(900); // 10 USD × 90
    expect(get("sales_cycle", "2024-02").value).toBeCloseTo(8 + 14 / 24, 9); // 1 Feb 07:00Z → 9 Feb 21:00Z
    expect(get("lost_deals_cost", "2024-02")).toMatchObject({ value: 0 });
    // a web form but no call in February: lead capture detected, call logging not
    expect(get("automation_level", "2024-02").value).toBeCloseTo(100 / 9, 9);
    expect(get("automation_level", "2024-02").secondary.automatedKeys).toBe("lead_capture");
  });

  it("computes March by hand (a loss in the zone's March, a month without leads)", async () => {
    const { get } = await snapshots();
    expect(get("lead_conversion", "2024-03").value).toBeNull(); // 1 won ÷ 0 leads
    expect(get("response_time", "2024-03").value).toBeNull();
    expect(get("retention_rate", "2024-03").secondary).toMatchObject({ S: 2, E: 3, N: 1 });
    expect(get("retention_rate", "2024-03").value).toBe(100);
    // deal 3 lost 1 Mar 08:00 MSK, its e-mail unanswered: SF 1 ÷ 1; FAD = mean(2, 3); USP 2 000
    expect(get("lost_deals_cost", "2024-03")).toMatchObject({ value: 5000 });
    expect(get("lost_deals_cost", "2024-03").secondary).toMatchObject({ actualLost: 500, lostDeals: 1, fad: 2.5, sf: 1 });
  });

  it("computes baselines from the months before go-live", async () => {
    const rows = await database.db.select().from(metricBaselines).where(eq(metricBaselines.clientId, key.clientId));
    const lead = rows.find((r) => r.metric === "lead_conversion")!;
    expect(lead.computedValue).toBeCloseTo(200 / 3, 9); // (1 + 1) ÷ (2 + 1) over January and February
    expect([lead.computedFrom, lead.computedTo]).toEqual(["2024-01", "2024-02"]);
  });

  it("is idempotent and recomputes only the months asked for", async () => {
    const before = await snapshots();
    const summary = await recomputeClientMetrics(systemContext(database.db, key.orgId), key.clientId, { now: NOW, fromMonth: "2024-03" });
    expect(summary).toMatchObject({ months: 2, snapshots: 20, fromMonth: "2024-03" });
    const after = await snapshots();
    expect(after.rows).toHaveLength(40);
    for (const r of before.rows) {
      const a = after.get(r.metric, r.month.slice(0, 7));
      expect([a.value, a.numerator, a.denominator], `${r.metric} ${r.month}`).toEqual([r.value, r.numerator, r.denominator]);
    }
  });
});
