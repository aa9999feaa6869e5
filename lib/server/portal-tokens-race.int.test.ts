import { emulatorConfig, seedConnection } from "./portal-testing";
import { spawn } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db";
import { createTestDatabase, testDbKind } from "@/db/testing";
import { startEmulator, type Emulator } from "@/lib/bitrix24/emulator";
import { readTokens } from "./portal-tokens";
import { makeOrg } from "./services/test-helpers";

/**
 * SPEC §7: "a refresh token is never used twice (refresh under a per-portal lock, across processes)". Two worker
 * processes, each with its own pool, make 20 concurrent calls with an expired access token: exactly one refresh
 * may reach the OAuth server and no call may fail. Only PostgreSQL has several processes on one database.
 */
const onPostgres = testDbKind === "postgres";
if (!onPostgres) {
  console.info("portal-tokens-race: skipped on PGlite (one process per database); runs with TEST_DB=postgres.");
}

const CHILD = path.join(import.meta.dirname, "portal-tokens-race.child.ts");
const TSX = path.join(process.cwd(), "node_modules", ".bin", "tsx");

interface Child {
  ready: Promise<void>;
  go(): void;
  result: Promise<{ ok: number; errors: string[] }>;
}

function startChild(env: Record<string, string>): Child {
  const child = spawn(TSX, [CHILD], { env: { ...process.env, ...env }, stdio: ["pipe", "pipe", "pipe"] });
  let out = "";
  let err = "";
  let markReady: () => void;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  child.stdout.on("data", (d) => {
    out += d;
    if (out.includes("ready\n")) markReady();
  });
  const result = new Promise<{ ok: number; errors: string[] }>((resolve, reject) => {
    child.stderr.on("data", (d) => (err += d));
    child.on("error", reject);
    child.on("exit", (code) => {
      if (code !== 0) return reject(new Error(`child exited with ${code}: ${err}`));
      resolve(JSON.parse(out.trim().split("\n").at(-1)!));
    });
  });
  return { ready, go: () => child.stdin.end("go\n"), result };
}

describe.skipIf(!onPostgres)("refresh race across processes (postgres)", () => {
  let database: Database;
  let emu: Emulator;

  beforeAll(async () => {
    database = await createTestDatabase();
    emu = await startEmulator({ portals: [{ name: "race" }] });
  });
  afterAll(async () => {
    await emu?.close();
    await database?.close();
  });

  it("two processes × 20 concurrent calls with an expired token: one refresh, no invalid_grant", async () => {
    const { org } = await makeOrg(database.db);
    const { connection } = await seedConnection(database.db, org.id, emu.portal("race").issueTokens());
    // Through the control API, as a test in another process would.
    const expired = await fetch(`${emu.controlUrl}/portals/race/expire-tokens`, { method: "POST" });
    expect(expired.status).toBe(200);
    await fetch(`${emu.controlUrl}/counters/reset`, { method: "POST" });

    const config = emulatorConfig(emu);
    const env = {
      RACE_DATABASE_URL: database.url!,
      RACE_ORG_ID: org.id,
      RACE_CONNECTION_ID: connection.id,
      RACE_OAUTH_URL: config.oauthUrl,
      RACE_CLIENT_ID: config.clientId,
      RACE_CLIENT_SECRET: config.clientSecret,
      RACE_CALLS: "20",
    };
    const children = [startChild(env), startChild(env)];
    await Promise.all(children.map((c) => c.ready));
    children.forEach((c) => c.go());
    const results = await Promise.all(children.map((c) => c.result));

    const counters = (await (await fetch(`${emu.controlUrl}/counters`)).json()) as {
      oauth: Record<string, number>;
      oauthErrors: Record<string, number>;
      portals: Record<string, { errors: Record<string, number> }>;
    };
    expect(results.map((r) => r.errors)).toEqual([[], []]);
    expect(results.map((r) => r.ok)).toEqual([20, 20]);
    expect(counters.oauth.refresh_token).toBe(1);
    expect(counters.oauthErrors.invalid_grant ?? 0).toBe(0);
    // Both processes really met the expired token before one of them refreshed.
    expect(counters.portals.race.errors.expired_token).toBeGreaterThanOrEqual(2);
    expect((await readTokens(database.db, { orgId: org.id, connectionId: connection.id }))!.version).toBe(2);
  }, 120_000);
});
