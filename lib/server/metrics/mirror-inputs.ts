import { sql, type SQL } from "drizzle-orm";
import { queryRows, type Tx } from "@/db";
import { DEAL_CUSTOMER, EVIDENCE_ACTIVITIES } from "@/db/schema";
import {
  HISTOGRAM_EDGES,
  INBOUND_PROVIDERS,
  METRIC_DEFINITIONS,
  REPEAT_CONTACT_WINDOW_MS,
  UNANSWERED_AFTER_MS,
  type BusinessHours,
  type WonDealColumns,
} from "@/lib/metrics";

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
  /** The months of the history and their boundaries (month starts plus the last month's end, epoch ms). */
  months: string[];
  bounds: number[];
}

const iso = (ms: number) => new Date(ms).toISOString();
/**
 * Constants go into the statement as literals (built from numbers only, so nothing can be injected): a bound
 * parameter with a cast is evaluated per row under a generic plan (PGlite's), a literal is folded once.
 */
const ts = (ms: number) => {
  if (!Number.isFinite(ms)) throw new RangeError("not an instant");
  return sql.raw(`'${iso(ms)}'::timestamptz`);
};
/** An IANA zone name as a literal (names are letters, digits, `_`, `+`, `-` and `/`). */
const zoneLiteral = (zone: string) => {
  if (!/^[A-Za-z0-9_+\-/]+$/.test(zone)) throw new RangeError(`not a time zone: ${zone}`);
  return sql.raw(`'${zone}'`);
};
const floats = (values: readonly number[]) => {
  if (!values.every(Number.isFinite)) throw new RangeError("not numbers");
  return sql.raw(`'{${values.join(",")}}'::float8[]`);
};

/**
 * The index of the local month of an instant among the scope's months (−1 before them, months.length after):
 * a binary search over the boundaries, much cheaper per row than a time-zone conversion.
 */
const monthIndex = (expr: SQL, scope: MirrorScope) =>
  sql`(width_bucket(date_part('epoch', ${expr}), ${floats(scope.bounds.map((b) => b / 1000))}) - 1)`;
/** The month key of an index returned by monthIndex, or null outside the history. */
const monthAt = (scope: MirrorScope, index: unknown) => scope.months[Number(index)] ?? null;
/** Epoch milliseconds as float8 (date_part: extract() would compute in numeric, several times slower per row). */
const epochMs = (expr: SQL) => sql`(date_part('epoch', ${expr}) * 1000)`;

const own = (alias: string, scope: Pick<MirrorScope, "orgId" | "connectionId">) =>
  sql`${sql.raw(alias)}.org_id = ${scope.orgId} and ${sql.raw(alias)}.connection_id = ${scope.connectionId}`;

const rates = (scope: MirrorScope) =>
  sql`(select currency, factor from jsonb_to_recordset(${JSON.stringify(scope.factors)}::jsonb) as r(currency text, factor float8))`;

/** The currency of a record, an empty one meaning the portal's base. */
const currencyOf = (alias: string, scope: MirrorScope) => sql`upper(coalesce(nullif(${sql.raw(alias)}.currency_id, ''), ${scope.portalBase}))`;

/**
 * The rule behind mirror_deal_outcomes; bump it when the rule changes (the table is then rebuilt). The client's
 * time zone enters the version: CLOSEDATE is a local date.
 */
const DEAL_OUTCOMES_VERSION = 2;
const OUTCOME_COLUMNS = "org_id, connection_id, id, company_id, contact_id, lead_id, stage_id, opportunity, currency_id, won_at, lost_at, first_at";

/**
 * A deal's final instant when the history has none: CLOSEDATE (local midnight in the client's zone, not before the
 * deal's creation), then MOVED_TIME, then DATE_MODIFY.
 */
const closeFallback = (scope: Pick<MirrorScope, "timeZone">) =>
  sql`coalesce(greatest((d.close_date::timestamp at time zone ${zoneLiteral(scope.timeZone)}), d.date_create), d.moved_time, d.date_modify, d.date_create)`;

/** A join keeping the rows of the records (ot, oid) listed in the table `records`; nothing when it is null. */
const onlyRecords = (records: string | null, ot: SQL, oid: SQL) =>
  records === null ? sql`` : sql`join ${sql.raw(records)} m_ent on m_ent.ot = ${ot} and m_ent.oid = ${oid}`;

/**
 * The SELECT of mirror_deal_outcomes rows: every closed deal with its customer's first win, or those in the table
 * `records` (ot, oid) without it (settleFirstWins writes it).
 */
function dealOutcomesSelect(scope: Pick<MirrorScope, "orgId" | "connectionId" | "timeZone">, records: string | null): SQL {
  const deals = dealOutcomeRows(scope, records);
  if (records !== null) return sql`select *, null::timestamptz from (${deals}) o`;
  const columns = sql.raw(OUTCOME_COLUMNS);
  return sql`
    select ${columns}, case when won_at is not null and customer is not null then min(won_at) over (partition by customer) end
    from (select *, ${sql.raw(DEAL_CUSTOMER)} as customer from (${deals}) o (${columns})) o`;
}

/** The closed deals' outcome columns (OUTCOME_COLUMNS), of every one or of those in `records`. */
function dealOutcomeRows(scope: Pick<MirrorScope, "orgId" | "connectionId" | "timeZone">, records: string | null): SQL {
  const only = (column: SQL) => onlyRecords(records, sql`2`, column);
  return sql`
    select ${scope.orgId}::uuid, ${scope.connectionId}::uuid, d.id, d.company_id, d.contact_id, d.lead_id, d.stage_id,
           d.opportunity, d.currency_id,
           case when d.stage_semantic_id = 'S' then coalesce(f.won_at, ${closeFallback(scope)}) end,
           case when d.stage_semantic_id = 'F' then coalesce(f.lost_at, ${closeFallback(scope)}) end,
           coalesce(l.date_create, d.date_create)
    from mirror_deals d ${only(sql`d.id`)}
    left join (
      select h.owner_id as id,
             max(h.created_time) filter (where h.stage_semantic_id = 'S') as won_at,
             max(h.created_time) filter (where h.stage_semantic_id = 'F') as lost_at
      from mirror_deal_stage_history h ${only(sql`h.owner_id`)}
      where ${own("h", scope)} and h.type_id = 3 and h.owner_id is not null and h.stage_semantic_id in ('S', 'F')
      group by h.owner_id
    ) f on f.id = d.id
    left join mirror_leads l on ${own("l", scope)} and l.id = d.lead_id
    where ${own("d", scope)} and d.stage_semantic_id in ('S', 'F')`;
}

/**
 * Brings mirror_deal_outcomes up to date: the deals whose row, stage history or lead was written since the last
 * refresh, or that were deleted; everything when the rule's version or the client's zone changed.
 */
export async function refreshDealOutcomes(tx: Tx, scope: Pick<MirrorScope, "orgId" | "connectionId" | "timeZone">) {
  return refreshDerived(tx, scope, {
    name: "deal_outcomes",
    version: `${DEAL_OUTCOMES_VERSION}:${scope.timeZone}`,
    table: "mirror_deal_outcomes",
    columns: `${OUTCOME_COLUMNS}, customer_first_won_at`,
    matches: sql`t.id = m.oid and m.ot = 2`,
    changed: (since) => sql`
      select 2 as ot, d.id as oid from mirror_deals d where ${own("d", scope)} and d.synced_at >= ${since}
      union all
      select 2, h.owner_id from mirror_deal_stage_history h where ${own("h", scope)} and h.synced_at >= ${since} and h.owner_id is not null
      union all
      select 2, d.id from mirror_leads l join mirror_deals d on ${own("d", scope)} and d.lead_id = l.id
      where ${own("l", scope)} and l.synced_at >= ${since}
      union all
      select 2, c.id from mirror_changes c where ${own("c", scope)} and c.logged_at >= ${since} and c.entity = 'deal'`,
    select: (records) => dealOutcomesSelect(scope, records),
    settle: {
      // The customers of the changed deals, as they were and as they are: their first wins may have moved.
      before: async (tx, records) => {
        await tx.execute(sql`create temp table m_customers on commit drop as ${wonCustomersOf(scope, records)}`);
      },
      after: (tx, records) => settleFirstWins(tx, scope, records),
    },
  });
}

/** The customers of the won deals among `records` (ot, oid), as mirror_deal_outcomes holds them now. */
const wonCustomersOf = (scope: Pick<MirrorScope, "orgId" | "connectionId">, records: string) => sql`
  select o.customer from mirror_deal_outcomes o join ${sql.raw(records)} m on m.ot = 2 and m.oid = o.id
  where ${own("o", scope)} and o.won_at is not null and o.customer is not null`;

/**
 * Writes the first win of each customer in m_customers (see refreshDealOutcomes) and of the changed deals' customers
 * onto their won deals (customer_first_won_at).
 */
async function settleFirstWins(tx: Tx, scope: Pick<MirrorScope, "orgId" | "connectionId">, records: string) {
  await tx.execute(sql`insert into m_customers ${wonCustomersOf(scope, records)}`);
  await tx.execute(sql`
    update mirror_deal_outcomes o set customer_first_won_at = f.first_won_at
    from (select w.customer, min(w.won_at) as first_won_at from mirror_deal_outcomes w
          where ${own("w", scope)} and w.won_at is not null and w.customer in (select customer from m_customers)
          group by w.customer) f
    where ${own("o", scope)} and o.customer = f.customer and o.won_at is not null
      and o.customer_first_won_at is distinct from f.first_won_at`);
  await tx.execute(sql`drop table m_customers`);
}

/**
 * The won deals (id, customer, won_at, amount, first_at, company_id, contact_id, customer_first_won_at): every
 * one, or with `since` those won from then on. Customers are numbers (companies positive, contacts negative, NaN
 * for none); amounts in the client's base currency (NaN without a rate). Reads the refreshed mirror_deal_outcomes.
 */
function wonDealRows(scope: MirrorScope, since: number | null): SQL {
  return sql`
    select o.id, coalesce(o.customer, 'NaN'::float8) as customer, o.won_at,
           coalesce((o.opportunity * r.factor)::float8, 'NaN'::float8) as amount,
           coalesce(o.first_at, o.won_at) as first_at, o.company_id, o.contact_id, o.customer_first_won_at
    from mirror_deal_outcomes o
    left join ${rates(scope)} r on r.currency = ${currencyOf("o", scope)}
    where ${own("o", scope)} and o.won_at is not null ${since === null ? sql`` : sql`and o.won_at >= ${ts(since)}`}`;
}

/** The won deals (wonDealRows) into the temporary table m_won, for the drill-down's lists. */
export async function prepareWonDeals(tx: Tx, scope: MirrorScope, since: number | null): Promise<void> {
  await tx.execute(sql`create temp table m_won on commit drop as ${wonDealRows(scope, since)}`);
}

/**
 * The won deals (every one, or those won from `since` on) as columns sorted by customer, then win instant; with
 * `since`, also the first win of each of their customers whose first win came before `since` (needed to tell new
 * customers from returning ones), read off the deals. One statement; the rows travel as bytea of big-endian float8
 * tuples: a million deals would otherwise be a million objects in the driver.
 */
export async function loadWins(tx: Tx, scope: MirrorScope, since: number | null): Promise<{ wins: WonDealColumns; firstWonAt?: Map<number, number> }> {
  const [row] = await queryRows<{ n: number; data: Uint8Array | string | null }>(
    tx,
    sql`select count(*)::int as n,
               string_agg(float8send(customer) || float8send(${epochMs(sql`won_at`)}) || float8send(amount) || float8send(${epochMs(sql`first_at`)})
                          || float8send(coalesce(${epochMs(sql`customer_first_won_at`)}, 'NaN'::float8)), ''::bytea
                          order by customer, won_at) as data
        from (${wonDealRows(scope, since)}) w`,
  );
  const n = Number(row?.n ?? 0);
  const [customer, wonAt, amount, firstContactAt, customerFirstWonAt] = float8Columns(toBytes(row?.data ?? null), 5, n);
  const wins = { length: n, customer, wonAt, amount, firstContactAt };
  if (since === null) return { wins };
  const firstWonAt = new Map<number, number>();
  for (let k = 0; k < n; k++) {
    if (customerFirstWonAt[k] < since && (k === 0 || customer[k - 1] !== customer[k])) firstWonAt.set(customer[k], customerFirstWonAt[k]);
  }
  return { wins, firstWonAt };
}

/** Big-endian float8 tuples of `width` values as `width` columns. */
function float8Columns(bytes: Uint8Array, width: number, n: number): Float64Array[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const columns = Array.from({ length: width }, () => new Float64Array(n));
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < width; c++) columns[c][i] = view.getFloat64((i * width + c) * 8, false);
  }
  return columns;
}

/** A bytea as the drivers return it: Buffer / Uint8Array, or `\\x…` hex text. */
function toBytes(value: Uint8Array | string | null): Uint8Array {
  if (value === null) return new Uint8Array(0);
  if (typeof value === "string") return Buffer.from(value.startsWith("\\x") ? value.slice(2) : value, "hex");
  return value;
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

/**
 * Leads and deals created per local month, with their cohorts: from `from` on (every month when null), the lead
 * cohorts only from `cohortsFrom` on (earlier months are read for their counts alone).
 */
export async function loadCreatedMonths(tx: Tx, scope: MirrorScope, from: number | null, cohortsFrom: number | null = from): Promise<CreatedMonthRow[]> {
  const leadRange = from === null ? sql`true` : sql`l.date_create >= ${ts(from)}`;
  const dealRange = from === null ? sql`true` : sql`d.date_create >= ${ts(from)}`;
  // The whole history: one pass over the won deals; a few months: each lead's deals by index (a lateral probe, so
  // that the planner does not hash every won deal for a few thousand leads).
  const leadWon = from === null ? sql`count(w.lead_id)` : sql`count(w.won)`;
  const wonJoin =
    from === null
      ? sql`left join won_leads w on w.lead_id = l.id`
      : sql`left join lateral (select true as won from mirror_deals d
                               where l.date_create >= ${ts(cohortsFrom ?? from)}
                                 and ${own("d", scope)} and d.lead_id = l.id and d.stage_semantic_id = 'S' limit 1) w on true`;
  const rows = await queryRows<Record<string, unknown>>(
    tx,
    sql`
    with ${from === null ? sql`won_leads as (
      select distinct d.lead_id from mirror_deals d
      where ${own("d", scope)} and d.stage_semantic_id = 'S' and d.lead_id is not null
    ),` : sql``}
    leads as (
      select ${monthIndex(sql`l.date_create`, scope)} as month,
             count(*)::int as leads,
             ${leadWon}::int as leads_won,
             count(*) filter (where l.source_id = 'WEBFORM')::int as webform,
             count(*) filter (where l.assigned_by_id is not null and l.created_by_id is distinct from l.assigned_by_id)::int as routed
      from mirror_leads l ${wonJoin}
      where ${own("l", scope)} and l.date_create is not null and ${leadRange}
      group by 1
    ),
    deals as (
      select ${monthIndex(sql`d.date_create`, scope)} as month,
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
  return rows.flatMap((r) => {
    const month = monthAt(scope, r.month);
    return month === null ? [] : [{
    month,
    leads: Number(r.leads),
    leadsWon: Number(r.leads_won),
    webformLeads: Number(r.webform),
    routedLeads: Number(r.routed),
    deals: Number(r.deals),
    directDeals: Number(r.direct),
    dealsWon: Number(r.won),
  }];
  });
}

/**
 * Lost leads and deals with their loss instant: a lead's DATE_CLOSED (else MOVED_TIME, DATE_MODIFY), a deal's
 * from mirror_deal_outcomes (refreshed first). Kept in a temporary table for the loss and response queries; only
 * losses from `from` on when given.
 */
export async function prepareLosses(tx: Tx, scope: MirrorScope, from: number | null): Promise<void> {
  const leadLost = sql`coalesce(l.date_closed, l.moved_time, l.date_modify, l.date_create)`;
  // The same test as `leadLost >= from`, spelt so that the (status semantic, date closed) index serves it.
  const leadLostSince = (at: number) =>
    sql`(l.date_closed >= ${ts(at)} or (l.date_closed is null and coalesce(l.moved_time, l.date_modify, l.date_create) >= ${ts(at)}))`;
  const deals = sql`
    select 2, o.id, o.lost_at, o.stage_id, (o.opportunity * r.factor)::float8, o.lead_id
    from mirror_deal_outcomes o
    left join ${rates(scope)} r on r.currency = ${currencyOf("o", scope)}
    where ${own("o", scope)} and o.lost_at is not null ${from === null ? sql`` : sql`and o.lost_at >= ${ts(from)}`}`;
  await tx.execute(sql`
    create temp table m_lost on commit drop as
    select 1::int as ot, l.id, ${leadLost} as lost_at, l.status_id as stage, null::float8 as amount, null::int as lead_id
    from mirror_leads l
    where ${own("l", scope)} and l.status_semantic_id = 'F' ${from === null ? sql`` : sql`and ${leadLostSince(from)}`}
    union all
    ${deals}`);
  await tx.execute(sql`analyze m_lost`);
}

/**
 * The SELECT that pairs each record's inbound requests with their answers (definition:
 * lib/metrics/inbound-requests.ts): rows (org_id, connection_id, owner_type_id, owner_id, requested_at, source,
 * activity_id, answered_at, first) for every record, or with `records` only for those in that table (ot, oid).
 *
 * Each record's events (lead creation 0, incoming contact 1, outgoing contact 2, completion by an employee 3) are
 * keyed by two int8s — the record (`type << 32 | id`) and the time (`ms × 4 + kind`) — so that one sort on cheap
 * keys feeds two linear window passes: a running one (the last outgoing contact before, and how many answers came
 * so far), then one per (record, answer number), where each request finds the next answer after it. A lead's
 * creation time comes with its incoming activities by a join, not a window.
 */
function requestPairsSelect(scope: Pick<MirrorScope, "orgId" | "connectionId">, records: string | null): SQL {
  const inbound = sql`a.direction = 1 and (a.type_id in (2, 4) or a.provider_id in (${sql.join(
    INBOUND_PROVIDERS.map((p) => sql`${p}`),
    sql`, `,
  )}))`;
  const recordKey = (ot: SQL, oid: SQL) => sql`((${ot})::int8 << 32 | (${oid})::int8)`;
  const timeKey = (t: SQL, kind: number | SQL) => sql`((date_part('epoch', ${t}) * 1000)::int8 * 4 + ${kind})`;
  const only = (ot: SQL, oid: SQL) => onlyRecords(records, ot, oid);
  const kindOf = sql`case when ${inbound} then 1 when a.direction = 2 then 2 end`;
  const DAY4 = (REPEAT_CONTACT_WINDOW_MS * 4).toString();
  const instant = (tk: SQL) => sql`to_timestamp(((${tk}) >> 2)::float8 / 1000)`;
  return sql`
    with ev as (
      select ${recordKey(sql`a.owner_type_id`, sql`a.owner_id`)} as ek, ${timeKey(sql`a.created`, kindOf)} as tk, a.id,
             case when a.owner_type_id = 1 and ${inbound} then l.date_create end as lead_at
      from mirror_activities a ${only(sql`a.owner_type_id`, sql`a.owner_id`)}
      left join mirror_leads l on ${own("l", scope)} and a.owner_type_id = 1 and l.id = a.owner_id
      where ${own("a", scope)} and a.owner_id is not null and a.owner_type_id is not null and a.created is not null
        and (a.direction = 2 or (${inbound}))
      union all
      select ${recordKey(sql`a.owner_type_id`, sql`a.owner_id`)}, ${timeKey(sql`a.last_updated`, 3)}, a.id, null
      from mirror_activities a ${only(sql`a.owner_type_id`, sql`a.owner_id`)}
      where ${own("a", scope)} and a.owner_id is not null and a.owner_type_id is not null and a.last_updated is not null
        and a.completed and a.status = 2
      union all
      select ${recordKey(sql`1`, sql`l.id`)}, ${timeKey(sql`l.date_create`, 0)}, l.id, null
      from mirror_leads l ${only(sql`1`, sql`l.id`)}
      where ${own("l", scope)} and l.date_create is not null
    ),
    back as (
      select ek, tk, id, lead_at,
        max(tk) filter (where tk & 3 = 2) over running as out_tk,
        count(*) filter (where tk & 3 >= 2) over running as answers_so_far
      from ev
      window running as (partition by ek order by tk rows between unbounded preceding and current row)
    ),
    w as (
      -- A request and the next answer after it share (record, answer number): that answer is the group's answer.
      select ek, tk, id, lead_at, out_tk,
        min(tk) filter (where tk & 3 >= 2) over (partition by ek, case when tk & 3 >= 2 then answers_so_far else answers_so_far + 1 end) as answer_tk
      from back
    ),
    r as (
      select ek, tk, id, answer_tk from w
      where tk & 3 = 0
         or (tk & 3 = 1
             and (out_tk is null or out_tk < tk - ${sql.raw(DAY4)})
             and (lead_at is null or abs(date_part('epoch', lead_at) * 1000 - (tk >> 2)) > ${REPEAT_CONTACT_WINDOW_MS}))
    )
    select ${scope.orgId}::uuid as org_id, ${scope.connectionId}::uuid as connection_id,
           (ek >> 32)::int2 as owner_type_id, (ek & 4294967295)::int as owner_id, ${instant(sql`tk`)} as requested_at,
           (tk & 3)::int2 as source, case when tk & 3 = 1 then id end as activity_id,
           case when answer_tk is not null then ${instant(sql`answer_tk`)} end as answered_at,
           row_number() over (partition by ek order by tk) = 1 as first
    from r`;
}

/** Entries of mirror_changes are kept this long (more than any sync takes between its start and its recompute). */
const CHANGES_KEPT = sql.raw(`interval '30 days'`);

interface DerivedTable {
  /** Its name in mirror_derived_states. */
  name: string;
  /** The rule's version with the settings it depends on: another one rebuilds the table. */
  version: string;
  table: string;
  columns: string;
  /** Whether a row `t` belongs to the record `m` (ot, oid) of the changed set. */
  matches: SQL;
  /** The records (ot, oid) whose rows the mirror changes written since `since` can alter. */
  changed: (since: SQL) => SQL;
  /** The table's rows, of every record or of those in the named table (ot, oid). */
  select: (records: string | null) => SQL;
  /**
   * Work across records when only some are replaced (a rebuild's select does it itself): called with the changed
   * records' table (ot, oid) before their old rows go and after the new ones are in.
   */
  settle?: { before: (tx: Tx, records: string) => Promise<void>; after: (tx: Tx, records: string) => Promise<void> };
}

/**
 * Brings a table derived from the mirror up to date: rebuilt whole when it was never built or its version
 * changed, else only the records changed since the last refresh. Serialised per connection by its state row.
 *
 * Rows become visible when their transaction commits, but carry the instant they were written: the next refresh
 * starts from the start of the oldest transaction still running now, so a row committed later is never skipped.
 */
async function refreshDerived(tx: Tx, scope: Pick<MirrorScope, "orgId" | "connectionId">, d: DerivedTable): Promise<{ rebuilt: boolean; records: number }> {
  const key = sql`org_id = ${scope.orgId} and connection_id = ${scope.connectionId}`;
  const table = sql.raw(d.table);
  const columns = sql.raw(d.columns);
  await tx.execute(
    sql`insert into mirror_derived_states (org_id, connection_id, name, version, refreshed_through)
        values (${scope.orgId}, ${scope.connectionId}, ${d.name}, '', '-infinity') on conflict do nothing`,
  );
  const [state] = await queryRows<{ version: string; through: string }>(
    tx,
    sql`select version, refreshed_through::text as through from mirror_derived_states where ${key} and name = ${d.name} for update`,
  );
  const [mark] = await queryRows<{ at: string }>(
    tx,
    sql`select least(clock_timestamp(), (select min(xact_start) from pg_stat_activity
                                         where datname = current_database() and pid <> pg_backend_pid()
                                           and backend_type = 'client backend'))::text as at`,
  );
  const rebuild = state.version !== d.version;
  let records = 0;
  if (rebuild) {
    await tx.execute(sql`delete from ${table} where ${key}`);
    await tx.execute(sql`insert into ${table} (${columns}) ${d.select(null)}`);
    // The planner needs the new table's statistics now, not when autovacuum comes by.
    await tx.execute(sql`analyze ${table}`);
  } else {
    await tx.execute(sql`create temp table m_changed on commit drop as select distinct ot, oid from (${d.changed(sql`${state.through}::timestamptz`)}) c`);
    [{ n: records }] = await queryRows<{ n: number }>(tx, sql`select count(*)::int as n from m_changed`);
    if (records > 0) {
      await tx.execute(sql`analyze m_changed`);
      await d.settle?.before(tx, "m_changed");
      await tx.execute(sql`delete from ${table} t using m_changed m where ${own("t", scope)} and ${d.matches}`);
      await tx.execute(sql`insert into ${table} (${columns}) ${d.select("m_changed")}`);
      await d.settle?.after(tx, "m_changed");
    }
    await tx.execute(sql`drop table m_changed`);
  }
  await tx.execute(sql`delete from mirror_changes where ${key} and logged_at < ${mark.at}::timestamptz - ${CHANGES_KEPT}`);
  await tx.execute(sql`update mirror_derived_states set version = ${d.version}, refreshed_through = ${mark.at}::timestamptz where ${key} and name = ${d.name}`);
  return { rebuilt: rebuild, records };
}

/**
 * Brings mirror_request_pairs up to date with the mirror: the records whose activities or lead were written
 * (synced_at), deleted or moved away (mirror_changes) since the last refresh; everything when the response time
 * definition's version changed.
 */
export async function refreshRequestPairs(tx: Tx, scope: Pick<MirrorScope, "orgId" | "connectionId">) {
  return refreshDerived(tx, scope, {
    name: "request_pairs",
    version: String(METRIC_DEFINITIONS.response_time.version),
    table: "mirror_request_pairs",
    columns: "org_id, connection_id, owner_type_id, owner_id, requested_at, source, activity_id, answered_at, first",
    matches: sql`t.owner_type_id = m.ot and t.owner_id = m.oid`,
    changed: (since) => sql`
      select a.owner_type_id::int as ot, a.owner_id as oid from mirror_activities a
      where ${own("a", scope)} and a.synced_at >= ${since} and a.owner_type_id is not null and a.owner_id is not null
      union all
      select 1, l.id from mirror_leads l where ${own("l", scope)} and l.synced_at >= ${since}
      union all
      select c.owner_type_id::int, c.owner_id from mirror_changes c
      where ${own("c", scope)} and c.logged_at >= ${since} and c.owner_type_id is not null and c.owner_id is not null`,
    select: (records) => requestPairsSelect(scope, records),
  });
}

/**
 * The inbound requests the recompute reads, from the refreshed mirror_request_pairs, as a relation with the
 * columns (ot, oid, at, source, activity_id, answer_at, first, minutes, outcome, month): every one (a subquery), or
 * with `from` those made from then on plus the first request of each record lost from then on (the temporary
 * table m_req; m_lost must exist: the organisational losses look at it). The pairs are refreshed first unless
 * the caller did (`refreshed`).
 */
export async function prepareRequests(
  tx: Tx,
  scope: MirrorScope,
  options: { from: number | null; businessHours: BusinessHours | null; refreshed?: boolean },
): Promise<SQL> {
  const { from } = options;
  if (!options.refreshed) await refreshRequestPairs(tx, scope);
  const horizon = sql`make_interval(secs => ${UNANSWERED_AFTER_MS / 1000})`;
  const answeredInTime = sql`r.answer_at is not null and r.answer_at <= r.at + ${horizon} and r.answer_at <= ${ts(scope.now)}`;
  const minutes = options.businessHours ? businessMinutesSql(options.businessHours, scope.timeZone) : sql`(date_part('epoch', r.answer_at) - date_part('epoch', r.at)) / 60`;
  const columns = sql.raw(`p.owner_type_id::int as ot, p.owner_id as oid, p.requested_at as at, p.source::int as source,
                           p.activity_id, p.answered_at as answer_at, p.first`);
  const pairs =
    from === null
      ? sql`select ${columns} from mirror_request_pairs p where ${own("p", scope)}`
      : sql`select ${columns} from mirror_request_pairs p where ${own("p", scope)} and p.requested_at >= ${ts(from)}
            union all
            select ${columns} from mirror_request_pairs p
            join (select distinct ot, oid from (select ot, id as oid from m_lost union all select 1, lead_id from m_lost where lead_id is not null) x) x
              on p.owner_type_id = x.ot and p.owner_id = x.oid
            where ${own("p", scope)} and p.first and p.requested_at < ${ts(from)}`;
  const requests = sql`
    select r.ot, r.oid, r.at, r.source, r.activity_id, r.answer_at, r.first,
           case when ${answeredInTime} then (${minutes})::float8 end as minutes,
           case when ${answeredInTime} then 'answered'
                when r.at + ${horizon} <= ${ts(scope.now)} then 'unanswered'
                else 'pending' end as outcome,
           ${monthIndex(sql`r.at`, scope)} as month
    from (${pairs}) r`;
  // Every request: read straight from the kept pairs (a copy of them all would cost more than the queries).
  if (from === null) return sql`(${requests})`;
  // Not analysed: its readers aggregate it or hash it against m_lost (analysed), which its page count is enough for.
  await tx.execute(sql`create temp table m_req on commit drop as ${requests}`);
  return sql`m_req`;
}

/**
 * Working minutes between r.at and r.answer_at for a weekly schedule, in the client's zone: for each local day the
 * request spans (at most 8: answers later than 7 days do not count), the overlap with that day's window.
 * The same rule as lib/metrics/business-hours.ts.
 */
function businessMinutesSql(hours: BusinessHours, timeZone: string): SQL {
  const days = `{${hours.days.join(",")}}`;
  const zone = zoneLiteral(timeZone);
  return sql`(
    select coalesce(sum(greatest(0, date_part('epoch',
             least(r.answer_at, ((d.day + make_interval(mins => ${hours.endMinute})) at time zone ${zone}))
           - greatest(r.at, ((d.day + make_interval(mins => ${hours.startMinute})) at time zone ${zone}))))), 0) / 60
    from generate_series(date_trunc('day', r.at at time zone ${zone}), date_trunc('day', r.answer_at at time zone ${zone}), interval '1 day') as d(day)
    where date_part('isodow', d.day)::int = any(${days}::int[])
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

/**
 * Per local month of the request: counts, Σ minutes, exact median and p90 (percentile_cont) and the histogram,
 * in one pass (grouping sets: per month, and per month and bucket).
 */
export async function loadResponseMonths(tx: Tx, scope: MirrorScope, requests: SQL, slaMinutes: number, fromMonth: string | null): Promise<ResponseMonthRow[]> {
  const fromIndex = fromMonth === null ? 0 : Math.max(0, scope.months.indexOf(fromMonth));
  const rows = await queryRows<Record<string, unknown>>(
    tx,
    sql`select month, bucket, grouping(bucket) as per_month,
              count(*)::int as n,
              count(*) filter (where outcome = 'answered')::int as answered,
              count(*) filter (where outcome = 'unanswered')::int as unanswered,
              count(*) filter (where outcome = 'pending')::int as pending,
              coalesce(sum(minutes), 0)::float8 as sum_minutes,
              (percentile_cont(0.5) within group (order by minutes))::float8 as median,
              (percentile_cont(0.9) within group (order by minutes))::float8 as p90,
              count(*) filter (where minutes <= ${slaMinutes})::int as within_sla
       from (select month, outcome, minutes,
                    width_bucket(minutes, ${floats(HISTOGRAM_EDGES)}) as bucket
             from ${requests} r where month >= ${fromIndex}) q
       group by grouping sets ((month), (month, bucket))`,
  );
  const empty = () => new Array<number>(HISTOGRAM_EDGES.length + 1).fill(0);
  const byMonth = new Map<string, ResponseMonthRow>();
  const hist = new Map<string, number[]>();
  for (const r of rows) {
    const month = monthAt(scope, r.month);
    if (month === null) continue;
    if (Number(r.per_month) === 1) {
      byMonth.set(month, {
        month,
        answered: Number(r.answered),
        unanswered: Number(r.unanswered),
        pending: Number(r.pending),
        sumMinutes: Number(r.sum_minutes),
        median: r.median === null ? null : Number(r.median),
        p90: r.p90 === null ? null : Number(r.p90),
        withinSla: Number(r.within_sla),
        histogram: [],
      });
    } else if (r.bucket !== null) {
      let h = hist.get(month);
      if (!h) hist.set(month, (h = empty()));
      h[Number(r.bucket)] += Number(r.answered);
    }
  }
  return [...byMonth.values()].map((row) => ({ ...row, histogram: hist.get(row.month) ?? empty() }));
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
export async function loadLossMonths(tx: Tx, scope: MirrorScope, requests: SQL, slaMinutes: number, orgStages: string[]): Promise<LossMonthRow[]> {
  const stages = `{${orgStages.map((s) => `"${s.replace(/["\\]/g, "")}"`).join(",")}}`;
  const rows = await queryRows<Record<string, unknown>>(
    tx,
    sql`
    with slow as (
      select ot, oid, (outcome = 'unanswered' or (outcome = 'answered' and minutes > ${slaMinutes})) as slow from ${requests} r where first
    )
    select ${monthIndex(sql`x.lost_at`, scope)} as month,
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
  return rows.flatMap((r) => {
    const month = monthAt(scope, r.month);
    if (month === null) return [];
    return [{ month, lostLeads: Number(r.lost_leads), lostDeals: Number(r.lost_deals), lostAmount: Number(r.lost_amount), organisational: Number(r.organisational) }];
  });
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
    sql`select ${monthIndex(sql`a.created`, scope)} as month,
               count(*) filter (where a.provider_id = 'CRM_WEBFORM')::int as webform,
               count(*) filter (where a.provider_id = 'VOXIMPLANT_CALL')::int as telephony,
               count(*) filter (where a.provider_id = 'IMOPENLINES_SESSION')::int as openlines,
               count(*) filter (where a.status = 3)::int as auto_completed
        from mirror_activities a
        where ${own("a", scope)} and a.created is not null ${range} and (${sql.raw(EVIDENCE_ACTIVITIES)})
        group by 1`,
  );
  return rows.flatMap((r) => {
    const month = monthAt(scope, r.month);
    if (month === null) return [];
    return [{ month, webformActivities: Number(r.webform), telephony: Number(r.telephony), openlines: Number(r.openlines), autoCompleted: Number(r.auto_completed) }];
  });
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
 * The earliest instant a sync's changes can move a metric: over the mirror rows written or deleted since `since`,
 * the earliest of their creation, close and update instants, less the 7 days within which an activity can answer
 * an earlier request. Later months follow from it (retention windows, LTV and forecasts only look back). Null when
 * nothing changed.
 */
export async function findAffectedFrom(tx: Tx, scope: Pick<MirrorScope, "orgId" | "connectionId">, since: Date): Promise<number | null> {
  const s = sql`${since.toISOString()}::timestamptz`;
  const [row] = await queryRows<{ at: number | null }>(
    tx,
    sql`select ${epochMs(sql`least(
          (select min(least(l.date_create, l.date_closed, l.date_modify)) from mirror_leads l where ${own("l", scope)} and l.synced_at >= ${s}),
          (select min(least(d.date_create, d.moved_time, d.close_date::timestamptz, d.date_modify)) from mirror_deals d where ${own("d", scope)} and d.synced_at >= ${s}),
          (select min(least(a.created, a.last_updated)) - interval '7 days' from mirror_activities a where ${own("a", scope)} and a.synced_at >= ${s}),
          (select min(h.created_time) from mirror_deal_stage_history h where ${own("h", scope)} and h.synced_at >= ${s}),
          (select min(h.created_time) from mirror_lead_stage_history h where ${own("h", scope)} and h.synced_at >= ${s}),
          (select min(c.occurred_at - case when c.entity = 'activity' then interval '7 days' else interval '0' end)
           from mirror_changes c where ${own("c", scope)} and c.logged_at >= ${s}))`)} as at`,
  );
  return row?.at === null || row?.at === undefined ? null : Number(row.at);
}
