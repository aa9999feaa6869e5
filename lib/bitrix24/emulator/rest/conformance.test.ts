/**
 * Every method with an official example in /work/shared/bitrix24/fixtures answers with the same keys and
 * value types (for records: the example's keys that are in our field lists).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { createManualClock } from "../clock";
import type { Emulator } from "../handle";
import { startEmulator } from "../server";
import { createPortalData } from "../store/portal-data";
import { callRest, shapeDiff } from "../testing";
import { ENTITY_FIELDS, type EntityName } from "../types";

const FIXTURES = "/work/shared/bitrix24/fixtures";
const fixture = (name: string) => JSON.parse(readFileSync(`${FIXTURES}/${name}`, "utf8")) as Record<string, unknown>;

const T = Date.UTC(2024, 7, 30, 12, 29, 0);
const CRM_ONLY = { clientId: "app.crm.only", clientSecret: "x", scope: ["crm"] };
const FULL = { clientId: "app.full", clientSecret: "y", scope: ["crm", "user_brief", "bizproc"] };

let emu: Emulator;
let endpoint: string;
let token: string;
let crmOnlyToken: string;

function buildData() {
  const data = createPortalData();
  const t = data.tables;
  t.user.append({ ID: 1, ACTIVE: true, NAME: "John", LAST_NAME: "Doe", EMAIL: "my@example.com", DATE_REGISTER: T, LAST_LOGIN: T, IS_ONLINE: true, UF_DEPARTMENT: [1], USER_TYPE: "employee", WORK_POSITION: "" });
  t.user.append({ ID: 3, ACTIVE: true, NAME: "John", LAST_NAME: "Smith", EMAIL: "test@gmail.com", DATE_REGISTER: T, LAST_LOGIN: null, IS_ONLINE: false, UF_DEPARTMENT: [1], USER_TYPE: "employee" });
  t.deal.append({
    ID: 410, TITLE: "New Deal #1", TYPE_ID: "COMPLEX", CATEGORY_ID: 0, STAGE_ID: "PREPARATION", STAGE_SEMANTIC_ID: "P", CLOSED: false,
    PROBABILITY: 99, OPPORTUNITY: 1_000_000, CURRENCY_ID: "EUR", IS_MANUAL_OPPORTUNITY: true, LEAD_ID: null, CONTACT_ID: 84, COMPANY_ID: 9,
    BEGINDATE: T, CLOSEDATE: T, DATE_CREATE: T, DATE_MODIFY: T, MOVED_TIME: T, MOVED_BY_ID: 1, ASSIGNED_BY_ID: 1, CREATED_BY_ID: 1,
    MODIFY_BY_ID: 1, OPENED: true, IS_NEW: false, IS_RETURN_CUSTOMER: false, IS_REPEATED_APPROACH: false, IS_RECURRING: false,
    SOURCE_ID: "CALLBACK", UTM_SOURCE: "google", UTM_MEDIUM: "CPC", UTM_CAMPAIGN: null, LAST_ACTIVITY_TIME: T, UF_CRM_1721244482250: "Hello world!",
  });
  t.lead.append({
    ID: 5, TITLE: "Lead 1", NAME: "Erasmus", LAST_NAME: "Golden", COMPANY_TITLE: null, STATUS_ID: "CONVERTED", STATUS_SEMANTIC_ID: "S",
    SOURCE_ID: "CALL", OPPORTUNITY: 15000, CURRENCY_ID: "USD", ASSIGNED_BY_ID: 1, CREATED_BY_ID: 1, MODIFY_BY_ID: 1, MOVED_BY_ID: 1,
    DATE_CREATE: T, DATE_MODIFY: T, DATE_CLOSED: T, MOVED_TIME: T, CONTACT_ID: 2069, COMPANY_ID: 0, IS_RETURN_CUSTOMER: false,
    HAS_PHONE: true, HAS_EMAIL: true, HAS_IMOL: false, OPENED: true, UTM_SOURCE: null, LAST_ACTIVITY_TIME: T,
    PHONE: [{ VALUE_TYPE: "OTHER", VALUE: "+15454777777" }],
  });
  t.lead.append({ ID: 123, TITLE: "Lead #1591", STATUS_ID: "IN_PROCESS", STATUS_SEMANTIC_ID: "P", DATE_CREATE: T, DATE_MODIFY: T, DATE_CLOSED: null, OPPORTUNITY: 0 });
  t.contact.append({ ID: 14, NAME: "Anastasia", LAST_NAME: "Ilyina", EXPORT: true, ASSIGNED_BY_ID: 6, DATE_CREATE: T, EMAIL: [{ VALUE_TYPE: "WORK", VALUE: "special-for@example.com" }] });
  t.contact.append({ ID: 15, NAME: "Klaus", LAST_NAME: "Weber", COMPANY_ID: 21, PHONE: [{ VALUE_TYPE: "WORK", VALUE: "499152222222" }] });
  t.contact.append({ ID: 75, NAME: "Anastasia", LAST_NAME: "Ilyina", EXPORT: true, ASSIGNED_BY_ID: 6, DATE_CREATE: T, EMAIL: [{ VALUE_TYPE: "WORK", VALUE: "special-for@example.com" }] });
  t.company.append({ ID: 2919, TITLE: "Crossroads", ASSIGNED_BY_ID: 811, COMPANY_TYPE: "CUSTOMER", DATE_CREATE: T, PHONE: [{ VALUE_TYPE: "WORK", VALUE: "+19998887766" }] });
  t.activity.append({
    ID: 20, OWNER_ID: 15, OWNER_TYPE_ID: 3, TYPE_ID: 2, PROVIDER_ID: "VOXIMPLANT_CALL", PROVIDER_TYPE_ID: "CALL", SUBJECT: "Outgoing call",
    CREATED: T, LAST_UPDATED: T, START_TIME: T, END_TIME: T, DEADLINE: T, COMPLETED: true, STATUS: 2, DIRECTION: 2, PRIORITY: 2,
    RESPONSIBLE_ID: 505, AUTHOR_ID: 505, EDITOR_ID: 505, AUTOCOMPLETE_RULE: 0,
  });
  t.dealHistory.append({ ID: 35, TYPE_ID: 1, OWNER_ID: 21, CREATED_TIME: T, CATEGORY_ID: 0, STAGE_SEMANTIC_ID: "P", STAGE_ID: "NEW" });
  t.leadHistory.append({ ID: 7, TYPE_ID: 1, OWNER_ID: 5, CREATED_TIME: T, STATUS_ID: "NEW", STATUS_SEMANTIC_ID: "P" });
  data.categories.push({ id: 0, name: "General", sort: 300, isDefault: true, createdTime: T }, { id: 9, name: "Funnel", sort: 200, isDefault: false, createdTime: T });
  data.workflowTemplates.push({ ID: 525, MODULE_ID: "crm", ENTITY: "CCrmDocumentDeal", DOCUMENT_TYPE: ["crm", "CCrmDocumentDeal", "DEAL"], AUTO_EXECUTE: 0, NAME: "Display Time", MODIFIED: T, USER_ID: 503, SYSTEM_CODE: "rest_app_5" });
  data.userFields.push({ ID: 1, ENTITY_ID: "CRM_DEAL", FIELD_NAME: "UF_CRM_1721244482250", USER_TYPE_ID: "string", MANDATORY: false, LABEL: "Greeting", createdTime: T });
  data.currencies.push(
    { CURRENCY: "USD", AMOUNT_CNT: 1, AMOUNT: 1, BASE: true, SORT: 100, FULL_NAME: "United States Dollar" },
    { CURRENCY: "EUR", AMOUNT_CNT: 1, AMOUNT: 78.32, BASE: false, SORT: 300, FULL_NAME: "Euro" },
  );
  return data;
}

beforeAll(async () => {
  emu = await startEmulator({
    clock: createManualClock(T),
    apps: [FULL, CRM_ONLY],
    portals: [{ name: "c", data: buildData(), baseCurrency: "USD", timeZone: "Europe/Berlin" }],
  });
  const p = emu.portal("c");
  endpoint = p.clientEndpoint;
  token = p.issueTokens().access_token;
  crmOnlyToken = p.issueTokens({ clientId: CRM_ONLY.clientId }).access_token;
  // Something in the offline queue for event.offline.get / list.
  await callRest(endpoint, "event.bind", { event: "ONCRMLEADADD", event_type: "offline" }, token);
  p.createRecord("lead", { TITLE: "queued" });
  p.createRecord("lead", { TITLE: "queued too" });
});

afterAll(async () => {
  await emu.close();
});

const fieldNames = (entity: EntityName, extra: string[] = []) => new Set([...ENTITY_FIELDS[entity].map((f) => f.name), ...extra]);

/** Record keys are compared only where they are in our field list; everything else in full. */
function recordFilter(fields: Set<string>, recordPaths: string[]) {
  return (path: string, key: string) => !recordPaths.includes(path) || fields.has(key);
}

interface Case {
  fixture: string;
  method: string;
  params: Record<string, unknown>;
  entity?: EntityName;
  recordPaths?: string[];
  extraFields?: string[];
  ignore?: string[];
  status?: number;
  useToken?: () => string;
}

const cases: Case[] = [
  { fixture: "app-info.json", method: "app.info", params: {} },
  { fixture: "scope.json", method: "scope", params: { full: true } },
  { fixture: "user-current.json", method: "user.current", params: {}, entity: "user", recordPaths: ["result"] },
  { fixture: "user-get.json", method: "user.get", params: {}, entity: "user", recordPaths: ["result[]"] },
  { fixture: "crm-settings-mode-get.json", method: "crm.settings.mode.get", params: {} },
  { fixture: "crm-status-list.json", method: "crm.status.list", params: { order: { SORT: "ASC" }, filter: { ENTITY_ID: "DEAL_STAGE" } } },
  { fixture: "crm-category-list.json", method: "crm.category.list", params: { entityTypeId: 2 } },
  { fixture: "crm-currency-list.json", method: "crm.currency.list", params: { order: { sort: "asc" } } },
  {
    fixture: "crm-deal-list.json",
    method: "crm.deal.list",
    params: { SELECT: ["ID", "TITLE", "TYPE_ID", "CATEGORY_ID", "STAGE_ID", "OPPORTUNITY", "IS_MANUAL_OPPORTUNITY", "ASSIGNED_BY_ID", "DATE_CREATE"] },
    entity: "deal",
    recordPaths: ["result[]"],
  },
  { fixture: "crm-deal-get.json", method: "crm.deal.get", params: { ID: 410 }, entity: "deal", recordPaths: ["result"], extraFields: ["UF_CRM_1721244482250"] },
  { fixture: "crm-lead-list.json", method: "crm.lead.list", params: { select: ["*", "UF_*"] }, entity: "lead", recordPaths: ["result[]"], ignore: ["next"] },
  { fixture: "crm-lead-get.json", method: "crm.lead.get", params: { ID: 5 }, entity: "lead", recordPaths: ["result"] },
  {
    fixture: "crm-contact-list.json",
    method: "crm.contact.list",
    params: { FILTER: { "=%NAME": "A%" }, SELECT: ["ID", "NAME", "LAST_NAME", "EMAIL", "EXPORT", "ASSIGNED_BY_ID", "DATE_CREATE"] },
    entity: "contact",
    recordPaths: ["result[]"],
  },
  {
    fixture: "crm-company-list.json",
    method: "crm.company.list",
    params: { FILTER: { COMPANY_TYPE: "CUSTOMER", ">=DATE_CREATE": "2024-01-01" }, SELECT: ["TITLE", "ASSIGNED_BY_ID", "PHONE"] },
    entity: "company",
    recordPaths: ["result[]"],
  },
  {
    fixture: "crm-activity-list.json",
    method: "crm.activity.list",
    params: { order: { ID: "DESC" }, select: ["*", "COMMUNICATIONS"] },
    entity: "activity",
    recordPaths: ["result[]"],
    extraFields: ["COMMUNICATIONS"],
    // The docs' example has operating_reset_at as a date string; everywhere else it is a Unix time.
    ignore: ["time.operating_reset_at", "next"],
  },
  {
    fixture: "crm-activity-list-communications.json",
    method: "crm.activity.list",
    params: { filter: { ID: "20" }, select: ["*", "COMMUNICATIONS"] },
    entity: "activity",
    recordPaths: ["result[]"],
    extraFields: ["COMMUNICATIONS"],
  },
  { fixture: "crm-stagehistory-list.json", method: "crm.stagehistory.list", params: { entityTypeId: 2, order: { ID: "ASC" } } },
  {
    fixture: "bizproc-workflow-template-list.json",
    method: "bizproc.workflow.template.list",
    params: { select: ["ID", "NAME", "USER_ID", "SYSTEM_CODE"], order: { ID: "DESC" } },
  },
  { fixture: "event-bind.json", method: "event.bind", params: { event: "ONCRMLEADADD", handler: "https://www.my-domain.com/handler/" } },
  { fixture: "event-get.json", method: "event.get", params: {} },
  // The docs' offline examples show EVENT_DATA as false; real rows carry the event's data ({FIELDS: {ID}}).
  { fixture: "event-offline-get.json", method: "event.offline.get", params: { clear: 0, limit: 1 }, ignore: ["result.events[].EVENT_DATA"] },
  { fixture: "event-offline-list.json", method: "event.offline.list", params: {}, ignore: ["result[].EVENT_DATA"] },
  { fixture: "event-offline-clear.json", method: "event.offline.clear", params: { process_id: "p1" } },
  // Error envelopes.
  { fixture: "error-empty-code-filter-must-be-array.json", method: "crm.deal.list", params: { filter: "abc" }, status: 400 },
  { fixture: "error-empty-code-not-found.json", method: "crm.lead.get", params: { id: 999 }, status: 400 },
  { fixture: "error-numeric-code-0.json", method: "crm.stagehistory.list", params: { entityTypeId: 7 }, status: 400 },
  { fixture: "error-not-found-smart-process.json", method: "crm.category.list", params: { entityTypeId: 1234 }, status: 400 },
  { fixture: "error-event-not-found.json", method: "event.bind", params: { event: "ONNOTHING", handler: "https://x.example/" }, status: 400 },
  { fixture: "error-handler-already-exist.json", method: "event.bind", params: { event: "ONCRMLEADADD", handler: "https://www.my-domain.com/handler/" }, status: 400 },
];

describe("answers have the shape of the official examples", () => {
  it.each(cases)("$method like $fixture", async (c) => {
    const answer = await callRest(endpoint, c.method, c.params, (c.useToken ?? (() => token))());
    expect(answer.status).toBe(c.status ?? 200);
    const expected = fixture(c.fixture);
    const fields = c.entity ? fieldNames(c.entity, c.extraFields) : new Set<string>();
    const diff = shapeDiff(expected, answer.body, {
      ignore: c.ignore,
      keyFilter: c.recordPaths ? recordFilter(fields, c.recordPaths) : undefined,
    });
    expect(diff).toEqual([]);
    if (c.status) expect(answer.body.error).toBe(expected.error);
  });

  it("crm.deal.fields describes our fields with the documented types", async () => {
    const answer = await callRest(endpoint, "crm.deal.fields", {}, token);
    const expected = fixture("crm-deal-fields.json");
    const fields = fieldNames("deal");
    expect(shapeDiff(expected, answer.body, { keyFilter: recordFilter(fields, ["result"]) })).toEqual([]);
    const ours = (answer.body.result as Record<string, { type: string; statusType?: string }>);
    const theirs = expected.result as Record<string, { type: string; statusType?: string }>;
    for (const name of fields) {
      if (!theirs[name]) continue;
      expect({ name, type: ours[name].type, statusType: ours[name].statusType }).toEqual({ name, type: theirs[name].type, statusType: theirs[name].statusType });
    }
  });

  it("batch like batch-success.json", async () => {
    const answer = await callRest(endpoint, "batch", { halt: 0, cmd: { get_user: "user.current", get_department: "crm.deal.list?select[]=ID" } }, token);
    expect(answer.status).toBe(200);
    const expected = fixture("batch-success.json");
    // department.get is not emulated: compare the envelope and the user.current part.
    const result = expected.result as Record<string, Record<string, unknown>>;
    delete result.result.get_department;
    const diff = shapeDiff(expected, answer.body, { keyFilter: recordFilter(fieldNames("user"), ["result.result.get_user"]) });
    expect(diff).toEqual([]);
  });

  it.each([
    ["batch-with-errors.json", 0, 2],
    ["batch-with-errors-halt.json", 1, 1],
  ])("batch like %s (halt=%i)", async (name, halt, errors) => {
    const answer = await callRest(endpoint, "batch", { halt, cmd: { get_user: "user.current", get_department: "user.get?ID=1" } }, crmOnlyToken);
    expect(answer.status).toBe(200);
    expect(shapeDiff(fixture(name), answer.body)).toEqual([]);
    const body = answer.body.result as Record<string, unknown>;
    expect(Object.keys(body.result_error as object)).toHaveLength(errors);
    expect(body.result).toEqual([]);
    expect(body.result_time).toEqual([]);
  });
});
