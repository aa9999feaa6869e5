import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db";
import { clientMetricStates, metricSnapshots, portalConnections } from "@/db/schema";
import { createTestDatabase, testDbKind } from "@/db/testing";
import { createPortalData, type PortalData } from "@/lib/bitrix24/emulator";
import type { JobContext } from "@/lib/server/jobs/definitions";
import { saveMonthlyInputs } from "@/lib/server/services/metric-inputs";
import { updateMetricSettings } from "@/lib/server/services/metric-settings";
import { createHarness, type Harness } from "@/lib/server/sync/sync-harness";
import { systemContext } from "@/lib/server/tenant";
import { runMetricsRecomputeJob } from "./jobs";

process.env.TOKEN_ENCRYPTION_KEY ??= Buffer.alloc(32, 7).toString("base64");

const t = (iso: string) => Date.parse(iso);
const DAY = 86_400_000;

/**
 * A small portal written out by hand (Moscow time, UTC+3: 1 Feb 00:00 MSK = 31 Jan 21:00Z), connected and synced
 * through the sync engine over HTTP, its metrics recomputed by the recompute job. Every expected value below is
 * worked out by hand from these records.
 *
 * Leads: L1 10 Jan (converted), L2 15 Jan (junk, closed 20 Jan), L3 5 Feb (converted), L4 20 Feb (in progress),
 *        L5 3 Mar (junk, closed 4 Mar).
 * Deals: D1 from L1, company 10, won 21 Jan, 100 000 ₽        D2 direct, contact 20, won 4 Feb, 1 000 $ (90 000 ₽)
 *        D3 from L3, company 10, lost 16 Feb, 50 000 ₽        D4 direct, company 30, won 11 Mar, 200 000 ₽
 *        D5 direct, no client, won 15 Mar, 30 000 ₽          D6 direct, company 10, won 20 Mar, 70 000 ₽
 * Requests and answers: L1 10 min (its incoming call is the lead's request); L2 none; D2's web form 5 min;
 *        L3 40 min (a to-do done); L4 120 min; D4's e-mail 60 min (a to-do completed by automation does not
 *        count); L5's chat taken after 3 min.
 * Manual inputs: Jan marketing 30 000, licence 5 000, implementation 60 000 over 6 months; Feb marketing 20 000,
 *        licence 5 000; Mar marketing 10 000, licence 5 000, salaries 40 000 (not fully loaded), forecast 5,
 *        fulfilment 0.8. Settings: junk leads are lost to the organisation.
 * A workflow template started automatically since 15 Feb.
 */
function handWrittenPortal(): PortalData {
  const data = createPortalData();
  data.currencies.push(
    { CURRENCY: "RUB", AMOUNT_CNT: 1, AMOUNT: 1, BASE: true, SORT: 100, FULL_NAME: "Russian Ruble" },
    { CURRENCY: "USD", AMOUNT_CNT: 1, AMOUNT: 90, BASE: false, SORT: 200, FULL_NAME: "US Dollar" },
  );
  const lead = (id: number, created: string, status: string, semantic: string, closed: string | null) =>
    data.tables.lead.append({
      ID: id,
      TITLE: `Lead ${id}`,
      STATUS_ID: status,
      STATUS_SEMANTIC_ID: semantic,
      SOURCE_ID: "CALL",
      CURRENCY_ID: "RUB",
      OPPORTUNITY: 0,
      ASSIGNED_BY_ID: 1,
      CREATED_BY_ID: 1,
      DATE_CREATE: t(created),
      DATE_MODIFY: t(closed ?? created),
      DATE_CLOSED: closed ? t(closed) : null,
      MOVED_TIME: t(closed ?? created),
    });
  lead(1, "2024-01-10T07:00:00Z", "CONVERTED", "S", "2024-01-11T07:00:00Z");
  lead(2, "2024-01-15T07:00:00Z", "JUNK", "F", "2024-01-20T07:00:00Z");
  lead(3, "2024-02-05T07:00:00Z", "CONVERTED", "S", "2024-02-06T07:00:00Z");
  lead(4, "2024-02-20T07:00:00Z", "IN_PROCESS", "P", null);
  lead(5, "2024-03-03T07:00:00Z", "JUNK", "F", "2024-03-04T07:00:00Z");

  data.tables.company.append({ ID: 10, TITLE: "Alpha LLC", DATE_CREATE: t("2024-01-10T07:00:00Z"), DATE_MODIFY: t("2024-01-10T07:00:00Z"), ASSIGNED_BY_ID: 1 });
  data.tables.company.append({ ID: 30, TITLE: "Gamma JSC", DATE_CREATE: t("2024-03-01T07:00:00Z"), DATE_MODIFY: t("2024-03-01T07:00:00Z"), ASSIGNED_BY_ID: 1 });
  data.tables.contact.append({ ID: 20, NAME: "Boris", LAST_NAME: "Beta", DATE_CREATE: t("2024-01-25T07:00:00Z"), DATE_MODIFY: t("2024-01-25T07:00:00Z"), ASSIGNED_BY_ID: 1 });

  let historyId = 0;
  const deal = (id: number, created: string, closed: string, stage: string, semantic: string, amount: number, currency: string, links: { lead?: number; company?: number; contact?: number }) => {
    data.tables.deal.append({
      ID: id,
      TITLE: `Deal ${id}`,
      CATEGORY_ID: 0,
      STAGE_ID: stage,
      STAGE_SEMANTIC_ID: semantic,
      CLOSED: true,
      OPPORTUNITY: amount,
      CURRENCY_ID: currency,
      LEAD_ID: links.lead ?? null,
      COMPANY_ID: links.company ?? null,
      CONTACT_ID: links.contact ?? null,
      DATE_CREATE: t(created),
      DATE_MODIFY: t(closed),
      MOVED_TIME: t(closed),
      CLOSEDATE: t(closed) - (t(closed) % DAY) - 3 * 3_600_000,
      ASSIGNED_BY_ID: 1,
      CREATED_BY_ID: 1,
    });
  };
  deal(1, "2024-01-11T07:00:00Z", "2024-01-21T07:00:00Z", "WON", "S", 100_000, "RUB", { lead: 1, company: 10 });
  deal(2, "2024-01-25T07:00:00Z", "2024-02-04T07:00:00Z", "WON", "S", 1_000, "USD", { contact: 20 });
  deal(3, "2024-02-06T07:00:00Z", "2024-02-16T07:00:00Z", "LOSE", "F", 50_000, "RUB", { lead: 3, company: 10 });
  deal(4, "2024-03-01T07:00:00Z", "2024-03-11T07:00:00Z", "WON", "S", 200_000, "RUB", { company: 30 });
  deal(5, "2024-03-05T07:00:00Z", "2024-03-15T07:00:00Z", "WON", "S", 30_000, "RUB", {});
  deal(6, "2024-03-10T07:00:00Z", "2024-03-20T07:00:00Z", "WON", "S", 70_000, "RUB", { company: 10 });
  // Stage history in time order (IDs grow with time, as in Bitrix24).
  const history: [number, string, number, string, string][] = [
    [1, "2024-01-11T07:00:00Z", 1, "NEW", "P"],
    [1, "2024-01-21T07:00:00Z", 3, "WON", "S"],
    [2, "2024-01-25T07:00:00Z", 1, "NEW", "P"],
    [2, "2024-02-04T07:00:00Z", 3, "WON", "S"],
    [3, "2024-02-06T07:00:00Z", 1, "NEW", "P"],
    [3, "2024-02-16T07:00:00Z", 3, "LOSE", "F"],
    [4, "2024-03-01T07:00:00Z", 1, "NEW", "P"],
    [5, "2024-03-05T07:00:00Z", 1, "NEW", "P"],
    [6, "2024-03-10T07:00:00Z", 1, "NEW", "P"],
    [4, "2024-03-11T07:00:00Z", 3, "WON", "S"],
    [5, "2024-03-15T07:00:00Z", 3, "WON", "S"],
    [6, "2024-03-20T07:00:00Z", 3, "WON", "S"],
  ];
  for (const [owner, at, type, stage, semantic] of history)
    data.tables.dealHistory.append({ ID: ++historyId, OWNER_ID: owner, CREATED_TIME: t(at), TYPE_ID: type, CATEGORY_ID: 0, STAGE_ID: stage, STAGE_SEMANTIC_ID: semantic });

  let activityId = 0;
  const activity = (ownerType: number, ownerId: number, created: string, f: { type: number; provider: string; direction: number; done?: string; status?: number }) =>
    data.tables.activity.append({
      ID: ++activityId,
      OWNER_TYPE_ID: ownerType,
      OWNER_ID: ownerId,
      TYPE_ID: f.type,
      PROVIDER_ID: f.provider,
      DIRECTION: f.direction,
      SUBJECT: "",
      CREATED: t(created),
      LAST_UPDATED: t(f.done ?? created),
      START_TIME: t(created),
      END_TIME: t(f.done ?? created),
      DEADLINE: t(created),
      COMPLETED: f.done !== undefined,
      STATUS: f.done !== undefined ? (f.status ?? 2) : 1,
      RESPONSIBLE_ID: 1,
      AUTHOR_ID: 1,
    });
  activity(1, 1, "2024-01-10T07:00:00Z", { type: 2, provider: "VOXIMPLANT_CALL", direction: 1 });
  activity(1, 1, "2024-01-10T07:10:00Z", { type: 2, provider: "VOXIMPLANT_CALL", direction: 2, done: "2024-01-10T07:14:00Z" });
  activity(2, 2, "2024-01-25T07:00:00Z", { type: 6, provider: "CRM_WEBFORM", direction: 1 });
  activity(2, 2, "2024-01-25T07:05:00Z", { type: 4, provider: "CRM_EMAIL", direction: 2, done: "2024-01-25T07:05:00Z" });
  activity(1, 3, "2024-02-05T07:00:00Z", { type: 6, provider: "CRM_TODO", direction: 0, done: "2024-02-05T07:40:00Z" });
  activity(1, 4, "2024-02-20T09:00:00Z", { type: 4, provider: "CRM_EMAIL", direction: 2, done: "2024-02-20T09:00:00Z" });
  activity(2, 4, "2024-03-01T07:00:00Z", { type: 4, provider: "CRM_EMAIL", direction: 1 });
  activity(2, 4, "2024-03-01T07:01:00Z", { type: 6, provider: "CRM_TODO", direction: 0, done: "2024-03-01T07:30:00Z", status: 3 });
  activity(2, 4, "2024-03-01T08:00:00Z", { type: 2, provider: "VOXIMPLANT_CALL", direction: 2, done: "2024-03-01T08:06:00Z" });
  activity(1, 5, "2024-03-03T07:00:00Z", { type: 6, provider: "IMOPENLINES_SESSION", direction: 1, done: "2024-03-03T07:03:00Z" });

  data.workflowTemplates.push({
    ID: 1,
    MODULE_ID: "crm",
    ENTITY: "CCrmDocumentDeal",
    DOCUMENT_TYPE: ["crm", "CCrmDocumentDeal", "DEAL"],
    AUTO_EXECUTE: 1,
    NAME: "Create a task for a new deal",
    MODIFIED: t("2024-02-15T10:00:00Z"),
    USER_ID: 1,
    SYSTEM_CODE: null,
  });
  return data;
}

/** Days company 10 was observed as a customer by the end of January: 21 Jan 07:00Z → 31 Jan 21:00Z. */
const JANUARY_LIFESPAN_DAYS = 10 + 14 / 24;

/** Hand-computed figures: [value, numerator, denominator] per metric and month. */
const EXPECTED: Record<string, Record<string, [number | null, number | null, number | null]>> = {
  "2024-01": {
    lead_conversion: [50, 1, 2], // D1 won ÷ L1, L2
    response_time: [7.5, 15, 2], // median of 5 (D2) and 10 (L1); L2 unanswered
    retention_rate: [null, 0, 0], // nobody active on 1 Jan; E 1 − N 1
    churn_rate: [null, 0, 0],
    cac: [45_000, 45_000, 1], // 30 000 + 5 000 + 60 000 ÷ 6, one new customer (company 10)
    sales_cycle: [11, 11, 1], // L1 10 Jan → D1 won 21 Jan
    ltv: [(100_000 * JANUARY_LIFESPAN_DAYS) / 365.25, (100_000 * JANUARY_LIFESPAN_DAYS) / 365.25, 1], // no churn measurable: observed lifespan
    avg_deal_size: [100_000, 100_000, 1],
    automation_level: [(2 / 9) * 100, 2, 9], // calls logged, web form
    lost_deals_cost: [100_000, 100_000, null], // 100 000 × 3 requests (L1, L2, D2) × SF 1/3 (L2 junk, unanswered) × 1
  },
  "2024-02": {
    lead_conversion: [50, 1, 2], // D2 won ÷ L3, L4
    response_time: [80, 160, 2], // 40 (L3) and 120 (L4)
    retention_rate: [100, 1, 1], // S 1 (company 10), E 2, N 1 (contact 20)
    churn_rate: [0, 0, 1],
    cac: [35_000, 35_000, 1],
    sales_cycle: [10, 10, 1], // D2 25 Jan → 4 Feb
    ltv: [95_000 * (((39 + 14 / 24 + 25 + 14 / 24) / 2) / 365.25), 190_000 * (((39 + 14 / 24 + 25 + 14 / 24) / 2) / 365.25), 2], // churn 0: mean lifespan 32.58 days
    avg_deal_size: [90_000, 90_000, 1], // 1 000 $ × 90
    automation_level: [(1 / 9) * 100, 1, 9], // the auto-started workflow
    lost_deals_cost: [135_000, 135_000, null], // 90 000 × FAD 3 × SF 1/2 (D3: its lead answered after 40 min > SLA) × 1
  },
  "2024-03": {
    lead_conversion: [300, 3, 1], // D4, D5, D6 ÷ L5
    response_time: [31.5, 63, 2], // 60 (D4) and 3 (L5)
    retention_rate: [100, 2, 2], // S 2, E 3, N 1 (company 30)
    churn_rate: [0, 0, 2],
    cac: [25_000, 25_000, 1], // salaries not counted: not fully loaded
    sales_cycle: [10, 30, 3],
    ltv: [(490_000 / 3) * (49.25 / 365.25), 490_000 * (49.25 / 365.25), 3], // 5 deals, 3 customers (D5 has none), lifespans 70.58, 56.58, 20.58 days
    avg_deal_size: [100_000, 300_000, 3],
    automation_level: [(4 / 9) * 100, 4, 9], // workflow, calls, open-line chat, completion by automation
    lost_deals_cost: [100_000, 100_000, null], // 100 000 × FAD 5 (input) × SF 1/4 (L5 junk) × UFR 0.8
  },
};

describe(`metrics of a hand-written portal after connect and sync (${testDbKind})`, () => {
  let database: Database;
  let harness: Harness;
  let orgId: string;
  let clientId: string;
  const job = (): JobContext => ({ database, jobId: "test", signal: new AbortController().signal, workerId: "test" });

  beforeAll(async () => {
    database = await createTestDatabase();
    harness = await createHarness(database, [{ name: "hand", timeZone: "Europe/Moscow", baseCurrency: "RUB", data: handWrittenPortal() }]);
    orgId = harness.portals.hand.orgId;
    [{ clientId }] = await database.db
      .select({ clientId: portalConnections.clientId })
      .from(portalConnections)
      .where(eq(portalConnections.id, harness.portals.hand.connectionId));
  }, 300_000);
  afterAll(async () => {
    await harness?.close();
    await database?.close();
  });

  it("mirrors the portal, asks for the whole history, and stores the hand-computed values", async () => {
    const outcome = await harness.sync("hand", "full");
    expect(outcome.status).toBe("succeeded");
    const [state] = await database.db.select().from(clientMetricStates).where(eq(clientMetricStates.clientId, clientId));
    expect(state.pendingFull).toBe(true);
    await runMetricsRecomputeJob({ orgId, clientId }, job());

    const ctx = systemContext(database.db, orgId);
    await updateMetricSettings(ctx, clientId, { slaMinutes: "15", activityWindowDays: "365", orgLossStages: ["JUNK"] });
    await saveMonthlyInputs(ctx, clientId, { month: "2024-01", marketingSpend: "30000", crmLicence: "5000", implementationCost: "60000", amortisationMonths: "6" });
    await saveMonthlyInputs(ctx, clientId, { month: "2024-02", marketingSpend: "20000", crmLicence: "5000" });
    await saveMonthlyInputs(ctx, clientId, { month: "2024-03", marketingSpend: "10000", crmLicence: "5000", salesSalaries: "40000", forecastDemand: "5", fulfilmentRate: "0,8" });
    await runMetricsRecomputeJob({ orgId, clientId }, job());

    const rows = await database.db
      .select()
      .from(metricSnapshots)
      .where(and(eq(metricSnapshots.orgId, orgId), eq(metricSnapshots.clientId, clientId)));
    for (const [month, metrics] of Object.entries(EXPECTED)) {
      for (const [metric, [value, numerator, denominator]] of Object.entries(metrics)) {
        const row = rows.find((r) => r.metric === metric && r.month === `${month}-01`);
        expect(row, `${metric} ${month}`).toBeDefined();
        for (const [label, actual, expected] of [
          ["value", row!.value, value],
          ["numerator", row!.numerator, numerator],
          ["denominator", row!.denominator, denominator],
        ] as const) {
          if (expected === null) expect(actual, `${metric} ${month} ${label}`).toBeNull();
          else expect(actual, `${metric} ${month} ${label}`).toBeCloseTo(expected, 6);
        }
      }
    }
    const get = (metric: string, month: string) => rows.find((r) => r.metric === metric && r.month === `${month}-01`)!;
    expect(get("response_time", "2024-01").secondary).toMatchObject({ answered: 2, unanswered: 1, withinSla: 2 });
    expect(get("lost_deals_cost", "2024-02").secondary).toMatchObject({ actualLost: 50_000, lostDeals: 1, organisationalLosses: 1, fad: 3, sf: 0.5 });
    expect(get("retention_rate", "2024-03").secondary).toMatchObject({ S: 2, E: 3, N: 1, C: 0, R: 0 });
  }, 300_000);
});
