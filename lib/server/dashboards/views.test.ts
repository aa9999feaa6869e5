import { describe, expect, it } from "vitest";
import { clientViewParams, parseClientView } from "./client-view";
import { churnRate } from "@/lib/metrics/churn";
import { leadConversion } from "@/lib/metrics/lead-conversion";
import { retentionRate } from "@/lib/metrics/retention";
import { monthRange, type MetricFigures, type MonthKey } from "@/lib/metrics";
import { comparisonPeriods, beforeAfterRanges, valueOver } from "./compute";
import { parsePortfolioView, portfolioViewParams } from "./portfolio-view";
import { parseCompareIds } from "./compare";

describe("portfolio view from the URL", () => {
  it.each([
    [{}, { month: null, q: "", status: "current", verdict: "all", connection: "all", vs: "previous", sort: "name", dir: "asc", page: 1 }],
    [
      { month: "2024-06", q: "  acme ", status: "all", verdict: "at_risk", connection: "attention", vs: "baseline", sort: "cac", dir: "desc", page: "3" },
      { month: "2024-06", q: "acme", status: "all", verdict: "at_risk", connection: "attention", vs: "baseline", sort: "cac", dir: "desc", page: 3 },
    ],
    [
      { month: "2024-13", status: "deleted", verdict: "great", sort: "drop table", dir: "sideways", page: "-2" },
      { month: null, q: "", status: "current", verdict: "all", connection: "all", vs: "previous", sort: "name", dir: "asc", page: 1 },
    ],
  ])("%j", (params, expected) => {
    expect(parsePortfolioView(params)).toEqual(expected);
  });

  it("round-trips through search parameters, leaving defaults out", () => {
    const view = parsePortfolioView({ month: "2024-06", sort: "verdict", dir: "desc", q: "a&b" });
    const params = portfolioViewParams(view);
    expect(params.toString()).toBe("month=2024-06&q=a%26b&sort=verdict&dir=desc");
    expect(parsePortfolioView(Object.fromEntries(params))).toEqual(view);
  });
});

describe("client view from the URL", () => {
  it("keeps a custom comparison only with two valid ranges", () => {
    expect(parseClientView({ cmp: "custom", af: "2024-01", at: "2024-03", bf: "2024-04", bt: "2024-06" })).toMatchObject({
      cmp: "custom",
      custom: { a: { from: "2024-01", to: "2024-03" }, b: { from: "2024-04", to: "2024-06" } },
    });
    expect(parseClientView({ cmp: "custom", af: "2024-03", at: "2024-01", bf: "2024-04", bt: "2024-06" })).toMatchObject({ cmp: "previous", custom: null });
    expect(parseClientView({ cmp: "year", month: "2024-02" })).toMatchObject({ cmp: "year", month: "2024-02" });
    const view = parseClientView({ cmp: "custom", af: "2024-01", at: "2024-03", bf: "2024-04", bt: "2024-06", month: "2024-06" });
    expect(clientViewParams(view).toString()).toBe("month=2024-06&cmp=custom&af=2024-01&at=2024-03&bf=2024-04&bt=2024-06");
  });
});

describe("periods", () => {
  it("names the two periods of each comparison mode", () => {
    expect(comparisonPeriods("previous", "2024-01")).toEqual({ a: { from: "2023-12", to: "2023-12" }, b: { from: "2024-01", to: "2024-01" } });
    expect(comparisonPeriods("year", "2024-01")).toEqual({ a: { from: "2023-01", to: "2023-01" }, b: { from: "2024-01", to: "2024-01" } });
  });

  it("splits the history at the go-live month", () => {
    expect(beforeAfterRanges("2024-03-20", "2023-01", "2024-06")).toEqual({ before: { from: "2023-03", to: "2024-02" }, after: { from: "2024-04", to: "2024-06" } });
    expect(beforeAfterRanges("2024-03-20", "2024-03", "2024-03")).toEqual({ before: null, after: null });
    expect(beforeAfterRanges(null, "2023-01", "2024-06")).toBeNull();
  });
});

describe("compare ids", () => {
  it("accepts comma lists and repeated parameters, without duplicates", () => {
    expect(parseCompareIds("a, b,,a")).toEqual(["a", "b"]);
    expect(parseCompareIds(["a,b", "c"])).toEqual(["a", "b", "c"]);
    expect(parseCompareIds(undefined)).toEqual([]);
  });
});

describe("a metric over a range of months", () => {
  const flows = (S: number, E: number, N: number, C: number) => retentionRate({ S, E, N, C, R: 0 }, 90);
  // A growing base: each month 10 new customers, 5 lost.
  const months = new Map<MonthKey, MetricFigures>([
    ["2024-01", flows(100, 105, 10, 5)],
    ["2024-02", flows(105, 110, 10, 5)],
    ["2024-03", flows(110, 115, 10, 5)],
  ]);

  it("gives the typical month of retention: kept ÷ customers at each start, pooled", () => {
    const range = valueOver("retention_rate", months, monthRange("2024-01", "2024-03"))!;
    expect(range.value).toBeCloseTo(((95 + 100 + 105) / (100 + 105 + 110)) * 100, 10);
    expect(range.value).toBeGreaterThan(90);
  });

  it("gives the typical month of churn, not the whole period's losses over its first month", () => {
    const churnMonths = new Map([...months].map(([m, f]) => [m, churnRate({ S: f.secondary.S as number, E: f.secondary.E as number, N: f.secondary.N as number, C: 5, R: 0 }, 90)]));
    expect(valueOver("churn_rate", churnMonths, [...churnMonths.keys()])!.value).toBeCloseTo((15 / 315) * 100, 10);
  });

  it("pools ratios from the months' counts and leaves out months without a snapshot", () => {
    const conv = new Map<MonthKey, MetricFigures>([
      ["2024-01", leadConversion({ wonDeals: 10, leadsCreated: 100, dealsCreated: 40, leadsEnabled: true, cohortSize: 100, cohortWon: 8 })],
      ["2024-03", leadConversion({ wonDeals: 5, leadsCreated: 10, dealsCreated: 6, leadsEnabled: true, cohortSize: 10, cohortWon: 2 })],
    ]);
    // 15 ÷ 110, not the mean of 10 % and 50 %.
    const range = valueOver("lead_conversion", conv, monthRange("2024-01", "2024-03"))!;
    expect(range).toMatchObject({ numerator: 15, denominator: 110 });
    expect(range.value).toBeCloseTo((15 / 110) * 100, 8);
    expect(valueOver("lead_conversion", conv, ["2024-02"])).toBeNull();
  });
});
