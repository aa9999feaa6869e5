import { defineConfig } from "@playwright/test";
import { CHROMIUM_ARGS, findChromium } from "./scripts/lib/chromium";

const port = Number(process.env.E2E_PORT ?? 3200);

/**
 * Browser tests against a production build of the app on a fresh embedded database, with the Bitrix24 emulator
 * started beside it by scripts/e2e-server.ts. Each spec creates its own org, so specs can run in parallel.
 */
export default defineConfig({
  testDir: "./e2e",
  timeout: 90_000,
  expect: { timeout: 15_000 },
  fullyParallel: true,
  workers: process.env.CI ? 2 : undefined,
  retries: process.env.CI ? 1 : 0,
  reporter: process.env.CI ? [["list"], ["html", { open: "never" }]] : "list",
  use: {
    baseURL: `http://localhost:${port}`,
    trace: "retain-on-failure",
    launchOptions: { executablePath: findChromium(), args: CHROMIUM_ARGS },
    locale: "en-US",
  },
  projects: [{ name: "chromium", use: { browserName: "chromium" } }],
  webServer: {
    command: `tsx scripts/e2e-server.ts --port ${port}`,
    // Ready once the demo (emulator portals connected, synced and computed) is: specs never race start-up work.
    url: `http://localhost:${port}/api/health?demo=ready`,
    timeout: 600_000,
    reuseExistingServer: !process.env.CI && process.env.E2E_REUSE === "1",
    stdout: "pipe",
    stderr: "pipe",
  },
});
