/**
 * Benchmark of the metric recompute on PostgreSQL: builds a mirror of 1 M deals, 1 M leads and 5 M activities
 * (plus their stage history) in a database of its own with generate_series, then times, each in a fresh process
 * so that peak memory is its own:
 *   - first: the first recompute of a synced portal, which also builds the tables kept beside the mirror
 *     (mirror_request_pairs from the 5 M activities, mirror_deal_outcomes; no target: it runs once, after the
 *     first sync),
 *   - full: the whole 37-month history again, as a change of settings or definitions asks (target < 10 s),
 *   - month: the current month only (target < 1 s),
 *   - change: after 1 % of the deals, leads and activities changed as an incremental sync brings them (the most
 *     recent records updated, new activities added), the months they touch, found from the rows' synced_at.
 * The last line is one JSON object with the figures.
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench:metrics [-- --scale 0.1 --keep]
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { sql } from "drizzle-orm";
import { openDatabase, type Database } from "@/db";
import { clients, orgs, portalConnections } from "@/db/schema";
import { peakRssBytes } from "./lib/memory";

const TARGETS = { first: null, full: 10, month: 1, change: 10 } as const;
const ZONE = "Europe/Moscow";
const NOW = Date.parse("2025-01-20T12:00:00Z");
const BENCH_DB = "impact24_bench_metrics";

type Phase = keyof typeof TARGETS;

/** The mirror built at --scale (1: 1 M deals, 1 M leads, 5 M activities; activity IDs 1 … activities). */
const mirrorSize = (scale: number) => ({
  deals: Math.round(1_000_000 * scale),
  leads: Math.round(1_000_000 * scale),
  activities: Math.round(5_000_000 * scale),
});

interface PhaseResult {
  phase: Phase;
  seconds: number;
  peakRssMb: number;
  months: number;
  snapshots: number;
  fromMonth: string | null;
  targetSeconds: number | null;
  ratio: number | null;
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function benchUrl(base: string): string {
  const url = new URL(base);
  url.pathname = `/${BENCH_DB}`;
  return url.toString();
}

/** Creates the bench database afresh and fills the mirror. Returns the ids and row counts. */
async function build(baseUrl: string, scale: number) {
  const admin = await import("postgres").then((m) => m.default(baseUrl, { max: 1, onnotice: () => {} }));
  await admin.unsafe(`drop database if exists ${BENCH_DB} with (force)`);
  await admin.unsafe(`create database ${BENCH_DB}`);
  await admin.end();

  const database = await openDatabase({ url: benchUrl(baseUrl), max: 2 });
  const db = database.db;
  const [org] = await db.insert(orgs).values({ name: "Bench org" }).returning();
  const [client] = await db
    .insert(clients)
    .values({ orgId: org.id, name: "Bench client", timeZone: ZONE, baseCurrency: "RUB", goLiveDate: "2023-07-01" })
    .returning();
  const [connection] = await db
    .insert(portalConnections)
    .values({ orgId: org.id, clientId: client.id, memberId: "bench", domain: "bench.example.test", clientEndpoint: "https://bench.example.test/rest/", crmMode: 1 })
    .returning();
  const o = org.id;
  const c = connection.id;
  const { deals, leads, activities } = mirrorSize(scale);
  const companies = Math.round(150_000 * scale);
  const contacts = Math.round(250_000 * scale);
  const started = performance.now();

  // History: 1 Jan 2022 … 10 Jan 2025. A record's creation is a pure function of its id (spread evenly plus a
  // hash jitter), so activities can find their owner's creation without a join.
  const t0 = "'2022-01-01T00:00:00Z'::timestamptz";
  const span = "(interval '1106 days')";
  const jitter = (id: string) => `((hashint4(${id}) & 65535) / 65536.0)`;
  const createdOf = (id: string, n: number) => `(${t0} + ${span} * ((${id} - 1)::float8 / ${n}) + interval '6 hours' * ${jitter(id)})`;
  const run = (text: string) => database.executeSql(text);

  await run(`select setseed(0.42)`);
  await run(`insert into mirror_currencies (org_id, connection_id, currency, amount, amount_cnt, base)
             values ('${o}', '${c}', 'RUB', 1, 1, true), ('${o}', '${c}', 'USD', 90, 1, false)`);
  // Leads: 30 % converted (id % 10 < 3), 40 % junk, the rest in progress; a tenth from web forms.
  await run(`insert into mirror_leads (org_id, connection_id, id, date_create, date_modify, date_closed, status_semantic_id, status_id, source_id, assigned_by_id, created_by_id, currency_id, opportunity)
    select '${o}', '${c}', g, ${createdOf("g", leads)},
           ${createdOf("g", leads)} + interval '1 day',
           case when g % 10 < 7 then ${createdOf("g", leads)} + interval '1 day' * (1 + random() * 4) end,
           case when g % 10 < 3 then 'S' when g % 10 < 7 then 'F' else 'P' end,
           case when g % 10 < 3 then 'CONVERTED' when g % 10 < 7 then 'JUNK' else 'IN_PROCESS' end,
           case when random() < 0.1 then 'WEBFORM' else 'CALL' end,
           1 + (g % 40), case when random() < 0.3 then 0 else 1 + (g % 40) end, 'RUB', 0
    from generate_series(1, ${leads}) g`);
  // Deals: those with id % 10 < 3 come from the lead of the same id; 35 % won, 45 % lost; half with a company,
  // most others with a contact, 5 % with neither; 4 % in US dollars. moved_time = the close.
  await run(`insert into mirror_deals (org_id, connection_id, id, date_create, date_modify, moved_time, stage_semantic_id, stage_id, closed, opportunity, currency_id, lead_id, company_id, contact_id, category_id)
    select '${o}', '${c}', g, created, closed_at, closed_at,
           sem, case sem when 'S' then 'WON' when 'F' then 'LOSE' else 'EXECUTING' end, sem <> 'P',
           round((1000 + random() * 99000)::numeric, 2), case when random() < 0.04 then 'USD' else 'RUB' end,
           case when g % 10 < 3 and g <= ${leads} then g end,
           case when who < 0.5 then 1 + (hashint4(g * 7) & 2147483647) % ${companies} end,
           case when who >= 0.5 and who < 0.95 then 1 + (hashint4(g * 13) & 2147483647) % ${contacts} end,
           0
    from (
      select g, ${createdOf("g", deals)} + case when g % 10 < 3 then interval '2 days' else interval '0' end as created,
             case when r < 0.35 then 'S' when r < 0.8 then 'F' else 'P' end as sem, who,
             ${createdOf("g", deals)} + interval '1 day' * (1 + random() * 40) as closed_at
      from (select g, random() as r, random() as who from generate_series(1, ${deals}) g) x
    ) d`);
  // Stage history: a "created" entry for every deal, an intermediate one for half, the final one for closed deals.
  await run(`insert into mirror_deal_stage_history (org_id, connection_id, id, type_id, owner_id, created_time, category_id, stage_id, stage_semantic_id)
    select '${o}', '${c}', row_number() over (), type_id, owner_id, created_time, 0, stage_id, sem from (
      select 1 as type_id, id as owner_id, date_create as created_time, 'NEW' as stage_id, 'P' as sem from mirror_deals where org_id = '${o}'
      union all
      select 2, id, date_create + (moved_time - date_create) / 2, 'PREPARATION', 'P' from mirror_deals where org_id = '${o}' and id % 2 = 0
      union all
      select 3, id, moved_time, stage_id, stage_semantic_id from mirror_deals where org_id = '${o}' and stage_semantic_id <> 'P'
    ) h`);
  // Activities: 40 % on leads, 50 % on deals, 10 % on contacts; a quarter inbound requests (calls, e-mails,
  // chats, forms), 30 % outgoing, the rest to-dos; 70 % completed, a tenth of those by automation. IDs grow with
  // the creation time, as Bitrix24 assigns them.
  await run(`insert into mirror_activities (org_id, connection_id, id, owner_type_id, owner_id, type_id, provider_id, direction, created, last_updated, completed, status)
    select '${o}', '${c}', row_number() over (order by created, g), ot, oid, type_id, provider, direction, created,
           case when done then created + interval '1 minute' * (1 + random() * 600) else created end, done,
           case when not done then 1 when random() < 0.1 then 3 else 2 end
    from (
      select g, ot, oid, done, created,
             case when k < 0.12 then 2 when k < 0.18 then 4 when k < 0.25 then 6 when k < 0.45 then 2 when k < 0.55 then 4 else 6 end as type_id,
             case when k < 0.12 then 'VOXIMPLANT_CALL' when k < 0.18 then 'CRM_EMAIL' when k < 0.22 then 'IMOPENLINES_SESSION'
                  when k < 0.25 then 'CRM_WEBFORM' when k < 0.45 then 'VOXIMPLANT_CALL' when k < 0.55 then 'CRM_EMAIL' else 'CRM_TODO' end as provider,
             case when k < 0.25 then 1 when k < 0.55 then 2 else 0 end as direction
      from (
        select g, ot, oid, random() as k, random() < 0.7 as done,
               case ot when 1 then ${createdOf("oid", leads)} when 2 then ${createdOf("oid", deals)} else ${t0} + ${span} * random() end
                 + interval '1 minute' * (random() * 4320) as created
        from (
          select g, case when g % 10 < 4 then 1 when g % 10 < 9 then 2 else 3 end as ot,
                 1 + (hashint4(g) & 2147483647) % (case when g % 10 < 4 then ${leads} when g % 10 < 9 then ${deals} else ${contacts} end) as oid
          from generate_series(1, ${activities}) g
        ) a
      ) b
    ) x`);
  // What autovacuum does after a sync's bulk writes (index-only scans need the visibility map), done here because
  // a test server may run with autovacuum off.
  await run(`vacuum analyze`);
  const [counts] = (
    await run(`select (select count(*) from mirror_deals)::int as deals, (select count(*) from mirror_leads)::int as leads,
                      (select count(*) from mirror_activities)::int as activities, (select count(*) from mirror_deal_stage_history)::int as history`)
  ).rows;
  const seconds = (performance.now() - started) / 1000;
  await database.close();
  return { orgId: o, clientId: client.id, connectionId: c, counts, buildSeconds: Math.round(seconds * 10) / 10 };
}

/** The ids and counts of a mirror kept by an earlier run (--keep), to time the phases again (--reuse). */
async function reuse(baseUrl: string, scale: number) {
  const database = await openDatabase({ url: benchUrl(baseUrl), max: 1 });
  const [ids] = (await database.executeSql(`select org_id, client_id, id from portal_connections limit 1`)).rows;
  // Activities added by earlier runs' 1 % changes go (IDs after the built ones), so that every run changes the same
  // amount; the first phase starts from a mirror without derived data, as after a first sync.
  await database.executeSql(`delete from mirror_activities where id > ${mirrorSize(scale).activities}`);
  await database.executeSql(`truncate mirror_request_pairs, mirror_deal_outcomes, mirror_derived_states, mirror_changes`);
  // Earlier runs' 1 % changes left dead rows: vacuumed as autovacuum would have by now.
  await database.executeSql(`vacuum analyze`);
  const [counts] = (
    await database.executeSql(`select (select count(*) from mirror_deals)::int as deals, (select count(*) from mirror_leads)::int as leads,
                                      (select count(*) from mirror_activities)::int as activities, (select count(*) from mirror_deal_stage_history)::int as history`)
  ).rows;
  await database.close();
  return { orgId: String(ids.org_id), clientId: String(ids.client_id), connectionId: String(ids.id), counts, buildSeconds: 0 };
}

/** 1 % of the deals, leads and activities change, as an incremental sync would write them: the newest ones. */
async function change(database: Database, ids: { orgId: string; connectionId: string }, scale: number): Promise<Date> {
  const mark = new Date();
  const run = (text: string) => database.executeSql(text);
  const deals = Math.round(10_000 * scale);
  const leads = Math.round(10_000 * scale);
  const acts = Math.round(50_000 * scale);
  await run(`update mirror_deals set stage_semantic_id = 'S', stage_id = 'WON', opportunity = opportunity + 1, synced_at = now()
             where org_id = '${ids.orgId}' and id > (select max(id) from mirror_deals where org_id = '${ids.orgId}') - ${deals}`);
  await run(`update mirror_leads set status_semantic_id = 'S', status_id = 'CONVERTED', synced_at = now()
             where org_id = '${ids.orgId}' and id > (select max(id) from mirror_leads where org_id = '${ids.orgId}') - ${leads}`);
  await run(`insert into mirror_activities (org_id, connection_id, id, owner_type_id, owner_id, type_id, provider_id, direction, created, last_updated, completed, status)
             select '${ids.orgId}', '${ids.connectionId}', m.max_id + g, 2, m.max_deal - (g % 5000), 2, 'VOXIMPLANT_CALL',
                    case when g % 2 = 0 then 1 else 2 end,
                    '2025-01-15T09:00:00Z'::timestamptz + interval '1 second' * g, '2025-01-15T09:00:00Z'::timestamptz + interval '1 second' * g, true, 2
             from generate_series(1, ${acts}) g,
                  (select (select max(id) from mirror_activities where org_id = '${ids.orgId}') as max_id,
                          (select max(id) from mirror_deals where org_id = '${ids.orgId}') as max_deal) m`);
  return mark;
}

/** Runs one phase in this process and prints its result as JSON. */
async function runPhase(phase: Phase, url: string, ids: { orgId: string; clientId: string; connectionId: string }, since: string | null) {
  const { recomputeClientMetrics } = await import("@/lib/server/metrics/recompute");
  const { findAffectedFrom } = await import("@/lib/server/metrics/mirror-inputs");
  const { systemContext } = await import("@/lib/server/tenant");
  const { monthOf } = await import("@/lib/metrics");
  // The pool the app and the worker open (openDatabase's default): a recompute spreads its reads over a few connections.
  const database = await openDatabase({ url });
  const started = performance.now();
  let fromMonth: string | null = null;
  if (phase === "month") fromMonth = monthOf(NOW, ZONE);
  if (phase === "change" && since) {
    const at = await database.db.transaction((tx) => findAffectedFrom(tx, ids, new Date(since)));
    fromMonth = monthOf(at ?? NOW, ZONE);
  }
  const summary = await recomputeClientMetrics(systemContext(database.db, ids.orgId, "bench"), ids.clientId, { fromMonth, now: NOW });
  const seconds = (performance.now() - started) / 1000;
  await database.close();
  const result: PhaseResult = {
    phase,
    seconds: Math.round(seconds * 1000) / 1000,
    peakRssMb: Math.round((peakRssBytes() / 1024 / 1024) * 10) / 10,
    months: summary.months,
    snapshots: summary.snapshots,
    fromMonth: summary.fromMonth,
    targetSeconds: TARGETS[phase],
    ratio: TARGETS[phase] === null ? null : Math.round((seconds / TARGETS[phase]) * 1000) / 1000,
  };
  console.log(JSON.stringify(result));
}

function spawnPhase(phase: Phase, url: string, ids: object, since: string | null): PhaseResult {
  const script = fileURLToPath(import.meta.url);
  const child = spawnSync(process.execPath, [...process.execArgv, script, "--child", phase, "--url", url, "--ids", JSON.stringify(ids), ...(since ? ["--since", since] : [])], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
    maxBuffer: 16 * 1024 * 1024,
  });
  if (child.status !== 0) throw new Error(`phase ${phase} failed with status ${child.status}`);
  const last = child.stdout.trim().split("\n").pop()!;
  return JSON.parse(last) as PhaseResult;
}

async function main() {
  const childPhase = arg("child") as Phase | undefined;
  if (childPhase) {
    await runPhase(childPhase, arg("url")!, JSON.parse(arg("ids")!), arg("since") ?? null);
    return;
  }
  const baseUrl = process.env.DATABASE_URL;
  if (!baseUrl) {
    console.error("bench:metrics needs PostgreSQL: set DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/postgres)");
    process.exit(2);
  }
  const scale = Number(arg("scale") ?? 1);
  const size = mirrorSize(scale);
  console.log(`Building a mirror of ${size.deals} deals, ${size.leads} leads and ${size.activities} activities…`);
  const built = process.argv.includes("--reuse") ? await reuse(baseUrl, scale) : await build(baseUrl, scale);
  console.log(`  built in ${built.buildSeconds} s: ${JSON.stringify(built.counts)}`);
  const url = benchUrl(baseUrl);
  const ids = { orgId: built.orgId, clientId: built.clientId, connectionId: built.connectionId };

  // How fast this machine is right now: the same figures mean little on a loaded box without it.
  const calibration = await openDatabase({ url, max: 1 });
  const t = performance.now();
  await calibration.executeSql(`select count(*) from generate_series(1, 10000000)`);
  const referenceSeconds = Math.round((performance.now() - t) / 10) / 100;
  await calibration.close();
  console.log(`  machine reference: counting 10 M generated rows took ${referenceSeconds} s (about 0.6 s on an idle machine)`);

  const first = spawnPhase("first", url, ids, null);
  const full = spawnPhase("full", url, ids, null);
  const month = spawnPhase("month", url, ids, null);
  const database = await openDatabase({ url, max: 2 });
  const mark = await change(database, ids, scale);
  await database.close();
  const changed = spawnPhase("change", url, ids, mark.toISOString());

  const line = (r: PhaseResult, label: string) =>
    console.log(
      `${label.padEnd(34)} ${r.seconds.toFixed(3).padStart(8)} s  ${(r.ratio === null ? "(no target)" : `(target ${r.targetSeconds} s, ratio ${r.ratio.toFixed(3)})`).padEnd(30)}  peak RSS ${r.peakRssMb} MB  ${r.months} months, ${r.snapshots} snapshots`,
    );
  line(first, "first recompute (builds derived)");
  line(full, "full recompute (all history)");
  line(month, "one month");
  line(changed, `after a 1 % change (from ${changed.fromMonth})`);

  if (!process.argv.includes("--keep")) {
    const admin = await import("postgres").then((m) => m.default(baseUrl, { max: 1, onnotice: () => {} }));
    await admin.unsafe(`drop database if exists ${BENCH_DB} with (force)`);
    await admin.end();
  }
  console.log(
    JSON.stringify({
      rows: built.counts,
      buildSeconds: built.buildSeconds,
      referenceSeconds,
      first: { seconds: first.seconds, peakRssMb: first.peakRssMb, months: first.months },
      full: { seconds: full.seconds, peakRssMb: full.peakRssMb, ratio: full.ratio, months: full.months },
      month: { seconds: month.seconds, peakRssMb: month.peakRssMb, ratio: month.ratio },
      change: { seconds: changed.seconds, peakRssMb: changed.peakRssMb, ratio: changed.ratio, fromMonth: changed.fromMonth },
    }),
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
