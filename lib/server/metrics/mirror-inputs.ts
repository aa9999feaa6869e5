import { sql, type SQL } from "drizzle-orm";
import { queryRows, type Tx } from "@/db";
import { HISTOGRAM_EDGES, INBOUND_PROVIDERS, REPEAT_CONTACT_WINDOW_MS, UNANSWERED_AFTER_MS, type BusinessHours } from "@/lib/metrics";

/**
 * The SQL that turns one portal's mirror rows into the formulas' inputs, per calendar month in the client's time
 * zone and amounts in the client's base currency. Set-based: every month in a few statements grouped by the local
 * month, so the cost grows with the rows, not with rows × months. The formulas themselves live in lib/metrics.
 *
 * All functions run inside the recompute transaction: the intermediate tables are `on commit drop`.
 */

export interface MirrorScope {
  orgId: string;
  connectionId: string;
  timeZone: string;
  /** Currency code → factor into the client's base currency (see lib/metrics/currency.ts). */
  factors: { currency: string; factor: number }[];
  /** The portal's base currency: what an empty CURRENCY_ID means. */
  portalBase: string;
  /** Start of the first month recomputed (epoch ms); null for the whole history. */
  rangeStart: number | null;
  now: number;
}

const iso = (ms: number) => new Date(ms).toISOString();
const ts = (ms: number) => sql`${iso(ms)}::timestamptz`;

/** `to_char(<instant> at time zone tz, 'YYYY-MM')`: the local month of an instant. */
const monthOf = (expr: SQL, zone: string) => sql`to_char((${expr}) at time zone ${zone}, 'YYYY-MM')`;
const epochMs = (expr: SQL) => sql`(extract(epoch from ${expr}) * 1000)::float8`;

const own = (alias: string, scope: MirrorScope) =>
  sql`${sql.raw(alias)}.org_id = ${scope.orgId} and ${sql.raw(alias)}.connection_id = ${scope.connectionId}`;

const rates = (scope: MirrorScope) =>
  sql`(select currency, factor from jsonb_to_recordset(${JSON.stringify(scope.factors)}::jsonb) as r(currency text, factor float8))`;

/** The currency of a record, an empty one meaning the portal's base. */
const currencyOf = (alias: string, scope: MirrorScope) => sql`upper(coalesce(nullif(${sql.raw(alias)}.currency_id, ''), ${scope.portalBase}))`;

/**
 * The win and loss instants of deals: the latest final-stage entry of the stage history with semantic S (won) or
 * F (lost). One pass over the portal's deal history into a temporary table.
 */
export async function prepareDealFinals(tx: Tx, scope: MirrorScope): Promise<void> {
  await tx.execute(sql`
    create temp table m_deal_final on commit drop as
    select h.owner_id as id,
           max(h.created_time) filter (where h.stage_semantic_id = 'S') as won_at,
           max(h.created_time) filter (where h.stage_semantic_id = 'F') as lost_at
    from mirror_deal_stage_history h
    where ${own("h", scope)} and h.type_id = 3 and h.owner_id is not null
    group by h.owner_id`);
  await tx.execute(sql`create index on m_deal_final (id)`);
  await tx.execute(sql`analyze m_deal_final`);
}

/**
 * A deal's final instant when the history has none: CLOSEDATE (local midnight in the client's zone, not before the
 * deal's creation), then MOVED_TIME, then DATE_MODIFY.
 */
const closeFallback = (scope: MirrorScope) =>
  sql`coalesce(greatest((d.close_date::timestamp at time zone ${scope.timeZone}), d.date_create), d.moved_time, d.date_modify, d.date_create)`;

export interface WonDealRow {
  id: number;
  companyId: number | null;
  contactId: number | null;
  leadId: number | null;
  wonAt: number;
  /** In the client's base currency; null when the currency has no rate. */
  amount: number | null;
  firstContactAt: number;
}

/** Every won deal of the portal with its win instant, base-currency amount and first-contact instant. */
export async function loadWonDeals(tx: Tx, scope: MirrorScope): Promise<WonDealRow[]> {
  const rows = await queryRows<{ id: number; company_id: number | null; contact_id: number | null; lead_id: number | null; won_at: number; amount: number | null; first_at: number }>(
    tx,
    sql`
    select d.id, d.company_id, d.contact_id, l.id as lead_id,
           ${epochMs(sql`coalesce(f.won_at, ${closeFallback(scope)})`)} as won_at,
           (d.opportunity * r.factor)::float8 as amount,
           ${epochMs(sql`coalesce(l.date_create, d.date_create, f.won_at)`)} as first_at
    from mirror_deals d
    left join m_deal_final f on f.id = d.id
    left join ${rates(scope)} r on r.currency = ${currencyOf("d", scope)}
    left join mirror_leads l on ${own("l", scope)} and l.id = d.lead_id
    where ${own("d", scope)} and d.stage_semantic_id = 'S'`,
  );
  const out: WonDealRow[] = [];
  for (const r of rows) {
    if (r.won_at === null) continue;
    out.push({
      id: Number(r.id),
      companyId: r.company_id === null ? null : Number(r.company_id),
      contactId: r.contact_id === null ? null : Number(r.contact_id),
      leadId: r.lead_id === null ? null : Number(r.lead_id),
      wonAt: Number(r.won_at),
      amount: r.amount === null ? null : Number(r.amount),
      firstContactAt: r.first_at === null ? Number(r.won_at) : Number(r.first_at),
    });
  }
  return out;
}

export interface CreatedMonthRow {
  month: string;
  leads: number;
  /** Leads created in the month that became a won deal by now (cohort). */
  leadsWon: number;
  webformLeads: number;
  /** Leads whose creator is not their assignee (routed by a rule or a robot). */
  routedLeads: number;
  deals: number;
  /** Deals created without a lead (direct requests). */
  directDeals: number;
  /** Deals created in the month that are won by now (cohort in simple CRM mode). */
  dealsWon: number;
}

/** Leads and deals created per local month, with their cohorts. */
export async function loadCreatedMonths(tx: Tx, scope: MirrorScope, from: number | null): Promise<CreatedMonthRow[]> {
  const leadRange = from === null ? sql`true` : sql`l.date_create >= ${ts(from)}`;
  const dealRange = from === null ? sql`true` : sql`d.date_create >= ${ts(from)}`;
  const rows = await queryRows<Record<string, unknown>>(
    tx,
    sql`
    with won_leads as (
      select distinct d.lead_id from mirror_deals d
      where ${own("d", scope)} and d.stage_semantic_id = 'S' and d.lead_id is not null
    ),
    leads as (
      select ${monthOf(sql`l.date_create`, scope.timeZone)} as month,
             count(*)::int as leads,
             count(w.lead_id)::int as leads_won,
             count(*) filter (where l.source_id = 'WEBFORM')::int as webform,
             count(*) filter (where l.assigned_by_id is not null and l.created_by_id is distinct from l.assigned_by_id)::int as routed
      from mirror_leads l left join won_leads w on w.lead_id = l.id
      where ${own("l", scope)} and l.date_create is not null and ${leadRange}
      group by 1
    ),
    deals as (
      select ${monthOf(sql`d.date_create`, scope.timeZone)} as month,
             count(*)::int as deals,
             count(*) filter (where d.lead_id is null)::int as direct,
             count(*) filter (where d.stage_semantic_id = 'S')::int as won
      from mirror_deals d
      where ${own("d", scope)} and d.date_create is not null and ${dealRange}
      group by 1
    )
    select coalesce(l.month, d.month) as month, coalesce(l.leads, 0) as leads, coalesce(l.leads_won, 0) as leads_won,
           coalesce(l.webform, 0) as webform, coalesce(l.routed, 0) as routed,
           coalesce(d.deals, 0) as deals, coalesce(d.direct, 0) as direct, coalesce(d.won, 0) as won
    from leads l full join deals d on d.month = l.month`,
  );
  return rows.map((r) => ({
    month: String(r.month),
    leads: Number(r.leads),
    leadsWon: Number(r.leads_won),
    webformLeads: Number(r.webform),
    routedLeads: Number(r.routed),
    deals: Number(r.deals),
    directDeals: Number(r.direct),
    dealsWon: Number(r.won),
  }));
}

/**
 * Lost leads and deals with their loss instant: a lead's DATE_CLOSED (else MOVED_TIME, DATE_MODIFY), a deal's
 * latest failure entry in the stage history (else the close fallback). Kept in a temporary table for the loss and
 * response queries; only losses from `from` on when given.
 */
export async function prepareLosses(tx: Tx, scope: MirrorScope, from: number | null): Promise<void> {
  const leadLost = sql`coalesce(l.date_closed, l.moved_time, l.date_modify, l.date_create)`;
  const dealLost = sql`coalesce(f.lost_at, ${closeFallback(scope)})`;
  await tx.execute(sql`
    create temp table m_lost on commit drop as
    select 1::int as ot, l.id, ${leadLost} as lost_at, l.status_id as stage, null::float8 as amount, null::int as lead_id
    from mirror_leads l
    where ${own("l", scope)} and l.status_semantic_id = 'F' ${from === null ? sql`` : sql`and ${leadLost} >= ${ts(from)}`}
    union all
    select 2, d.id, ${dealLost}, d.stage_id, (d.opportunity * r.factor)::float8, d.lead_id
    from mirror_deals d
    left join m_deal_final f on f.id = d.id
    left join ${rates(scope)} r on r.currency = ${currencyOf("d", scope)}
    where ${own("d", scope)} and d.stage_semantic_id = 'F' ${from === null ? sql`` : sql`and ${dealLost} >= ${ts(from)}`}`);
}

/**
 * Every inbound request of the records that matter, with its answer (definition: lib/metrics/inbound-requests.ts),
 * into the temporary table m_req (ot, oid, at, source, activity_id, answer_at, minutes, outcome, month).
 * With `from`, only records with a request or a loss from then on are looked at (all of their activities are).
 */
export async function prepareRequests(
  tx: Tx,
  scope: MirrorScope,
  options: { from: number | null; businessHours: BusinessHours | null },
): Promise<void> {
  const { from } = options;
  const inbound = sql`a.direction = 1 and (a.type_id in (2, 4) or a.provider_id in (${sql.join(
    INBOUND_PROVIDERS.map((p) => sql`${p}`),
    sql`, `,
  )}))`;
  const entityFilter =
    from === null
      ? { ctes: sql``, join: (_alias: string, _ot: SQL, _oid: SQL) => sql`` }
      : {
          ctes: sql`ent as (
              select 1::int as ot, l.id as oid from mirror_leads l
              where ${own("l", scope)} and l.date_create >= ${ts(from - 86_400_000)}
              union
              select a.owner_type_id::int, a.owner_id from mirror_activities a
              where ${own("a", scope)} and a.created >= ${ts(from - 86_400_000)} and ${inbound}
              union
              select ot, id from m_lost
              union
              select 1, lead_id from m_lost where lead_id is not null
            ),`,
          join: (alias: string, ot: SQL, oid: SQL) => sql`join ent on ent.ot = ${ot} and ent.oid = ${oid}`,
        };
  const acts = sql`mirror_activities a ${entityFilter.join("a", sql`a.owner_type_id::int`, sql`a.owner_id`)}`;
  const leads = sql`mirror_leads l ${entityFilter.join("l", sql`1`, sql`l.id`)}`;
  const day = REPEAT_CONTACT_WINDOW_MS / 1000;
  await tx.execute(sql`
    create temp table m_req_raw on commit drop as
    with ${entityFilter.ctes}
    ev as (
      select a.owner_type_id::int as ot, a.owner_id as oid, a.created as t, 1 as kind, a.id
      from ${acts} where ${own("a", scope)} and a.owner_id is not null and a.created is not null and ${inbound}
      union all
      select a.owner_type_id::int, a.owner_id, a.created, 2, a.id
      from ${acts} where ${own("a", scope)} and a.owner_id is not null and a.created is not null and a.direction = 2
      union all
      select a.owner_type_id::int, a.owner_id, a.last_updated, 3, a.id
      from ${acts} where ${own("a", scope)} and a.owner_id is not null and a.last_updated is not null and a.completed and a.status = 2
      union all
      select 1, l.id, l.date_create, 0, l.id
      from ${leads} where ${own("l", scope)} and l.date_create is not null
    ),
    w as (
      select ot, oid, t, kind, id,
        max(t) filter (where kind = 2) over (partition by ot, oid order by t, kind, id rows between unbounded preceding and 1 preceding) as prev_out,
        min(t) filter (where kind = 0) over (partition by ot, oid order by t, kind, id rows between unbounded preceding and unbounded following) as lead_at,
        min(t) filter (where kind in (2, 3)) over (partition by ot, oid order by t, kind, id rows between current row and unbounded following) as answer_at
      from ev
    )
    select ot, oid, t as at, kind as source, case when kind = 1 then id end as activity_id, answer_at
    from w
    where kind = 0
       or (kind = 1
           and (lead_at is null or abs(extract(epoch from t - lead_at)) > ${day})
           and (prev_out is null or prev_out < t - make_interval(secs => ${day})))`);

  const horizon = UNANSWERED_AFTER_MS / 1000;
  const answeredInTime = sql`r.answer_at is not null and r.answer_at <= r.at + make_interval(secs => ${horizon}) and r.answer_at <= ${ts(scope.now)}`;
  const minutes = options.businessHours ? businessMinutesSql(options.businessHours, scope.timeZone) : sql`extract(epoch from r.answer_at - r.at) / 60`;
  await tx.execute(sql`
    create temp table m_req on commit drop as
    select r.ot, r.oid, r.at, r.source, r.activity_id, r.answer_at,
           case when ${answeredInTime} then (${minutes})::float8 end as minutes,
           case when ${answeredInTime} then 'answered'
                when r.at + make_interval(secs => ${horizon}) <= ${ts(scope.now)} then 'unanswered'
                else 'pending' end as outcome,
           ${monthOf(sql`r.at`, scope.timeZone)} as month
    from m_req_raw r`);
  await tx.execute(sql`create index on m_req (ot, oid, at)`);
  await tx.execute(sql`analyze m_req`);
}

/**
 * Working minutes between r.at and r.answer_at for a weekly schedule, in the client's zone: for each local day the
 * request spans (at most 8: answers later than 7 days do not count), the overlap with that day's window.
 * The same rule as lib/metrics/business-hours.ts.
 */
function businessMinutesSql(hours: BusinessHours, zone: string): SQL {
  const days = `{${hours.days.join(",")}}`;
  return sql`(
    select coalesce(sum(greatest(0, extract(epoch from
             least(r.answer_at, ((d.day + make_interval(mins => ${hours.endMinute})) at time zone ${zone}))
           - greatest(r.at, ((d.day + make_interval(mins => ${hours.startMinute})) at time zone ${zone}))))), 0) / 60
    from generate_series(date_trunc('day', r.at at time zone ${zone}), date_trunc('day', r.answer_at at time zone ${zone}), interval '1 day') as d(day)
    where extract(isodow from d.day)::int = any(${days}::int[])
  )`;
}

export interface ResponseMonthRow {
  month: string;
  answered: number;
  unanswered: number;
  pending: number;
  sumMinutes: number;
  median: number | null;
  p90: number | null;
  withinSla: number;
  histogram: number[];
}

/** Per local month of the request: counts, Σ minutes, exact median and p90 (percentile_cont), histogram. */
export async function loadResponseMonths(tx: Tx, slaMinutes: number, fromMonth: string | null): Promise<ResponseMonthRow[]> {
  const range = fromMonth === null ? sql`true` : sql`month >= ${fromMonth}`;
  const stats = await queryRows<Record<string, unknown>>(
    tx,
    sql`select month,
              count(*) filter (where outcome = 'answered')::int as answered,
              count(*) filter (where outcome = 'unanswered')::int as unanswered,
              count(*) filter (where outcome = 'pending')::int as pending,
              coalesce(sum(minutes), 0)::float8 as sum_minutes,
              (percentile_cont(0.5) within group (order by minutes))::float8 as median,
              (percentile_cont(0.9) within group (order by minutes))::float8 as p90,
              count(*) filter (where minutes <= ${slaMinutes})::int as within_sla
       from m_req where ${range} group by month`,
  );
  const buckets = await queryRows<{ month: string; bucket: number; n: number }>(
    tx,
    sql`select month, width_bucket(minutes, ${`{${HISTOGRAM_EDGES.join(",")}}`}::float8[])::int as bucket, count(*)::int as n
        from m_req where minutes is not null and ${range} group by 1, 2`,
  );
  const hist = new Map<string, number[]>();
  for (const b of buckets) {
    let h = hist.get(b.month);
    if (!h) hist.set(b.month, (h = new Array<number>(HISTOGRAM_EDGES.length + 1).fill(0)));
    h[Number(b.bucket)] += Number(b.n);
  }
  return stats.map((r) => ({
    month: String(r.month),
    answered: Number(r.answered),
    unanswered: Number(r.unanswered),
    pending: Number(r.pending),
    sumMinutes: Number(r.sum_minutes),
    median: r.median === null ? null : Number(r.median),
    p90: r.p90 === null ? null : Number(r.p90),
    withinSla: Number(r.within_sla),
    histogram: hist.get(String(r.month)) ?? new Array<number>(HISTOGRAM_EDGES.length + 1).fill(0),
  }));
}

export interface LossMonthRow {
  month: string;
  lostLeads: number;
  lostDeals: number;
  lostAmount: number;
  /** Losses at an organisational stage or without an answer within the SLA. */
  organisational: number;
}

/**
 * Losses per local month. A loss is organisational when its stage is in the client's list, or when the record's
 * first request (a deal without its own request: its lead's) was not answered within the SLA.
 */
export async function loadLossMonths(tx: Tx, scope: MirrorScope, slaMinutes: number, orgStages: string[]): Promise<LossMonthRow[]> {
  const stages = `{${orgStages.map((s) => `"${s.replace(/["\\]/g, "")}"`).join(",")}}`;
  const rows = await queryRows<Record<string, unknown>>(
    tx,
    sql`
    with first_req as (
      select distinct on (ot, oid) ot, oid, outcome, minutes from m_req order by ot, oid, at
    ),
    slow as (
      select ot, oid, (outcome = 'unanswered' or (outcome = 'answered' and minutes > ${slaMinutes})) as slow from first_req
    )
    select ${monthOf(sql`x.lost_at`, scope.timeZone)} as month,
           count(*) filter (where x.ot = 1)::int as lost_leads,
           count(*) filter (where x.ot = 2)::int as lost_deals,
           coalesce(sum(x.amount) filter (where x.ot = 2), 0)::float8 as lost_amount,
           count(*) filter (where x.stage = any(${stages}::text[]) or coalesce(s.slow, ls.slow, false))::int as organisational
    from m_lost x
    left join slow s on s.ot = x.ot and s.oid = x.id
    left join slow ls on x.ot = 2 and s.oid is null and ls.ot = 1 and ls.oid = x.lead_id
    where x.lost_at is not null
    group by 1`,
  );
  return rows.map((r) => ({
    month: String(r.month),
    lostLeads: Number(r.lost_leads),
    lostDeals: Number(r.lost_deals),
    lostAmount: Number(r.lost_amount),
    organisational: Number(r.organisational),
  }));
}

export interface ActivityEvidenceRow {
  month: string;
  webformActivities: number;
  telephony: number;
  openlines: number;
  autoCompleted: number;
}

/** Evidence of automation and channels per local month of the activity's creation. */
export async function loadActivityEvidence(tx: Tx, scope: MirrorScope, from: number | null): Promise<ActivityEvidenceRow[]> {
  const range = from === null ? sql`` : sql`and a.created >= ${ts(from)}`;
  const rows = await queryRows<Record<string, unknown>>(
    tx,
    sql`select ${monthOf(sql`a.created`, scope.timeZone)} as month,
               count(*) filter (where a.provider_id = 'CRM_WEBFORM')::int as webform,
               count(*) filter (where a.provider_id = 'VOXIMPLANT_CALL')::int as telephony,
               count(*) filter (where a.provider_id = 'IMOPENLINES_SESSION')::int as openlines,
               count(*) filter (where a.status = 3)::int as auto_completed
        from mirror_activities a
        where ${own("a", scope)} and a.created is not null ${range}
        group by 1`,
  );
  return rows.map((r) => ({
    month: String(r.month),
    webformActivities: Number(r.webform),
    telephony: Number(r.telephony),
    openlines: Number(r.openlines),
    autoCompleted: Number(r.auto_completed),
  }));
}

/** Workflow templates started automatically, with the instant they were last modified (≈ set up). */
export async function loadAutostartTemplates(tx: Tx, scope: MirrorScope): Promise<number[]> {
  const rows = await queryRows<{ at: number | null }>(
    tx,
    sql`select ${epochMs(sql`t.modified`)} as at from mirror_workflow_templates t
        where ${own("t", scope)} and coalesce(t.auto_execute, 0) > 0`,
  );
  return rows.map((r) => (r.at === null ? 0 : Number(r.at)));
}

/** The first instant any CRM record of the portal was created (the start of its history), or null when empty. */
export async function loadHistoryStart(tx: Tx, scope: MirrorScope): Promise<number | null> {
  const [row] = await queryRows<{ at: number | null }>(
    tx,
    sql`select ${epochMs(sql`least(
          (select min(date_create) from mirror_leads l where ${own("l", scope)}),
          (select min(date_create) from mirror_deals d where ${own("d", scope)}),
          (select min(created) from mirror_activities a where ${own("a", scope)}))`)} as at`,
  );
  return row?.at === null || row?.at === undefined ? null : Number(row.at);
}

/** The portal's currencies: code, AMOUNT ÷ AMOUNT_CNT and whether it is the base. */
export async function loadCurrencies(tx: Tx, scope: Pick<MirrorScope, "orgId" | "connectionId">): Promise<{ currency: string; rate: number | null; base: boolean }[]> {
  const rows = await queryRows<{ currency: string; rate: number | null; base: boolean | null }>(
    tx,
    sql`select c.currency, (c.amount / nullif(c.amount_cnt, 0))::float8 as rate, c.base
        from mirror_currencies c where c.org_id = ${scope.orgId} and c.connection_id = ${scope.connectionId}`,
  );
  return rows.map((r) => ({ currency: String(r.currency).toUpperCase(), rate: r.rate === null ? null : Number(r.rate), base: r.base === true }));
}

/**
 * The earliest instant a sync's changes can move a metric: over the mirror rows written since `since`, the
 * earliest of their creation, close and update instants, less the 7 days within which an activity can answer an
 * earlier request. Later months follow from it (retention windows, LTV and forecasts only look back). Null when
 * nothing changed.
 */
export async function findAffectedFrom(tx: Tx, scope: Pick<MirrorScope, "orgId" | "connectionId">, since: Date): Promise<number | null> {
  const s = sql`${since.toISOString()}::timestamptz`;
  const [row] = await queryRows<{ at: number | null }>(
    tx,
    sql`select ${epochMs(sql`least(
          (select min(least(l.date_create, l.date_closed, l.date_modify)) from mirror_leads l where ${own("l", scope as MirrorScope)} and l.synced_at >= ${s}),
          (select min(least(d.date_create, d.moved_time, d.close_date::timestamptz, d.date_modify)) from mirror_deals d where ${own("d", scope as MirrorScope)} and d.synced_at >= ${s}),
          (select min(least(a.created, a.last_updated)) - interval '7 days' from mirror_activities a where ${own("a", scope as MirrorScope)} and a.synced_at >= ${s}),
          (select min(h.created_time) from mirror_deal_stage_history h where ${own("h", scope as MirrorScope)} and h.synced_at >= ${s}),
          (select min(h.created_time) from mirror_lead_stage_history h where ${own("h", scope as MirrorScope)} and h.synced_at >= ${s}))`)} as at`,
  );
  return row?.at === null || row?.at === undefined ? null : Number(row.at);
}
