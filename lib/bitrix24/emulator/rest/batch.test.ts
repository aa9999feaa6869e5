/** batch: references, halt, the 50-command cap, nesting, accounting. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createManualClock } from "../clock";
import type { Emulator } from "../handle";
import { startEmulator } from "../server";
import { createPortalData } from "../store/portal-data";
import { callRest, type RequestStyle } from "../testing";

let emu: Emulator;
let endpoint: string;
let token: string;

beforeAll(async () => {
  const data = createPortalData();
  for (let i = 1; i <= 230; i++) data.tables.deal.append({ ID: i * 2, TITLE: `Deal ${i}`, COMPANY_ID: 1000 + i });
  for (let i = 1; i <= 120; i++) data.tables.dealHistory.append({ ID: i, TYPE_ID: 2, OWNER_ID: i, CREATED_TIME: Date.UTC(2024, 0, 1), STAGE_ID: "NEW" });
  emu = await startEmulator({
    clock: createManualClock(),
    apps: [{ clientId: "app.batch", clientSecret: "s", scope: ["crm"] }],
    portals: [{ name: "b", data }],
  });
  endpoint = emu.portal("b").clientEndpoint;
  token = emu.portal("b").issueTokens().access_token;
});

beforeEach(() => {
  emu.portal("b").resetLimits();
  emu.resetCounters();
});

afterAll(async () => {
  await emu.close();
});

type BatchResult = {
  result: Record<string, unknown> | unknown[];
  result_error: Record<string, { error: string; error_description: string }> | [];
  result_total: Record<string, number> | unknown[];
  result_next: Record<string, number> | unknown[];
  result_time: Record<string, Record<string, unknown>> | unknown[];
};

async function batch(cmd: Record<string, string> | string[], halt = 0, style: RequestStyle = "json") {
  const answer = await callRest(endpoint, "batch", { halt, cmd }, token, style);
  return { status: answer.status, body: answer.body, result: answer.body.result as BatchResult };
}

const ids = (rows: unknown) => (rows as { ID: string }[]).map((r) => Number(r.ID));

describe("batch", () => {
  it("chains >ID pages with $result[cmd][49][ID], as a full export does", async () => {
    const cmd: Record<string, string> = { c0: "crm.deal.list?order[ID]=ASC&filter[>ID]=0&select[]=ID&start=-1" };
    for (let i = 1; i < 6; i++) cmd[`c${i}`] = `crm.deal.list?order[ID]=ASC&filter[>ID]=$result[c${i - 1}][49][ID]&select[]=ID&start=-1`;
    const { status, result } = await batch(cmd);
    expect(status).toBe(200);
    const pages = result.result as Record<string, unknown>;
    expect(Object.values(pages).flatMap(ids)).toEqual(Array.from({ length: 230 }, (_, i) => (i + 1) * 2));
    expect(ids(pages.c4)).toHaveLength(30);
    // Past a short page the reference resolves to the whole page (not an ID): no rows, never a restart.
    expect(pages.c5).toEqual([]);
    expect(result.result_error).toEqual([]);
    expect(Object.keys(result.result_time as object)).toEqual(["c0", "c1", "c2", "c3", "c4", "c5"]);
  });

  it("resolves $total and $next references", async () => {
    const { result } = await batch({ a: "crm.deal.list?select[]=ID", b: "crm.deal.list?select[]=ID&start=$next[a]", c: "crm.deal.get?id=$total[a]" });
    const r = result.result as Record<string, unknown>;
    expect(ids(r.b)[0]).toBe(102);
    expect((r.c as { ID: string }).ID).toBe("230");
  });

  it("resolves $result[cmd][items][N][ID] paths (crm.stagehistory.list)", async () => {
    const { result } = await batch({
      h0: "crm.stagehistory.list?entityTypeId=2&order[ID]=ASC&start=-1",
      h1: "crm.stagehistory.list?entityTypeId=2&order[ID]=ASC&start=-1&filter[>ID]=$result[h0][items][49][ID]",
    });
    const items = (result.result as Record<string, { items: { ID: number }[] }>).h1.items;
    expect(items.map((i) => i.ID)).toEqual(Array.from({ length: 50 }, (_, i) => 51 + i));
  });

  it("substitutes a whole value (an array reference becomes an array parameter)", async () => {
    const { result } = await batch({
      first: "crm.deal.get?id=10",
      by_company: "crm.deal.list?select[]=ID&filter[COMPANY_ID]=$result[first][COMPANY_ID]",
    });
    expect(ids((result.result as Record<string, unknown>).by_company)).toEqual([10]);
  });

  it("reports per-command totals and next like batch-success.json", async () => {
    const { result } = await batch({ counted: "crm.deal.list?select[]=ID", page2: "crm.deal.list?select[]=ID&start=200" });
    expect(result.result_total).toEqual({ counted: 230, page2: 230 });
    expect(result.result_next).toEqual({ counted: 50 });
  });

  it("accepts cmd as a list and answers with lists", async () => {
    const { result } = await batch(["crm.deal.get?id=2", "crm.deal.get?id=4"]);
    expect(Array.isArray(result.result)).toBe(true);
    expect((result.result as { ID: string }[]).map((r) => r.ID)).toEqual(["2", "4"]);
  });

  it("keeps going after an error with halt=0 and stops at it with halt=1", async () => {
    const cmd = { a: "crm.deal.get?id=2", bad: "crm.deal.get?id=3", c: "crm.deal.get?id=6" };
    const go = await batch(cmd, 0);
    expect(Object.keys(go.result.result)).toEqual(["a", "c"]);
    expect(go.result.result_error).toEqual({ bad: { error: "", error_description: "Not found" } });
    const stop = await batch(cmd, 1);
    expect(Object.keys(stop.result.result)).toEqual(["a"]);
    expect(Object.keys(stop.result.result_error)).toEqual(["bad"]);
  });

  it("refuses a nested batch and unknown methods per command", async () => {
    const { result } = await batch({ inner: "batch?cmd[x]=crm.deal.get%3Fid%3D2", nope: "crm.nope" });
    expect(result.result_error).toEqual({
      inner: { error: "ERROR_BATCH_METHOD_NOT_ALLOWED", error_description: expect.any(String) },
      nope: { error: "ERROR_METHOD_NOT_FOUND", error_description: expect.any(String) },
    });
  });

  it("answers 400 ERROR_BATCH_LENGTH_EXCEEDED above 50 commands, and accepts exactly 50", async () => {
    const cmds = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`c${i}`, `crm.deal.get?id=${(i + 1) * 2}`]));
    expect((await batch(cmds(50))).status).toBe(200);
    const over = await batch(cmds(51));
    expect(over.status).toBe(400);
    expect(over.body.error).toBe("ERROR_BATCH_LENGTH_EXCEEDED");
  });

  it.each(["form", "query"] as const)("reads cmd sent as a %s body with URL-encoded commands", async (style) => {
    const { result } = await batch({ a: "crm.deal.list?select[]=ID&filter[>ID]=400&start=-1", b: "crm.deal.get?id=$result[a][0][ID]" }, 0, style);
    expect((result.result as Record<string, { ID: string }>).b.ID).toBe("402");
  });

  it("counts as one HTTP request, and each command as a call of its own method", async () => {
    await batch({ a: "crm.deal.get?id=2", b: "crm.deal.list?select[]=ID", c: "crm.deal.list?select[]=ID" });
    const c = emu.counters().portals.b;
    expect(c.http).toEqual({ batch: 1 });
    expect(c.batchCalls).toEqual({ "crm.deal.get": 1, "crm.deal.list": 2 });
  });
});
