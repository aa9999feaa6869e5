/** Shapes shared by the metric formulas. */

export const METRIC_KEYS = [
  "lead_conversion",
  "response_time",
  "retention_rate",
  "churn_rate",
  "cac",
  "sales_cycle",
  "ltv",
  "avg_deal_size",
  "automation_level",
  "lost_deals_cost",
] as const;

export type MetricKey = (typeof METRIC_KEYS)[number];

/** Whether a larger value is better ("up") or worse ("down"). */
export type GoodDirection = "up" | "down";

export type MetricUnit = "percent" | "minutes" | "days" | "money";

/** A secondary figure: a number, a count, a flag, a label or a histogram. */
export type SecondaryValue = number | string | boolean | null | number[];

/**
 * What a formula produces for one period: the headline value, the numerator and denominator it came from
 * (null where the metric is not a ratio), and the secondary figures shown beside it. `value` is null when a
 * denominator is 0 or an input is missing ("not enough data"), never 0 or infinity.
 */
export interface MetricFigures {
  value: number | null;
  numerator: number | null;
  denominator: number | null;
  secondary: Record<string, SecondaryValue>;
}

export function isMetricKey(value: string): value is MetricKey {
  return (METRIC_KEYS as readonly string[]).includes(value);
}

/** Reads a numeric secondary figure (0 when absent), for re-aggregation. */
export function num(figures: MetricFigures | undefined, key: string): number {
  const v = figures?.secondary[key];
  return typeof v === "number" && Number.isFinite(v) ? v : 0;
}

/** Reads a numeric secondary figure, or null when absent. */
export function numOrNull(figures: MetricFigures | undefined, key: string): number | null {
  const v = figures?.secondary[key];
  return typeof v === "number" && Number.isFinite(v) ? v : null;
}
