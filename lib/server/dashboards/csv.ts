/**
 * The dashboards' tables as CSV. Headers are stable machine names (metric keys, snake_case), values are raw numbers
 * (percent metrics in percent, money in the client's base currency, times in minutes or days, as the API gives
 * them), months `YYYY-MM`, instants ISO 8601.
 */
import { toCsv, type CsvValue } from "@/lib/csv/write";
import { METRIC_DEFINITIONS, METRIC_KEYS, type MetricKey } from "@/lib/metrics";
import type { ClientDashboard } from "./client-dashboard";
import type { Comparison } from "./compare";
import type { PortfolioRow } from "./portfolio";

/** The metrics API's rows (`{ key, period, value, numerator, denominator, unit }`) as CSV, same order, same values. */
export function metricHistoryCsv(rows: readonly { key: string; period: string; value: number | null; numerator: number | null; denominator: number | null; unit: string }[]): string {
  return toCsv(
    ["key", "period", "value", "numerator", "denominator", "unit"],
    rows.map((r) => [r.key, r.period, r.value, r.numerator, r.denominator, r.unit]),
  );
}

/** The portfolio table: one row per client, each metric's value, previous month, baseline and both changes. */
export function portfolioCsv(month: string, rows: readonly PortfolioRow[]): string {
  const header = ["client_id", "client", "status", "month", "currency", "verdict", "improved", "flat", "worse", "connection_status", "last_synced_at"];
  for (const key of METRIC_KEYS) header.push(key, `${key}_previous`, `${key}_baseline`, `${key}_change_vs_previous_pct`, `${key}_change_vs_baseline_pct`);
  return toCsv(
    header,
    rows.map((r) => {
      const out: CsvValue[] = [
        r.clientId,
        r.name,
        r.status,
        month,
        r.baseCurrency,
        r.verdict.verdict,
        r.verdict.improved,
        r.verdict.flat,
        r.verdict.worse,
        r.connectionStatus ?? "",
        r.lastSyncedAt?.toISOString() ?? "",
      ];
      for (const key of METRIC_KEYS) {
        const c = r.metrics[key];
        out.push(c.value, c.previous, c.baseline, c.vsPrevious.change, c.vsBaseline.change);
      }
      return out;
    }),
  );
}

/** Compare: each client's monthly values, then the value over the whole range (period `from/to`). */
export function compareCsv(comparison: Comparison): string {
  const rows: CsvValue[][] = [];
  const range = `${comparison.from}/${comparison.to}`;
  for (const metric of comparison.metrics) {
    comparison.clients.forEach((client, i) => {
      comparison.months.forEach((month, k) => rows.push([client.id, client.name, client.baseCurrency, metric.key, metric.unit, month, metric.series[i][k]]));
      rows.push([client.id, client.name, client.baseCurrency, metric.key, metric.unit, range, metric.overall[i]]);
    });
  }
  return toCsv(["client_id", "client", "currency", "key", "unit", "period", "value"], rows);
}

/** A client's two-period table (before/after go-live, or period against period). */
export function periodsCsv(
  dashboard: Pick<ClientDashboard, "client">,
  a: { range: { from: string; to: string }; values: Record<MetricKey, number | null> },
  b: { range: { from: string; to: string }; values: Record<MetricKey, number | null> },
  delta: Record<MetricKey, { change: number | null; outcome: string | null }> | null,
): string {
  const period = (r: { from: string; to: string }) => (r.from === r.to ? r.from : `${r.from}/${r.to}`);
  return toCsv(
    ["client_id", "currency", "key", "unit", "period_a", "value_a", "period_b", "value_b", "change_pct", "outcome"],
    METRIC_KEYS.map((key) => [
      dashboard.client.id,
      dashboard.client.baseCurrency,
      key,
      METRIC_DEFINITIONS[key].unit,
      period(a.range),
      a.values[key],
      period(b.range),
      b.values[key],
      delta?.[key].change ?? null,
      delta?.[key].outcome ?? null,
    ]),
  );
}
