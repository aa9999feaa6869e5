/**
 * Serves the production build for the browser tests: a fresh embedded database in .tmp/, the demo (Bitrix24
 * emulator and demo portals, once seeded) and `next start`. Builds first when no build exists.
 */
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { startEmulator } from "../lib/bitrix24/emulator";

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

// The Bitrix24 emulator beside the app, as the OAuth server and the home of the portals specs create through its
// control API (E2E_EMULATOR_URL); it posts installs and events back to the app.
const emulatorPort = Number(process.env.E2E_EMULATOR_PORT ?? 4300);
const emulator = await startEmulator({
  port: emulatorPort,
  apps: [
    {
      clientId: "app.impact24.e2e",
      clientSecret: "impact24-e2e-client-secret",
      redirectUri: `http://localhost:${port}/api/bitrix24/oauth/callback`,
      installHandlerUrl: `http://localhost:${port}/api/bitrix24/install`,
    },
  ],
});

const env: NodeJS.ProcessEnv = {
  ...process.env,
  NODE_ENV: "production",
  PORT: String(port),
  APP_URL: `http://localhost:${port}`,
  IMPACT24_DATA_DIR: dataDir,
  BITRIX24_ALLOW_INSECURE: "1",
  BITRIX24_OAUTH_URL: emulator.oauthUrl,
  BITRIX24_CLIENT_ID: emulator.app.clientId,
  BITRIX24_CLIENT_SECRET: emulator.app.clientSecret,
  E2E: "1",
  // Every spec signs up from this one address.
  SIGNUP_LIMIT_PER_HOUR: "100000",
};
// The browser tests run on the embedded database, as a newcomer's first run does.
delete env.DATABASE_URL;

const server = spawn("npx", ["next", "start", "-p", String(port)], { stdio: "inherit", env });
const stop = () => {
  server.kill("SIGTERM");
  void emulator.close();
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
server.on("exit", (code) => process.exit(code ?? 0));
