import { describe, expect, it } from "vitest";
import { baselineMonths, computeBaseline, effectiveBaseline } from "./baseline";
import { changePercent, compareToBaseline, progressToTarget } from "./comparison";
import { leadConversion } from "./lead-conversion";
import { aggregateByPeriod } from "./periods";
import { verdictOf, verdictWindow } from "./verdict";
import type { Outcome } from "./comparison";
import type { MetricKey } from "./types";

describe("comparison with the baseline", () => {
  it.each([
    [12, 10, "up", "improved"], // +20 %
    [10.4, 10, "up", "flat"], // +4 %
    [10.5, 10, "up", "flat"], // exactly +5 % is still flat
    [10.6, 10, "up", "improved"],
    [9.4, 10, "up", "worse"],
    [8, 10, "down", "improved"], // response time down is good
    [12, 10, "down", "worse"],
    [-9, -10, "up", "improved"], // negative baselines compare on |baseline|
    [0, 0, "up", "flat"],
    [1, 0, "down", "worse"],
    [1, 0, "up", "improved"],
    [null, 10, "up", null],
    [10, null, "up", null],
  ] as const)("%s vs %s (good %s) → %s", (current, baseline, good, expected) => {
    expect(compareToBaseline(current, baseline, good)).toBe(expected);
  });

  it("expresses the change in percent", () => {
    expect(changePercent(12, 10)).toBeCloseTo(20, 10);
    expect(changePercent(12, 0)).toBeNull();
  });

  it.each([
    [30, 20, 40, "up", 50, false],
    [45, 20, 40, "up", 125, true],
    [10, 20, 15, "down", 200, true],
    [25, 20, 15, "down", -100, false],
    [30, null, 40, "up", null, false],
    [null, 20, 40, "up", null, null],
  ] as const)("progress of %s from %s to target %s (%s)", (current, baseline, target, good, progress, achieved) => {
    const p = progressToTarget(current, baseline, target, good);
    expect(p.achieved).toBe(achieved);
    if (progress === null) expect(p.progress).toBeNull();
    else expect(p.progress).toBeCloseTo(progress, 10);
  });
});

const outcomes = (list: (Outcome | null)[]): Partial<Record<MetricKey, Outcome | null>> =>
  Object.fromEntries(list.map((o, i) => [`m${i}`, o])) as never;

describe("verdict", () => {
  const ready = { hasGoLive: true, windowReady: true };
  it.each([
    [["improved", "improved", "improved", "improved", "improved", "improved", "flat", "worse", "flat"], "pays_off"],
    [["improved", "improved", "improved", "improved", "improved", "worse", "flat", "worse", "flat"], "pays_off"], // 5 of 9
    [["improved", "improved", "improved", "improved", "flat", "flat", "flat", "worse", "worse"], "at_risk"], // 4 of 9
    [["improved", "improved", "worse", "flat"], "at_risk"], // a tie is not "most"
    [["improved", "improved", "improved", null, null, null], "pays_off"], // unmeasurable metrics do not count
    [["improved", "improved", null], "not_enough_data"], // fewer than 3 measurable
  ] as const)("%j → %s", (list, verdict) => {
    expect(verdictOf(outcomes([...list]), ready).verdict).toBe(verdict);
  });

  it("needs a go-live date and 3 complete months after it", () => {
    const all = outcomes(["improved", "improved", "improved"]);
    expect(verdictOf(all, { hasGoLive: false, windowReady: false })).toMatchObject({ verdict: "not_enough_data", reason: "no_go_live" });
    expect(verdictOf(all, { hasGoLive: true, windowReady: false })).toMatchObject({ verdict: "not_enough_data", reason: "too_soon" });
    expect(verdictOf(all, ready)).toMatchObject({ verdict: "pays_off", reason: null, improved: 3, measurable: 3 });
  });

  it.each([
    ["2024-01-15", "2024-05-10T12:00:00Z", ["2024-02", "2024-03", "2024-04"]],
    ["2024-01-15", "2024-04-10T12:00:00Z", null], // January, the go-live month, would be in the window
    ["2024-01-31", "2024-04-30T21:00:00Z", ["2024-02", "2024-03", "2024-04"]], // 1 May 00:00 in Moscow
    [null, "2024-05-10T12:00:00Z", null],
  ])("go-live %s, now %s → window %j", (goLive, now, window) => {
    expect(verdictWindow(goLive, Date.parse(now), "Europe/Moscow")).toEqual(window);
  });
});

describe("baselines", () => {
  it("covers up to 12 months before the go-live month that the mirror holds", () => {
    expect(baselineMonths("2024-03-10", "2023-09")).toEqual(["2023-09", "2023-10", "2023-11", "2023-12", "2024-01", "2024-02"]);
    expect(baselineMonths("2024-03-10", null)).toHaveLength(12);
    expect(baselineMonths("2024-03-10", "2024-03")).toEqual([]);
  });

  it("combines those months from numerators and denominators", () => {
    const base = { leadsEnabled: true, dealsCreated: 0, cohortSize: 0, cohortWon: 0 };
    const months = [leadConversion({ ...base, wonDeals: 10, leadsCreated: 100 }), leadConversion({ ...base, wonDeals: 30, leadsCreated: 50 })];
    expect(computeBaseline("lead_conversion", months)).toBeCloseTo(26.6666666667, 8); // 40 ÷ 150
    expect(computeBaseline("lead_conversion", [leadConversion({ ...base, wonDeals: 0, leadsCreated: 0 })])).toBeNull();
  });

  it("compares typical months: per-month rates and flows, whatever the number of months", async () => {
    const { retentionRate } = await import("./retention");
    const { churnRate } = await import("./churn");
    const { lostDealsCost } = await import("./lost-deals");
    const { averageMonths } = await import("./definitions");
    const flows = [
      { S: 100, E: 100, N: 10, C: 10, R: 0 },
      { S: 100, E: 96, N: 4, C: 8, R: 0 },
      { S: 96, E: 100, N: 8, C: 4, R: 0 },
    ];
    // a year's retention would compare the first month's S with the last E; the typical month pools the months
    expect(computeBaseline("retention_rate", flows.map((f) => retentionRate(f, 365)))).toBeCloseTo(((90 + 92 + 92) / 296) * 100, 9);
    expect(computeBaseline("churn_rate", flows.map((f) => churnRate(f, 365)))).toBeCloseTo((22 / 296) * 100, 9);
    const cost = (value: number | null) =>
      lostDealsCost({ usp: value, uspSource: "month", fad: 1, fadSource: "input", sf: 1, sfSource: "set", ufr: 1, ufrSource: "default", actualLost: 0, lostDeals: 0, lostLeads: 0, organisationalLosses: 0, requests: 1 });
    // the mean of the months with a value, not their sum
    expect(averageMonths("lost_deals_cost", [cost(100), cost(300), cost(null)]).value).toBe(200);
    expect(averageMonths("lost_deals_cost", [cost(null)]).value).toBeNull();
  });

  it("prefers an entered baseline to the computed one", () => {
    expect(effectiveBaseline({ value: 12, source: "manual" }, 20)).toEqual({ value: 12, source: "manual" });
    expect(effectiveBaseline(null, 20)).toEqual({ value: 20, source: "computed" });
    expect(effectiveBaseline(null, null)).toEqual({ value: null, source: null });
  });
});

describe("quarters and years", () => {
  const base = { leadsEnabled: true, dealsCreated: 0, cohortSize: 0, cohortWon: 0 };
  const month = (m: string, won: number, leads: number) => ({ month: m, ...leadConversion({ ...base, wonDeals: won, leadsCreated: leads }) });
  const months = [month("2024-04", 5, 10), month("2024-01", 1, 10), month("2024-02", 9, 30)];

  it("re-aggregates from stored numerators and denominators", () => {
    const quarters = aggregateByPeriod("lead_conversion", months, "quarter");
    expect(quarters.map((q) => [q.period, q.months, q.figures.value])).toEqual([
      ["2024-Q1", ["2024-01", "2024-02"], 25],
      ["2024-Q2", ["2024-04"], 50],
    ]);
    const years = aggregateByPeriod("lead_conversion", months, "year");
    expect(years.map((y) => [y.period, y.figures.value])).toEqual([["2024", 30]]); // 15 ÷ 50
    expect(aggregateByPeriod("lead_conversion", months, "month").map((m) => m.period)).toEqual(["2024-01", "2024-02", "2024-04"]);
  });
});
