import { and, eq, sql } from "drizzle-orm";
import { queryRows, type Tx } from "@/db";
import { metricSnapshots, portalConnections } from "@/db/schema";
import {
  addMonths,
  customerFlowsOfColumns,
  customerKeyOfNumber,
  isMetricKey,
  isMonthKey,
  LTV_WINDOW_MONTHS,
  METRIC_DEFINITIONS,
  monthBoundaries,
  monthBounds,
  type MetricKey,
  type MonthKey,
} from "@/lib/metrics";
import { AppError } from "../errors";
import { monthDate } from "../metrics/month-dates";
import { loadWins, refreshDealOutcomes, prepareLosses, prepareRequests, prepareWonDeals, type MirrorScope } from "../metrics/mirror-inputs";
import { businessHoursOf, currencyFactors, loadMetricSettings } from "../metrics/recompute";
import type { TenantContext } from "../tenant";
import { getClientInOrg } from "./clients";

/**
 * The drill-down of one metric in one month: the stored figures and inputs, and the records behind them, each with
 * a link to the record in the client's Bitrix24 portal.
 */

export const DRILLDOWN_LIMIT = 200;

export type RecordType = "lead" | "deal" | "contact" | "company";

export interface RecordRef {
  type: RecordType;
  id: number;
  title: string | null;
  url: string | null;
}

export interface DrilldownList {
  /** Message key of the list's title under `metricData.drilldown.lists`. */
  key: string;
  /** How many records there are (the list shows at most DRILLDOWN_LIMIT). */
  total: number;
  /** Column keys under `metricData.drilldown.columns`. */
  columns: string[];
  rows: { record: RecordRef; cells: Record<string, string | number | boolean | null> }[];
}

export interface MetricDrilldown {
  client: { id: string; name: string; timeZone: string; baseCurrency: string };
  metric: MetricKey;
  month: MonthKey;
  snapshot: {
    value: number | null;
    numerator: number | null;
    denominator: number | null;
    secondary: Record<string, unknown>;
    inputs: Record<string, unknown>;
    definitionVersion: number;
    computedAt: Date;
  } | null;
  portalDomain: string | null;
  lists: DrilldownList[];
}

const TYPES: Record<number, RecordType> = { 1: "lead", 2: "deal", 3: "contact", 4: "company" };

/** `https://acme.bitrix24.ru/crm/deal/details/42/` — the record's page in the portal. */
export function portalRecordUrl(origin: string | null, type: RecordType, id: number): string | null {
  return origin ? `${origin}/crm/${type}/details/${id}/` : null;
}

/** The drill-down of a metric and month of a client of the context's org. */
export async function getMetricDrilldown(ctx: TenantContext, clientId: string, metric: string, month: string): Promise<MetricDrilldown> {
  if (!isMetricKey(metric) || !isMonthKey(month)) throw new AppError("not_found");
  const client = await getClientInOrg(ctx, clientId);
  const [snapshot] = await ctx.db
    .select()
    .from(metricSnapshots)
    .where(and(eq(metricSnapshots.orgId, ctx.orgId), eq(metricSnapshots.clientId, client.id), eq(metricSnapshots.metric, metric), eq(metricSnapshots.month, monthDate(month))))
    .limit(1);
  const [connection] = await ctx.db
    .select({ id: portalConnections.id, domain: portalConnections.domain, clientEndpoint: portalConnections.clientEndpoint })
    .from(portalConnections)
    .where(and(eq(portalConnections.orgId, ctx.orgId), eq(portalConnections.clientId, client.id)))
    .limit(1);
  const origin = connection ? originOf(connection.clientEndpoint, connection.domain) : null;
  const base: MetricDrilldown = {
    client: { id: client.id, name: client.name, timeZone: client.timeZone, baseCurrency: client.baseCurrency },
    metric,
    month,
    snapshot: snapshot
      ? {
          value: snapshot.value,
          numerator: snapshot.numerator,
          denominator: snapshot.denominator,
          secondary: snapshot.secondary,
          inputs: snapshot.inputs,
          definitionVersion: snapshot.definitionVersion,
          computedAt: snapshot.computedAt,
        }
      : null,
    portalDomain: connection?.domain ?? null,
    lists: [],
  };
  if (!connection) return base;
  base.lists = await ctx.db.transaction(async (tx) => {
    await tx.execute(sql`set local jit = off`);
    const money = await currencyFactors(tx, ctx.orgId, connection.id, client.baseCurrency);
    const { start, end } = monthBounds(month, client.timeZone);
    const grid = monthBoundaries(addMonths(month, -LTV_WINDOW_MONTHS), month, client.timeZone);
    const scope: MirrorScope = {
      orgId: ctx.orgId,
      connectionId: connection.id,
      timeZone: client.timeZone,
      factors: money.factors,
      portalBase: money.portalBase,
      rangeStart: start,
      now: Date.now(),
      months: grid.months,
      bounds: grid.boundaries,
    };
    const settings = await loadMetricSettings(tx, ctx.orgId, client.id);
    const ref = (type: RecordType, id: number, title: string | null): RecordRef => ({ type, id, title, url: portalRecordUrl(origin, type, id) });
    const lists: DrilldownList[] = [];
    switch (metric) {
      case "lead_conversion":
        lists.push(await wonDealsList(tx, scope, start, end, ref));
        lists.push(await leadsCreatedList(tx, scope, start, end, ref));
        break;
      case "avg_deal_size":
      case "sales_cycle":
        lists.push(await wonDealsList(tx, scope, start, end, ref));
        break;
      case "ltv":
        lists.push(await wonDealsList(tx, scope, monthBounds(addMonths(month, -LTV_WINDOW_MONTHS + 1), client.timeZone).start, end, ref));
        break;
      case "response_time":
        lists.push(await requestsList(tx, scope, start, end, businessHoursOf(settings.businessHours), ref));
        break;
      case "retention_rate":
      case "churn_rate":
      case "cac":
        lists.push(...(await customerLists(tx, scope, month, settings.activityWindowDays, ref)));
        break;
      case "lost_deals_cost":
        lists.push(await lossesList(tx, scope, start, end, ref));
        break;
      case "automation_level":
        break;
    }
    return lists;
  });
  return base;
}

function originOf(clientEndpoint: string, domain: string): string {
  try {
    return new URL(clientEndpoint).origin;
  } catch {
    return `https://${domain}`;
  }
}

type Ref = (type: RecordType, id: number, title: string | null) => RecordRef;
const ms = (v: unknown) => (v === null || v === undefined ? null : new Date(Number(v)).toISOString());

async function wonDealsList(tx: Tx, scope: MirrorScope, start: number, end: number, ref: Ref): Promise<DrilldownList> {
  await refreshDealOutcomes(tx, scope);
  await prepareWonDeals(tx, scope, start);
  const rows = await queryRows<Record<string, unknown>>(
    tx,
    sql`select w.id, d.title, d.opportunity::float8 as opportunity, d.currency_id, w.amount, d.lead_id, w.customer,
               (date_part('epoch', w.won_at) * 1000) as won_ms, (date_part('epoch', w.first_at) * 1000) as first_ms,
               count(*) over () as total
        from m_won w join mirror_deals d on d.org_id = ${scope.orgId} and d.connection_id = ${scope.connectionId} and d.id = w.id
        where w.won_at < ${new Date(end).toISOString()}::timestamptz
        order by w.won_at, w.id limit ${DRILLDOWN_LIMIT}`,
  );
  return {
    key: "wonDeals",
    total: Number(rows[0]?.total ?? 0),
    columns: ["wonAt", "amount", "currency", "amountBase", "customer", "cycleDays"],
    rows: rows.map((r) => ({
      record: ref("deal", Number(r.id), (r.title as string | null) ?? null),
      cells: {
        wonAt: ms(r.won_ms),
        amount: r.opportunity === null ? null : Number(r.opportunity),
        currency: (r.currency_id as string | null) ?? null,
        amountBase: Number.isNaN(Number(r.amount)) ? null : Number(r.amount),
        customer: Number.isNaN(Number(r.customer)) ? null : customerKeyOfNumber(Number(r.customer)),
        cycleDays: Math.max(0, Number(r.won_ms) - Number(r.first_ms)) / 86_400_000,
      },
    })),
  };
}

async function leadsCreatedList(tx: Tx, scope: MirrorScope, start: number, end: number, ref: Ref): Promise<DrilldownList> {
  const rows = await queryRows<Record<string, unknown>>(
    tx,
    sql`select l.id, l.title, l.status_id, l.status_semantic_id, (date_part('epoch', l.date_create) * 1000) as created_ms,
               exists (select 1 from mirror_deals d where d.org_id = l.org_id and d.connection_id = l.connection_id and d.lead_id = l.id and d.stage_semantic_id = 'S') as won,
               count(*) over () as total
        from mirror_leads l
        where l.org_id = ${scope.orgId} and l.connection_id = ${scope.connectionId}
          and l.date_create >= ${new Date(start).toISOString()}::timestamptz and l.date_create < ${new Date(end).toISOString()}::timestamptz
        order by l.date_create, l.id limit ${DRILLDOWN_LIMIT}`,
  );
  return {
    key: "leadsCreated",
    total: Number(rows[0]?.total ?? 0),
    columns: ["createdAt", "status", "becameWonDeal"],
    rows: rows.map((r) => ({
      record: ref("lead", Number(r.id), (r.title as string | null) ?? null),
      cells: { createdAt: ms(r.created_ms), status: (r.status_id as string | null) ?? null, becameWonDeal: Boolean(r.won) },
    })),
  };
}

async function requestsList(tx: Tx, scope: MirrorScope, start: number, end: number, hours: ReturnType<typeof businessHoursOf>, ref: Ref): Promise<DrilldownList> {
  await tx.execute(sql`create temp table m_lost (ot int, id int, lead_id int, lost_at timestamptz, stage text, amount float8) on commit drop`);
  const requests = await prepareRequests(tx, scope, { from: start, businessHours: hours });
  const rows = await queryRows<Record<string, unknown>>(
    tx,
    sql`select r.ot, r.oid, r.source, r.activity_id, r.minutes, r.outcome,
               (date_part('epoch', r.at) * 1000) as at_ms, (date_part('epoch', r.answer_at) * 1000) as answer_ms,
               coalesce(l.title, d.title, c.name, co.title) as title, count(*) over () as total
        from ${requests} r
        left join mirror_leads l on r.ot = 1 and l.org_id = ${scope.orgId} and l.connection_id = ${scope.connectionId} and l.id = r.oid
        left join mirror_deals d on r.ot = 2 and d.org_id = ${scope.orgId} and d.connection_id = ${scope.connectionId} and d.id = r.oid
        left join mirror_contacts c on r.ot = 3 and c.org_id = ${scope.orgId} and c.connection_id = ${scope.connectionId} and c.id = r.oid
        left join mirror_companies co on r.ot = 4 and co.org_id = ${scope.orgId} and co.connection_id = ${scope.connectionId} and co.id = r.oid
        where r.at >= ${new Date(start).toISOString()}::timestamptz and r.at < ${new Date(end).toISOString()}::timestamptz
        order by r.at, r.ot, r.oid limit ${DRILLDOWN_LIMIT}`,
  );
  return {
    key: "requests",
    total: Number(rows[0]?.total ?? 0),
    columns: ["requestedAt", "via", "answeredAt", "minutes", "outcome"],
    rows: rows.map((r) => ({
      record: ref(TYPES[Number(r.ot)] ?? "deal", Number(r.oid), (r.title as string | null) ?? null),
      cells: {
        requestedAt: ms(r.at_ms),
        via: Number(r.source) === 0 ? "lead" : `activity:${r.activity_id}`,
        answeredAt: ms(r.answer_ms),
        minutes: r.minutes === null ? null : Number(r.minutes),
        outcome: String(r.outcome),
      },
    })),
  };
}

async function lossesList(tx: Tx, scope: MirrorScope, start: number, end: number, ref: Ref): Promise<DrilldownList> {
  await refreshDealOutcomes(tx, scope);
  await prepareLosses(tx, scope, start);
  const rows = await queryRows<Record<string, unknown>>(
    tx,
    sql`select x.ot, x.id, x.stage, x.amount, (date_part('epoch', x.lost_at) * 1000) as lost_ms,
               coalesce(l.title, d.title) as title, count(*) over () as total
        from m_lost x
        left join mirror_leads l on x.ot = 1 and l.org_id = ${scope.orgId} and l.connection_id = ${scope.connectionId} and l.id = x.id
        left join mirror_deals d on x.ot = 2 and d.org_id = ${scope.orgId} and d.connection_id = ${scope.connectionId} and d.id = x.id
        where x.lost_at < ${new Date(end).toISOString()}::timestamptz
        order by x.lost_at, x.ot, x.id limit ${DRILLDOWN_LIMIT}`,
  );
  return {
    key: "losses",
    total: Number(rows[0]?.total ?? 0),
    columns: ["lostAt", "stage", "amountBase"],
    rows: rows.map((r) => ({
      record: ref(Number(r.ot) === 1 ? "lead" : "deal", Number(r.id), (r.title as string | null) ?? null),
      cells: { lostAt: ms(r.lost_ms), stage: (r.stage as string | null) ?? null, amountBase: r.amount === null ? null : Number(r.amount) },
    })),
  };
}

/** The customers behind S, E, N, churned and reactivated of the month. */
async function customerLists(tx: Tx, scope: MirrorScope, month: MonthKey, windowDays: number, ref: Ref): Promise<DrilldownList[]> {
  const { start } = monthBounds(month, scope.timeZone);
  const since = start - windowDays * 86_400_000;
  await refreshDealOutcomes(tx, scope);
  const { wins, firstWonAt } = await loadWins(tx, scope, since);
  const { boundaries } = monthBoundaries(month, month, scope.timeZone);
  const { detail } = customerFlowsOfColumns(wins, boundaries, windowDays, { firstWonAt, detailMonth: 0 });
  const toRef = (key: string): RecordRef => {
    const [type, id] = key.split(":");
    return ref(type as RecordType, Number(id), null);
  };
  const list = (key: string, keys: string[]): DrilldownList => ({
    key,
    total: keys.length,
    columns: [],
    rows: keys.slice(0, DRILLDOWN_LIMIT).map((k) => ({ record: toRef(k), cells: {} })),
  });
  const lists = [list("newCustomers", detail!.newCustomers), list("churned", detail!.churned), list("reactivated", detail!.reactivated), list("activeAtStart", detail!.activeAtStart)];
  // Names for the records shown.
  const companies = lists.flatMap((l) => l.rows).filter((r) => r.record.type === "company").map((r) => r.record.id);
  const contacts = lists.flatMap((l) => l.rows).filter((r) => r.record.type === "contact").map((r) => r.record.id);
  const names = new Map<string, string>();
  if (companies.length)
    for (const r of await queryRows<{ id: number; title: string | null }>(
      tx,
      sql`select id, title from mirror_companies where org_id = ${scope.orgId} and connection_id = ${scope.connectionId} and id = any(${`{${companies.join(",")}}`}::int[])`,
    ))
      names.set(`company:${r.id}`, r.title ?? "");
  if (contacts.length)
    for (const r of await queryRows<{ id: number; name: string | null; last_name: string | null }>(
      tx,
      sql`select id, name, last_name from mirror_contacts where org_id = ${scope.orgId} and connection_id = ${scope.connectionId} and id = any(${`{${contacts.join(",")}}`}::int[])`,
    ))
      names.set(`contact:${r.id}`, [r.name, r.last_name].filter(Boolean).join(" "));
  for (const l of lists) for (const r of l.rows) r.record.title = names.get(`${r.record.type}:${r.record.id}`) || null;
  return lists;
}

/** The unit of a metric, for formatting. */
export function unitOf(metric: MetricKey) {
  return METRIC_DEFINITIONS[metric].unit;
}
