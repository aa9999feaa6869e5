import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { queryRows, type Database } from "@/db";
import { createTestDatabase, testDbKind } from "@/db/testing";
import { getTranslator } from "@/lib/i18n/messages";
import { createHarness, TEST_RATE_LIMIT, type Harness } from "@/lib/server/sync/sync-harness";
import { runCli } from "..";
import type { CliIo } from "../types";

process.env.TOKEN_ENCRYPTION_KEY ??= Buffer.alloc(32, 7).toString("base64");

describe(`portal:sync (${testDbKind})`, () => {
  let database: Database;
  let harness: Harness;
  const saved = { ...process.env };
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    out: (line = "") => out.push(line),
    err: (line = "") => err.push(line),
    database: async () => database,
    t: (ns) => getTranslator("en", ns),
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    harness = await createHarness(database, [{ name: "cli", generate: { profile: "healthy", deals: 200, seed: 31 } }]);
    Object.assign(process.env, {
      BITRIX24_CLIENT_ID: harness.config.clientId,
      BITRIX24_CLIENT_SECRET: harness.config.clientSecret,
      BITRIX24_OAUTH_URL: harness.config.oauthUrl,
      BITRIX24_ALLOW_INSECURE: "1",
      BITRIX24_RATE_LIMIT: `${TEST_RATE_LIMIT.capacity}:${TEST_RATE_LIMIT.drainPerSecond}`,
    });
  });
  afterAll(async () => {
    process.env = saved;
    await harness?.close();
    await database?.close();
  });

  it("queues a sync, and with --wait runs it to the end", async () => {
    const p = harness.portals.cli;
    const [{ client_id: clientId }] = await queryRows<{ client_id: string }>(
      database.db,
      sql`select client_id from portal_connections where id = ${p.connectionId}`,
    );
    expect(await runCli(["portal:sync", "--client", clientId], io)).toBe(0);
    expect(out.at(-1)).toMatch(/^Queued an incremental sync/);

    out.length = 0;
    expect(await runCli(["portal:sync", "--client", clientId, "--full", "--wait"], io)).toBe(0);
    expect(out.join("\n")).toMatch(/Done: \d+ rows/);
    expect(await harness.compare("cli")).toEqual({});
    const runs = await queryRows<{ status: string; kind: string }>(
      database.db,
      sql`select status, kind from sync_runs where connection_id = ${p.connectionId}`,
    );
    // The waiting incremental request was upgraded to full and run once.
    expect(runs).toEqual([{ status: "succeeded", kind: "full" }]);
  });

  it("refuses an unknown client", async () => {
    err.length = 0;
    expect(await runCli(["portal:sync", "--client", "00000000-0000-4000-8000-000000000000"], io)).toBe(1);
    expect(err.join("\n")).toMatch(/No client/);
  });
});
