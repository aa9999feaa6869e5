import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { createBitrix24Client, type ClientOptions } from "./client";
import { Bitrix24Error } from "./errors";
import { createMemoryLimiter } from "./limiter";
import { formatFilterInstant } from "./list-export";
import { startCannedServer, type CannedServer } from "./testing/canned-server";
import { createFakeListPortal, parsePhpQuery, type FakeListOptions } from "./testing/fake-list-portal";
import { countingTokens, virtualClock } from "./testing/harness";

let servers: CannedServer[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});

async function setup(portalOpts: FakeListOptions, clientOpts: Partial<ClientOptions> = {}) {
  const portal = createFakeListPortal(portalOpts);
  const server = await startCannedServer(portal.handler);
  servers.push(server);
  const clock = virtualClock();
  const tokens = countingTokens({ clientEndpoint: `${server.url}/rest/` });
  const client = createBitrix24Client({
    tokens,
    limiter: createMemoryLimiter({ now: clock.now, sleep: clock.sleep }),
    clock,
    allowInsecure: true,
    timeoutMs: 1000,
    ...clientOpts,
  });
  return { portal, server, client, tokens, clock };
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

async function collect<T>(gen: AsyncGenerator<{ rows: T[]; lastId: number }>) {
  const pages: Array<{ rows: T[]; lastId: number }> = [];
  for await (const page of gen) pages.push(page);
  return pages;
}

function idsOf(pages: Array<{ rows: Array<Record<string, unknown>> }>, idField = "ID"): number[] {
  return pages.flatMap((p) => p.rows.map((r) => Number(r[idField])));
}

describe("exportList: request count and completeness", () => {
  it.each([0, 1, 49, 50, 51, 2499, 2500, 2501, 5000, 7777])("%i rows", async (n) => {
    const ids = range(1, n).map((i) => i * 3); // gaps, like deleted records
    const { server, client } = await setup({ ids });
    const pages = await collect(client.exportList({ method: "crm.deal.list", select: ["ID", "TITLE"] }));
    expect(idsOf(pages)).toEqual(ids);
    expect(server.requests.length).toBeLessThanOrEqual(Math.ceil(n / 2500) + 1);
    expect(server.requests.length).toBeGreaterThanOrEqual(Math.max(1, Math.ceil(n / 2500)));
    // One yielded page per HTTP request that brought rows; lastId is the cursor to store.
    for (const page of pages) expect(page.lastId).toBe(Number(page.rows[page.rows.length - 1].ID));
  });

  it("sends the documented fast-export parameters, chained by $result references", async () => {
    const { server, client } = await setup({ ids: range(1, 120) });
    await collect(client.exportList({ method: "crm.deal.list", select: ["TITLE"], filter: { CATEGORY_ID: 1 } }));
    const cmd = server.requests[0].json?.cmd as Record<string, string>;
    expect(Object.keys(cmd)).toHaveLength(50);
    expect(cmd.p0).toBe(
      "crm.deal.list?order[ID]=ASC&filter[CATEGORY_ID]=1&filter[>ID]=0&select[0]=ID&select[1]=TITLE&start=-1",
    );
    expect(cmd.p1).toContain("filter[>ID]=$result[p0][49][ID]");
    expect(cmd.p49).toContain("filter[>ID]=$result[p48][49][ID]");
    expect(server.requests[0].json?.halt).toBe(1);
    expect(parsePhpQuery(cmd.p1.split("?")[1])).toEqual({
      order: { ID: "ASC" },
      filter: { CATEGORY_ID: "1", ">ID": "$result[p0][49][ID]" },
      select: { "0": "ID", "1": "TITLE" },
      start: "-1",
    });
  });

  it("resumes after afterId", async () => {
    const { client } = await setup({ ids: range(1, 300) });
    const pages = await collect(client.exportList({ method: "crm.lead.list", afterId: 123 }));
    expect(idsOf(pages)).toEqual(range(124, 300));
  });

  it("reads result.items with numeric IDs for crm.stagehistory.list", async () => {
    const ids = range(1, 2600);
    const { server, client } = await setup({ ids, items: true });
    const pages = await collect(
      client.exportList({ method: "crm.stagehistory.list", params: { entityTypeId: 2 }, select: ["ID", "OWNER_ID"] }),
    );
    expect(idsOf(pages)).toEqual(ids);
    const cmd = server.requests[0].json?.cmd as Record<string, string>;
    expect(cmd.p0.startsWith("crm.stagehistory.list?entityTypeId=2&")).toBe(true);
    expect(cmd.p1).toContain("filter[>ID]=$result[p0][items][49][ID]");
    expect(server.requests).toHaveLength(2);
  });

  it("uses the given id field (crm.item.list: id)", async () => {
    const { server, client } = await setup({ ids: range(1, 60), items: true, idField: "id" });
    const pages = await collect(
      client.exportList({ method: "crm.item.list", idField: "id", params: { entityTypeId: 1 }, select: ["title"] }),
    );
    expect(idsOf(pages, "id")).toEqual(range(1, 60));
    const cmd = server.requests[0].json?.cmd as Record<string, string>;
    expect(cmd.p0).toContain("order[id]=ASC");
    expect(cmd.p1).toContain("filter[>id]=$result[p0][items][49][id]");
  });

  it("parses rows with a schema", async () => {
    const { client } = await setup({ ids: range(1, 3) });
    const schema = z.object({ ID: z.coerce.number(), TITLE: z.string() });
    const pages = await collect(client.exportList({ method: "crm.deal.list", select: ["TITLE"], schema }));
    expect(pages[0].rows).toEqual([
      { ID: 1, TITLE: "Row 1" },
      { ID: 2, TITLE: "Row 2" },
      { ID: 3, TITLE: "Row 3" },
    ]);
  });
});

describe("exportList: broken chains", () => {
  it("a sub-command failing mid-batch (halt) resumes from the last good page", async () => {
    const ids = range(1, 6000);
    const { server, client } = await setup({
      ids,
      failures: [{ request: 0, command: 20, error: "INTERNAL_SERVER_ERROR" }],
    });
    const pages = await collect(client.exportList({ method: "crm.deal.list" }));
    expect(idsOf(pages)).toEqual(ids);
    expect(pages[0].rows).toHaveLength(20 * 50);
    expect(server.requests.length).toBeLessThanOrEqual(Math.ceil(6000 / 2500) + 2);
  });

  it("discards pages whose references could not resolve (halt ignored)", async () => {
    const ids = range(1, 4000);
    const { client } = await setup({
      ids,
      haltIgnored: true,
      failures: [{ request: 0, command: 10, error: "INTERNAL_SERVER_ERROR" }],
    });
    const pages = await collect(client.exportList({ method: "crm.deal.list" }));
    // The commands after the failure restarted from ID 1 on the server; none of those rows may come through.
    expect(idsOf(pages)).toEqual(ids);
  });

  it("stops at a page whose reference resolved to the wrong thing, and resumes before it", async () => {
    const ids = range(1, 3000);
    const { client, server } = await setup({ ids, brokenReferences: [{ request: 0, command: 7 }] });
    const pages = await collect(client.exportList({ method: "crm.deal.list" }));
    expect(idsOf(pages)).toEqual(ids);
    expect(pages[0].rows).toHaveLength(7 * 50);
    // 350 rows, then the remaining 2,650 in two more requests.
    expect(server.requests).toHaveLength(3);
  });

  it("stops at the short page and ignores the commands after it", async () => {
    const ids = range(1, 1234);
    const { client } = await setup({ ids, haltIgnored: true });
    const pages = await collect(client.exportList({ method: "crm.deal.list" }));
    expect(idsOf(pages)).toEqual(ids);
    expect(pages).toHaveLength(1);
  });

  it("retries when the first command fails transiently, then goes on", async () => {
    const ids = range(1, 3000);
    const { client, clock } = await setup({
      ids,
      failures: [{ request: 1, command: 0, error: "INTERNAL_SERVER_ERROR" }],
    });
    const pages = await collect(client.exportList({ method: "crm.deal.list" }));
    expect(idsOf(pages)).toEqual(ids);
    expect(clock.slept).toBeGreaterThan(0);
  });

  it("throws a permanent sub-command error with no progress", async () => {
    const { client } = await setup({
      ids: range(1, 100),
      failures: [{ request: 0, command: 0, error: "insufficient_scope" }],
    });
    await expect(collect(client.exportList({ method: "crm.deal.list" }))).rejects.toMatchObject({
      kind: "insufficient_scope",
    });
  });

  it("waits out an operating limit hit by the first command", async () => {
    const ids = range(1, 3000);
    const { client, clock } = await setup({
      ids,
      failures: [{ request: 1, command: 0, error: "OPERATION_TIME_LIMIT" }],
    });
    const t0 = clock.now();
    const pages = await collect(client.exportList({ method: "crm.deal.list" }));
    expect(idsOf(pages)).toEqual(ids);
    expect(clock.now() - t0).toBeGreaterThanOrEqual(59_000);
  });

  it("survives whole-request failures: 500, timeout, token expiry", async () => {
    const ids = range(1, 8000);
    const { client, tokens, server } = await setup(
      {
        ids,
        overrides: {
          1: { status: 500, body: { error: "INTERNAL_SERVER_ERROR", error_description: "" } },
          2: { hang: true },
          3: { status: 401, body: { error: "expired_token", error_description: "" } },
          5: { status: 503, body: { error: "QUERY_LIMIT_EXCEEDED", error_description: "" } },
        },
      },
      { timeoutMs: 1000 },
    );
    const pages = await collect(client.exportList({ method: "crm.deal.list" }));
    expect(idsOf(pages)).toEqual(ids);
    expect(tokens.refreshes).toHaveLength(1);
    expect(server.requests.length).toBeLessThanOrEqual(Math.ceil(8000 / 2500) + 1 + 4);
  });

  it("refuses a server that ignores the cursor", async () => {
    const server = await startCannedServer(() => ({
      body: {
        result: {
          result: { p0: [{ ID: "5" }, { ID: "3" }] },
          result_error: [],
          result_total: [],
          result_next: [],
          result_time: [],
        },
      },
    }));
    servers.push(server);
    const clock = virtualClock();
    const client = createBitrix24Client({
      tokens: countingTokens({ clientEndpoint: `${server.url}/rest/` }),
      limiter: createMemoryLimiter({ now: clock.now, sleep: clock.sleep }),
      clock,
      allowInsecure: true,
    });
    const e = await collect(client.exportList({ method: "crm.deal.list" })).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(Bitrix24Error);
    expect((e as Bitrix24Error).code).toBe("CURSOR_NOT_HONOURED");
  });
});

describe("exportList: 60 s budget", () => {
  it("shortens batches when pages are slow", async () => {
    const { portal, client } = await setup({ ids: range(1, 5000), pageSeconds: 2 });
    const pages = await collect(client.exportList({ method: "crm.activity.list", targetBatchSeconds: 20 }));
    expect(idsOf(pages)).toHaveLength(5000);
    expect(portal.commandCounts[0]).toBe(50);
    // 20 s budget / 2 s per page.
    expect(portal.commandCounts[1]).toBe(10);
  });
});

describe("changedSince and listIds", () => {
  it("adds a >=DATE_MODIFY window with the overlap", async () => {
    const { server, client } = await setup({ ids: range(1, 10) });
    const since = Date.UTC(2026, 0, 10, 12, 0, 0);
    const pages = await collect(
      client.changedSince({ method: "crm.deal.list", select: ["ID", "DATE_MODIFY"], since, overlapSeconds: 600 }),
    );
    expect(idsOf(pages)).toEqual(range(1, 10));
    const cmd = (server.requests[0].json?.cmd as Record<string, string>).p0;
    const params = parsePhpQuery(cmd.split("?")[1]) as { filter: Record<string, string> };
    expect(params.filter[">=DATE_MODIFY"]).toBe("2026-01-10T11:50:00+00:00");
    expect(params.filter[">ID"]).toBe("0");
  });

  it("uses LAST_UPDATED for activities and nothing for stage history", async () => {
    const { server, client } = await setup({ ids: range(1, 3), items: true });
    await collect(client.changedSince({ method: "crm.activity.list", dateField: "LAST_UPDATED", since: 0, resultPath: "items" }));
    await collect(client.changedSince({ method: "crm.stagehistory.list", dateField: null, afterId: 1 }));
    const first = parsePhpQuery((server.requests[0].json?.cmd as Record<string, string>).p0.split("?")[1]) as {
      filter: Record<string, string>;
    };
    const second = parsePhpQuery((server.requests[1].json?.cmd as Record<string, string>).p0.split("?")[1]) as {
      filter: Record<string, string>;
    };
    expect(Object.keys(first.filter)).toEqual([">=LAST_UPDATED", ">ID"]);
    expect(second.filter).toEqual({ ">ID": "1" });
  });

  it("listIds streams only IDs", async () => {
    const ids = range(1, 2600).map((i) => i * 2);
    const { server, client } = await setup({ ids });
    const got: number[] = [];
    for await (const page of client.listIds({ method: "crm.contact.list" })) got.push(...page.ids);
    expect(got).toEqual(ids);
    expect((server.requests[0].json?.cmd as Record<string, string>).p0).toContain("select[0]=ID&start=-1");
  });

  it("formats filter instants with an explicit offset", () => {
    expect(formatFilterInstant(Date.UTC(2024, 7, 30, 12, 29, 0, 500))).toBe("2024-08-30T12:29:00+00:00");
  });
});
