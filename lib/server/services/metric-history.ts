import { and, asc, eq, gte, inArray, lte, type SQL } from "drizzle-orm";
import { metricSnapshots } from "@/db/schema";
import { METRIC_DEFINITIONS, METRIC_KEYS, isMetricKey, type MetricKey, type MetricUnit, type MonthKey } from "@/lib/metrics";
import { monthDate, monthKeyOfDate } from "../metrics/month-dates";
import type { TenantContext } from "../tenant";
import { getClientInOrg } from "./clients";

/**
 * A client's stored monthly history, in the shape API users and spreadsheet users both get: the public API returns
 * these rows as JSON and the CSV export should write the same rows, so the two always agree for the same range.
 */

export interface MetricHistoryRange {
  /** First month, included; all history when absent. */
  from?: MonthKey | null;
  /** Last month, included; up to the latest when absent. */
  to?: MonthKey | null;
  /** Only these metrics; all ten when absent or empty. */
  metrics?: readonly MetricKey[] | null;
}

export interface MetricHistoryRow {
  key: MetricKey;
  /** `YYYY-MM`, a calendar month in the client's time zone. */
  period: MonthKey;
  /** Null when there was not enough data (a zero denominator or a missing input). */
  value: number | null;
  numerator: number | null;
  denominator: number | null;
  unit: MetricUnit;
}

/**
 * The snapshots of a client of the context's org (`not_found` otherwise) in the range, ordered by metric in the
 * article's order, then by month. Months without a snapshot are absent, never filled in.
 */
export async function listMetricHistory(ctx: TenantContext, clientId: string, range: MetricHistoryRange = {}) {
  const client = await getClientInOrg(ctx, clientId);
  const keys = range.metrics?.length ? range.metrics : METRIC_KEYS;
  const conditions: SQL[] = [
    eq(metricSnapshots.orgId, ctx.orgId),
    eq(metricSnapshots.clientId, client.id),
    inArray(metricSnapshots.metric, [...keys]),
  ];
  if (range.from) conditions.push(gte(metricSnapshots.month, monthDate(range.from)));
  if (range.to) conditions.push(lte(metricSnapshots.month, monthDate(range.to)));
  const snapshots = await ctx.db
    .select({
      metric: metricSnapshots.metric,
      month: metricSnapshots.month,
      value: metricSnapshots.value,
      numerator: metricSnapshots.numerator,
      denominator: metricSnapshots.denominator,
    })
    .from(metricSnapshots)
    .where(and(...conditions))
    .orderBy(asc(metricSnapshots.month));
  const rows: MetricHistoryRow[] = [];
  for (const snapshot of snapshots) {
    if (!isMetricKey(snapshot.metric)) continue;
    rows.push({
      key: snapshot.metric,
      period: monthKeyOfDate(snapshot.month),
      value: finiteOrNull(snapshot.value),
      numerator: finiteOrNull(snapshot.numerator),
      denominator: finiteOrNull(snapshot.denominator),
      unit: METRIC_DEFINITIONS[snapshot.metric].unit,
    });
  }
  // Stable sort: months stay ascending within each metric.
  rows.sort((a, b) => METRIC_DEFINITIONS[a.key].order - METRIC_DEFINITIONS[b.key].order);
  return { client, rows };
}

/** JSON has no NaN or infinity; a stored one means "no value". */
function finiteOrNull(value: number | null): number | null {
  return value !== null && Number.isFinite(value) ? value : null;
}
