import { sql, type SQL } from "drizzle-orm";
import { queryRows } from "@/db";
import type { ClientStatus, ConnectionStatus } from "@/db/schema";
import {
  addMonths,
  effectiveBaseline,
  lastCompleteMonth,
  METRIC_KEYS,
  isMetricKey,
  type BaselineSource,
  type MetricFigures,
  type MetricKey,
  type MonthKey,
  type VerdictResult,
} from "@/lib/metrics";
import type { TenantContext } from "../tenant";
import { deltaOf, verdictAsOf, type Delta, type FiguresByMetric } from "./compute";

/**
 * The portfolio: every client of the org against the ten metrics for one month, with deltas against the previous
 * month and the baseline, the verdict, the portal connection and how fresh the data is. Four set-based queries
 * whatever the number of clients (clients with their connection and recompute state; the snapshots of the three
 * months the verdict needs; the baselines; the org's percentiles), all filtered by the context's org.
 */

export interface MetricCell {
  value: number | null;
  previous: number | null;
  baseline: number | null;
  baselineSource: BaselineSource | null;
  vsPrevious: Delta;
  vsBaseline: Delta;
}

export interface PortfolioRow {
  clientId: string;
  name: string;
  status: ClientStatus;
  timeZone: string;
  baseCurrency: string;
  goLiveDate: string | null;
  connectionStatus: ConnectionStatus | null;
  portalDomain: string | null;
  lastSyncedAt: Date | null;
  metricsComputedAt: Date | null;
  /** Whether any snapshot exists for the client (metrics appear after the first sync). */
  hasSnapshots: boolean;
  verdict: VerdictResult;
  metrics: Record<MetricKey, MetricCell>;
}

export interface Percentiles {
  p25: number | null;
  median: number | null;
  p75: number | null;
  /** Clients with a value. */
  count: number;
}

export interface Portfolio {
  month: MonthKey;
  previousMonth: MonthKey;
  rows: PortfolioRow[];
  /** p25 / median / p75 of each metric across the org's clients for the month. */
  percentiles: Record<MetricKey, Percentiles>;
}

export const PORTFOLIO_STATUSES = ["current", "active", "prospect", "archived", "all"] as const;
export type PortfolioStatusFilter = (typeof PORTFOLIO_STATUSES)[number];

export interface PortfolioOptions {
  /** The month shown (`YYYY-MM`); the last month complete for every client when absent. */
  month?: MonthKey | null;
  status?: PortfolioStatusFilter;
  /** The instant "now" (tests pin it). */
  now?: number;
}

const dateOf = (value: unknown): Date | null => (value === null || value === undefined ? null : value instanceof Date ? value : new Date(String(value)));
const numOrNull = (value: unknown): number | null => (value === null || value === undefined ? null : Number(value));

function statusCondition(status: PortfolioStatusFilter): SQL {
  if (status === "current") return sql`c.status <> 'archived'`;
  if (status === "all") return sql`true`;
  return sql`c.status = ${status}`;
}

/** The month a portfolio opens on: the last month that is over in every client's time zone. */
export function defaultPortfolioMonth(zones: readonly string[], now: number): MonthKey {
  const months = [...new Set(zones.length ? zones : ["UTC"])].map((zone) => lastCompleteMonth(now, zone));
  return months.sort()[0];
}

/** The portfolio for a month (see the module comment). Client viewers get their own client only. */
export async function getPortfolio(ctx: TenantContext, options: PortfolioOptions = {}): Promise<Portfolio> {
  const now = options.now ?? Date.now();
  const scope = ctx.clientScope ? sql`and c.id = ${ctx.clientScope}` : sql``;
  const clientRows = await queryRows<{
    id: string;
    name: string;
    status: ClientStatus;
    time_zone: string;
    base_currency: string;
    go_live_date: string | Date | null;
    connection_status: ConnectionStatus | null;
    domain: string | null;
    last_synced_at: string | Date | null;
    computed_at: string | Date | null;
    has_snapshots: boolean;
  }>(
    ctx.db,
    sql`select c.id, c.name, c.status, c.time_zone, c.base_currency, to_char(c.go_live_date, 'YYYY-MM-DD') as go_live_date,
               p.status as connection_status, p.domain, p.last_synced_at, s.computed_at,
               (s.first_month is not null) as has_snapshots
        from clients c
        left join portal_connections p on p.org_id = c.org_id and p.client_id = c.id
        left join client_metric_states s on s.org_id = c.org_id and s.client_id = c.id
        where c.org_id = ${ctx.orgId} and ${statusCondition(options.status ?? "current")} ${scope}
        order by lower(c.name), c.id`,
  );

  const month = options.month ?? defaultPortfolioMonth(clientRows.map((c) => c.time_zone), now);
  const previousMonth = addMonths(month, -1);
  // The verdict looks at the 3 months ending with the month shown; the previous month is one of them.
  const firstMonth = addMonths(month, -2);
  const snapshotScope = ctx.clientScope ? sql`and client_id = ${ctx.clientScope}` : sql``;

  const [snapshots, baselines, percentiles] = await Promise.all([
    queryRows<{ client_id: string; metric: string; month: string; value: number | null; numerator: number | null; denominator: number | null; secondary: Record<string, unknown> }>(
      ctx.db,
      sql`select client_id, metric, to_char(month, 'YYYY-MM') as month, value, numerator, denominator, secondary
          from metric_snapshots
          where org_id = ${ctx.orgId} and month >= ${`${firstMonth}-01`}::date and month <= ${`${month}-01`}::date ${snapshotScope}`,
    ),
    queryRows<{ client_id: string; metric: string; entered_value: number | null; entered_source: string | null; computed_value: number | null }>(
      ctx.db,
      sql`select client_id, metric, entered_value, entered_source, computed_value
          from metric_baselines
          where org_id = ${ctx.orgId} ${snapshotScope}`,
    ),
    // Client viewers see their own client only: no benchmark across the org's other clients.
    ctx.clientScope ? Promise.resolve([]) : loadPercentiles(ctx, month),
  ]);

  const figures = new Map<string, FiguresByMetric>();
  for (const s of snapshots) {
    if (!isMetricKey(s.metric)) continue;
    let byMetric = figures.get(s.client_id);
    if (!byMetric) figures.set(s.client_id, (byMetric = {}));
    let months = byMetric[s.metric] as Map<MonthKey, MetricFigures> | undefined;
    if (!months) byMetric[s.metric] = months = new Map();
    months.set(s.month, {
      value: numOrNull(s.value),
      numerator: numOrNull(s.numerator),
      denominator: numOrNull(s.denominator),
      secondary: (s.secondary ?? {}) as MetricFigures["secondary"],
    });
  }
  const baselineOf = new Map<string, Partial<Record<MetricKey, { value: number | null; source: BaselineSource | null }>>>();
  for (const b of baselines) {
    if (!isMetricKey(b.metric)) continue;
    let byMetric = baselineOf.get(b.client_id);
    if (!byMetric) baselineOf.set(b.client_id, (byMetric = {}));
    const entered = b.entered_value === null ? null : { value: Number(b.entered_value), source: b.entered_source === "imported" ? ("imported" as const) : ("manual" as const) };
    byMetric[b.metric] = effectiveBaseline(entered, numOrNull(b.computed_value));
  }

  const rows = clientRows.map((c): PortfolioRow => {
    const byMetric = figures.get(c.id) ?? {};
    const base = baselineOf.get(c.id) ?? {};
    const goLiveDate = c.go_live_date === null ? null : typeof c.go_live_date === "string" ? c.go_live_date : c.go_live_date.toISOString().slice(0, 10);
    const metrics = Object.fromEntries(
      METRIC_KEYS.map((metric) => {
        const value = byMetric[metric]?.get(month)?.value ?? null;
        const previous = byMetric[metric]?.get(previousMonth)?.value ?? null;
        const baseline = base[metric]?.value ?? null;
        const cell: MetricCell = {
          value,
          previous,
          baseline,
          baselineSource: base[metric]?.source ?? null,
          vsPrevious: deltaOf(metric, value, previous),
          vsBaseline: deltaOf(metric, value, baseline),
        };
        return [metric, cell];
      }),
    ) as Record<MetricKey, MetricCell>;
    const { outcomes: _outcomes, window: _window, ...verdict } = verdictAsOf({
      month,
      timeZone: c.time_zone,
      goLiveDate,
      figures: byMetric,
      baselines: Object.fromEntries(METRIC_KEYS.map((m) => [m, base[m]?.value ?? null])),
    });
    return {
      clientId: c.id,
      name: c.name,
      status: c.status,
      timeZone: c.time_zone,
      baseCurrency: c.base_currency,
      goLiveDate,
      connectionStatus: c.connection_status,
      portalDomain: c.domain,
      lastSyncedAt: dateOf(c.last_synced_at),
      metricsComputedAt: dateOf(c.computed_at),
      hasSnapshots: Boolean(c.has_snapshots) || figures.has(c.id),
      verdict,
      metrics,
    };
  });

  const byMetric = new Map(percentiles.map((p) => [p.metric, p]));
  return {
    month,
    previousMonth,
    rows,
    percentiles: Object.fromEntries(
      METRIC_KEYS.map((m) => {
        const p = byMetric.get(m);
        return [m, { p25: numOrNull(p?.p25), median: numOrNull(p?.median), p75: numOrNull(p?.p75), count: Number(p?.n ?? 0) }];
      }),
    ) as Record<MetricKey, Percentiles>,
  };
}

/**
 * p25 / median / p75 of each metric across the org's current (non-archived) clients for a month, computed by the
 * database. Clients whose value is null (not enough data) are not counted.
 */
export async function loadPercentiles(ctx: TenantContext, month: MonthKey) {
  return queryRows<{ metric: string; p25: number | null; median: number | null; p75: number | null; n: number | string }>(
    ctx.db,
    sql`select s.metric,
               percentile_cont(0.25) within group (order by s.value) as p25,
               percentile_cont(0.5) within group (order by s.value) as median,
               percentile_cont(0.75) within group (order by s.value) as p75,
               count(*) as n
        from metric_snapshots s
        join clients c on c.org_id = s.org_id and c.id = s.client_id
        where s.org_id = ${ctx.orgId} and s.month = ${`${month}-01`}::date and s.value is not null and c.status <> 'archived'
        group by s.metric`,
  );
}

/**
 * p25 / median / p75 per metric and month over a range of months, across the org's current clients: the
 * benchmark band of the client and compare charts. Empty for client viewers.
 */
export async function loadPercentileHistory(ctx: TenantContext, from: MonthKey, to: MonthKey, metrics: readonly MetricKey[] = METRIC_KEYS) {
  if (ctx.clientScope) return new Map<MetricKey, Map<MonthKey, Percentiles>>();
  const rows = await queryRows<{ metric: string; month: string; p25: number | null; median: number | null; p75: number | null; n: number | string }>(
    ctx.db,
    sql`select s.metric, to_char(s.month, 'YYYY-MM') as month,
               percentile_cont(0.25) within group (order by s.value) as p25,
               percentile_cont(0.5) within group (order by s.value) as median,
               percentile_cont(0.75) within group (order by s.value) as p75,
               count(*) as n
        from metric_snapshots s
        join clients c on c.org_id = s.org_id and c.id = s.client_id
        where s.org_id = ${ctx.orgId} and s.month >= ${`${from}-01`}::date and s.month <= ${`${to}-01`}::date
          and s.value is not null and c.status <> 'archived'
          and s.metric in (${sql.join(metrics.map((m) => sql`${m}`), sql`, `)})
        group by s.metric, s.month`,
  );
  const out = new Map<MetricKey, Map<MonthKey, Percentiles>>();
  for (const r of rows) {
    if (!isMetricKey(r.metric)) continue;
    let months = out.get(r.metric);
    if (!months) out.set(r.metric, (months = new Map()));
    months.set(r.month, { p25: numOrNull(r.p25), median: numOrNull(r.median), p75: numOrNull(r.p75), count: Number(r.n) });
  }
  return out;
}
