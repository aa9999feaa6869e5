/**
 * Benchmark of the emulator's data generator: builds 10 k, 100 k and 1 M-deal portals (each in its own
 * process, so peak memory is per size) and reports rows per entity, wall and CPU time and peak RSS, with
 * ratios to the targets for a million deals (time ÷ 60 s, memory ÷ 1 GB). The data lands in the real
 * columnar store, as in the emulator. The last line is one JSON object with the figures.
 *
 *   npm run bench:emulator [-- --sizes 10000,100000 --profile healthy]
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { generatePortalData } from "@/lib/bitrix24/emulator/generator";
import { createPortalData, trimPortalData } from "@/lib/bitrix24/emulator/store/portal-data";
import { PROFILES, type Profile } from "@/lib/bitrix24/emulator/types";
import { peakRssBytes } from "./lib/memory";

const TIME_TARGET_S = 60;
const MEMORY_TARGET_BYTES = 1024 ** 3;
const DAY = 86_400_000;

interface SizeResult {
  deals: number;
  profile: Profile;
  rows: Record<string, number>;
  totalRows: number;
  seconds: number;
  /** CPU seconds (user + system) of the run: less sensitive than wall time to a busy machine. */
  cpuSeconds: number;
  peakRssBytes: number;
  timeRatio: number;
  memoryRatio: number;
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** Runs one size in this process and prints its result as JSON. */
function runChild(deals: number, profile: Profile): void {
  const now = Date.UTC(2026, 9, 1, 12);
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const data = createPortalData();
  generatePortalData(
    { profile, seed: 1, deals, goLive: now - Math.round(1.5 * 365.25 * DAY), now, timeZone: "Europe/Moscow", baseCurrency: "RUB" },
    data,
  );
  trimPortalData(data);
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const rows = Object.fromEntries(Object.entries(data.tables).map(([name, table]) => [name, table.size]));
  // The kernel's high-water mark: sampling cannot catch peaks inside a synchronous run.
  const peak = peakRssBytes();
  const result: SizeResult = {
    deals,
    profile,
    rows,
    totalRows: Object.values(rows).reduce((a, b) => a + b, 0),
    seconds: Math.round(seconds * 100) / 100,
    cpuSeconds: Math.round((cpu.user + cpu.system) / 10_000) / 100,
    peakRssBytes: peak,
    timeRatio: Math.round((seconds / TIME_TARGET_S) * 1000) / 1000,
    memoryRatio: Math.round((peak / MEMORY_TARGET_BYTES) * 1000) / 1000,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

function runParent(): void {
  const sizes = (arg("sizes") ?? "10000,100000,1000000").split(",").map(Number);
  const profile = (arg("profile") ?? "healthy") as Profile;
  if (!PROFILES.includes(profile)) throw new Error(`unknown profile ${profile}`);
  const script = fileURLToPath(import.meta.url);
  const results: SizeResult[] = [];
  for (const deals of sizes) {
    const child = spawnSync(process.execPath, [...process.execArgv, script, "--child", String(deals), "--profile", profile], {
      encoding: "utf8",
      maxBuffer: 16 * 1024 * 1024,
    });
    if (child.status !== 0) {
      process.stderr.write(child.stderr);
      throw new Error(`benchmark of ${deals} deals failed (exit ${child.status})`);
    }
    const r = JSON.parse(child.stdout.trim().split("\n").pop()!) as SizeResult;
    results.push(r);
    const rows = Object.entries(r.rows)
      .map(([k, v]) => `${k} ${v.toLocaleString("en-US")}`)
      .join(", ");
    console.log(`${deals.toLocaleString("en-US").padStart(9)} deals (${profile}): ${r.totalRows.toLocaleString("en-US")} rows — ${rows}`);
    console.log(
      `${"".padStart(9)}  time ${r.seconds.toFixed(1)} s (CPU ${r.cpuSeconds.toFixed(1)} s), peak RSS ${(r.peakRssBytes / 1024 ** 2).toFixed(0)} MB` +
        ` — time ratio ${r.timeRatio} (÷ 60 s), memory ratio ${r.memoryRatio} (÷ 1 GB)`,
    );
  }
  console.log(
    JSON.stringify({
      benchmark: "emulator-generator",
      targets: { seconds: TIME_TARGET_S, peakRssBytes: MEMORY_TARGET_BYTES },
      results,
    }),
  );
}

const childDeals = arg("child");
if (childDeals) runChild(Number(childDeals), (arg("profile") ?? "healthy") as Profile);
else runParent();
