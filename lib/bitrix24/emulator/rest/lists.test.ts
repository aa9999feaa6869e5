/** List behaviour, request styles and REST errors against hand-built expectations, over HTTP. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createManualClock } from "../clock";
import type { Emulator } from "../handle";
import { startEmulator } from "../server";
import { createPortalData } from "../store/portal-data";
import { callRest, type RequestStyle } from "../testing";

const DAY = 24 * 3600_000;
/** 2024-03-01T00:00:00Z; deal i is created i days later at 12:00 UTC (Berlin switches to summer time on 31 March). */
const T0 = Date.UTC(2024, 2, 1);
const N = 120;

let emu: Emulator;
let endpoint: string;
let token: string;

beforeAll(async () => {
  const data = createPortalData();
  const stages = ["NEW", "PREPARATION", "WON", "LOSE"];
  for (let i = 1; i <= N; i++) {
    data.tables.deal.append({
      ID: i,
      TITLE: i % 10 === 0 ? `Big deal ${i}` : `Deal ${i}`,
      STAGE_ID: stages[i % 4],
      CATEGORY_ID: i % 3 === 0 ? 1 : 0,
      OPPORTUNITY: i * 100,
      CLOSED: i % 4 >= 2,
      ASSIGNED_BY_ID: 1 + (i % 5),
      COMPANY_ID: i % 7 === 0 ? null : i,
      DATE_CREATE: T0 + i * DAY + 12 * 3600_000,
      DATE_MODIFY: T0 + i * DAY + 12 * 3600_000,
    });
  }
  data.tables.deal.delete(13);
  data.tables.contact.append({ ID: 1, NAME: "Ann", PHONE: [{ VALUE_TYPE: "WORK", VALUE: "+100" }], EMAIL: [{ VALUE_TYPE: "WORK", VALUE: "ann@example.com" }] });
  data.tables.contact.append({ ID: 2, NAME: "Bob", EMAIL: [{ VALUE_TYPE: "HOME", VALUE: "bob@example.com" }] });
  emu = await startEmulator({
    clock: createManualClock(Date.UTC(2024, 9, 1)),
    apps: [{ clientId: "app.lists", clientSecret: "s", scope: ["crm"] }],
    portals: [{ name: "l", data, timeZone: "Europe/Berlin", plan: "enterprise", rateLimit: { capacity: 10_000, drainPerSecond: 1000 } }],
  });
  endpoint = emu.portal("l").clientEndpoint;
  token = emu.portal("l").issueTokens().access_token;
});

afterAll(async () => {
  await emu.close();
});

type Row = Record<string, unknown>;
const list = async (method: string, params: Record<string, unknown>, style: RequestStyle = "json") => {
  const answer = await callRest(endpoint, method, params, token, style);
  expect(answer.status).toBe(200);
  return answer.body as { result: Row[]; total?: number; next?: number; time: Row };
};
const ids = (rows: Row[]) => rows.map((r) => Number(r.ID));
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i).filter((i) => i !== 13);

describe("paging", () => {
  it("returns 50 rows a page with next and total, and no next on the last page", async () => {
    const first = await list("crm.deal.list", { select: ["ID"] });
    expect(ids(first.result)).toEqual(range(1, 51));
    expect(first).toMatchObject({ next: 50, total: 119 });
    const third = await list("crm.deal.list", { select: ["ID"], start: 100 });
    expect(ids(third.result)).toEqual(range(102, 120));
    expect(third.total).toBe(119);
    expect(third.next).toBeUndefined();
  });

  it("start=-1 skips the count: total 0 and no next, and a >ID cursor continues from the last ID", async () => {
    const page = await list("crm.deal.list", { select: ["ID"], order: { ID: "ASC" }, filter: { ">ID": 60 }, start: -1 });
    expect(ids(page.result)).toEqual(range(61, 110));
    expect(page.total).toBe(0);
    expect(page.next).toBeUndefined();
    const last = await list("crm.deal.list", { select: ["ID"], order: { ID: "ASC" }, filter: { ">ID": 110 }, start: -1 });
    expect(ids(last.result)).toEqual(range(111, 120));
  });

  it("orders by ID descending and by other fields with ID as the tie-breaker", async () => {
    const desc = await list("crm.deal.list", { select: ["ID"], order: { ID: "DESC" }, filter: { "<ID": 10 } });
    expect(ids(desc.result)).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1]);
    const byStage = await list("crm.deal.list", { select: ["ID", "STAGE_ID"], order: { STAGE_ID: "DESC" }, filter: { "<=ID": 8 } });
    expect(byStage.result.map((r) => [r.STAGE_ID, Number(r.ID)])).toEqual([
      ["WON", 2], ["WON", 6], ["PREPARATION", 1], ["PREPARATION", 5], ["NEW", 4], ["NEW", 8], ["LOSE", 3], ["LOSE", 7],
    ]);
  });
});

describe("filters", () => {
  const cases: [string, Record<string, unknown>, number[]][] = [
    ["=", { "=STAGE_ID": "WON", "<ID": 20 }, [2, 6, 10, 14, 18]],
    ["plain key", { STAGE_ID: "won", "<ID": 12 }, [2, 6, 10]],
    ["!", { "!STAGE_ID": "NEW", "<ID": 6 }, [1, 2, 3, 5]],
    ["!=", { "!=STAGE_ID": "NEW", "<ID": 6 }, [1, 2, 3, 5]],
    [">= and <= on money", { ">=OPPORTUNITY": 1000, "<=OPPORTUNITY": 1200 }, [10, 11, 12]],
    ["> and <", { ">OPPORTUNITY": "1000", "<OPPORTUNITY": "1300" }, [11, 12]],
    ["@", { "@ID": [3, 5, 13, 200] }, [3, 5]],
    ["!@", { "!@STAGE_ID": ["NEW", "PREPARATION", "LOSE"], "<ID": 12 }, [2, 6, 10]],
    ["%", { "%TITLE": "big", "<ID": 35 }, [10, 20, 30]],
    ["=% pattern", { "=%TITLE": "Big deal 1%" }, [10, 100, 110, 120]],
    ["Y/N flag", { CLOSED: "Y", "<ID": 8 }, [2, 3, 6, 7]],
    ["empty value means not filled", { COMPANY_ID: "", "<ID": 30 }, [7, 14, 21, 28]],
    ["not empty", { "!COMPANY_ID": "", "<ID": 9 }, [1, 2, 3, 4, 5, 6, 8]],
    ["date as YYYY-MM-DD in the portal's zone", { ">=DATE_CREATE": "2024-03-29", "<DATE_CREATE": "2024-04-02" }, [28, 29, 30, 31]],
    ["ISO date-time with offset", { ">DATE_MODIFY": "2024-03-05T13:00:00+01:00" }, range(5, 120)],
    ["unknown fields are ignored", { NO_SUCH_FIELD: 1, "<ID": 3 }, [1, 2]],
    ["an empty bound is left out", { ">ID": "", "<ID": 3 }, [1, 2]],
  ];
  it.each(cases)("%s", async (_, filter, expected) => {
    const answer = await list("crm.deal.list", { select: ["ID"], filter });
    expect(ids(answer.result).slice(0, 50)).toEqual(expected.slice(0, 50));
  });

  it("matches multi-fields by any value", async () => {
    const answer = await list("crm.contact.list", { filter: { EMAIL: "bob@example.com" } });
    expect(ids(answer.result)).toEqual([2]);
  });
});

describe("select and values", () => {
  it("renders values as legacy strings, dates with the portal's DST-aware offset", async () => {
    const answer = await list("crm.deal.list", { select: ["*"], filter: { "@ID": [7, 40] } });
    const [winter, summer] = answer.result;
    expect(winter).toMatchObject({ ID: "7", OPPORTUNITY: "700.00", CLOSED: "Y", COMPANY_ID: null, CATEGORY_ID: "0", DATE_CREATE: "2024-03-08T13:00:00+01:00" });
    expect(summer).toMatchObject({ ID: "40", DATE_CREATE: "2024-04-10T14:00:00+02:00", BEGINDATE: "" });
    expect(winter).not.toHaveProperty("PHONE");
  });

  it("always includes ID, and multi-fields only when named", async () => {
    const named = await list("crm.contact.list", { select: ["NAME", "PHONE"] });
    expect(named.result).toEqual([
      { ID: "1", NAME: "Ann", PHONE: [{ ID: expect.any(String), VALUE_TYPE: "WORK", VALUE: "+100", TYPE_ID: "PHONE" }] },
      { ID: "2", NAME: "Bob" },
    ]);
    const star = await list("crm.contact.list", { select: ["*"] });
    expect(star.result[0]).not.toHaveProperty("EMAIL");
    expect(star.result[0]).toHaveProperty("NAME", "Ann");
  });
});

describe("request styles", () => {
  const params = { FILTER: { ">ID": 100, "<=ID": 103 }, ORDER: { ID: "DESC" }, SELECT: ["ID", "TITLE"] };
  it.each(["json", "form", "query"] as const)("accepts %s parameters with upper-case names", async (style) => {
    const answer = await list("crm.deal.list", params, style);
    expect(answer.result).toEqual([
      { ID: "103", TITLE: "Deal 103" },
      { ID: "102", TITLE: "Deal 102" },
      { ID: "101", TITLE: "Deal 101" },
    ]);
  });

  it("accepts the method with or without .json, and in any case", async () => {
    for (const method of ["crm.deal.get.json", "CRM.Deal.Get", "crm.deal.get"]) {
      const answer = await callRest(endpoint, method, { id: 5 }, token);
      expect((answer.body.result as Row).ID).toBe("5");
    }
  });

  it("takes auth from the query string of a POST", async () => {
    const res = await fetch(`${endpoint}crm.deal.get?auth=${token}`, { method: "POST", headers: { "content-type": "application/json" }, body: '{"id":6}' });
    expect(((await res.json()) as { result: Row }).result.ID).toBe("6");
  });

  it("matches parameter names exactly for crm.stagehistory.list", async () => {
    const answer = await callRest(endpoint, "crm.stagehistory.list", { ENTITYTYPEID: 2 }, token);
    expect(answer.status).toBe(400);
  });
});

describe("errors", () => {
  it("401 NO_AUTH_FOUND without auth, invalid_token for a forged one", async () => {
    expect(await callRest(endpoint, "crm.deal.list", {}, undefined)).toMatchObject({ status: 401, body: { error: "NO_AUTH_FOUND" } });
    expect(await callRest(endpoint, "crm.deal.list", {}, "0".repeat(64))).toMatchObject({ status: 401, body: { error: "invalid_token" } });
  });

  it("404 ERROR_METHOD_NOT_FOUND for unknown methods", async () => {
    expect(await callRest(endpoint, "crm.deal.explode", {}, token)).toMatchObject({ status: 404, body: { error: "ERROR_METHOD_NOT_FOUND" } });
  });

  it("403 insufficient_scope outside the app's scopes", async () => {
    expect(await callRest(endpoint, "user.get", {}, token)).toMatchObject({ status: 403, body: { error: "insufficient_scope" } });
  });

  it("400 with an empty code for legacy CRM errors", async () => {
    expect(await callRest(endpoint, "crm.deal.get", { id: 13 }, token)).toMatchObject({ status: 400, body: { error: "", error_description: "Not found" } });
  });

  it("every answer has a full time block", async () => {
    const answer = await list("crm.deal.list", { select: ["ID"], start: -1 });
    expect(Object.keys(answer.time).sort()).toEqual(["date_finish", "date_start", "duration", "finish", "operating", "operating_reset_at", "processing", "start"]);
  });
});
