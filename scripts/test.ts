/**
 * The whole test suite, as the README's second command runs it:
 * 1. vitest: unit tests, integration tests on PGlite, and on PostgreSQL when DATABASE_URL is set;
 * 2. a production build, then the browser tests in Chromium (installed from Debian's packages when missing).
 * `npm test -- --unit` stops after step 1; `npm test -- --e2e` runs only step 2. Other arguments (spec files, `-g`)
 * go to the step that runs: `npm test -- --e2e e2e/metrics.spec.ts`, `npm test -- --unit lib/metrics`.
 */
import { spawnSync } from "node:child_process";
import { ensureChromium } from "./lib/chromium";

const argv = process.argv.slice(2);
const args = new Set(argv);
const onlyUnit = args.has("--unit");
const onlyE2e = args.has("--e2e");
/** Filters for a single step; the whole suite takes none. */
const passThrough = onlyUnit || onlyE2e ? argv.filter((a) => a !== "--unit" && a !== "--e2e") : [];

function run(command: string, commandArgs: string[], env: NodeJS.ProcessEnv = process.env) {
  console.log(`\n$ ${command} ${commandArgs.join(" ")}`);
  const result = spawnSync(command, commandArgs, { stdio: "inherit", env });
  if (result.status !== 0) {
    console.error(`\n✗ ${command} ${commandArgs.join(" ")} failed`);
    process.exit(result.status ?? 1);
  }
}

if (!process.env.DATABASE_URL && !onlyE2e) {
  console.log("DATABASE_URL is not set: integration tests run on PGlite only.");
}

if (!onlyE2e) run("npx", ["vitest", "run", ...(onlyUnit ? passThrough : [])]);

if (!onlyUnit) {
  const chromium = ensureChromium();
  run("npx", ["next", "build"], { ...process.env, NODE_ENV: "production" });
  run("npx", ["playwright", "test", ...(onlyE2e ? passThrough : [])], { ...process.env, CHROMIUM_PATH: chromium });
}

console.log("\n✓ all tests passed");
