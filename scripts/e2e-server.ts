/**
 * Serves the production build for the browser tests: a fresh embedded database in .tmp/, the demo (Bitrix24
 * emulator and demo portals, once seeded) and `next start`. Builds first when no build exists.
 */
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const args = process.argv.slice(2);
const port = Number(args[args.indexOf("--port") + 1] || 3200);
const root = process.cwd();
const dataDir = path.join(root, ".tmp", `e2e-${port}`);

fs.rmSync(dataDir, { recursive: true, force: true });
fs.mkdirSync(dataDir, { recursive: true });

if (!fs.existsSync(path.join(root, process.env.NEXT_DIST_DIR || ".next", "BUILD_ID"))) {
  const build = spawnSync("npx", ["next", "build"], { stdio: "inherit", env: { ...process.env, NODE_ENV: "production" } });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

// The demo runs inside the app: the Bitrix24 emulator (OAuth server, one portal per demo profile, and the portals
// specs create through its control API at E2E_EMULATOR_URL) and a demo org whose clients are connected and synced.
const emulatorPort = Number(process.env.E2E_EMULATOR_PORT ?? 4300);
const app = { clientId: "app.impact24.e2e", clientSecret: "impact24-e2e-client-secret" };

const env: NodeJS.ProcessEnv = {
  ...process.env,
  NODE_ENV: "production",
  PORT: String(port),
  APP_URL: `http://localhost:${port}`,
  IMPACT24_DATA_DIR: dataDir,
  BITRIX24_ALLOW_INSECURE: "1",
  BITRIX24_OAUTH_URL: `http://127.0.0.1:${emulatorPort}`,
  BITRIX24_CLIENT_ID: app.clientId,
  BITRIX24_CLIENT_SECRET: app.clientSecret,
  IMPACT24_DEMO: "1",
  IMPACT24_DEMO_EMULATOR_PORT: String(emulatorPort),
  IMPACT24_DEMO_PASSWORD: process.env.E2E_DEMO_PASSWORD ?? "demo-password-e2e",
  IMPACT24_DEMO_DEALS: process.env.E2E_DEMO_DEALS ?? "1500",
  E2E: "1",
  NEXT_TELEMETRY_DISABLED: "1",
  // Every spec signs up from this one address.
  SIGNUP_LIMIT_PER_HOUR: "100000",
};
// The browser tests run on the embedded database, as a newcomer's first run does.
delete env.DATABASE_URL;

const server = spawn("npx", ["next", "start", "-p", String(port)], { stdio: "inherit", env });
const stop = () => server.kill("SIGTERM");
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
server.on("exit", (code) => process.exit(code ?? 0));
