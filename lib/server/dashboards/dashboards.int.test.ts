import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db";
import { createTestDatabase, testDbKind } from "@/db/testing";
import { aggregateMonths, monthRange, type MetricFigures } from "@/lib/metrics";
import { addMember, makeOrg } from "../services/test-helpers";
import type { TenantContext } from "../tenant";
import { listMetricHistory } from "../services/metric-history";
import { getClientDashboard } from "./client-dashboard";
import { getComparison } from "./compare";
import { getPortfolio } from "./portfolio";
import { applyPortfolioView } from "./portfolio-view";
import { conversion, cycle, dealSize, insertSnapshots, makeClient, setBaselines, setTarget } from "./testing";

/** 10 July 2024: June is the last complete month in Moscow. */
const NOW = Date.parse("2024-07-10T12:00:00Z");

describe(`dashboards (${testDbKind})`, () => {
  let database: Database;
  let ctxA: TenantContext;
  let ctxB: TenantContext;
  const ids: Record<string, string> = {};
  const alphaConversion: Record<string, MetricFigures> = {};
  const alphaSize: Record<string, MetricFigures> = {};

  beforeAll(async () => {
    database = await createTestDatabase();
    const db = database.db;
    ({ ctx: ctxA } = await makeOrg(db, "Org A"));
    ({ ctx: ctxB } = await makeOrg(db, "Org B"));
    const A = ctxA.orgId;

    // Alpha went live in January 2024; before it converted 5–6 %, after it 20 % at larger deals, in fewer days.
    const alpha = await makeClient(db, A, { name: "Alpha", goLiveDate: "2024-01-15", lastSyncedAt: new Date(NOW - 3_600_000) });
    ids.alpha = alpha.id;
    for (const m of monthRange("2023-10", "2024-06")) {
      const after = m >= "2024-02";
      alphaConversion[m] = after ? conversion(20, 100) : conversion(m === "2023-10" ? 5 : 6, 100);
      alphaSize[m] = after ? dealSize(30_000, 20) : dealSize(6_000, 6);
    }
    await insertSnapshots(db, A, alpha.id, {
      lead_conversion: alphaConversion,
      avg_deal_size: alphaSize,
      sales_cycle: Object.fromEntries(monthRange("2023-10", "2024-06").map((m) => [m, m >= "2024-02" ? cycle(20, 20) : cycle(30, 40)])),
    });
    await setBaselines(db, A, alpha.id, { lead_conversion: { entered: 10, computed: 5.5 }, avg_deal_size: { entered: 1000 }, sales_cycle: { computed: 35 } });
    await setTarget(db, A, alpha.id, "lead_conversion", 25);
    await setTarget(db, A, alpha.id, "lead_conversion", 22, "2024-06");

    // Beta: no go-live date; conversion doubles in June, the cycle stays within ±5 %, deals halve against baseline.
    const beta = await makeClient(db, A, { name: "Beta", connection: "needs_reauth" });
    ids.beta = beta.id;
    await insertSnapshots(db, A, beta.id, {
      lead_conversion: { "2024-05": conversion(5, 100), "2024-06": conversion(10, 100) },
      sales_cycle: { "2024-05": cycle(10), "2024-06": cycle(10.3) },
      avg_deal_size: { "2024-06": dealSize(1000, 1) },
    });
    await setBaselines(db, A, beta.id, { avg_deal_size: { computed: 2000 } });

    ids.gamma = (await makeClient(db, A, { name: "Gamma", connection: null })).id;
    ids.delta = (await makeClient(db, A, { name: "Delta" })).id;
    await insertSnapshots(db, A, ids.delta, { lead_conversion: { "2024-06": conversion(30, 100) } });
    ids.epsilon = (await makeClient(db, A, { name: "Epsilon" })).id;
    await insertSnapshots(db, A, ids.epsilon, { lead_conversion: { "2024-06": conversion(40, 100) } });
    ids.archived = (await makeClient(db, A, { name: "Old", status: "archived" })).id;
    await insertSnapshots(db, A, ids.archived, { lead_conversion: { "2024-06": conversion(90, 100) } });

    // Org B's client, with values that would move org A's figures if they leaked.
    ids.foreign = (await makeClient(database.db, ctxB.orgId, { name: "B secret" })).id;
    await insertSnapshots(db, ctxB.orgId, ids.foreign, { lead_conversion: { "2024-06": conversion(99, 100), "2024-05": conversion(1, 100) } });
  });
  afterAll(async () => {
    await database?.close();
  });

  describe("portfolio", () => {
    it("shows every current client of the org with the stored values for the last complete month", async () => {
      const p = await getPortfolio(ctxA, { now: NOW });
      expect(p.month).toBe("2024-06");
      expect(p.previousMonth).toBe("2024-05");
      expect(p.rows.map((r) => r.name)).toEqual(["Alpha", "Beta", "Delta", "Epsilon", "Gamma"]);
      const alpha = p.rows.find((r) => r.name === "Alpha")!;
      expect(alpha.metrics.lead_conversion.value).toBe(20);
      expect(alpha.metrics.avg_deal_size.value).toBe(1500);
      expect(alpha.metrics.sales_cycle.value).toBe(20);
      expect(alpha.metrics.cac.value).toBeNull();
      expect(alpha).toMatchObject({ connectionStatus: "connected", hasSnapshots: true, goLiveDate: "2024-01-15" });
      expect(alpha.lastSyncedAt?.getTime()).toBe(NOW - 3_600_000);
    });

    it("computes deltas against the previous month and the baseline by each metric's good direction", async () => {
      const p = await getPortfolio(ctxA, { now: NOW });
      const beta = p.rows.find((r) => r.name === "Beta")!;
      expect(beta.connectionStatus).toBe("needs_reauth");
      expect(beta.metrics.lead_conversion).toMatchObject({ value: 10, previous: 5, vsPrevious: { change: 100, difference: 5, outcome: "improved" } });
      // Cycle 10 → 10.3 days: up 3 %, inside the flat band.
      expect(beta.metrics.sales_cycle.vsPrevious.outcome).toBe("flat");
      expect(beta.metrics.sales_cycle.vsPrevious.change).toBeCloseTo(3, 6);
      // Computed baseline 2000 against 1000: half, and worse for a metric whose good direction is up.
      expect(beta.metrics.avg_deal_size).toMatchObject({ baseline: 2000, baselineSource: "computed", vsBaseline: { change: -50, outcome: "worse" } });
      const alpha = p.rows.find((r) => r.name === "Alpha")!;
      // The entered baseline wins over the computed one; a shorter cycle is better.
      expect(alpha.metrics.lead_conversion).toMatchObject({ baseline: 10, baselineSource: "manual", vsBaseline: { change: 100, outcome: "improved" } });
      expect(alpha.metrics.sales_cycle).toMatchObject({ baseline: 35, vsBaseline: { outcome: "improved" } });
      expect(alpha.metrics.sales_cycle.vsBaseline.change).toBeCloseTo(-42.857, 2);
    });

    it("gives the verdict as of the month shown", async () => {
      const p = await getPortfolio(ctxA, { now: NOW });
      const byName = Object.fromEntries(p.rows.map((r) => [r.name, r.verdict]));
      expect(byName.Alpha).toMatchObject({ verdict: "pays_off", improved: 3, measurable: 3 });
      expect(byName.Beta).toMatchObject({ verdict: "not_enough_data", reason: "no_go_live" });
      // In February 2024 the 3-month window still reaches the go-live month.
      const feb = await getPortfolio(ctxA, { now: NOW, month: "2024-02" });
      expect(feb.rows.find((r) => r.name === "Alpha")!.verdict).toMatchObject({ verdict: "not_enough_data", reason: "too_soon" });
    });

    it("computes p25 / median / p75 across the org's current clients in the database", async () => {
      const p = await getPortfolio(ctxA, { now: NOW });
      // Alpha 20, Beta 10, Delta 30, Epsilon 40; the archived client and org B's are not counted.
      expect(p.percentiles.lead_conversion).toEqual({ p25: 17.5, median: 25, p75: 32.5, count: 4, currency: null });
      expect(p.percentiles.avg_deal_size).toEqual({ p25: 1125, median: 1250, p75: 1375, count: 2, currency: "RUB" });
      expect(p.percentiles.cac).toEqual({ p25: null, median: null, p75: null, count: 0, currency: null });
    });

    it("keeps archived clients out by default and shows them on request", async () => {
      const all = await getPortfolio(ctxA, { now: NOW, status: "all" });
      expect(all.rows.map((r) => r.name)).toContain("Old");
      const archived = await getPortfolio(ctxA, { now: NOW, status: "archived" });
      expect(archived.rows.map((r) => r.name)).toEqual(["Old"]);
    });

    it("flags clients without a portal or snapshots", async () => {
      const gamma = (await getPortfolio(ctxA, { now: NOW })).rows.find((r) => r.name === "Gamma")!;
      expect(gamma).toMatchObject({ connectionStatus: null, hasSnapshots: false, lastSyncedAt: null });
      expect(gamma.metrics.lead_conversion.value).toBeNull();
    });

    it("searches, filters and sorts with empty values last", async () => {
      const { rows } = await getPortfolio(ctxA, { now: NOW });
      const view = { q: "", verdict: "all", connection: "all", sort: "lead_conversion", dir: "desc" } as const;
      expect(applyPortfolioView(rows, view).map((r) => r.name)).toEqual(["Epsilon", "Delta", "Alpha", "Beta", "Gamma"]);
      expect(applyPortfolioView(rows, { ...view, dir: "asc" }).map((r) => r.name)).toEqual(["Beta", "Alpha", "Delta", "Epsilon", "Gamma"]);
      expect(applyPortfolioView(rows, { ...view, q: "ALP" }).map((r) => r.name)).toEqual(["Alpha"]);
      expect(applyPortfolioView(rows, { ...view, verdict: "pays_off" }).map((r) => r.name)).toEqual(["Alpha"]);
      expect(applyPortfolioView(rows, { ...view, connection: "attention" }).map((r) => r.name)).toEqual(["Beta"]);
      expect(applyPortfolioView(rows, { ...view, connection: "none" }).map((r) => r.name)).toEqual(["Gamma"]);
    });
  });

  describe("cached figures follow the data", () => {
    it("recomputes a verdict after a baseline changes and percentiles after a client is added", async () => {
      const db = database.db;
      expect((await getPortfolio(ctxA, { now: NOW })).rows.find((r) => r.name === "Alpha")!.verdict.verdict).toBe("pays_off");
      const scratch = await makeOrg(db, "Scratch");
      const c1 = await makeClient(db, scratch.ctx.orgId, { name: "One", goLiveDate: "2024-01-15" });
      await insertSnapshots(db, scratch.ctx.orgId, c1.id, {
        lead_conversion: Object.fromEntries(monthRange("2024-04", "2024-06").map((m) => [m, conversion(20, 100)])),
        avg_deal_size: Object.fromEntries(monthRange("2024-04", "2024-06").map((m) => [m, dealSize(3000, 2)])),
        sales_cycle: Object.fromEntries(monthRange("2024-04", "2024-06").map((m) => [m, cycle(20)])),
      });
      await setBaselines(db, scratch.ctx.orgId, c1.id, { lead_conversion: { entered: 10 }, avg_deal_size: { entered: 1000 }, sales_cycle: { entered: 30 } });
      const first = await getPortfolio(scratch.ctx, { now: NOW });
      expect(first.rows[0].verdict.verdict).toBe("pays_off");
      expect(first.percentiles.lead_conversion.median).toBe(20);

      await db.execute(sql`update metric_baselines set entered_value = entered_value * 10, updated_at = now() + interval '1 second' where client_id = ${c1.id}`);
      const second = await getPortfolio(scratch.ctx, { now: NOW });
      expect(second.rows[0].verdict).toMatchObject({ verdict: "at_risk", worse: 2, improved: 1 });

      const c2 = await makeClient(db, scratch.ctx.orgId, { name: "Two" });
      await insertSnapshots(db, scratch.ctx.orgId, c2.id, { lead_conversion: { "2024-06": conversion(40, 100) } });
      expect((await getPortfolio(scratch.ctx, { now: NOW })).percentiles.lead_conversion.median).toBe(30);
    });
  });

  describe("money across currencies", () => {
    it("benchmarks money only within one currency, and every other metric across all clients", async () => {
      const db = database.db;
      const org = await makeOrg(db, "Currencies");
      const june = "2024-06";
      const rub1 = await makeClient(db, org.ctx.orgId, { name: "Rouble one" });
      const rub2 = await makeClient(db, org.ctx.orgId, { name: "Rouble two" });
      const eur = await makeClient(db, org.ctx.orgId, { name: "Euro", baseCurrency: "EUR" });
      await insertSnapshots(db, org.ctx.orgId, rub1.id, { avg_deal_size: { [june]: dealSize(100, 1) }, lead_conversion: { [june]: conversion(10, 100) } });
      await insertSnapshots(db, org.ctx.orgId, rub2.id, { avg_deal_size: { [june]: dealSize(300, 1) }, lead_conversion: { [june]: conversion(20, 100) } });
      await insertSnapshots(db, org.ctx.orgId, eur.id, { avg_deal_size: { [june]: dealSize(10_000, 1) }, lead_conversion: { [june]: conversion(30, 100) } });

      // The portfolio: money over the org's most common currency, the rest over everyone.
      const p = await getPortfolio(org.ctx, { now: NOW });
      expect(p.percentiles.avg_deal_size).toMatchObject({ median: 200, count: 2, currency: "RUB" });
      expect(p.percentiles.lead_conversion).toMatchObject({ median: 20, count: 3 });

      // A client's page: money against the clients in its own currency.
      const euro = await getClientDashboard(org.ctx, eur.id, { now: NOW });
      const size = euro.metrics.find((m) => m.key === "avg_deal_size")!;
      expect(size.benchmark).toMatchObject({ median: 10_000, count: 1 });
      expect(size.benchmarkHistory!.median[euro.history.months.indexOf(june)]).toBe(10_000);
      expect(euro.metrics.find((m) => m.key === "lead_conversion")!.benchmark).toMatchObject({ median: 20, count: 3 });

      // Compare: no money median for clients in different currencies; one for clients sharing theirs.
      const mixed = await getComparison(org.ctx, [rub1.id, eur.id], { now: NOW });
      expect(mixed.metrics.find((m) => m.key === "avg_deal_size")!.median).toBeNull();
      expect(mixed.metrics.find((m) => m.key === "lead_conversion")!.median).not.toBeNull();
      const roubles = await getComparison(org.ctx, [rub1.id, rub2.id], { now: NOW });
      const median = roubles.metrics.find((m) => m.key === "avg_deal_size")!.median!;
      expect(median[roubles.months.indexOf(june)]).toBe(200);
    });
  });

  describe("org isolation", () => {
    it("org A never sees org B's clients or snapshots, and B sees only its own", async () => {
      const a = await getPortfolio(ctxA, { now: NOW, status: "all" });
      expect(a.rows.map((r) => r.clientId)).not.toContain(ids.foreign);
      const b = await getPortfolio(ctxB, { now: NOW });
      expect(b.rows.map((r) => r.name)).toEqual(["B secret"]);
      expect(b.rows[0].metrics.lead_conversion.value).toBe(99);
      expect(b.percentiles.lead_conversion).toEqual({ p25: 99, median: 99, p75: 99, count: 1, currency: null });
    });

    it("another org's client is not found on every dashboard service", async () => {
      await expect(getClientDashboard(ctxA, ids.foreign, { now: NOW })).rejects.toMatchObject({ code: "not_found" });
      await expect(listMetricHistory(ctxA, ids.foreign)).rejects.toMatchObject({ code: "not_found" });
      await expect(getComparison(ctxA, [ids.alpha, ids.foreign], { now: NOW })).rejects.toMatchObject({ code: "not_found" });
      await expect(getClientDashboard(ctxA, "not-a-uuid", { now: NOW })).rejects.toMatchObject({ code: "not_found" });
    });

    it("a client viewer sees only their client and no benchmark across the org", async () => {
      const { ctx: viewer } = await addMember(database.db, ctxA.orgId, "client_viewer", ids.alpha);
      const p = await getPortfolio(viewer, { now: NOW });
      expect(p.rows.map((r) => r.name)).toEqual(["Alpha"]);
      expect(p.percentiles.lead_conversion.count).toBe(0);
      await expect(getClientDashboard(viewer, ids.beta, { now: NOW })).rejects.toMatchObject({ code: "not_found" });
      await expect(getComparison(viewer, [ids.alpha, ids.beta], { now: NOW })).rejects.toMatchObject({ code: "not_found" });
      const own = await getClientDashboard(viewer, ids.alpha, { now: NOW });
      expect(own.metrics[0].benchmark).toBeNull();
      expect(own.metrics[0].benchmarkHistory).toBeNull();
    });
  });

  describe("client dashboard", () => {
    it("gives cards, history, sparklines, targets and the benchmark for a month", async () => {
      const d = await getClientDashboard(ctxA, ids.alpha, { now: NOW });
      expect(d).toMatchObject({ month: "2024-06", firstMonth: "2023-10", lastMonth: "2024-06", hasSnapshots: true });
      // The history starts with the first stored month when that is less than 24 months back.
      expect(d.history.months).toEqual(monthRange("2023-10", "2024-06"));
      const conv = d.metrics.find((m) => m.key === "lead_conversion")!;
      expect(conv.history).toEqual(monthRange("2023-10", "2024-06").map((m) => alphaConversion[m].value));
      expect(conv.sparkline).toHaveLength(12);
      expect(conv.sparkline.slice(0, 3)).toEqual([null, null, null]);
      expect(conv.sparkline[11]).toBe(20);
      expect(conv).toMatchObject({ target: 22, generalTarget: 25, vsPrevious: { outcome: "flat", change: 0 } });
      expect(conv.targetProgress).toEqual({ progress: ((20 - 10) / (22 - 10)) * 100, achieved: false });
      expect(conv.historyTargets[conv.historyTargets.length - 1]).toBe(22);
      expect(conv.benchmark).toEqual({ p25: 17.5, median: 25, p75: 32.5, count: 4 });
      expect(conv.benchmarkHistory!.median[d.history.months.indexOf("2024-06")]).toBe(25);
      expect(d.verdict.verdict).toBe("pays_off");
      expect(d.events).toEqual([{ kind: "go_live", month: "2024-01", date: "2024-01-15" }]);
      expect(d.connection?.status).toBe("connected");
    });

    it("honours a chosen range: the series has one point per month", async () => {
      const d = await getClientDashboard(ctxA, ids.alpha, { now: NOW, from: "2023-01", to: "2024-03" });
      expect(d.history.months).toHaveLength(15);
      for (const m of d.metrics) expect(m.history).toHaveLength(15);
      expect(d.metrics[0].history.slice(0, 9).every((v) => v === null)).toBe(true);
    });

    it("compares before and after go-live by combining months, not averaging ratios", async () => {
      const d = await getClientDashboard(ctxA, ids.alpha, { now: NOW });
      expect(d.beforeAfter!.before!.range).toEqual({ from: "2023-10", to: "2023-12" });
      expect(d.beforeAfter!.after!.range).toEqual({ from: "2024-02", to: "2024-06" });
      const before = aggregateMonths("lead_conversion", monthRange("2023-10", "2023-12").map((m) => alphaConversion[m])).value;
      expect(d.beforeAfter!.before!.values.lead_conversion).toBe(before);
      expect(before).toBeCloseTo((17 / 300) * 100, 10);
      expect(d.beforeAfter!.after!.values.avg_deal_size).toBe(1500);
      expect(d.beforeAfter!.delta!.avg_deal_size).toMatchObject({ change: 50, outcome: "improved" });
    });

    it("compares period against period: previous month, same month last year and custom ranges", async () => {
      const prev = await getClientDashboard(ctxA, ids.alpha, { now: NOW, month: "2024-02" });
      expect(prev.comparison.a.range).toEqual({ from: "2024-01", to: "2024-01" });
      expect(prev.comparison.a.values.lead_conversion).toBe(6);
      expect(prev.comparison.b.values.lead_conversion).toBe(20);
      const year = await getClientDashboard(ctxA, ids.alpha, { now: NOW, comparison: "year" });
      expect(year.comparison.a.range.from).toBe("2023-06");
      expect(year.comparison.a.values.lead_conversion).toBeNull();
      expect(year.comparison.delta.lead_conversion.outcome).toBeNull();
      const custom = await getClientDashboard(ctxA, ids.alpha, {
        now: NOW,
        comparison: "custom",
        custom: { a: { from: "2023-10", to: "2023-12" }, b: { from: "2024-04", to: "2024-06" } },
      });
      expect(custom.comparison.b.values.avg_deal_size).toBe(1500);
      expect(custom.comparison.a.values.avg_deal_size).toBe(1000);
      expect(custom.comparison.delta.avg_deal_size).toMatchObject({ change: 50, outcome: "improved" });
    });

    it("shows an empty dashboard for a client without snapshots", async () => {
      const d = await getClientDashboard(ctxA, ids.gamma, { now: NOW });
      expect(d).toMatchObject({ hasSnapshots: false, firstMonth: null, connection: null, beforeAfter: null });
      expect(d.metrics.every((m) => m.current === null)).toBe(true);
    });
  });

  describe("compare", () => {
    it("puts clients side by side with series, range values and the portfolio median", async () => {
      const c = await getComparison(ctxA, [ids.alpha, ids.beta], { now: NOW, from: "2024-05", to: "2024-06" });
      expect(c.clients.map((x) => x.name)).toEqual(["Alpha", "Beta"]);
      expect(c.months).toEqual(["2024-05", "2024-06"]);
      const conv = c.metrics.find((m) => m.key === "lead_conversion")!;
      expect(conv.series).toEqual([
        [20, 20],
        [5, 10],
      ]);
      expect(conv.overall[0]).toBe(20);
      expect(conv.overall[1]).toBeCloseTo(7.5, 10);
      // May: Alpha 20 and Beta 5 → 12.5; June: 10, 20, 30, 40 → 25.
      expect(conv.median).toEqual([12.5, 25]);
      expect(c.metrics.find((m) => m.key === "cac")!.series).toEqual([
        [null, null],
        [null, null],
      ]);
    });

    it("defaults to the last twelve complete months and refuses more than five clients", async () => {
      const c = await getComparison(ctxA, [ids.alpha], { now: NOW });
      expect(c.from).toBe("2023-07");
      expect(c.to).toBe("2024-06");
      await expect(getComparison(ctxA, [ids.alpha, ids.beta, ids.gamma, ids.delta, ids.epsilon, ids.archived], { now: NOW })).rejects.toMatchObject({
        code: "validation",
      });
    });
  });
});
