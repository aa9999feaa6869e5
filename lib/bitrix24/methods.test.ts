import { afterEach, describe, expect, it } from "vitest";
import { createBitrix24Client } from "./client";
import { createMemoryLimiter } from "./limiter";
import {
  bindEvent,
  getAppInfo,
  getCrmMode,
  getEntityFields,
  getProfile,
  getScopes,
  listAllPages,
  listCategories,
  listCurrencies,
  listEventBindings,
  listStatuses,
  listUserFields,
  listUsers,
  listWorkflowTemplates,
  unbindEvent,
} from "./methods";
import { startCannedServer, type CannedResponse, type CannedServer, type RecordedRequest } from "./testing/canned-server";
import { fixture } from "./testing/fixtures";
import { countingTokens, virtualClock } from "./testing/harness";

let servers: CannedServer[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});

async function setup(route: (method: string, req: RecordedRequest) => CannedResponse) {
  const server = await startCannedServer((req) => route(req.path.replace(/^\/rest\//, ""), req));
  servers.push(server);
  const clock = virtualClock();
  const client = createBitrix24Client({
    tokens: countingTokens({ clientEndpoint: `${server.url}/rest/` }),
    limiter: createMemoryLimiter({ now: clock.now, sleep: clock.sleep }),
    clock,
    allowInsecure: true,
  });
  return { server, client };
}

const FIXTURE_BY_METHOD: Record<string, string> = {
  "app.info": "app-info.json",
  "crm.settings.mode.get": "crm-settings-mode-get.json",
  scope: "scope.json",
  "crm.status.list": "crm-status-list.json",
  "crm.category.list": "crm-category-list.json",
  "crm.currency.list": "crm-currency-list.json",
  "user.get": "user-get.json",
  "crm.deal.fields": "crm-deal-fields.json",
  "bizproc.workflow.template.list": "bizproc-workflow-template-list.json",
  "event.get": "event-get.json",
  "event.bind": "event-bind.json",
};

const fromFixtures = (method: string): CannedResponse =>
  FIXTURE_BY_METHOD[method] ? { body: fixture(FIXTURE_BY_METHOD[method]) } : { status: 404, body: { error: "ERROR_METHOD_NOT_FOUND" } };

describe("typed helpers on the official examples", () => {
  it("getAppInfo", async () => {
    const { client } = await setup(fromFixtures);
    expect(await getAppInfo(client)).toEqual({
      id: 5,
      code: "telefum24.kp10",
      version: 4,
      status: "F",
      installed: true,
      paymentExpired: false,
      days: null,
      languageId: "de",
      license: "de_ent10000",
      licenseType: "ent10000",
      licenseFamily: "ent",
    });
  });

  it("getCrmMode and getScopes", async () => {
    const { client } = await setup(fromFixtures);
    expect(await getCrmMode(client)).toBe(1);
    expect(await getScopes(client)).toEqual(["department", "entity", "log", "user"]);
  });

  it("listStatuses sends the ENTITY_ID filter", async () => {
    const { client, server } = await setup(fromFixtures);
    const statuses = await listStatuses(client, "DEAL_STAGE");
    expect(statuses.length).toBeGreaterThan(3);
    expect(server.requests[0].json).toMatchObject({ filter: { ENTITY_ID: "DEAL_STAGE" }, order: { SORT: "ASC" }, start: 0 });
  });

  it("listCategories reads result.categories", async () => {
    const { client, server } = await setup(fromFixtures);
    const cats = await listCategories(client);
    expect(cats.map((c) => c.id)).toEqual([9, 10, 11, 0]);
    expect(server.requests[0].json).toMatchObject({ entityTypeId: 2 });
  });

  it("listCurrencies, listUsers, getEntityFields, listWorkflowTemplates", async () => {
    const { client } = await setup(fromFixtures);
    expect((await listCurrencies(client)).map((c) => c.currency)).toEqual(["USD", "USD", "EUR", "CAD"]);
    expect((await listUsers(client)).map((u) => u.id)).toEqual([1, 3]);
    expect((await getEntityFields(client, "deal")).find((f) => f.name === "OPPORTUNITY")?.type).toBe("double");
    expect((await listWorkflowTemplates(client)).map((t) => t.id)).toEqual([525, 379]);
  });

  it("listEventBindings, bindEvent, unbindEvent", async () => {
    const { client, server } = await setup((method) =>
      method === "event.unbind" ? { body: { result: { count: 2 } } } : fromFixtures(method),
    );
    expect(await listEventBindings(client)).toEqual([
      { event: "ONCRMLEADADD", handler: "https://www.my-domain.com/handler/", authType: 0, offline: false },
      { event: "ONCRMLEADADD", handler: "https://www.my-domain.com/handler/", authType: 15, offline: false },
    ]);
    expect(await bindEvent(client, { event: "ONCRMDEALUPDATE", eventType: "offline" })).toBe(true);
    expect(server.requests[1].json).toMatchObject({ event: "ONCRMDEALUPDATE", event_type: "offline" });
    expect(await unbindEvent(client, { event: "ONCRMDEALUPDATE", handler: "https://app/h" })).toBe(2);
  });

  it("getProfile", async () => {
    const { client } = await setup(() => ({
      body: { result: { ID: "1", ADMIN: true, NAME: "Anna", LAST_NAME: "K", TIME_ZONE: "Europe/Moscow", TIME_ZONE_OFFSET: 10800 } },
    }));
    expect(await getProfile(client)).toEqual({
      id: 1,
      admin: true,
      name: "Anna",
      lastName: "K",
      timeZone: "Europe/Moscow",
      timeZoneOffset: 10800,
    });
  });

  it("listUserFields", async () => {
    const { client, server } = await setup(() => ({
      body: {
        result: [
          { ID: "11", ENTITY_ID: "CRM_DEAL", FIELD_NAME: "UF_CRM_GOAL", USER_TYPE_ID: "string", MULTIPLE: "N", MANDATORY: "N", SORT: "100", EDIT_FORM_LABEL: "Goal" },
        ],
        total: 1,
      },
    }));
    const fields = await listUserFields(client, "deal");
    expect(server.requests[0].path).toBe("/rest/crm.deal.userfield.list");
    expect(fields[0]).toMatchObject({ fieldName: "UF_CRM_GOAL", label: "Goal", mandatory: false });
  });
});

describe("listAllPages", () => {
  it("follows next until it is gone", async () => {
    const { client, server } = await setup((_m, req) => {
      const start = Number(req.json?.start ?? 0);
      const rows = Array.from({ length: start < 100 ? 50 : 7 }, (_, i) => ({ ID: String(start + i + 1) }));
      return { body: { result: rows, ...(start < 100 ? { next: start + 50 } : {}), total: 107 } };
    });
    const rows = await listAllPages(client, "crm.status.list");
    expect(rows).toHaveLength(107);
    expect(server.requests.map((r) => r.json?.start)).toEqual([0, 50, 100]);
  });

  it("fails clearly when the result is not a list", async () => {
    const { client } = await setup(() => ({ body: { result: { categories: "nope" } } }));
    await expect(listCategories(client)).rejects.toMatchObject({ kind: "malformed", code: "NOT_A_LIST" });
  });
});
