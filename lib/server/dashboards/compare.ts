import { and, asc, eq, gte, inArray, lte } from "drizzle-orm";
import { metricSnapshots } from "@/db/schema";
import {
  addMonths,
  isMetricKey,
  METRIC_DEFINITIONS,
  METRIC_KEYS,
  monthDiff,
  monthRange,
  type GoodDirection,
  type MetricFigures,
  type MetricKey,
  type MetricUnit,
  type MonthKey,
} from "@/lib/metrics";
import { AppError } from "../errors";
import { getClientInOrg } from "../services/clients";
import type { TenantContext } from "../tenant";
import { valueOver, type FiguresByMetric } from "./compute";
import { defaultPortfolioMonth, loadPercentileHistory } from "./portfolio";

/**
 * Two to five clients side by side: each metric's monthly series per client over a range, the value over the
 * whole range (combined from numerators and denominators), and the portfolio median per month as a benchmark.
 */

export const COMPARE_MAX_CLIENTS = 5;
export const COMPARE_DEFAULT_MONTHS = 12;
/** The longest range one comparison covers (ten years of months). */
export const COMPARE_MAX_MONTHS = 120;

export interface CompareClient {
  id: string;
  name: string;
  baseCurrency: string;
  timeZone: string;
  goLiveDate: string | null;
}

export interface CompareMetric {
  key: MetricKey;
  unit: MetricUnit;
  good: GoodDirection;
  /** Per client (same order as `clients`): values aligned with `months`. */
  series: (number | null)[][];
  /** Per client: the value over the whole range. */
  overall: (number | null)[];
  /** The org's median per month (null for client viewers and months without data). */
  median: (number | null)[] | null;
}

export interface Comparison {
  clients: CompareClient[];
  from: MonthKey;
  to: MonthKey;
  months: MonthKey[];
  metrics: CompareMetric[];
}

/** Parses `clients=a,b,c` (or repeated parameters) into distinct ids, at most COMPARE_MAX_CLIENTS. */
export function parseCompareIds(value: string | string[] | undefined | null): string[] {
  const raw = (Array.isArray(value) ? value : [value ?? ""]).flatMap((v) => v.split(","));
  return [...new Set(raw.map((v) => v.trim()).filter(Boolean))];
}

/**
 * Compares clients of the context's org. Any id that is not a visible client of the org is not_found (a compare
 * link never reveals whether another org's client exists); more than five is a validation error.
 */
export async function getComparison(ctx: TenantContext, clientIds: readonly string[], range: { from?: MonthKey | null; to?: MonthKey | null; now?: number } = {}): Promise<Comparison> {
  if (clientIds.length > COMPARE_MAX_CLIENTS) throw new AppError("validation", { fields: { clients: "invalid" } });
  const clients = await Promise.all(clientIds.map((id) => getClientInOrg(ctx, id)));
  const now = range.now ?? Date.now();
  let to = range.to ?? defaultPortfolioMonth(clients.map((c) => c.timeZone), now);
  let from = range.from ?? addMonths(to, -(COMPARE_DEFAULT_MONTHS - 1));
  if (monthDiff(from, to) < 0) [from, to] = [to, from];
  if (monthDiff(from, to) >= COMPARE_MAX_MONTHS) from = addMonths(to, -(COMPARE_MAX_MONTHS - 1));
  const months = monthRange(from, to);

  const figures = new Map<string, FiguresByMetric>(clients.map((c) => [c.id, {}]));
  if (clients.length) {
    const rows = await ctx.db
      .select({
        clientId: metricSnapshots.clientId,
        metric: metricSnapshots.metric,
        month: metricSnapshots.month,
        value: metricSnapshots.value,
        numerator: metricSnapshots.numerator,
        denominator: metricSnapshots.denominator,
        secondary: metricSnapshots.secondary,
      })
      .from(metricSnapshots)
      .where(
        and(
          eq(metricSnapshots.orgId, ctx.orgId),
          inArray(
            metricSnapshots.clientId,
            clients.map((c) => c.id),
          ),
          gte(metricSnapshots.month, `${from}-01`),
          lte(metricSnapshots.month, `${to}-01`),
        ),
      )
      .orderBy(asc(metricSnapshots.month));
    for (const r of rows) {
      if (!isMetricKey(r.metric)) continue;
      const byMetric = figures.get(r.clientId)!;
      let byMonth = byMetric[r.metric] as Map<MonthKey, MetricFigures> | undefined;
      if (!byMonth) byMetric[r.metric] = byMonth = new Map();
      const month = typeof r.month === "string" ? r.month.slice(0, 7) : String(r.month).slice(0, 7);
      byMonth.set(month, { value: r.value, numerator: r.numerator, denominator: r.denominator, secondary: r.secondary as MetricFigures["secondary"] });
    }
  }
  // Money medians only when the compared clients share a currency, and then over the clients in that currency.
  const currencies = new Set(clients.map((c) => c.baseCurrency));
  const sharedCurrency = currencies.size === 1 ? [...currencies][0] : null;
  const medians = await loadPercentileHistory(ctx, from, to, METRIC_KEYS, sharedCurrency);

  return {
    clients: clients.map((c) => ({ id: c.id, name: c.name, baseCurrency: c.baseCurrency, timeZone: c.timeZone, goLiveDate: c.goLiveDate })),
    from,
    to,
    months,
    metrics: METRIC_KEYS.map((key) => ({
      key,
      unit: METRIC_DEFINITIONS[key].unit,
      good: METRIC_DEFINITIONS[key].good,
      series: clients.map((c) => months.map((m) => figures.get(c.id)![key]?.get(m)?.value ?? null)),
      overall: clients.map((c) => valueOver(key, figures.get(c.id)![key], months)?.value ?? null),
      median:
        ctx.clientScope || (METRIC_DEFINITIONS[key].unit === "money" && sharedCurrency === null)
          ? null
          : months.map((m) => medians.get(key)?.get(m)?.median ?? null),
    })),
  };
}
