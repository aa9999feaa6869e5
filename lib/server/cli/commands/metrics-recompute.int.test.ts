import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db";
import { clientMetricStates, metricSnapshots } from "@/db/schema";
import { createTestDatabase, testDbKind } from "@/db/testing";
import { getTranslator } from "@/lib/i18n/messages";
import { requestMetricsRecompute } from "@/lib/server/metrics/requests";
import { insertMirror } from "@/lib/server/metrics/testing";
import { makePortalConnection } from "@/lib/server/sync/testing";
import { runCli } from "..";
import type { CliIo } from "../types";

describe(`metrics:recompute (${testDbKind})`, () => {
  let database: Database;
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
  });
  afterAll(() => database.close());

  it("recomputes a client's history here, taking over its waiting recompute", async () => {
    const key = await makePortalConnection(database.db);
    await insertMirror(database.db, key, {
      leads: [{ id: 1, created: "2024-01-10T10:00:00Z" }],
      deals: [{ id: 1, created: "2024-01-12T09:00:00Z", semantic: "S", companyId: 1, amount: 10 }],
      dealHistory: [{ id: 1, ownerId: 1, created: "2024-02-01T09:00:00Z", typeId: 3, semantic: "S" }],
    });
    await requestMetricsRecompute(database.db, { orgId: key.orgId, clientId: key.clientId, scope: { full: true } });
    expect(await runCli(["metrics:recompute", "--client", key.clientId], io)).toBe(0);
    expect(out.at(-1)).toMatch(/^Recomputed \d+ snapshots of "Client \d+" for \d+ months \(2024-01 – \d{4}-\d{2}\)/);
    const rows = await database.db.select().from(metricSnapshots).where(eq(metricSnapshots.clientId, key.clientId));
    expect(rows.find((r) => r.metric === "avg_deal_size" && r.month === "2024-02-01")?.value).toBe(10);
    const [state] = await database.db.select().from(clientMetricStates).where(eq(clientMetricStates.clientId, key.clientId));
    expect(state).toMatchObject({ pendingFull: false, runningSince: null });

    out.length = 0;
    expect(await runCli(["metrics:recompute", "--client", key.clientId, "--from", "2024-02", "--json"], io)).toBe(0);
    expect(JSON.parse(out.at(-1)!)).toMatchObject({ clientId: key.clientId, fromMonth: "2024-02", firstMonth: "2024-01" });
  });

  it("refuses unknown clients and bad months", async () => {
    expect(await runCli(["metrics:recompute", "--client", "00000000-0000-4000-8000-000000000000"], io)).toBe(1);
    expect(err.at(-1)).toContain("No client with id");
    expect(await runCli(["metrics:recompute", "--client", "x", "--from", "2024-13"], io)).toBe(1);
    expect(err.at(-1)).toBe("--from: Enter a month as YYYY-MM.");
    expect(await runCli(["metrics:recompute"], io)).toBe(2);
  });
});
