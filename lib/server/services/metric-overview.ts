import { and, asc, desc, eq, gte, inArray } from "drizzle-orm";
import { clientMetricStates, metricSnapshots, portalConnections } from "@/db/schema";
import {
  addMonths,
  averageMonths,
  compareToBaseline,
  METRIC_DEFINITIONS,
  METRIC_KEYS,
  METRICS,
  verdictOf,
  verdictWindow,
  type MetricFigures,
  type VerdictResult,
  monthOf,
  monthRange,
  type GoodDirection,
  type MetricKey,
  type MetricUnit,
  type MonthKey,
  type Outcome,
} from "@/lib/metrics";
import { recordAudit } from "../audit-log";
import { monthDate, monthKeyOfDate } from "../metrics/month-dates";
import { requestMetricsRecompute } from "../metrics/requests";
import { assertCan } from "../permissions";
import type { TenantContext } from "../tenant";
import { getClientInOrg } from "./clients";
import { listBaselines, listTargets, targetFor } from "./metric-goals";

/**
 * The metrics page of a client: the monthly table (value, change against the month before, baseline and
 * target) and the recompute state.
 */

export interface OverviewCell {
  month: MonthKey;
  value: number | null;
  /** Against the month before: improved / flat / worse by the good direction, null when unknown. */
  outcome: Outcome | null;
  target: number | null;
}

export interface OverviewRow {
  key: MetricKey;
  unit: MetricUnit;
  good: GoodDirection;
  baseline: number | null;
  cells: OverviewCell[];
}

export interface RecomputeState {
  computedAt: Date | null;
  pending: boolean;
  running: boolean;
  error: string | null;
  firstMonth: MonthKey | null;
  lastMonth: MonthKey | null;
  durationMs: number | null;
}

export interface MetricsOverview {
  client: { id: string; name: string; timeZone: string; baseCurrency: string; goLiveDate: string | null };
  connected: boolean;
  state: RecomputeState;
  /** Newest first. */
  months: MonthKey[];
  rows: OverviewRow[];
}

export const OVERVIEW_MONTHS = 12;

/** The client's recompute state (never computed: all empty). */
export async function getRecomputeState(ctx: TenantContext, clientId: string): Promise<RecomputeState> {
  const client = await getClientInOrg(ctx, clientId);
  const [s] = await ctx.db
    .select()
    .from(clientMetricStates)
    .where(and(eq(clientMetricStates.orgId, ctx.orgId), eq(clientMetricStates.clientId, client.id)))
    .limit(1);
  return {
    computedAt: s?.computedAt ?? null,
    pending: Boolean(s && (s.pendingFull || s.pendingFrom || s.pendingChangedSince)),
    running: Boolean(s?.runningSince),
    error: s?.error ?? null,
    firstMonth: s?.firstMonth ? monthKeyOfDate(s.firstMonth) : null,
    lastMonth: s?.lastMonth ? monthKeyOfDate(s.lastMonth) : null,
    durationMs: s?.lastDurationMs ?? null,
  };
}

/** The last `months` months of a client of the context's org, newest first, with the recompute state. */
export async function getMetricsOverview(ctx: TenantContext, clientId: string, options: { months?: number; now?: number } = {}): Promise<MetricsOverview> {
  const client = await getClientInOrg(ctx, clientId);
  const count = Math.min(Math.max(options.months ?? OVERVIEW_MONTHS, 1), 60);
  const state = await getRecomputeState(ctx, client.id);
  const [connection] = await ctx.db
    .select({ id: portalConnections.id })
    .from(portalConnections)
    .where(and(eq(portalConnections.orgId, ctx.orgId), eq(portalConnections.clientId, client.id)))
    .limit(1);
  const last = state.lastMonth ?? monthOf(options.now ?? Date.now(), client.timeZone);
  const first = addMonths(last, -(count - 1));
  const shown = monthRange(first, last).reverse();
  const rows = await ctx.db
    .select({ metric: metricSnapshots.metric, month: metricSnapshots.month, value: metricSnapshots.value })
    .from(metricSnapshots)
    .where(and(eq(metricSnapshots.orgId, ctx.orgId), eq(metricSnapshots.clientId, client.id), gte(metricSnapshots.month, monthDate(addMonths(first, -1)))))
    .orderBy(desc(metricSnapshots.month));
  const values = new Map(rows.map((r) => [`${r.metric} ${monthKeyOfDate(r.month)}`, r.value]));
  const baselines = await listBaselines(ctx, client.id);
  const targets = await listTargets(ctx, client.id);
  return {
    client: { id: client.id, name: client.name, timeZone: client.timeZone, baseCurrency: client.baseCurrency, goLiveDate: client.goLiveDate },
    connected: Boolean(connection),
    state,
    months: shown,
    rows: METRICS.map((m) => ({
      key: m.key,
      unit: m.unit,
      good: m.good,
      baseline: baselines.find((b) => b.metric === m.key)?.effective ?? null,
      cells: shown.map((month) => {
        const value = values.get(`${m.key} ${month}`) ?? null;
        const before = values.get(`${m.key} ${addMonths(month, -1)}`) ?? null;
        return { month, value, outcome: compareToBaseline(value, before, m.good), target: targetFor(targets, m.key, month) };
      }),
    })),
  };
}

/** Asks for a full recompute of a client's history now (owners, admins, analysts). */
export async function requestRecomputeNow(ctx: TenantContext, clientId: string): Promise<void> {
  assertCan(ctx, "metrics.write");
  const client = await getClientInOrg(ctx, clientId);
  await ctx.db.transaction(async (tx) => {
    await requestMetricsRecompute(tx, { orgId: ctx.orgId, clientId: client.id, scope: { full: true } });
    await recordAudit(tx, ctx, "metrics.recompute_requested", { type: "client", id: client.id }, { name: client.name });
  });
}

export interface ClientVerdict extends VerdictResult {
  /** The months compared with the baselines (the last 3 complete ones after go-live), or null. */
  window: MonthKey[] | null;
  metrics: Record<MetricKey, { current: number | null; baseline: number | null; outcome: Outcome | null }>;
}

/**
 * The client's verdict (SPEC §3): each metric over the last 3 complete months after the go-live month, combined
 * from their numerators and denominators, against its baseline in force; "pays off" when most measurable metrics
 * improved.
 */
export async function getClientVerdict(ctx: TenantContext, clientId: string, options: { now?: number } = {}): Promise<ClientVerdict> {
  const client = await getClientInOrg(ctx, clientId);
  const window = verdictWindow(client.goLiveDate, options.now ?? Date.now(), client.timeZone);
  const rows = window
    ? await ctx.db
        .select()
        .from(metricSnapshots)
        .where(and(eq(metricSnapshots.orgId, ctx.orgId), eq(metricSnapshots.clientId, client.id), inArray(metricSnapshots.month, window.map(monthDate))))
        .orderBy(asc(metricSnapshots.month))
    : [];
  const baselines = await listBaselines(ctx, client.id);
  const metrics = {} as ClientVerdict["metrics"];
  for (const key of METRIC_KEYS) {
    const months = rows
      .filter((r) => r.metric === key)
      .map((r): MetricFigures => ({ value: r.value, numerator: r.numerator, denominator: r.denominator, secondary: r.secondary as MetricFigures["secondary"] }));
    const current = months.length ? averageMonths(key, months).value : null;
    const baseline = baselines.find((b) => b.metric === key)?.effective ?? null;
    metrics[key] = { current, baseline, outcome: compareToBaseline(current, baseline, METRIC_DEFINITIONS[key].good) };
  }
  const outcomes = Object.fromEntries(METRIC_KEYS.map((k) => [k, metrics[k].outcome]));
  return { ...verdictOf(outcomes, { hasGoLive: client.goLiveDate !== null, windowReady: window !== null }), window, metrics };
}
