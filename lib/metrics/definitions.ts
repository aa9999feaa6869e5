/**
 * The ten metrics (SPEC §3): key, unit, good direction, definition version, how months combine into longer
 * periods, and the message keys of their names. Bump a metric's `version` whenever its definition changes:
 * stored snapshots of an older version are recomputed for every client.
 */
import { aggregateAutomation } from "./automation";
import { aggregateAvgDealSize } from "./avg-deal-size";
import { aggregateCac } from "./cac";
import { aggregateChurn, averageChurn } from "./churn";
import { aggregateLeadConversion } from "./lead-conversion";
import { aggregateLostDeals, averageLostDeals } from "./lost-deals";
import { aggregateLtv } from "./ltv";
import { aggregateResponseTime } from "./response-time";
import { aggregateRetention, averageRetention } from "./retention";
import { aggregateSalesCycle } from "./sales-cycle";
import { METRIC_KEYS, type GoodDirection, type MetricFigures, type MetricKey, type MetricUnit } from "./types";

export interface MetricDefinition {
  key: MetricKey;
  /** 1-based position in the article's list. */
  order: number;
  unit: MetricUnit;
  good: GoodDirection;
  version: number;
  /** Combines consecutive months (oldest first) into one period from their stored figures. */
  aggregate: (months: readonly MetricFigures[]) => MetricFigures;
  /**
   * The typical month of several, comparable whatever their number: what baselines and the verdict compare.
   * Ratios pool numerators and denominators (as `aggregate`); flows (lost-deals cost) and period-dependent rates
   * (retention, churn) are per month; trailing figures (LTV) and states (automation) take the last month.
   */
  average: (months: readonly MetricFigures[]) => MetricFigures;
  /** Message keys in the `metrics` namespace. */
  labelKey: string;
  descriptionKey: string;
}

const def = (
  key: MetricKey,
  unit: MetricUnit,
  good: GoodDirection,
  version: number,
  aggregate: MetricDefinition["aggregate"],
  average: MetricDefinition["average"] = aggregate,
): MetricDefinition => ({
  key,
  order: METRIC_KEYS.indexOf(key) + 1,
  unit,
  good,
  version,
  aggregate,
  average,
  labelKey: `names.${key}`,
  descriptionKey: `definitions.${key}`,
});

export const METRIC_DEFINITIONS: Readonly<Record<MetricKey, MetricDefinition>> = {
  lead_conversion: def("lead_conversion", "percent", "up", 1, aggregateLeadConversion),
  response_time: def("response_time", "minutes", "down", 1, aggregateResponseTime),
  retention_rate: def("retention_rate", "percent", "up", 1, aggregateRetention, averageRetention),
  churn_rate: def("churn_rate", "percent", "down", 1, aggregateChurn, averageChurn),
  cac: def("cac", "money", "down", 1, aggregateCac),
  sales_cycle: def("sales_cycle", "days", "down", 1, aggregateSalesCycle),
  ltv: def("ltv", "money", "up", 1, aggregateLtv),
  avg_deal_size: def("avg_deal_size", "money", "up", 1, aggregateAvgDealSize),
  automation_level: def("automation_level", "percent", "up", 1, aggregateAutomation),
  lost_deals_cost: def("lost_deals_cost", "money", "down", 1, aggregateLostDeals, averageLostDeals),
};

/** The definitions in the article's order. */
export const METRICS: readonly MetricDefinition[] = METRIC_KEYS.map((key) => METRIC_DEFINITIONS[key]);

/** Versions by key, as stored with snapshots and compared to find stale history. */
export function definitionVersions(): Record<MetricKey, number> {
  return Object.fromEntries(METRICS.map((m) => [m.key, m.version])) as Record<MetricKey, number>;
}

/** Combines consecutive months of one metric into a longer period (quarter, year, any range). */
export function aggregateMonths(key: MetricKey, months: readonly MetricFigures[]): MetricFigures {
  return METRIC_DEFINITIONS[key].aggregate(months);
}

/** The typical month of several months of one metric (baselines, the verdict's last 3 months). */
export function averageMonths(key: MetricKey, months: readonly MetricFigures[]): MetricFigures {
  return METRIC_DEFINITIONS[key].average(months);
}
