import { and, asc, eq, gte, inArray, lt, or, sql } from "drizzle-orm";
import { hasConnectionPool, queryRows, type Tx } from "@/db";
import {
  clientMetricSettings,
  clientMetricStates,
  clients,
  metricBaselines,
  metricInputs,
  metricSnapshots,
  portalConnections,
  processInventoryItems,
} from "@/db/schema";
import {
  addMonths,
  baselineMonths,
  computeBaseline,
  computeHistory,
  conversionFactor,
  definitionVersions,
  LTV_WINDOW_MONTHS,
  METRIC_DEFINITIONS,
  METRIC_KEYS,
  monthBoundaries,
  monthDiff,
  monthOf,
  monthStart,
  parseClock,
  seededInventory,
  type BusinessHours,
  type CustomerMonthFlows,
  type HistoryActivityEvidence,
  type HistoryCreatedMonth,
  type HistoryLossMonth,
  type InventoryItem,
  type ManualMonthInputs,
  type MetricFigures,
  type MonthKey,
  type ProcessOverride,
  type ResponseSummary,
  type SnapshotDraft,
} from "@/lib/metrics";
import { AppError } from "../errors";
import { isUuid } from "../ids";
import type { TenantContext } from "../tenant";
import {
  loadActivityEvidence,
  loadAutostartTemplates,
  loadCreatedMonths,
  loadCurrencies,
  loadHistoryStart,
  loadLossMonths,
  loadResponseMonths,
  loadWins,
  refreshDealOutcomes,
  refreshRequestPairs,
  prepareLosses,
  prepareRequests,
  type MirrorScope,
} from "./mirror-inputs";
import { monthDate, monthKeyOfDate } from "./month-dates";
import { DEFAULT_METRIC_SETTINGS, type MetricSettings } from "./settings-shape";


export interface RecomputeOptions {
  /** Recompute from this month through the current one; the whole history when absent. */
  fromMonth?: MonthKey | null;
  /** The instant "now" (tests pin it). */
  now?: number;
}

export interface RecomputeSummary {
  clientId: string;
  months: number;
  snapshots: number;
  firstMonth: MonthKey | null;
  lastMonth: MonthKey | null;
  fromMonth: MonthKey | null;
  durationMs: number;
}

/** The metric settings of a client (defaults when it has none). */
export async function loadMetricSettings(tx: Tx, orgId: string, clientId: string): Promise<MetricSettings> {
  const [row] = await tx
    .select()
    .from(clientMetricSettings)
    .where(and(eq(clientMetricSettings.orgId, orgId), eq(clientMetricSettings.clientId, clientId)))
    .limit(1);
  if (!row) return { ...DEFAULT_METRIC_SETTINGS };
  return {
    slaMinutes: row.slaMinutes,
    activityWindowDays: row.activityWindowDays,
    businessHours: row.businessHours ?? null,
    orgLossStages: row.orgLossStages ?? [],
    fullyLoadedCac: row.fullyLoadedCac,
  };
}

/** The client's process inventory as the formula reads it; the seeded checklist when none is stored yet. */
export async function loadInventory(tx: Tx, orgId: string, clientId: string): Promise<InventoryItem[]> {
  const rows = await tx
    .select()
    .from(processInventoryItems)
    .where(and(eq(processInventoryItems.orgId, orgId), eq(processInventoryItems.clientId, clientId)))
    .orderBy(asc(processInventoryItems.sort), asc(processInventoryItems.key));
  if (rows.length === 0) return seededInventory();
  return rows.map((r) => ({
    key: r.key,
    custom: r.custom,
    override: (r.override as ProcessOverride | null) ?? null,
    overrideFrom: r.overrideFrom ? monthKeyOfDate(r.overrideFrom) : null,
  }));
}

/** Manual inputs of every month. */
export async function loadManualInputs(tx: Tx, orgId: string, clientId: string): Promise<ManualMonthInputs[]> {
  const rows = await tx
    .select()
    .from(metricInputs)
    .where(and(eq(metricInputs.orgId, orgId), eq(metricInputs.clientId, clientId)))
    .orderBy(asc(metricInputs.month));
  const n = (v: number | string | null) => (v === null ? null : Number(v));
  return rows.map((r) => ({
    month: monthKeyOfDate(r.month),
    marketingSpend: n(r.marketingSpend),
    crmLicence: n(r.crmLicence),
    implementationCost: n(r.implementationCost),
    amortisationMonths: r.amortisationMonths,
    salesSalaries: n(r.salesSalaries),
    forecastDemand: n(r.forecastDemand),
    fulfilmentRate: n(r.fulfilmentRate),
    unitPrice: n(r.unitPrice),
    shortfallFactor: n(r.shortfallFactor),
  }));
}

/** Business hours as the formulas read them, or null when not set or invalid. */
export function businessHoursOf(setting: MetricSettings["businessHours"]): BusinessHours | null {
  if (!setting) return null;
  const startMinute = parseClock(setting.start);
  const endMinute = parseClock(setting.end);
  if (startMinute === null || endMinute === null || endMinute <= startMinute || setting.days.length === 0) return null;
  return { days: setting.days, startMinute, endMinute };
}

/**
 * Recomputes a client's monthly snapshots from the mirror: the whole synced history, or `fromMonth` through the
 * current month. Idempotent (upserts by client, metric and month), serialised per client by an advisory lock,
 * and all-or-nothing (one transaction): readers see the old history or the new one. Also refreshes the computed
 * baselines and the client's recompute state.
 */
export async function recomputeClientMetrics(ctx: TenantContext, clientId: string, options: RecomputeOptions = {}): Promise<RecomputeSummary> {
  if (!isUuid(clientId)) throw new AppError("not_found");
  const started = Date.now();
  const now = options.now ?? Date.now();
  const step = profiler();
  // The tables kept beside the mirror are brought up to date, and committed, first: the reads that go on a second
  // connection below see them.
  const refreshed = await ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .select({ connectionId: portalConnections.id, timeZone: clients.timeZone })
      .from(clients)
      .innerJoin(portalConnections, and(eq(portalConnections.orgId, clients.orgId), eq(portalConnections.clientId, clients.id)))
      .where(and(eq(clients.orgId, ctx.orgId), eq(clients.id, clientId)))
      .limit(1);
    if (!row) return null;
    const key = { orgId: ctx.orgId, connectionId: row.connectionId, timeZone: row.timeZone };
    await refreshDealOutcomes(tx, key);
    await refreshRequestPairs(tx, key);
    return key;
  });
  step("refresh");
  return ctx.db.transaction(async (tx) => {
    const [client] = await tx
      .select()
      .from(clients)
      .where(and(eq(clients.orgId, ctx.orgId), eq(clients.id, clientId)))
      .limit(1);
    if (!client) throw new AppError("not_found");
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`metrics:${clientId}`}))`);
    // Sorts of a few million narrow rows stay in memory; JIT compilation costs more than it saves here.
    await tx.execute(sql`set local work_mem = '256MB'`);
    await tx.execute(sql`set local jit = off`);

    const [connection] = await tx
      .select({ id: portalConnections.id, crmMode: portalConnections.crmMode })
      .from(portalConnections)
      .where(and(eq(portalConnections.orgId, ctx.orgId), eq(portalConnections.clientId, clientId)))
      .limit(1);
    const zone = client.timeZone;
    const lastMonth = monthOf(now, zone);
    const summary = (months: number, snapshots: number, firstMonth: MonthKey | null, fromMonth: MonthKey | null): RecomputeSummary => ({
      clientId,
      months,
      snapshots,
      firstMonth,
      lastMonth: firstMonth ? lastMonth : null,
      fromMonth,
      durationMs: Date.now() - started,
    });

    const settings = await loadMetricSettings(tx, ctx.orgId, clientId);
    const money = await currencyFactors(tx, ctx.orgId, connection?.id ?? null, client.baseCurrency);
    const target = money.target;
    const scope: MirrorScope | null = connection
      ? { orgId: ctx.orgId, connectionId: connection.id, timeZone: zone, factors: money.factors, portalBase: money.portalBase, rangeStart: null, now, months: [], bounds: [] }
      : null;
    const historyStart = scope ? await loadHistoryStart(tx, scope) : null;

    if (!scope || historyStart === null) {
      await tx.delete(metricSnapshots).where(and(eq(metricSnapshots.orgId, ctx.orgId), eq(metricSnapshots.clientId, clientId)));
      await refreshBaselines(tx, ctx.orgId, clientId, client.goLiveDate, null, new Date(now));
      await recordState(tx, ctx.orgId, clientId, { client, firstMonth: null, lastMonth: null, months: 0, durationMs: Date.now() - started });
      return summary(0, 0, null, null);
    }

    const firstMonth = monthOf(historyStart, zone);
    let fromMonth = options.fromMonth && monthDiff(firstMonth, options.fromMonth) > 0 ? options.fromMonth : firstMonth;
    if (monthDiff(fromMonth, lastMonth) < 0) fromMonth = lastMonth;
    const partial = fromMonth !== firstMonth;
    const rangeStart = partial ? monthStart(fromMonth, zone) : null;
    scope.rangeStart = rangeStart;
    const grid = monthBoundaries(firstMonth, lastMonth, zone);
    scope.months = grid.months;
    scope.bounds = grid.boundaries;

    // A partial recompute reads the wins that can still move its months: those within the activity window
    // before its first month, and the 12 months the LTV looks back over.
    const since = partial
      ? Math.min(monthStart(fromMonth, zone) - settings.activityWindowDays * 86_400_000, monthStart(addMonths(fromMonth, -LTV_WINDOW_MONTHS), zone))
      : null;
    // Refreshed above, unless the client's time zone or connection changed since (a concurrent edit).
    if (refreshed?.connectionId !== scope.connectionId || refreshed.timeZone !== scope.timeZone) {
      await refreshDealOutcomes(tx, scope);
      await refreshRequestPairs(tx, scope);
    }
    step("settings, history start");

    // Parts of similar cost, the others on other connections when there is a pool (PGlite: one after the other).
    // A whole history: the losses, and the responses, each beside the wins and counts. A few months: the losses with
    // the responses (which read the same requests), then the counts, beside the wins.
    const hours = businessHoursOf(settings.businessHours);
    const countMirror = async (db: Tx) => ({
      created: await loadCreatedMonths(db, scope, partial ? monthStart(addMonths(fromMonth, -3), zone) : null, rangeStart),
      evidence: await loadActivityEvidence(db, scope, rangeStart),
      autostart: await loadAutostartTemplates(db, scope),
    });
    const allResponses = async (db: Tx) =>
      loadResponseMonths(db, scope, await prepareRequests(db, scope, { from: null, businessHours: hours, refreshed: true }), settings.slaMinutes, null);
    const lossesAndResponses = async (db: Tx) => {
      await prepareLosses(db, scope, rangeStart);
      const requests = await prepareRequests(db, scope, { from: rangeStart, businessHours: hours, refreshed: true });
      return {
        responses: partial ? await loadResponseMonths(db, scope, requests, settings.slaMinutes, fromMonth) : null,
        losses: await loadLossMonths(db, scope, requests, settings.slaMinutes, settings.orgLossStages),
      };
    };
    const beside = <T,>(work: (db: Tx) => Promise<T>): (() => Promise<T>) => {
      if (!hasConnectionPool(ctx.db)) return () => work(tx);
      const running = ctx.db.transaction(async (side) => {
        await side.execute(sql`set local work_mem = '256MB'`);
        await side.execute(sql`set local jit = off`);
        return work(side);
      });
      // Awaited below, where a failure fails the recompute; it must not go unhandled when the recompute fails first.
      running.catch(() => {});
      return () => running;
    };
    const besideLosses = beside(async (db) => ({ ...(await lossesAndResponses(db)), counts: partial ? await countMirror(db) : null }));
    const besideResponses = partial ? null : beside(allResponses);

    const { wins: won, firstWonAt } = await loadWins(tx, scope, since);
    const priorFlows = partial ? await loadPriorFlows(tx, ctx.orgId, clientId, addMonths(fromMonth, -LTV_WINDOW_MONTHS), fromMonth) : undefined;
    step("won deals");
    const ownCounts = partial ? null : await countMirror(tx);
    if (!partial) step("created, evidence");
    const lossFigures = await besideLosses();
    const counts = ownCounts ?? lossFigures.counts!;
    const responseRows = lossFigures.responses ?? (await besideResponses!());
    step("losses, responses");
    const responses = new Map<MonthKey, ResponseSummary>(responseRows.map((r) => [r.month, r]));
    const losses = new Map<MonthKey, HistoryLossMonth>(lossFigures.losses.map((r) => [r.month, r]));
    const created = new Map<MonthKey, HistoryCreatedMonth>(counts.created.map((r) => [r.month, r]));
    const evidence = new Map<MonthKey, HistoryActivityEvidence>(counts.evidence.map((r) => [r.month, r]));
    const autostart = counts.autostart;

    const drafts = computeHistory({
      timeZone: zone,
      baseCurrency: target,
      firstMonth,
      fromMonth,
      lastMonth,
      leadsEnabled: connection!.crmMode !== 2,
      settings,
      wonDeals: won,
      created,
      responses,
      losses,
      evidence,
      autostartTemplates: autostart,
      firstWonAt,
      priorFlows,
      manual: await loadManualInputs(tx, ctx.orgId, clientId),
      inventory: await loadInventory(tx, ctx.orgId, clientId),
    });

    step("history");
    const computedAt = new Date(now);
    await writeSnapshots(tx, ctx.orgId, clientId, drafts, computedAt);
    step("write");
    // Months outside the history (it can shrink when records are deleted) must not linger.
    await tx
      .delete(metricSnapshots)
      .where(
        and(
          eq(metricSnapshots.orgId, ctx.orgId),
          eq(metricSnapshots.clientId, clientId),
          or(lt(metricSnapshots.month, monthDate(firstMonth)), gte(metricSnapshots.month, monthDate(addMonths(lastMonth, 1)))),
        ),
      );
    await refreshBaselines(tx, ctx.orgId, clientId, client.goLiveDate, firstMonth, computedAt);
    const months = monthDiff(fromMonth, lastMonth) + 1;
    await recordState(tx, ctx.orgId, clientId, { client, firstMonth, lastMonth, months, durationMs: Date.now() - started });
    return summary(months, drafts.length, firstMonth, partial ? fromMonth : null);
  });
}

/**
 * How the portal's amounts become the client's base currency: a factor per currency code (through the portal's
 * base, with the portal's current rates). A client whose base currency the portal does not know gets the
 * portal's base instead (`target` says which).
 */
export async function currencyFactors(tx: Tx, orgId: string, connectionId: string | null, clientBase: string) {
  const currencies = connectionId ? await loadCurrencies(tx, { orgId, connectionId }) : [];
  const wanted = clientBase.toUpperCase();
  const portalBase = currencies.find((c) => c.base)?.currency ?? wanted;
  const known = currencies.some((c) => c.currency === wanted) || portalBase === wanted;
  const target = known ? wanted : portalBase;
  const rates = currencies.filter((c) => c.rate !== null).map((c) => ({ currency: c.currency, rate: c.rate as number }));
  const factors = [...new Set([portalBase, ...currencies.map((c) => c.currency)])]
    .map((currency) => ({ currency, factor: conversionFactor(currency, target, rates, portalBase) }))
    .filter((f): f is { currency: string; factor: number } => f.factor !== null);
  return { target, portalBase, factors };
}

/** With METRICS_PROFILE=1, logs how long each step of a recompute took (benchmarks, diagnosis). */
function profiler() {
  let last = performance.now();
  return (label: string) => {
    if (!process.env.METRICS_PROFILE) return;
    const t = performance.now();
    console.error(`[metrics] ${label}: ${Math.round(t - last)} ms`);
    last = t;
  };
}

const SNAPSHOT_BATCH = 500;

/** Upserts snapshot drafts by (org, client, metric, month). */
async function writeSnapshots(tx: Tx, orgId: string, clientId: string, drafts: SnapshotDraft[], computedAt: Date) {
  const versions = definitionVersions();
  for (let i = 0; i < drafts.length; i += SNAPSHOT_BATCH) {
    const values = drafts.slice(i, i + SNAPSHOT_BATCH).map((d) => ({
      orgId,
      clientId,
      metric: d.metric,
      month: monthDate(d.month),
      value: d.figures.value,
      numerator: d.figures.numerator,
      denominator: d.figures.denominator,
      secondary: d.figures.secondary as Record<string, unknown>,
      inputs: d.inputs,
      definitionVersion: versions[d.metric],
      computedAt,
    }));
    await tx
      .insert(metricSnapshots)
      .values(values)
      .onConflictDoUpdate({
        target: [metricSnapshots.orgId, metricSnapshots.clientId, metricSnapshots.metric, metricSnapshots.month],
        set: {
          value: sql`excluded.value`,
          numerator: sql`excluded.numerator`,
          denominator: sql`excluded.denominator`,
          secondary: sql`excluded.secondary`,
          inputs: sql`excluded.inputs`,
          definitionVersion: sql`excluded.definition_version`,
          computedAt: sql`excluded.computed_at`,
        },
      });
  }
}

/** The stored customer flows (retention snapshots' S, E, N, C, R) of the months in [from, to). */
async function loadPriorFlows(tx: Tx, orgId: string, clientId: string, from: MonthKey, to: MonthKey): Promise<Map<MonthKey, CustomerMonthFlows>> {
  const rows = await tx
    .select({ month: metricSnapshots.month, secondary: metricSnapshots.secondary })
    .from(metricSnapshots)
    .where(
      and(
        eq(metricSnapshots.orgId, orgId),
        eq(metricSnapshots.clientId, clientId),
        eq(metricSnapshots.metric, "retention_rate"),
        gte(metricSnapshots.month, monthDate(from)),
        lt(metricSnapshots.month, monthDate(to)),
      ),
    );
  const n = (v: unknown) => (typeof v === "number" ? v : 0);
  return new Map(
    rows.map((r) => [monthKeyOfDate(r.month), { S: n(r.secondary.S), E: n(r.secondary.E), N: n(r.secondary.N), C: n(r.secondary.C), R: n(r.secondary.R) }]),
  );
}

/** Snapshot rows as figures, by metric and month. */
export function figuresOf(row: { value: number | null; numerator: number | null; denominator: number | null; secondary: Record<string, unknown> }): MetricFigures {
  return { value: row.value, numerator: row.numerator, denominator: row.denominator, secondary: row.secondary as MetricFigures["secondary"] };
}

/** Recomputes the computed baselines from the stored months before go-live (entered baselines are kept). */
async function refreshBaselines(tx: Tx, orgId: string, clientId: string, goLiveDate: string | null, firstMonth: MonthKey | null, computedAt: Date) {
  const months = goLiveDate && firstMonth ? baselineMonths(goLiveDate, firstMonth) : [];
  const rows = months.length
    ? await tx
        .select()
        .from(metricSnapshots)
        .where(
          and(
            eq(metricSnapshots.orgId, orgId),
            eq(metricSnapshots.clientId, clientId),
            inArray(metricSnapshots.month, months.map(monthDate)),
          ),
        )
        .orderBy(asc(metricSnapshots.month))
    : [];
  const values = METRIC_KEYS.map((metric) => {
    const list = rows.filter((r) => r.metric === metric).map(figuresOf);
    const value = list.length ? computeBaseline(metric, list) : null;
    return {
      orgId,
      clientId,
      metric,
      computedValue: value,
      computedFrom: value === null ? null : months[0],
      computedTo: value === null ? null : months[months.length - 1],
      computedAt,
    };
  });
  await tx
    .insert(metricBaselines)
    .values(values)
    .onConflictDoUpdate({
      target: [metricBaselines.orgId, metricBaselines.clientId, metricBaselines.metric],
      set: {
        computedValue: sql`excluded.computed_value`,
        computedFrom: sql`excluded.computed_from`,
        computedTo: sql`excluded.computed_to`,
        computedAt: sql`excluded.computed_at`,
      },
    });
}

async function recordState(
  tx: Tx,
  orgId: string,
  clientId: string,
  s: { client: typeof clients.$inferSelect; firstMonth: MonthKey | null; lastMonth: MonthKey | null; months: number; durationMs: number },
) {
  const values = {
    orgId,
    clientId,
    computedAt: new Date(),
    lastDurationMs: s.durationMs,
    lastMonths: s.months,
    firstMonth: s.firstMonth ? monthDate(s.firstMonth) : null,
    lastMonth: s.lastMonth ? monthDate(s.lastMonth) : null,
    timeZone: s.client.timeZone,
    baseCurrency: s.client.baseCurrency,
    goLiveDate: s.client.goLiveDate,
    definitionVersions: definitionVersions(),
    error: null,
    updatedAt: new Date(),
  };
  await tx
    .insert(clientMetricStates)
    .values(values)
    .onConflictDoUpdate({ target: [clientMetricStates.orgId, clientMetricStates.clientId], set: values });
}

/** The stored definition versions differ from the code's: the history must be recomputed. */
export function versionsStale(stored: Record<string, number> | null | undefined): boolean {
  if (!stored) return true;
  return METRIC_KEYS.some((k) => stored[k] !== METRIC_DEFINITIONS[k].version);
}

/** Raw check used by sweeps: clients whose snapshots were made under other settings than the client's current ones. */
export async function unsafeFindStaleClients(tx: Tx, limit = 100): Promise<{ orgId: string; clientId: string }[]> {
  const versions = JSON.stringify(definitionVersions());
  const rows = await queryRows<{ org_id: string; client_id: string }>(
    tx,
    sql`select c.org_id, c.id as client_id
        from clients c
        join portal_connections p on p.org_id = c.org_id and p.client_id = c.id
        left join client_metric_states s on s.org_id = c.org_id and s.client_id = c.id
        where s.client_id is null
           or s.computed_at is null
           or s.time_zone is distinct from c.time_zone
           or s.base_currency is distinct from c.base_currency
           or s.go_live_date is distinct from c.go_live_date
           or s.definition_versions is distinct from ${versions}::jsonb
        limit ${limit}`,
  );
  return rows.map((r) => ({ orgId: r.org_id, clientId: r.client_id }));
}
