import { and, asc, eq, gte, lte } from "drizzle-orm";
import { clientMetricStates, metricBaselines, metricSnapshots, metricTargets, portalConnections, type ConnectionStatus } from "@/db/schema";
import {
  addMonths,
  effectiveBaseline,
  isMetricKey,
  lastCompleteMonth,
  METRIC_DEFINITIONS,
  METRIC_KEYS,
  monthDiff,
  monthRange,
  progressToTarget,
  type BaselineSource,
  type GoodDirection,
  type MetricFigures,
  type MetricKey,
  type MetricUnit,
  type MonthKey,
  type Outcome,
  type TargetProgress,
  type VerdictResult,
} from "@/lib/metrics";
import { getClientInOrg } from "../services/clients";
import type { TenantContext } from "../tenant";
import {
  beforeAfterRanges,
  comparisonPeriods,
  deltaOf,
  figuresOverRange,
  verdictAsOf,
  type Delta,
  type FiguresByMetric,
  type PeriodComparisonMode,
  type PeriodRange,
} from "./compute";
import { loadPercentileHistory, loadPercentiles, type Percentiles } from "./portfolio";

/**
 * One client's dashboard: the ten metrics for a month with deltas, sparklines, history for the charts, baseline and
 * target lines, the portfolio benchmark, the verdict, before/after go-live and a period-against-period comparison.
 * Reads the client's stored snapshots once and derives everything from them (lib/metrics does the arithmetic).
 */

/** Months of history the charts show by default. */
export const DEFAULT_HISTORY_MONTHS = 24;
/** Months in a sparkline. */
export const SPARKLINE_MONTHS = 12;

export interface ClientBaseline {
  value: number | null;
  source: BaselineSource | null;
  /** The months a computed baseline covers. */
  computedFrom: MonthKey | null;
  computedTo: MonthKey | null;
}

export interface ClientMetric {
  key: MetricKey;
  unit: MetricUnit;
  good: GoodDirection;
  /** The month's figures (value null = not enough data; the whole thing null = no snapshot). */
  current: MetricFigures | null;
  previous: number | null;
  vsPrevious: Delta;
  vsBaseline: Delta;
  baseline: ClientBaseline;
  /** The target in force for the month (the month's own, else the general one). */
  target: number | null;
  generalTarget: number | null;
  targetProgress: TargetProgress;
  /** Values aligned with `history.months`. */
  history: (number | null)[];
  /** Month-specific targets aligned with `history.months` (null where none). */
  historyTargets: (number | null)[];
  /** The last SPARKLINE_MONTHS values ending with the month. */
  sparkline: (number | null)[];
  benchmark: Percentiles | null;
  /** Benchmark medians aligned with `history.months` (empty for client viewers). */
  benchmarkHistory: { p25: (number | null)[]; median: (number | null)[]; p75: (number | null)[] } | null;
  /** The outcome the verdict counted for this metric. */
  verdictOutcome: Outcome | null;
}

export interface PeriodColumn {
  range: PeriodRange;
  values: Record<MetricKey, number | null>;
}

export interface ClientDashboard {
  client: Awaited<ReturnType<typeof getClientInOrg>>;
  connection: { status: ConnectionStatus; domain: string; lastSyncedAt: Date | null } | null;
  computedAt: Date | null;
  /** First and last month of the stored history, null before the first sync. */
  firstMonth: MonthKey | null;
  lastMonth: MonthKey | null;
  hasSnapshots: boolean;
  /** The month the cards show. */
  month: MonthKey;
  lastCompleteMonth: MonthKey;
  history: { from: MonthKey; to: MonthKey; months: MonthKey[] };
  metrics: ClientMetric[];
  verdict: VerdictResult & { window: MonthKey[] | null };
  beforeAfter: { before: PeriodColumn | null; after: PeriodColumn | null; delta: Record<MetricKey, Delta> | null } | null;
  comparison: { mode: PeriodComparisonMode; a: PeriodColumn; b: PeriodColumn; delta: Record<MetricKey, Delta> };
  /** Dated events for chart annotations: the go-live month (audits join when they are run). */
  events: { kind: "go_live" | "audit"; month: MonthKey; date: string }[];
}

export interface ClientDashboardOptions {
  month?: MonthKey | null;
  from?: MonthKey | null;
  to?: MonthKey | null;
  comparison?: PeriodComparisonMode;
  custom?: { a: PeriodRange; b: PeriodRange } | null;
  now?: number;
}

const monthOfDate = (value: string | Date) => (typeof value === "string" ? value.slice(0, 7) : value.toISOString().slice(0, 7));

/** A client's stored months of every metric, as figures. */
export async function loadClientFigures(ctx: TenantContext, clientId: string, range?: PeriodRange): Promise<FiguresByMetric> {
  const rows = await ctx.db
    .select({
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
        eq(metricSnapshots.clientId, clientId),
        range ? gte(metricSnapshots.month, `${range.from}-01`) : undefined,
        range ? lte(metricSnapshots.month, `${range.to}-01`) : undefined,
      ),
    )
    .orderBy(asc(metricSnapshots.month));
  const out: FiguresByMetric = {};
  for (const r of rows) {
    if (!isMetricKey(r.metric)) continue;
    const month = monthOfDate(r.month);
    let months = out[r.metric] as Map<MonthKey, MetricFigures> | undefined;
    if (!months) out[r.metric] = months = new Map();
    months.set(month, { value: r.value, numerator: r.numerator, denominator: r.denominator, secondary: r.secondary as MetricFigures["secondary"] });
  }
  return out;
}

/** The baselines in force for a client (entered wins over computed). */
export async function loadClientBaselines(ctx: TenantContext, clientId: string): Promise<Record<MetricKey, ClientBaseline>> {
  const rows = await ctx.db
    .select()
    .from(metricBaselines)
    .where(and(eq(metricBaselines.orgId, ctx.orgId), eq(metricBaselines.clientId, clientId)));
  const byMetric = new Map(rows.map((r) => [r.metric, r]));
  return Object.fromEntries(
    METRIC_KEYS.map((m) => {
      const r = byMetric.get(m);
      const entered = r && r.enteredValue !== null ? { value: r.enteredValue, source: r.enteredSource === "imported" ? ("imported" as const) : ("manual" as const) } : null;
      const eff = effectiveBaseline(entered, r?.computedValue ?? null);
      const computed = eff.source === "computed";
      return [m, { ...eff, computedFrom: computed ? (r?.computedFrom ?? null) : null, computedTo: computed ? (r?.computedTo ?? null) : null }];
    }),
  ) as Record<MetricKey, ClientBaseline>;
}

/** A client's targets: the general one and the month-specific ones, per metric. */
export async function loadClientTargets(ctx: TenantContext, clientId: string) {
  const rows = await ctx.db
    .select({ metric: metricTargets.metric, month: metricTargets.month, value: metricTargets.value })
    .from(metricTargets)
    .where(and(eq(metricTargets.orgId, ctx.orgId), eq(metricTargets.clientId, clientId)));
  const out = Object.fromEntries(METRIC_KEYS.map((m) => [m, { general: null as number | null, monthly: new Map<MonthKey, number>() }])) as Record<
    MetricKey,
    { general: number | null; monthly: Map<MonthKey, number> }
  >;
  for (const r of rows) {
    if (!isMetricKey(r.metric)) continue;
    if (r.month === null) out[r.metric].general = r.value;
    else out[r.metric].monthly.set(monthOfDate(r.month), r.value);
  }
  return out;
}

const columnOf = (figures: FiguresByMetric, range: PeriodRange): PeriodColumn => {
  const byMetric = figuresOverRange(figures, range);
  return { range, values: Object.fromEntries(METRIC_KEYS.map((m) => [m, byMetric[m]?.value ?? null])) as Record<MetricKey, number | null> };
};

const deltasOf = (a: PeriodColumn, b: PeriodColumn) =>
  Object.fromEntries(METRIC_KEYS.map((m) => [m, deltaOf(m, b.values[m], a.values[m])])) as Record<MetricKey, Delta>;

/** The client's dashboard (see the module comment). Another org's client, or not the viewer's own: not_found. */
export async function getClientDashboard(ctx: TenantContext, clientId: string, options: ClientDashboardOptions = {}): Promise<ClientDashboard> {
  const client = await getClientInOrg(ctx, clientId);
  const now = options.now ?? Date.now();
  const [[connection], [state], figures, baselines, targets] = await Promise.all([
    ctx.db
      .select({ status: portalConnections.status, domain: portalConnections.domain, lastSyncedAt: portalConnections.lastSyncedAt })
      .from(portalConnections)
      .where(and(eq(portalConnections.orgId, ctx.orgId), eq(portalConnections.clientId, client.id)))
      .limit(1),
    ctx.db
      .select({ computedAt: clientMetricStates.computedAt, firstMonth: clientMetricStates.firstMonth, lastMonth: clientMetricStates.lastMonth })
      .from(clientMetricStates)
      .where(and(eq(clientMetricStates.orgId, ctx.orgId), eq(clientMetricStates.clientId, client.id)))
      .limit(1),
    loadClientFigures(ctx, client.id),
    loadClientBaselines(ctx, client.id),
    loadClientTargets(ctx, client.id),
  ]);

  const stored = new Set<MonthKey>();
  for (const months of Object.values(figures)) for (const m of months!.keys()) stored.add(m);
  const sortedMonths = [...stored].sort();
  const firstMonth = sortedMonths[0] ?? null;
  const lastMonth = sortedMonths[sortedMonths.length - 1] ?? null;
  const complete = lastCompleteMonth(now, client.timeZone);
  const month = options.month ?? complete;

  let to = options.to ?? month;
  let from = options.from ?? addMonths(to, -(DEFAULT_HISTORY_MONTHS - 1));
  if (!options.from && firstMonth && monthDiff(from, firstMonth) > 0 && monthDiff(firstMonth, to) >= 0) from = firstMonth;
  if (monthDiff(from, to) < 0) [from, to] = [to, from];
  const months = monthRange(from, to);

  // Money metrics are benchmarked against the clients in this client's currency only.
  const benchmarkNow = ctx.clientScope ? [] : await loadPercentiles(ctx, month, client.baseCurrency);
  const benchmarkByMetric = new Map(benchmarkNow.map((p) => [p.metric, p]));
  const benchmarkHistory = ctx.clientScope ? null : await loadPercentileHistory(ctx, from, to, METRIC_KEYS, client.baseCurrency);

  const baselineValues = Object.fromEntries(METRIC_KEYS.map((m) => [m, baselines[m].value])) as Record<MetricKey, number | null>;
  const verdict = verdictAsOf({ month, timeZone: client.timeZone, goLiveDate: client.goLiveDate, figures, baselines: baselineValues });

  const metrics = METRIC_KEYS.map((key): ClientMetric => {
    const def = METRIC_DEFINITIONS[key];
    const byMonth = figures[key];
    const current = byMonth?.get(month) ?? null;
    const value = current?.value ?? null;
    const previous = byMonth?.get(addMonths(month, -1))?.value ?? null;
    const target = targets[key].monthly.get(month) ?? targets[key].general;
    const b = benchmarkByMetric.get(key);
    const bh = benchmarkHistory?.get(key);
    const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
    return {
      key,
      unit: def.unit,
      good: def.good,
      current,
      previous,
      vsPrevious: deltaOf(key, value, previous),
      vsBaseline: deltaOf(key, value, baselines[key].value),
      baseline: baselines[key],
      target,
      generalTarget: targets[key].general,
      targetProgress: progressToTarget(value, baselines[key].value, target, def.good),
      history: months.map((m) => byMonth?.get(m)?.value ?? null),
      historyTargets: months.map((m) => targets[key].monthly.get(m) ?? null),
      sparkline: monthRange(addMonths(month, -(SPARKLINE_MONTHS - 1)), month).map((m) => byMonth?.get(m)?.value ?? null),
      benchmark: ctx.clientScope ? null : { p25: num(b?.p25), median: num(b?.median), p75: num(b?.p75), count: Number(b?.n ?? 0) },
      benchmarkHistory: benchmarkHistory
        ? {
            p25: months.map((m) => bh?.get(m)?.p25 ?? null),
            median: months.map((m) => bh?.get(m)?.median ?? null),
            p75: months.map((m) => bh?.get(m)?.p75 ?? null),
          }
        : null,
      verdictOutcome: verdict.outcomes[key] ?? null,
    };
  });

  const ranges = beforeAfterRanges(client.goLiveDate, firstMonth, lastMonth && monthDiff(lastMonth, complete) < 0 ? lastMonth : complete);
  let beforeAfter: ClientDashboard["beforeAfter"] = null;
  if (ranges) {
    const before = ranges.before ? columnOf(figures, ranges.before) : null;
    const after = ranges.after ? columnOf(figures, ranges.after) : null;
    beforeAfter = { before, after, delta: before && after ? deltasOf(before, after) : null };
  }

  const mode = options.comparison ?? "previous";
  const periods = comparisonPeriods(mode, month, options.custom ?? undefined);
  const a = columnOf(figures, periods.a);
  const b = columnOf(figures, periods.b);

  const { outcomes: _outcomes, ...verdictSummary } = verdict;
  return {
    client,
    connection: connection ?? null,
    computedAt: state?.computedAt ?? null,
    firstMonth,
    lastMonth,
    hasSnapshots: stored.size > 0,
    month,
    lastCompleteMonth: complete,
    history: { from, to, months },
    metrics,
    verdict: verdictSummary,
    beforeAfter,
    comparison: { mode, a, b, delta: deltasOf(a, b) },
    events: client.goLiveDate ? [{ kind: "go_live", month: client.goLiveDate.slice(0, 7), date: client.goLiveDate }] : [],
  };
}
