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

if (!fs.existsSync(path.join(root, ".next", "BUILD_ID"))) {
  const build = spawnSync("npx", ["next", "build"], { stdio: "inherit", env: { ...process.env, NODE_ENV: "production" } });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

const env: NodeJS.ProcessEnv = {
  ...process.env,
  NODE_ENV: "production",
  PORT: String(port),
  APP_URL: `http://localhost:${port}`,
  IMPACT24_DATA_DIR: dataDir,
  BITRIX24_ALLOW_INSECURE: "1",
  E2E: "1",
};
// The browser tests run on the embedded database, as a newcomer's first run does.
delete env.DATABASE_URL;

const server = spawn("npx", ["next", "start", "-p", String(port)], { stdio: "inherit", env });
const stop = () => server.kill("SIGTERM");
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
server.on("exit", (code) => process.exit(code ?? 0));
