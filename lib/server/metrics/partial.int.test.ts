import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db";
import { clientMetricSettings, clients, metricSnapshots } from "@/db/schema";
import { createTestDatabase, testDbKind } from "@/db/testing";
import { createRng } from "@/lib/bitrix24/emulator/rng";
import { makePortalConnection } from "@/lib/server/sync/testing";
import { systemContext } from "@/lib/server/tenant";
import { recomputeClientMetrics } from "./recompute";
import { insertMirror, type ActivityFixture, type DealFixture, type HistoryFixture, type LeadFixture } from "./testing";

const START = Date.parse("2022-06-01T00:00:00Z");
const NOW = Date.parse("2024-06-10T00:00:00Z");
const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Two years of random records: customers who come back or lapse (a short activity window makes them churn and
 * return), deals without stage history (won on CLOSEDATE), dollar deals, deals without a customer, lost deals,
 * leads and their activities. A recompute from any month must store exactly what a full recompute stored.
 */
function generate(seed: number) {
  const r = createRng(seed);
  const leads: LeadFixture[] = [];
  const deals: DealFixture[] = [];
  const history: HistoryFixture[] = [];
  const activities: ActivityFixture[] = [];
  let historyId = 0;
  let activityId = 0;
  for (let id = 1; id <= 400; id++) {
    const created = START + Math.floor(r() * 720 * DAY);
    const fromLead = r() < 0.5;
    if (fromLead) {
      leads.push({ id, created: iso(created - DAY), semantic: "S", closed: iso(created) });
      activities.push({ id: ++activityId, ownerType: 1, ownerId: id, created: iso(created - DAY), typeId: 2, providerId: "VOXIMPLANT_CALL", direction: 1 });
      if (r() < 0.7) activities.push({ id: ++activityId, ownerType: 1, ownerId: id, created: iso(created - DAY + Math.floor(r() * 600) * 60_000), typeId: 2, providerId: "VOXIMPLANT_CALL", direction: 2, completed: true });
    }
    const x = r();
    const semantic = x < 0.45 ? "S" : x < 0.8 ? "F" : "P";
    const closedAt = created + Math.floor(r() * 40 * DAY);
    const who = r();
    const withHistory = r() < 0.85;
    deals.push({
      id,
      created: iso(created),
      semantic,
      amount: Math.round(r() * 100_000),
      currency: r() < 0.1 ? "USD" : "RUB",
      leadId: fromLead ? id : null,
      companyId: who < 0.4 ? 1 + Math.floor(r() * 30) : null,
      contactId: who >= 0.4 && who < 0.95 ? 1 + Math.floor(r() * 50) : null,
      closeDate: semantic !== "P" && !withHistory ? iso(closedAt).slice(0, 10) : null,
      movedTime: semantic !== "P" ? iso(closedAt) : null,
    });
    history.push({ id: ++historyId, ownerId: id, created: iso(created), typeId: 1, semantic: "P" });
    if (semantic !== "P" && withHistory) history.push({ id: ++historyId, ownerId: id, created: iso(closedAt), typeId: 3, semantic });
    if (!fromLead && r() < 0.6) {
      activities.push({ id: ++activityId, ownerType: 2, ownerId: id, created: iso(created), typeId: 4, providerId: "CRM_EMAIL", direction: 1 });
      if (r() < 0.6) activities.push({ id: ++activityId, ownerType: 2, ownerId: id, created: iso(created + Math.floor(r() * 3000) * 60_000), completed: true, lastUpdated: iso(created + Math.floor(r() * 3000) * 60_000 + 60_000) });
    }
  }
  for (let id = 401; id <= 500; id++) {
    leads.push({ id, created: iso(START + Math.floor(r() * 720 * DAY)), semantic: r() < 0.5 ? "F" : "P", closed: null });
  }
  return { leads, deals, history, activities };
}

describe(`a partial recompute equals the full one (${testDbKind})`, () => {
  let database: Database;
  let key: { orgId: string; connectionId: string; clientId: string };
  beforeAll(async () => {
    database = await createTestDatabase();
    key = await makePortalConnection(database.db);
    await database.db.update(clients).set({ timeZone: "Asia/Vladivostok", baseCurrency: "RUB", goLiveDate: "2023-06-15" }).where(eq(clients.id, key.clientId));
    await database.db.insert(clientMetricSettings).values({ orgId: key.orgId, clientId: key.clientId, activityWindowDays: 60, slaMinutes: 30 });
    const data = generate(3);
    await insertMirror(database.db, key, {
      currencies: [
        { currency: "RUB", amount: 1, base: true },
        { currency: "USD", amount: 92 },
      ],
      leads: data.leads,
      deals: data.deals,
      dealHistory: data.history,
      activities: data.activities,
    });
  });
  afterAll(() => database.close());

  const read = async () => {
    const rows = await database.db
      .select()
      .from(metricSnapshots)
      .where(and(eq(metricSnapshots.orgId, key.orgId), eq(metricSnapshots.clientId, key.clientId)));
    return new Map(rows.map((r) => [`${r.metric} ${r.month}`, { value: r.value, numerator: r.numerator, denominator: r.denominator, secondary: r.secondary }]));
  };

  it("from several months", async () => {
    const ctx = systemContext(database.db, key.orgId);
    const full = await recomputeClientMetrics(ctx, key.clientId, { now: NOW });
    expect(full.months).toBeGreaterThan(20);
    const expected = await read();
    for (const fromMonth of ["2023-03", "2024-01", "2024-06"]) {
      const partial = await recomputeClientMetrics(ctx, key.clientId, { now: NOW, fromMonth });
      expect(partial.fromMonth).toBe(fromMonth);
      const actual = await read();
      expect(actual.size).toBe(expected.size);
      for (const [k, v] of expected) {
        const a = actual.get(k)!;
        expect([a.value, a.numerator, a.denominator], `${k} after a recompute from ${fromMonth}`).toEqual([v.value, v.numerator, v.denominator]);
        expect(a.secondary, `${k} after a recompute from ${fromMonth}`).toEqual(v.secondary);
      }
    }
    const churned = [...expected].filter(([k, v]) => k.startsWith("churn_rate") && (v.numerator ?? 0) > 0);
    const reactivated = [...expected].filter(([k, v]) => k.startsWith("retention_rate") && Number(v.secondary.R) > 0);
    expect(churned.length).toBeGreaterThan(3);
    expect(reactivated.length).toBeGreaterThan(3);
  });
});
