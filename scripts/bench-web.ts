/**
 * Benchmark of the dashboards at portfolio scale: one org with 500 clients × 36 months × 10 metrics of snapshots
 * (PostgreSQL from DATABASE_URL, in a database of its own, else a fresh embedded database), served by a production
 * build (built first when missing or older than the sources). Signs in, then loads the portfolio page, a client
 * page and the metrics API (with an API key) with autocannon, and reports p50 / p95 server time against the
 * targets as ratios (portfolio p95 ÷ 200 ms, API p95 ÷ 100 ms), and each main page's client JavaScript (the sum of
 * the script chunks the page loads). The last line is one JSON object with the figures.
 *
 *   npm run bench:web [-- --clients 500 --months 36 --requests 200 --connections 1 --port 3290 --build]
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import autocannon from "autocannon";
import { sql } from "drizzle-orm";
import { openDatabase, type Database } from "@/db";
import { clients, memberships, orgs, users } from "@/db/schema";
import {
  addMonths,
  definitionVersions,
  lastCompleteMonth,
  leadConversion,
  METRIC_KEYS,
  responseTime,
  salesCycle,
  summarizeResponses,
} from "@/lib/metrics";
import { createApiKey } from "@/lib/server/services/api-keys";
import { hashPassword } from "@/lib/server/passwords";
import { loadUserTenantContext } from "@/lib/server/tenant";

const TARGETS = { portfolioP95Ms: 200, apiP95Ms: 100 };

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] && !process.argv[i + 1].startsWith("--") ? process.argv[i + 1] : fallback;
}
const flag = (name: string) => process.argv.includes(`--${name}`);

const CLIENTS = Number(arg("clients", "500"));
const MONTHS = Number(arg("months", "36"));
const REQUESTS = Number(arg("requests", "200"));
const CONNECTIONS = Number(arg("connections", "1"));
const PORT = Number(arg("port", "3290"));
const ROOT = process.cwd();
const BASE = `http://127.0.0.1:${PORT}`;
const EMAIL = "bench@example.test";
const PASSWORD = "bench-password-long-enough";

const log = (...parts: unknown[]) => console.error("[bench:web]", ...parts);

/** Realistic `secondary` figures per metric (histograms and counts as the formulas write them). */
function secondaryTemplates(): Record<string, Record<string, unknown>> {
  const answered = Array.from({ length: 40 }, (_, i) => ({ outcome: "answered" as const, minutes: (i * 7.3) % 300 }));
  return {
    lead_conversion: leadConversion({ wonDeals: 20, leadsCreated: 100, dealsCreated: 60, leadsEnabled: true, cohortSize: 100, cohortWon: 18 }).secondary,
    response_time: responseTime(summarizeResponses(answered, 15), 15).secondary,
    sales_cycle: salesCycle(Array.from({ length: 25 }, (_, i) => 5 + ((i * 13) % 60))).secondary,
  };
}

/** Seeds the org: owner, clients with connections, snapshots, baselines and recompute states, in set-based SQL. */
async function seed(database: Database, now: number) {
  const db = database.db;
  const [owner] = await db.insert(users).values({ email: EMAIL, name: "Bench owner", passwordHash: await hashPassword(PASSWORD) }).returning();
  const [org] = await db.insert(orgs).values({ name: "Bench integrator" }).returning();
  await db.insert(memberships).values({ orgId: org.id, userId: owner.id, role: "owner" });
  await db.execute(sql`update users set active_org_id = ${org.id} where id = ${owner.id}`);

  const lastMonth = lastCompleteMonth(now, "Europe/Moscow");
  const firstMonth = addMonths(lastMonth, -(MONTHS - 1));
  const goLiveBase = addMonths(firstMonth, 12);
  await db.execute(sql`
    insert into clients (org_id, name, time_zone, base_currency, go_live_date, status)
    select ${org.id}, 'Client ' || lpad(i::text, 4, '0'), 'Europe/Moscow', 'RUB',
           (${`${goLiveBase}-01`}::date + ((i % 6) || ' months')::interval)::date, 'active'
    from generate_series(1, ${CLIENTS}) as i`);
  await db.execute(sql`
    insert into portal_connections (org_id, client_id, member_id, domain, client_endpoint, status, last_synced_at)
    select c.org_id, c.id, 'bench-' || c.id, 'bench-' || left(c.id::text, 8) || '.example.test',
           'https://bench-' || left(c.id::text, 8) || '.example.test/rest/', 'connected',
           now() - ((abs(hashtext(c.id::text)) % 72) || ' hours')::interval
    from clients c where c.org_id = ${org.id}`);
  const templates = secondaryTemplates();
  const versions = definitionVersions();
  for (const [index, metric] of METRIC_KEYS.entries()) {
    // Values wander around a per-metric level: a smooth wave per client plus a trend after go-live.
    await db.execute(sql`
      insert into metric_snapshots (org_id, client_id, metric, month, value, numerator, denominator, secondary, inputs, definition_version)
      select c.org_id, c.id, ${metric}, (${`${firstMonth}-01`}::date + (k || ' months')::interval)::date,
             v.value, v.value * 40, 40, ${JSON.stringify(templates[metric] ?? {})}::jsonb, '{}'::jsonb, ${versions[metric]}
      from clients c
      cross join generate_series(0, ${MONTHS - 1}) as k
      cross join lateral (select ${10 + index * 7}::float8 * (1 + 0.25 * sin(k / 3.0 + (abs(hashtext(c.id::text)) % 100) / 10.0))
                                 * (1 + 0.01 * k) as value) v
      where c.org_id = ${org.id}`);
  }
  await db.execute(sql`
    insert into metric_baselines (org_id, client_id, metric, computed_value, computed_from, computed_to, computed_at)
    select s.org_id, s.client_id, s.metric, avg(s.value), min(to_char(s.month, 'YYYY-MM')), max(to_char(s.month, 'YYYY-MM')), now()
    from metric_snapshots s
    where s.org_id = ${org.id} and s.month < ${`${goLiveBase}-01`}::date
    group by s.org_id, s.client_id, s.metric`);
  await db.execute(sql`
    insert into client_metric_states (org_id, client_id, computed_at, first_month, last_month, time_zone, base_currency)
    select c.org_id, c.id, now(), ${`${firstMonth}-01`}::date, ${`${lastMonth}-01`}::date, c.time_zone, c.base_currency
    from clients c where c.org_id = ${org.id}`);
  await db.execute(sql`analyze`);

  const ctx = await loadUserTenantContext(db, owner.id, org.id);
  const { key } = await createApiKey(ctx, { name: "bench", scope: "read" });
  const [client] = await db.select({ id: clients.id }).from(clients).where(sql`${clients.orgId} = ${org.id}`).orderBy(clients.name).limit(1);
  const [{ n }] = (await database.executeSql("select count(*)::int as n from metric_snapshots")).rows as { n: number }[];
  return { apiKey: key, clientId: client.id, snapshots: Number(n), firstMonth, lastMonth };
}

/** The database the server will use: a fresh one, on PostgreSQL when DATABASE_URL is set. */
async function prepareDatabase(): Promise<{ env: Record<string, string>; database: Database; kind: string }> {
  const adminUrl = process.env.DATABASE_URL;
  if (adminUrl) {
    const { default: postgres } = await import("postgres");
    const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
    await admin.unsafe('drop database if exists "impact24_bench_web" with (force)');
    await admin.unsafe('create database "impact24_bench_web"');
    await admin.end({ timeout: 5 });
    const url = new URL(adminUrl);
    url.pathname = "/impact24_bench_web";
    // A production server on PostgreSQL must be configured: the bench gives it throw-away secrets.
    const secrets = { AUTH_SECRET: crypto.randomBytes(32).toString("base64url"), TOKEN_ENCRYPTION_KEY: crypto.randomBytes(32).toString("base64") };
    return { env: { DATABASE_URL: url.toString(), ...secrets }, database: await openDatabase({ url: url.toString() }), kind: "postgres" };
  }
  const dataDir = path.join(ROOT, ".tmp", "bench-web");
  fs.rmSync(dataDir, { recursive: true, force: true });
  fs.mkdirSync(dataDir, { recursive: true });
  return { env: { IMPACT24_DATA_DIR: dataDir }, database: await openDatabase({ dataDir: path.join(dataDir, "pglite") }), kind: "pglite" };
}

/** The newest modification time among the sources a build depends on. */
function newestSource(dirs = ["app", "components", "lib", "db", "messages", "i18n"]): number {
  let newest = 0;
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (!/\.test\.ts$/.test(entry.name)) newest = Math.max(newest, fs.statSync(full).mtimeMs);
    }
  };
  for (const dir of dirs) if (fs.existsSync(path.join(ROOT, dir))) walk(path.join(ROOT, dir));
  for (const file of ["next.config.ts", "package.json"]) newest = Math.max(newest, fs.statSync(path.join(ROOT, file)).mtimeMs);
  return newest;
}

function ensureBuild() {
  const buildId = path.join(ROOT, ".next", "BUILD_ID");
  const stale = !fs.existsSync(buildId) || fs.statSync(buildId).mtimeMs < newestSource();
  if (!stale && !flag("build")) return log("using the existing production build");
  log("building (next build)…");
  const build = spawnSync("npx", ["next", "build"], { stdio: ["ignore", "inherit", "inherit"], env: { ...process.env, NODE_ENV: "production" } });
  if (build.status !== 0) throw new Error("next build failed");
}

/** Stops the server and the processes it started (it runs in a process group of its own). */
function stopServer(server: ChildProcess) {
  try {
    process.kill(-server.pid!, "SIGTERM");
  } catch {
    // already gone
  }
}

async function startServer(env: Record<string, string>): Promise<ChildProcess> {
  const server = spawn("npx", ["next", "start", "-p", String(PORT), "-H", "127.0.0.1"], {
    env: { ...process.env, ...env, NODE_ENV: "production", PORT: String(PORT), APP_URL: BASE, IMPACT24_DEMO: "0",
      // The API's per-key limit would cut a load test short: it is the server time that is measured here.
      API_KEY_REQUESTS_PER_MINUTE: String(1_000_000) },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let output = "";
  server.stdout!.on("data", (d) => (output += d));
  server.stderr!.on("data", (d) => (output += d));
  for (let i = 0; i < 480; i++) {
    if (server.exitCode !== null) throw new Error(`the server exited:\n${output}`);
    try {
      const r = await fetch(`${BASE}/sign-in`);
      if (r.ok) return server;
      // A server that answers but cannot serve (a failed start-up hook) will not get better.
      if (r.status >= 500) break;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  stopServer(server);
  throw new Error(`the server did not start:\n${output.slice(-4000)}`);
}

/** Signs in through Auth.js's credentials endpoint and returns the cookie header of the session. */
async function signIn(): Promise<string> {
  const csrf = await fetch(`${BASE}/api/auth/csrf`);
  const jar = new Map<string, string>();
  const keep = (r: Response) => {
    for (const c of r.headers.getSetCookie()) {
      const [pair] = c.split(";");
      const [name, ...value] = pair.split("=");
      jar.set(name.trim(), value.join("="));
    }
  };
  keep(csrf);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
  const r = await fetch(`${BASE}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: cookie() },
    body: new URLSearchParams({ csrfToken, email: EMAIL, password: PASSWORD, callbackUrl: `${BASE}/` }),
  });
  keep(r);
  if (![...jar.keys()].some((k) => k.includes("session-token"))) throw new Error(`sign-in failed (${r.status})`);
  return cookie();
}

interface Timing {
  requests: number;
  errors: number;
  p50Ms: number;
  p95Ms: number;
  meanMs: number;
  rps: number;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
  return sorted[i];
}

/** Loads a URL `REQUESTS` times (after a warm-up) and returns the distribution of response times. */
async function measure(url: string, headers: Record<string, string>): Promise<Timing> {
  for (let i = 0; i < 5; i++) {
    const r = await fetch(url, { headers });
    if (!r.ok) throw new Error(`${url} answered ${r.status}`);
    await r.arrayBuffer();
  }
  const times: number[] = [];
  let errors = 0;
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon({ url, headers, connections: CONNECTIONS, amount: REQUESTS, timeout: 60 }, (error, res) => (error ? reject(error) : resolve(res)));
    instance.on("response", (_client: unknown, status: number, _bytes: number, responseTime: number) => {
      times.push(responseTime);
      if (status >= 400) errors++;
    });
  });
  times.sort((a, b) => a - b);
  const round = (n: number) => Math.round(n * 10) / 10;
  return {
    requests: times.length,
    errors: Math.max(errors, result.non2xx) + result.errors,
    p50Ms: round(percentile(times, 0.5)),
    p95Ms: round(percentile(times, 0.95)),
    meanMs: round(times.reduce((s, t) => s + t, 0) / times.length),
    rps: round(result.requests.average),
  };
}

/** The page's own script chunks (every `<script src>` it loads), summed raw and gzipped. */
async function pageScripts(url: string, cookie: string): Promise<{ scripts: number; bytes: number; gzipBytes: number }> {
  const html = await (await fetch(url, { headers: { cookie } })).text();
  const sources = [...new Set([...html.matchAll(/<script[^>]+src="([^"]+)"/g)].map((m) => m[1].replace(/&amp;/g, "&")))];
  let bytes = 0;
  let gzipBytes = 0;
  for (const src of sources) {
    const body = Buffer.from(await (await fetch(new URL(src, BASE))).arrayBuffer());
    bytes += body.length;
    gzipBytes += zlib.gzipSync(body).length;
  }
  return { scripts: sources.length, bytes, gzipBytes };
}

async function main() {
  const now = Date.now();
  ensureBuild();
  const { env, database, kind } = await prepareDatabase();
  log(`seeding ${CLIENTS} clients × ${MONTHS} months × 10 metrics on ${kind}…`);
  const seeded = await seed(database, now);
  await database.close();
  log(`seeded ${seeded.snapshots} snapshots (${seeded.firstMonth} … ${seeded.lastMonth})`);

  const server = await startServer(env);
  const stop = () => stopServer(server);
  process.on("exit", stop);
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => process.exit(1));
  try {
    const cookie = await signIn();
    const pages = {
      portfolio: `${BASE}/`,
      client: `${BASE}/clients/${seeded.clientId}`,
      compare: `${BASE}/compare`,
    };
    log("measuring the portfolio page…");
    const portfolio = await measure(pages.portfolio, { cookie });
    log("measuring a client page…");
    const client = await measure(pages.client, { cookie });
    log("measuring the metrics API…");
    const api = await measure(`${BASE}/api/v1/clients/${seeded.clientId}/metrics?from=${seeded.firstMonth}&to=${seeded.lastMonth}`, {
      authorization: `Bearer ${seeded.apiKey}`,
    });
    const js = {
      portfolio: await pageScripts(pages.portfolio, cookie),
      client: await pageScripts(pages.client, cookie),
      compare: await pageScripts(`${pages.compare}?clients=${seeded.clientId}`, cookie),
    };
    const ratios = {
      portfolioP95: Math.round((portfolio.p95Ms / TARGETS.portfolioP95Ms) * 100) / 100,
      apiP95: Math.round((api.p95Ms / TARGETS.apiP95Ms) * 100) / 100,
    };

    const kb = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
    console.log(`\nDashboards at ${CLIENTS} clients × ${MONTHS} months (${seeded.snapshots} snapshots, ${kind}), ${REQUESTS} requests, ${CONNECTIONS} connection(s)`);
    console.log("target              p50 ms   p95 ms   mean ms   req/s   errors   p95 ÷ target");
    const row = (name: string, t: Timing, target?: number) =>
      console.log(
        `${name.padEnd(18)} ${String(t.p50Ms).padStart(7)}  ${String(t.p95Ms).padStart(7)}  ${String(t.meanMs).padStart(8)}  ${String(t.rps).padStart(6)}  ${String(t.errors).padStart(7)}   ${target ? `${(t.p95Ms / target).toFixed(2)} (limit ${target} ms)` : "—"}`,
      );
    row("portfolio page", portfolio, TARGETS.portfolioP95Ms);
    row("client page", client);
    row("metrics API", api, TARGETS.apiP95Ms);
    console.log("\nclient JavaScript per page (script chunks, raw / gzip)");
    for (const [name, s] of Object.entries(js)) console.log(`${name.padEnd(18)} ${String(s.scripts).padStart(3)} scripts  ${kb(s.bytes).padStart(10)}  ${kb(s.gzipBytes).padStart(10)}`);
    console.log(
      JSON.stringify({
        bench: "web",
        database: kind,
        clients: CLIENTS,
        months: MONTHS,
        snapshots: seeded.snapshots,
        requests: REQUESTS,
        connections: CONNECTIONS,
        portfolio,
        client,
        api,
        targets: TARGETS,
        ratios,
        js,
      }),
    );
  } finally {
    stop();
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
