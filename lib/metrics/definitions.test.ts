import { describe, expect, it } from "vitest";
import { definitionVersions, METRIC_DEFINITIONS, METRICS } from "./definitions";
import { METRIC_KEYS } from "./types";

describe("metric definitions", () => {
  it("lists the ten metrics in the article's order", () => {
    expect(METRICS.map((m) => m.key)).toEqual([...METRIC_KEYS]);
    expect(METRICS.map((m) => m.order)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it.each([
    ["lead_conversion", "percent", "up"],
    ["response_time", "minutes", "down"],
    ["retention_rate", "percent", "up"],
    ["churn_rate", "percent", "down"],
    ["cac", "money", "down"],
    ["sales_cycle", "days", "down"],
    ["ltv", "money", "up"],
    ["avg_deal_size", "money", "up"],
    ["automation_level", "percent", "up"],
    ["lost_deals_cost", "money", "down"],
  ] as const)("%s is in %s, good when %s", (key, unit, good) => {
    expect(METRIC_DEFINITIONS[key]).toMatchObject({ unit, good, labelKey: `names.${key}` });
  });

  it("versions every definition", () => {
    const versions = definitionVersions();
    expect(Object.keys(versions)).toHaveLength(10);
    for (const v of Object.values(versions)) expect(v).toBeGreaterThanOrEqual(1);
  });
});
