import { sql, type SQL } from "drizzle-orm";
import { queryRows } from "@/db";
import type { ClientStatus, ConnectionStatus } from "@/db/schema";
import {
  addMonths,
  effectiveBaseline,
  lastCompleteMonth,
  METRIC_DEFINITIONS,
  METRIC_KEYS,
  isMetricKey,
  type BaselineSource,
  type MetricFigures,
  type MetricKey,
  type MonthKey,
  type VerdictResult,
} from "@/lib/metrics";
import type { TenantContext } from "../tenant";
import { StampedCache } from "./cache";
import { deltaOf, verdictAsOf, verdictWindowOf, type Delta, type FiguresByMetric } from "./compute";

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
  /** For money metrics, the currency of the clients counted (money is only compared within one currency). */
  currency?: string | null;
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

/** Verdicts by client and month, valid while the client's snapshots, baselines, go-live date and zone are unchanged. */
const verdictCache = new StampedCache<VerdictResult>(20_000);

/** The org's percentiles, valid while no client of the org was recomputed, added, archived or restored. */
const percentileCache = new StampedCache<Awaited<ReturnType<typeof queryPercentiles>>>(2_000);

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
    go_live_date: string | null;
    connection_status: ConnectionStatus | null;
    domain: string | null;
    last_synced_at: string | Date | null;
    computed_at: string | Date | null;
    has_snapshots: boolean;
    stamp: string;
  }>(
    ctx.db,
    sql`select c.id, c.name, c.status, c.time_zone, c.base_currency, to_char(c.go_live_date, 'YYYY-MM-DD') as go_live_date,
               p.status as connection_status, p.domain, p.last_synced_at, s.computed_at,
               (s.first_month is not null) as has_snapshots,
               concat_ws('|', s.computed_at, c.updated_at,
                 (select max(greatest(b.updated_at, b.computed_at)) from metric_baselines b where b.org_id = c.org_id and b.client_id = c.id)) as stamp
        from clients c
        left join portal_connections p on p.org_id = c.org_id and p.client_id = c.id
        left join client_metric_states s on s.org_id = c.org_id and s.client_id = c.id
        where c.org_id = ${ctx.orgId} and ${statusCondition(options.status ?? "current")} ${scope}
        order by lower(c.name), c.id`,
  );

  const month = options.month ?? defaultPortfolioMonth(clientRows.map((c) => c.time_zone), now);
  const previousMonth = addMonths(month, -1);
  const snapshotScope = ctx.clientScope ? sql`and client_id = ${ctx.clientScope}` : sql``;

  // One row per client and metric: this month's value, last month's, and the baselines.
  const cellsQuery = queryRows<{ client_id: string; metric: string; value: number | null; previous: number | null; entered_value: number | null; entered_source: string | null; computed_value: number | null }>(
    ctx.db,
    sql`select coalesce(v.client_id, b.client_id) as client_id, coalesce(v.metric, b.metric) as metric, v.value, v.previous,
               b.entered_value, b.entered_source, b.computed_value
        from (select client_id, metric,
                     max(value) filter (where month = ${`${month}-01`}::date) as value,
                     max(value) filter (where month = ${`${previousMonth}-01`}::date) as previous
              from metric_snapshots
              where org_id = ${ctx.orgId} and metric in (${ALL_METRICS}) ${snapshotScope}
                and month in (${`${month}-01`}::date, ${`${previousMonth}-01`}::date)
              group by client_id, metric) v
        full join (select client_id, metric, entered_value, entered_source, computed_value
                   from metric_baselines where org_id = ${ctx.orgId} ${snapshotScope}) b
          on b.client_id = v.client_id and b.metric = v.metric`,
  );
  // Client viewers see their own client only: no benchmark across the org's other clients.
  const percentilesQuery = ctx.clientScope ? Promise.resolve([]) : loadPercentiles(ctx, month);
  const [cells, percentiles] = await Promise.all([cellsQuery, percentilesQuery]);

  const valueOf = new Map<string, Partial<Record<MetricKey, { value: number | null; previous: number | null; baseline: number | null; source: BaselineSource | null }>>>();
  for (const r of cells) {
    if (!isMetricKey(r.metric)) continue;
    let byMetric = valueOf.get(r.client_id);
    if (!byMetric) valueOf.set(r.client_id, (byMetric = {}));
    const entered = r.entered_value === null ? null : { value: Number(r.entered_value), source: r.entered_source === "imported" ? ("imported" as const) : ("manual" as const) };
    const baseline = effectiveBaseline(entered, numOrNull(r.computed_value));
    byMetric[r.metric] = { value: numOrNull(r.value), previous: numOrNull(r.previous), baseline: baseline.value, source: baseline.source };
  }

  const verdicts = await loadVerdicts(
    ctx,
    month,
    clientRows.map((c) => ({ id: c.id, timeZone: c.time_zone, goLiveDate: c.go_live_date, stamp: `${c.stamp}|${c.time_zone}|${c.go_live_date}` })),
    valueOf,
  );

  const rows = clientRows.map((c): PortfolioRow => {
    const byMetric = valueOf.get(c.id) ?? {};
    const metrics = Object.fromEntries(
      METRIC_KEYS.map((metric) => {
        const m = byMetric[metric];
        const value = m?.value ?? null;
        const previous = m?.previous ?? null;
        const baseline = m?.baseline ?? null;
        const cell: MetricCell = {
          value,
          previous,
          baseline,
          baselineSource: m?.source ?? null,
          vsPrevious: deltaOf(metric, value, previous),
          vsBaseline: deltaOf(metric, value, baseline),
        };
        return [metric, cell];
      }),
    ) as Record<MetricKey, MetricCell>;
    return {
      clientId: c.id,
      name: c.name,
      status: c.status,
      timeZone: c.time_zone,
      baseCurrency: c.base_currency,
      goLiveDate: c.go_live_date,
      connectionStatus: c.connection_status,
      portalDomain: c.domain,
      lastSyncedAt: dateOf(c.last_synced_at),
      metricsComputedAt: dateOf(c.computed_at),
      hasSnapshots: Boolean(c.has_snapshots) || valueOf.has(c.id),
      verdict: verdicts.get(c.id)!,
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
        return [m, { p25: numOrNull(p?.p25), median: numOrNull(p?.median), p75: numOrNull(p?.p75), count: Number(p?.n ?? 0), currency: p?.currency ?? null }];
      }),
    ) as Record<MetricKey, Percentiles>,
  };
}

/**
 * Each client's verdict as of `month`. Clients without a go-live date, or whose window is not complete yet, need no
 * snapshots; the others' three months are read (with the secondary figures re-aggregation needs) only when their
 * cached verdict is missing or stale.
 */
async function loadVerdicts(
  ctx: TenantContext,
  month: MonthKey,
  clients: { id: string; timeZone: string; goLiveDate: string | null; stamp: string }[],
  values: Map<string, Partial<Record<MetricKey, { baseline: number | null }>>>,
): Promise<Map<string, VerdictResult>> {
  const out = new Map<string, VerdictResult>();
  const missing: { id: string; timeZone: string; goLiveDate: string | null; stamp: string; window: MonthKey[] }[] = [];
  for (const c of clients) {
    const window = verdictWindowOf(month, c.timeZone, c.goLiveDate);
    const cached = verdictCache.get(`${ctx.orgId}:${c.id}:${month}`, c.stamp);
    if (cached) out.set(c.id, cached);
    else if (!window) out.set(c.id, strip(verdictAsOf({ month, timeZone: c.timeZone, goLiveDate: c.goLiveDate, figures: {}, baselines: {}, window })));
    else missing.push({ ...c, window });
  }
  if (missing.length === 0) return out;

  const firstMonth = addMonths(month, -2);
  const snapshots = await queryRows<{ client_id: string; metric: string; month: string; value: number | null; numerator: number | null; denominator: number | null; secondary: Record<string, unknown> }>(
    ctx.db,
    sql`select client_id, metric, to_char(month, 'YYYY-MM') as month, value, numerator, denominator, secondary
        from metric_snapshots
        where org_id = ${ctx.orgId} and metric in (${ALL_METRICS})
          and month >= ${`${firstMonth}-01`}::date and month <= ${`${month}-01`}::date
          ${missing.length < clients.length ? sql`and client_id in (${sql.join(missing.map((c) => sql`${c.id}`), sql`, `)})` : sql``}
          ${ctx.clientScope ? sql`and client_id = ${ctx.clientScope}` : sql``}`,
  );
  const figures = new Map<string, FiguresByMetric>();
  for (const s of snapshots) {
    if (!isMetricKey(s.metric)) continue;
    let byMetric = figures.get(s.client_id);
    if (!byMetric) figures.set(s.client_id, (byMetric = {}));
    let months = byMetric[s.metric] as Map<MonthKey, MetricFigures> | undefined;
    if (!months) byMetric[s.metric] = months = new Map();
    months.set(s.month, { value: numOrNull(s.value), numerator: numOrNull(s.numerator), denominator: numOrNull(s.denominator), secondary: (s.secondary ?? {}) as MetricFigures["secondary"] });
  }
  for (const c of missing) {
    const base = values.get(c.id) ?? {};
    const verdict = strip(
      verdictAsOf({
        month,
        timeZone: c.timeZone,
        goLiveDate: c.goLiveDate,
        figures: figures.get(c.id) ?? {},
        baselines: Object.fromEntries(METRIC_KEYS.map((m) => [m, base[m]?.baseline ?? null])),
        window: c.window,
      }),
    );
    verdictCache.set(`${ctx.orgId}:${c.id}:${month}`, c.stamp, verdict);
    out.set(c.id, verdict);
  }
  return out;
}

const strip = ({ outcomes: _outcomes, window: _window, ...verdict }: ReturnType<typeof verdictAsOf>): VerdictResult => verdict;

/** When anything behind the org's percentiles last changed: a recompute, a client added, archived or restored. */
async function percentileStamp(ctx: TenantContext): Promise<string> {
  const [row] = await queryRows<{ stamp: string }>(
    ctx.db,
    sql`select concat_ws('|', (select max(computed_at) from client_metric_states where org_id = ${ctx.orgId}),
                              (select max(updated_at) from clients where org_id = ${ctx.orgId}),
                              (select count(*) from clients where org_id = ${ctx.orgId})) as stamp`,
  );
  return row?.stamp ?? "";
}

/**
 * p25 / median / p75 of each metric across the org's current (non-archived) clients for a month, computed by the
 * database. Clients whose value is null (not enough data) are not counted.
 */
export async function loadPercentiles(ctx: TenantContext, month: MonthKey, currency: string | null = null) {
  const key = `${ctx.orgId}:${month}:${currency ?? ""}`;
  const stamp = await percentileStamp(ctx);
  const cached = percentileCache.get(key, stamp);
  if (cached) return cached;
  const rows = await queryPercentiles(ctx, month, currency);
  percentileCache.set(key, stamp, rows);
  return rows;
}

/** Every metric key as a SQL list: with it, month filters use the (org_id, metric, month) index. */
const ALL_METRICS = sql.join(METRIC_KEYS.map((m) => sql`${m}`), sql`, `);

const MONEY_METRICS = METRIC_KEYS.filter((m) => METRIC_DEFINITIONS[m].unit === "money");

/**
 * Money is only comparable within one currency: money metrics count the clients whose base currency is `currency`,
 * or, when it is null, the org's most common one among its current clients. The other metrics count every client.
 */
function moneyScope(ctx: TenantContext, currency: string | null) {
  const chosen =
    currency === null
      ? sql`(select base_currency from clients where org_id = ${ctx.orgId} and status <> 'archived' group by base_currency order by count(*) desc, base_currency limit 1)`
      : sql`${currency}`;
  const money = sql.join(MONEY_METRICS.map((m) => sql`${m}`), sql`, `);
  return {
    where: sql`(s.metric not in (${money}) or c.base_currency = ${chosen})`,
    currency: sql`case when s.metric in (${money}) then max(c.base_currency) end`,
  };
}

function queryPercentiles(ctx: TenantContext, month: MonthKey, currency: string | null) {
  const scope = moneyScope(ctx, currency);
  return queryRows<{ metric: string; p25: number | null; median: number | null; p75: number | null; n: number | string; currency: string | null }>(
    ctx.db,
    sql`select s.metric,
               percentile_cont(0.25) within group (order by s.value) as p25,
               percentile_cont(0.5) within group (order by s.value) as median,
               percentile_cont(0.75) within group (order by s.value) as p75,
               count(*) as n,
               ${scope.currency} as currency
        from metric_snapshots s
        join clients c on c.org_id = s.org_id and c.id = s.client_id
        where s.org_id = ${ctx.orgId} and s.metric in (${ALL_METRICS}) and s.month = ${`${month}-01`}::date
          and s.value is not null and c.status <> 'archived'
          and ${scope.where}
        group by s.metric`,
  );
}

/**
 * p25 / median / p75 per metric and month over a range of months, across the org's current clients: the
 * benchmark band of the client and compare charts. Empty for client viewers.
 */
export async function loadPercentileHistory(
  ctx: TenantContext,
  from: MonthKey,
  to: MonthKey,
  metrics: readonly MetricKey[] = METRIC_KEYS,
  currency: string | null = null,
) {
  if (ctx.clientScope) return new Map<MetricKey, Map<MonthKey, Percentiles>>();
  const key = `${ctx.orgId}:${from}:${to}:${metrics.join(",")}:${currency ?? ""}`;
  const stamp = await percentileStamp(ctx);
  const cached = percentileHistoryCache.get(key, stamp);
  if (cached) return cached;
  const scope = moneyScope(ctx, currency);
  const rows = await queryRows<{ metric: string; month: string; p25: number | null; median: number | null; p75: number | null; n: number | string; currency: string | null }>(
    ctx.db,
    sql`select s.metric, to_char(s.month, 'YYYY-MM') as month,
               percentile_cont(0.25) within group (order by s.value) as p25,
               percentile_cont(0.5) within group (order by s.value) as median,
               percentile_cont(0.75) within group (order by s.value) as p75,
               count(*) as n,
               ${scope.currency} as currency
        from metric_snapshots s
        join clients c on c.org_id = s.org_id and c.id = s.client_id
        where s.org_id = ${ctx.orgId} and s.month >= ${`${from}-01`}::date and s.month <= ${`${to}-01`}::date
          and s.value is not null and c.status <> 'archived'
          and s.metric in (${sql.join(metrics.map((m) => sql`${m}`), sql`, `)})
          and ${scope.where}
        group by s.metric, s.month`,
  );
  const out = new Map<MetricKey, Map<MonthKey, Percentiles>>();
  for (const r of rows) {
    if (!isMetricKey(r.metric)) continue;
    let months = out.get(r.metric);
    if (!months) out.set(r.metric, (months = new Map()));
    months.set(r.month, { p25: numOrNull(r.p25), median: numOrNull(r.median), p75: numOrNull(r.p75), count: Number(r.n), currency: r.currency });
  }
  percentileHistoryCache.set(key, stamp, out);
  return out;
}

const percentileHistoryCache = new StampedCache<Map<MetricKey, Map<MonthKey, Percentiles>>>(500);
