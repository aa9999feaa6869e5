/**
 * Benchmark of a full portal sync: emulator portals of 10 k, 100 k and 1 M deals (with proportional leads,
 * contacts, companies, activities and stage history) synced under the standard rate limit (bucket 50, 2 requests
 * per second, the same in the emulator and in our shared limiter) into PostgreSQL when DATABASE_URL is set, else
 * into an embedded database. For each list it prints rows, HTTP requests, the minimum ⌈rows/2500⌉, their ratio,
 * and for the run the wall time against the rate-limit floor ((requests − 50) / 2 s) and the sync process's
 * peak RSS; then checks the mirror against the portal's own data (per-entity digests). The last line is all the
 * figures as one JSON object.
 *
 *   npm run bench:sync [-- --sizes 10000,100000 --profile healthy --keep-operating-limit --heap-mb 192 --trace-memory 10]
 *
 * The sync runs in a child process so that its peak RSS is its own (the emulator holding a million deals lives in
 * this one), read from the kernel's high-water mark of the child's address space (see peakRssBytes). The
 * operating-time limit is off, in the emulator and in the sync's limiter alike, unless --keep-operating-limit: the
 * emulator's cost model (≈0.1 s of server time per 50-row page, as measured in the docs) would make the 480 s / 10 min
 * per-method budget, not the request rate, the bound — a real portal's operating time depends on its load, the rate
 * limit does not.
 */
import crypto from "node:crypto";
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { peakRssBytes, procStatusBytes } from "./lib/memory";

const BURST = 50;
const DRAIN = 2;
const PAGE_ROWS = 2500;
/**
 * The sync process's V8 heap limit (--heap-mb). A sync's working set does not grow with the portal, but without a
 * limit V8 lets the heap grow lazily on a large machine (≈400 MB RSS at 100 k deals); with one it collects sooner.
 */
const HEAP_MB = Number(arg("heap-mb") ?? 192);
/** An operating-time budget no sync reaches: the limit switched off, in the emulator and in our limiter alike. */
const OFF_OPERATING_LIMIT = 1e12;
/**
 * --trace-memory <seconds>: the sync process prints its memory figures to stderr that often (RSS, the V8 heap,
 * memory outside it), to tell which of them grows with the portal.
 */
const TRACE_MEMORY_SECONDS = Number(arg("trace-memory") ?? 0);

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
const flag = (name: string) => process.argv.includes(`--${name}`);

interface ChildInput {
  url?: string;
  dataDir?: string;
  orgId: string;
  connectionId: string;
}

interface ChildResult {
  outcome: { status: string; errorCode?: string | null; error?: string | null; stats?: Record<string, unknown> };
  wallSeconds: number;
  cpuSeconds: number;
  peakRssBytes: number;
}

/** One line of memory figures (MB) of this process, for --trace-memory. */
function memoryLine(t0: number): string {
  const m = process.memoryUsage();
  const f = (bytes: number | null) => (bytes === null ? "?" : String(mb(bytes)));
  return [
    `[sync memory] t=${Math.round((performance.now() - t0) / 1000)}s`,
    `rss=${f(m.rss)}`,
    // The private memory (V8 heap, buffers, native allocations); the rest of the RSS is mapped code.
    `anon=${f(procStatusBytes("RssAnon"))}`,
    `heapTotal=${f(m.heapTotal)}`,
    `heapUsed=${f(m.heapUsed)}`,
    `external=${f(m.external)}`,
    `arrayBuffers=${f(m.arrayBuffers)}`,
    `peak=${f(peakRssBytes())}`,
  ].join(" ");
}

/** The sync itself, in its own process. */
async function runChild(input: ChildInput): Promise<void> {
  const { openDatabase } = await import("@/db/client");
  const { syncPortal } = await import("@/lib/server/sync/engine");
  const { claimRun, finishRun, renewLease, leaseSeconds } = await import("@/lib/server/sync/runs");
  const database = await openDatabase(input.url ? { url: input.url, max: 10 } : { dataDir: input.dataDir });
  const holder = `bench:${process.pid}`;
  const run = await claimRun(database.db, { orgId: input.orgId, connectionId: input.connectionId }, holder);
  if (!run) throw new Error("no run to claim");
  const beat = setInterval(() => void renewLease(database.db, run, holder).catch(() => {}), (leaseSeconds() * 1000) / 4);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const trace =
    TRACE_MEMORY_SECONDS > 0
      ? setInterval(() => process.stderr.write(`${memoryLine(t0)}\n`), TRACE_MEMORY_SECONDS * 1000)
      : undefined;
  const outcome = await syncPortal({ database, run, signal: new AbortController().signal, holder });
  const wallSeconds = (performance.now() - t0) / 1000;
  clearInterval(beat);
  clearInterval(trace);
  if (trace) process.stderr.write(`${memoryLine(t0)}\n`);
  await finishRun(database.db, run, holder, outcome);
  await database.close();
  const cpu = process.cpuUsage(cpu0);
  const result: ChildResult = {
    outcome,
    wallSeconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    // The kernel's high-water mark: sampling could miss short peaks.
    peakRssBytes: peakRssBytes(),
  };
  process.stdout.write(`\n${JSON.stringify(result)}\n`);
}

function spawnChild(input: ChildInput, env: NodeJS.ProcessEnv): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const heap = [`--max-old-space-size=${HEAP_MB}`];
    const trace = TRACE_MEMORY_SECONDS > 0 ? ["--trace-memory", String(TRACE_MEMORY_SECONDS)] : [];
    const script = [path.join("scripts", "bench-sync.ts"), "--child", JSON.stringify(input), ...trace];
    const child = spawn(process.execPath, [...heap, "--import", "tsx", ...script], {
      cwd: process.cwd(),
      env,
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.on("error", reject);
    child.on("exit", (code) => {
      const last = out.trim().split("\n").at(-1) ?? "";
      if (code !== 0) return reject(new Error(`sync process exited with ${code}: ${out.slice(-2000)}`));
      try {
        resolve(JSON.parse(last) as ChildResult);
      } catch {
        reject(new Error(`unreadable sync result: ${last.slice(0, 500)}`));
      }
    });
  });
}

const fmt = (n: number, digits = 0) => n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });
const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);

async function benchSize(deals: number, profile: string): Promise<Record<string, unknown>> {
  const { startEmulator } = await import("@/lib/bitrix24/emulator");
  const { openDatabase } = await import("@/db/client");
  const { makePortalConnection } = await import("@/lib/server/sync/testing");
  const { requestPortalSync } = await import("@/lib/server/sync/requests");
  const { mirrorDigest, emulatorDigest } = await import("@/lib/server/sync/mirror-digest");
  const { RECORD_ENTITIES } = await import("@/lib/sync/entities");

  process.stderr.write(`\n[bench:sync] generating a portal of ${fmt(deals)} deals…\n`);
  const genStarted = performance.now();
  const emulator = await startEmulator({
    portals: [{ name: "bench", plan: "standard", generate: { profile: profile as never, deals, seed: 1 } }],
    ...(flag("keep-operating-limit") ? {} : { operating: { limitSeconds: OFF_OPERATING_LIMIT, windowSeconds: 600 } }),
  });
  const portal = emulator.portal("bench");
  process.stderr.write(`[bench:sync] generated in ${fmt((performance.now() - genStarted) / 1000, 1)} s; preparing the database…\n`);

  // A fresh database per size.
  let url: string | undefined;
  let dataDir: string | undefined;
  let dropDatabase = async () => {};
  if (process.env.DATABASE_URL) {
    const { default: postgres } = await import("postgres");
    const name = `impact24_bench_${crypto.randomBytes(4).toString("hex")}`;
    const admin = postgres(process.env.DATABASE_URL, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database "${name}"`);
    await admin.end();
    const parsed = new URL(process.env.DATABASE_URL);
    parsed.pathname = `/${name}`;
    url = parsed.toString();
    dropDatabase = async () => {
      const dropper = postgres(process.env.DATABASE_URL!, { max: 1, onnotice: () => {} });
      await dropper.unsafe(`drop database if exists "${name}" with (force)`);
      await dropper.end();
    };
  } else {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "impact24-bench-"));
    dropDatabase = async () => fs.rmSync(dataDir!, { recursive: true, force: true });
  }

  try {
    let database = await openDatabase(url ? { url } : { dataDir });
    const tokens = portal.issueTokens();
    const conn = await makePortalConnection(database.db, {
      memberId: portal.memberId,
      clientEndpoint: portal.clientEndpoint,
      domain: portal.domain,
      tokens: { accessToken: tokens.access_token, refreshToken: tokens.refresh_token, expiresAt: tokens.expires },
    });
    await requestPortalSync(database.db, { orgId: conn.orgId, connectionId: conn.connectionId, kind: "full", reason: "bench" });
    if (!url) await database.close();

    emulator.resetCounters();
    process.stderr.write(`[bench:sync] syncing (rate limit ${BURST} burst, ${DRAIN}/s)…\n`);
    const result = await spawnChild(
      { url, dataDir, orgId: conn.orgId, connectionId: conn.connectionId },
      {
        ...process.env,
        BITRIX24_CLIENT_ID: emulator.app.clientId,
        BITRIX24_CLIENT_SECRET: emulator.app.clientSecret,
        BITRIX24_OAUTH_URL: emulator.oauthUrl,
        BITRIX24_ALLOW_INSECURE: "1",
        BITRIX24_RATE_LIMIT: `${BURST}:${DRAIN}`,
        // The same operating-time budget as the emulator's: the documented 480 s, or none when it is switched off.
        ...(flag("keep-operating-limit") ? {} : { BITRIX24_OPERATING_BUDGET_SECONDS: String(OFF_OPERATING_LIMIT) }),
      },
    );
    if (result.outcome.status !== "succeeded") {
      throw new Error(`the sync failed: ${result.outcome.errorCode} ${result.outcome.error}`);
    }
    const counters = emulator.counters().portals.bench ?? { http: {}, errors: {} };
    const emulatorRequests = Object.values(counters.http).reduce((a, b) => a + b, 0);

    if (!url) database = await openDatabase({ dataDir });
    process.stderr.write(`[bench:sync] comparing the mirror with the portal…\n`);
    const stats = result.outcome.stats as {
      requests: number;
      rows: number;
      entities: Record<string, { rows: number; requests: number; ms: number; total: number | null }>;
    };
    const entities: Record<string, Record<string, unknown>> = {};
    let equal = true;
    for (const entity of RECORD_ENTITIES) {
      const e = stats.entities[entity];
      const minimum = Math.max(1, Math.ceil(e.rows / PAGE_ROWS));
      const mirror = await mirrorDigest(database.db, conn, entity);
      const source = emulatorDigest(portal, entity);
      const same = mirror.rows === source.rows && mirror.hash === source.hash;
      equal &&= same;
      entities[entity] = {
        rows: e.rows,
        requests: e.requests,
        minimum,
        ratio: Math.round((e.requests / minimum) * 1000) / 1000,
        extra: e.requests - minimum,
        seconds: Math.round(e.ms / 100) / 10,
        equal: same,
      };
    }
    await database.close();

    const floorSeconds = Math.max(0, (stats.requests - BURST) / DRAIN);
    const dataRequests = Object.values(entities).reduce((s, e) => s + (e.requests as number), 0);
    const dataMinimum = Object.values(entities).reduce((s, e) => s + (e.minimum as number), 0);
    return {
      deals,
      database: url ? "postgres" : "pglite",
      rows: stats.rows,
      entities,
      requests: stats.requests,
      emulatorRequests,
      /** Error answers the emulator gave, by code (503 QUERY_LIMIT_EXCEEDED would mean the limiter let too much through). */
      emulatorErrors: counters.errors,
      listRequests: dataRequests,
      listMinimum: dataMinimum,
      listRatio: Math.round((dataRequests / dataMinimum) * 1000) / 1000,
      wallSeconds: Math.round(result.wallSeconds * 10) / 10,
      floorSeconds: Math.round(floorSeconds * 10) / 10,
      wallToFloor: floorSeconds > 0 ? Math.round((result.wallSeconds / floorSeconds) * 1000) / 1000 : null,
      rowsPerSecond: Math.round(stats.rows / result.wallSeconds),
      cpuSeconds: Math.round(result.cpuSeconds * 10) / 10,
      peakRssMB: mb(result.peakRssBytes),
      equal,
    };
  } finally {
    await emulator.close();
    await dropDatabase();
  }
}

function printSize(r: Record<string, unknown>) {
  const entities = r.entities as Record<string, Record<string, number | boolean>>;
  const lines = [
    "",
    `${fmt(r.deals as number)} deals → ${fmt(r.rows as number)} rows (${r.database})`,
    `${"list".padEnd(18)}${"rows".padStart(12)}${"requests".padStart(10)}${"⌈rows/2500⌉".padStart(13)}${"ratio".padStart(8)}${"extra".padStart(7)}${"seconds".padStart(9)}  equal`,
    ...Object.entries(entities).map(
      ([name, e]) =>
        `${name.padEnd(18)}${fmt(e.rows as number).padStart(12)}${String(e.requests).padStart(10)}${String(e.minimum).padStart(13)}${String(e.ratio).padStart(8)}${String(e.extra).padStart(7)}${String(e.seconds).padStart(9)}  ${e.equal ? "yes" : "NO"}`,
    ),
    `lists: ${r.listRequests} requests for a minimum of ${r.listMinimum} (ratio ${r.listRatio}); whole run ${r.requests} requests (emulator saw ${r.emulatorRequests}, errors ${JSON.stringify(r.emulatorErrors)}), dictionaries and counts included`,
    `wall ${r.wallSeconds} s against a rate-limit floor of ${r.floorSeconds} s ((requests − ${BURST}) / ${DRAIN}): ratio ${r.wallToFloor}; ${fmt(r.rowsPerSecond as number)} rows/s; ${r.cpuSeconds} CPU s`,
    `peak RSS of the sync process: ${r.peakRssMB} MB with a ${HEAP_MB} MB heap limit (target < 400 MB at 1 M deals, flat as N grows)`,
    `mirror equals the portal: ${r.equal ? "yes" : "NO"}`,
  ];
  for (const line of lines) process.stdout.write(`${line}\n`);
}

async function main() {
  if (flag("child")) {
    await runChild(JSON.parse(arg("child")!) as ChildInput);
    return;
  }
  process.env.TOKEN_ENCRYPTION_KEY ??= crypto.randomBytes(32).toString("base64");
  const sizes = (arg("sizes") ?? "10000,100000,1000000").split(",").map((s) => Number(s.trim())).filter((n) => n > 0);
  const profile = arg("profile") ?? "healthy";
  const results: Record<string, unknown>[] = [];
  for (const deals of sizes) {
    const r = await benchSize(deals, profile);
    printSize(r);
    results.push(r);
  }
  const peaks = results.map((r) => r.peakRssMB as number);
  const summary = {
    benchmark: "sync",
    rateLimit: { burst: BURST, perSecond: DRAIN },
    operatingLimit: flag("keep-operating-limit") ? "emulator default" : "off",
    heapLimitMB: HEAP_MB,
    sizes: results,
    peakRssMB: peaks,
    allEqual: results.every((r) => r.equal),
  };
  process.stdout.write(`\n${JSON.stringify(summary)}\n`);
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
