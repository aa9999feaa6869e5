import { describe, expect, it } from "vitest";
import type { z } from "zod";
import { ENTITY_FIELDS, type EntityName } from "./emulator/types";
import { Bitrix24Error } from "./errors";
import {
  batchResult,
  parseInstant,
  responseTime,
  restEnvelope,
  wireBool,
  wireDate,
  wireInstant,
  wireInt,
  wireLooseInstant,
  wireNumber,
  wireRef,
} from "./schemas";
import {
  activityRecord,
  categoryRecord,
  companyRecord,
  contactRecord,
  currencyRates,
  currencyRecord,
  dealRecord,
  entityFields,
  leadRecord,
  parseRows,
  stageHistoryRecord,
  statusRecord,
  userFieldRecord,
  userRecord,
  workflowTemplateRecord,
} from "./transforms";
import { fixture, fixtureNames } from "./testing/fixtures";

type Envelope = { result: unknown };
const resultOf = (name: string) => fixture<Envelope>(name).result;
const rowsOf = (name: string) => resultOf(name) as unknown[];

describe("scalar codecs", () => {
  it.each([
    ["37", 37],
    [37, 37],
    ["0", 0],
    ["-5", -5],
    ["", null],
    [null, null],
    [undefined, null],
  ])("wireInt(%j) → %j", (input, out) => expect(wireInt.parse(input)).toBe(out));

  it.each(["abc", "1.5", "12a", true])("wireInt rejects %j", (input) => {
    expect(wireInt.safeParse(input).success).toBe(false);
  });

  it("wireRef treats 0 as none", () => {
    expect(wireRef.parse("0")).toBeNull();
    expect(wireRef.parse("84")).toBe(84);
  });

  it.each([
    ["1000.00", 1000],
    ["19999.99", 19999.99],
    [999.9, 999.9],
    ["68.7900", 68.79],
    ["", null],
    [null, null],
  ])("wireNumber(%j) → %j", (input, out) => expect(wireNumber.parse(input)).toBe(out));

  it("wireNumber rejects text", () => expect(wireNumber.safeParse("n/a").success).toBe(false));

  it.each([
    ["Y", true],
    ["N", false],
    [true, true],
    [false, false],
    ["1", true],
    ["0", false],
    [1, true],
    [0, false],
    ["", null],
    [null, null],
  ])("wireBool(%j) → %j", (input, out) => expect(wireBool.parse(input)).toBe(out));

  it("wireBool rejects anything else", () => expect(wireBool.safeParse("maybe").success).toBe(false));

  it.each([
    ["2024-09-02T18:37:18+02:00", Date.UTC(2024, 8, 2, 16, 37, 18)],
    ["2024-04-25T14:59:11+00:00", Date.UTC(2024, 3, 25, 14, 59, 11)],
    ["2020-09-27T13:26:55+03:00", Date.UTC(2020, 8, 27, 10, 26, 55)],
    ["2026-01-27T10:27:39Z", Date.UTC(2026, 0, 27, 10, 27, 39)],
    ["", null],
    [null, null],
    [{}, null],
  ])("wireInstant(%j) → %j", (input, out) => expect(wireInstant.parse(input)).toBe(out));

  it("wireInstant refuses date-times without an offset, wireLooseInstant returns null for them", () => {
    expect(wireInstant.safeParse("2024-07-23 08:08:50").success).toBe(false);
    expect(wireInstant.safeParse("24.08.2023 13:19:39").success).toBe(false);
    expect(wireLooseInstant.parse("2024-07-23 08:08:50")).toBeNull();
    expect(parseInstant("2024-07-23T08:08:50")).toBeNull();
  });

  it("wireDate keeps the calendar date as written", () => {
    expect(wireDate.parse("2024-08-30T02:00:00+02:00")).toBe("2024-08-30");
    expect(wireDate.parse("2024-08-30T00:00:00+03:00")).toBe("2024-08-30");
    expect(wireDate.parse("")).toBeNull();
  });
});

describe("envelope", () => {
  it.each(fixtureNames("").filter((n) => !n.startsWith("error-") && !n.startsWith("oauth-") && !n.startsWith("event-on")))(
    "%s parses as an envelope with a normalised time",
    (name) => {
      const env = restEnvelope.parse(fixture(name));
      expect(env.result).toBeDefined();
      if (env.time) expect(typeof env.time.start === "number" || env.time.start === undefined).toBe(true);
    },
  );

  it("accepts operating_reset_at as unix seconds or ISO", () => {
    expect(responseTime.parse(fixture<{ time: unknown }>("crm-company-list.json").time).operatingResetAt).toBe(1769499459);
    expect(responseTime.parse(fixture<{ time: unknown }>("crm-activity-list.json").time).operatingResetAt).toBe(
      Date.parse("2024-08-26T16:11:37+03:00") / 1000,
    );
  });

  it("reads batch results, including PHP's [] for empty maps", () => {
    const ok = batchResult.parse(resultOf("batch-success.json"));
    expect(Object.keys(ok.result)).toEqual(["get_user", "get_department"]);
    expect(ok.result_error).toEqual({});
    expect(ok.result_next).toEqual({});
    expect(ok.result_total).toEqual({ get_department: 1 });
    expect(ok.result_time.get_user?.duration).toBeCloseTo(0.0032, 4);
    const failed = batchResult.parse(resultOf("batch-with-errors.json"));
    expect(failed.result).toEqual({});
    expect(Object.keys(failed.result_error)).toEqual(["get_user", "get_department"]);
  });
});

describe("deals", () => {
  it("crm-deal-get.json", () => {
    const deal = dealRecord.parse(resultOf("crm-deal-get.json"));
    expect(deal).toMatchObject({
      id: 410,
      title: "New Deal #1",
      typeId: "COMPLEX",
      stageId: "PREPARATION",
      stageSemantic: "P",
      categoryId: 0,
      probability: 99,
      currencyId: "EUR",
      opportunity: 1000000,
      isManualOpportunity: true,
      leadId: null,
      companyId: 9,
      contactId: 84,
      beginDate: "2024-08-30",
      closeDate: "2024-09-09",
      createdAt: Date.parse("2024-08-30T14:29:00+02:00"),
      modifiedAt: Date.parse("2024-08-30T14:29:00+02:00"),
      movedAt: Date.parse("2024-08-30T14:29:00+02:00"),
      assignedById: 1,
      opened: true,
      closed: false,
      isNew: false,
      isRecurring: false,
      isReturnCustomer: false,
      isRepeatedApproach: false,
      sourceId: "CALLBACK",
      utmSource: "google",
      utmCampaign: null,
      userFields: { UF_CRM_1721244482250: "Hello world!" },
    });
  });

  it("crm-deal-list.json: only selected fields, the rest null", () => {
    const deals = parseRows(dealRecord, rowsOf("crm-deal-list.json"));
    expect(deals.length).toBeGreaterThan(3);
    expect(deals[0]).toMatchObject({
      id: 37,
      categoryId: 1,
      stageId: "C1:NEW",
      opportunity: 19999.99,
      assignedById: 1,
      stageSemantic: null,
      closed: null,
      modifiedAt: null,
    });
    expect(deals[1].opportunity).toBe(20000);
  });
});

describe("leads", () => {
  it("crm-lead-list.json", () => {
    const leads = parseRows(leadRecord, rowsOf("crm-lead-list.json"));
    expect(leads).toHaveLength(2);
    expect(leads[0]).toMatchObject({
      id: 5,
      statusId: "CONVERTED",
      statusSemantic: "S",
      companyId: null,
      contactId: 2069,
      opportunity: 15000,
      currencyId: "USD",
      hasPhone: true,
      hasImol: false,
      closedAt: Date.parse("2021-07-16T16:43:44+02:00"),
      sourceId: "CALL",
    });
    expect(leads[0].userFields).toEqual({
      UF_CRM_1704817278: null,
      UF_CRM_1706782596092: null,
      UF_CRM_1708952993785: false,
    });
  });

  it("crm-lead-get.json keeps phone numbers", () => {
    const lead = leadRecord.parse(resultOf("crm-lead-get.json"));
    expect(lead.id).toBeGreaterThan(0);
    expect(Array.isArray(lead.phones)).toBe(true);
    expect(lead.phones!.length).toBeGreaterThan(0);
  });
});

describe("contacts and companies", () => {
  it("crm-contact-list.json", () => {
    const contacts = parseRows(contactRecord, rowsOf("crm-contact-list.json"));
    expect(contacts).toHaveLength(5);
    expect(contacts[0]).toMatchObject({
      id: 75,
      name: "Anastasia",
      export: true,
      assignedById: 6,
      emails: ["special-for@example.com"],
      phones: null,
      createdAt: Date.parse("2024-02-26T00:00:00+02:00"),
    });
  });

  it("crm-company-list.json", () => {
    const [company] = parseRows(companyRecord, rowsOf("crm-company-list.json"));
    expect(company).toMatchObject({ id: 2919, title: "Crossroads", assignedById: 811, phones: ["+19998887766"] });
  });
});

describe("activities", () => {
  it("crm-activity-list.json", () => {
    const [a] = parseRows(activityRecord, rowsOf("crm-activity-list.json"));
    expect(a).toMatchObject({
      id: 20,
      ownerId: 15,
      ownerTypeId: 3,
      typeId: 2,
      providerId: "VOXIMPLANT_CALL",
      providerTypeId: "CALL",
      completed: true,
      status: 2,
      direction: 2,
      priority: 2,
      responsibleId: 505,
      autocompleteRule: 0,
      createdAt: Date.parse("2020-09-27T13:26:55+03:00"),
      lastUpdatedAt: Date.parse("2021-03-21T20:28:24+03:00"),
    });
  });

  it.each(["crm-activity-list-communications.json", "crm-activity-list-files.json"])("%s parses", (name) => {
    const rows = parseRows(activityRecord, rowsOf(name));
    expect(rows.length).toBeGreaterThan(0);
    expect(rows[0].id).toBeGreaterThan(0);
  });
});

describe("stage history", () => {
  it("crm-stagehistory-list.json (deal)", () => {
    const items = (resultOf("crm-stagehistory-list.json") as { items: unknown[] }).items;
    const [h] = parseRows(stageHistoryRecord, items);
    expect(h).toEqual({
      id: 35,
      typeId: 1,
      ownerId: 21,
      createdAt: Date.UTC(2024, 3, 25, 14, 59, 11),
      categoryId: 0,
      stageId: "NEW",
      stageSemantic: "P",
    });
  });

  it("a lead row reads STATUS_ID into stageId", () => {
    const h = stageHistoryRecord.parse({
      ID: 7,
      TYPE_ID: 3,
      OWNER_ID: 5,
      CREATED_TIME: "2024-04-25T14:59:11+00:00",
      STATUS_ID: "CONVERTED",
      STATUS_SEMANTIC_ID: "S",
    });
    expect(h).toMatchObject({ stageId: "CONVERTED", stageSemantic: "S", categoryId: null });
  });
});

describe("users", () => {
  it("user-get.json", () => {
    const users = parseRows(userRecord, rowsOf("user-get.json"));
    expect(users).toEqual([
      {
        id: 1,
        active: true,
        name: "Vadim",
        lastName: "Valeev",
        email: "v.r.valeev@bitrix.com",
        workPosition: "",
        registeredAt: Date.UTC(2024, 6, 15),
        lastLoginAt: Date.UTC(2024, 6, 25, 13, 6, 54),
        isOnline: true,
        departmentIds: [1],
        userType: "employee",
      },
      expect.objectContaining({ id: 3, isOnline: false, departmentIds: [1] }),
    ]);
  });

  it("user-current.json and the batch's user.current parse despite odd date formats", () => {
    expect(userRecord.parse(resultOf("user-current.json")).id).toBe(3);
    const batch = resultOf("batch-success.json") as { result: { get_user: unknown } };
    expect(userRecord.parse(batch.result.get_user)).toMatchObject({ id: 1, active: true, isOnline: true });
  });
});

describe("directories", () => {
  it("crm-status-list.json: semantics from EXTRA", () => {
    const statuses = parseRows(statusRecord, rowsOf("crm-status-list.json"));
    expect(statuses[0]).toMatchObject({
      id: 101,
      entityId: "DEAL_STAGE",
      statusId: "NEW",
      sort: 10,
      system: true,
      categoryId: null,
      semantics: "process",
    });
    const sem = new Set(statuses.map((s) => s.semantics));
    expect(sem).toEqual(new Set(["process", "success", "failure", "apology"]));
    expect(statuses.find((s) => s.semantics === "apology")?.statusId).toBeTruthy();
  });

  it("falls back to S/F SEMANTICS without EXTRA", () => {
    const base = { ID: "1", ENTITY_ID: "DYNAMIC_128_STAGE_1", STATUS_ID: "X", NAME: "x", SORT: "1", SYSTEM: "N" };
    expect(statusRecord.parse({ ...base, SEMANTICS: "S" }).semantics).toBe("success");
    expect(statusRecord.parse({ ...base, SEMANTICS: "F" }).semantics).toBe("failure");
    expect(statusRecord.parse({ ...base, SEMANTICS: null }).semantics).toBeNull();
  });

  it("crm-category-list.json", () => {
    const cats = parseRows(categoryRecord, (resultOf("crm-category-list.json") as { categories: unknown[] }).categories);
    expect(cats).toHaveLength(4);
    expect(cats[3]).toEqual({ id: 0, name: "General", sort: 300, entityTypeId: 2, isDefault: true });
    expect(cats[0].isDefault).toBe(false);
  });

  it("crm-currency-list.json and rates to the base currency", () => {
    const currencies = parseRows(currencyRecord, rowsOf("crm-currency-list.json"));
    expect(currencies[0]).toEqual({
      currency: "USD",
      amountCnt: 1,
      amount: 1,
      base: true,
      sort: 100,
      fullName: "United States Dollar",
    });
    const rates = currencyRates(currencies);
    expect(rates.get("USD")).toBe(1);
    expect(rates.get("EUR")).toBe(78.32);
    expect(rates.get("CAD")).toBe(32.2);
  });

  it("bizproc-workflow-template-list.json", () => {
    const t = parseRows(workflowTemplateRecord, rowsOf("bizproc-workflow-template-list.json"));
    expect(t[0]).toEqual({
      id: 525,
      moduleId: null,
      entity: null,
      documentType: null,
      autoExecute: null,
      name: "Display Time",
      modifiedAt: null,
      userId: 503,
      systemCode: "rest_app_5",
    });
  });

  it("workflow templates with every field", () => {
    const t = workflowTemplateRecord.parse({
      ID: "3",
      MODULE_ID: "crm",
      ENTITY: "CCrmDocumentDeal",
      DOCUMENT_TYPE: ["crm", "CCrmDocumentDeal", "DEAL"],
      AUTO_EXECUTE: "1",
      NAME: "On create",
      MODIFIED: "2025-01-22T11:50:22+02:00",
      USER_ID: "1",
      SYSTEM_CODE: null,
    });
    expect(t).toMatchObject({ autoExecute: 1, documentType: ["crm", "CCrmDocumentDeal", "DEAL"] });
    expect(t.modifiedAt).toBe(Date.parse("2025-01-22T11:50:22+02:00"));
  });

  it("crm-deal-fields.json", () => {
    const fields = entityFields.parse(resultOf("crm-deal-fields.json"));
    const byName = new Map(fields.map((f) => [f.name, f]));
    expect(byName.get("STAGE_ID")).toMatchObject({ type: "crm_status", statusType: "DEAL_STAGE", isUserField: false });
    expect(byName.get("CONTACT_ID")?.isDeprecated).toBe(true);
    expect(byName.get("CONTACT_IDS")?.isMultiple).toBe(true);
    expect(byName.get("ID")?.isReadOnly).toBe(true);
  });

  it("user field definitions with per-language labels", () => {
    const uf = userFieldRecord.parse({
      ID: "101",
      ENTITY_ID: "CRM_DEAL",
      FIELD_NAME: "UF_CRM_1721244482250",
      USER_TYPE_ID: "string",
      MULTIPLE: "N",
      MANDATORY: "Y",
      SORT: "100",
      EDIT_FORM_LABEL: { en: "Goal", ru: "Цель" },
      LIST_COLUMN_LABEL: [],
    });
    expect(uf).toEqual({
      id: 101,
      entityId: "CRM_DEAL",
      fieldName: "UF_CRM_1721244482250",
      userTypeId: "string",
      multiple: false,
      mandatory: true,
      sort: 100,
      label: { en: "Goal", ru: "Цель" },
    });
  });
});

describe("coverage of the emulator's fields", () => {
  const schemas: Record<EntityName, z.ZodType> = {
    deal: dealRecord,
    lead: leadRecord,
    contact: contactRecord,
    company: companyRecord,
    activity: activityRecord,
    user: userRecord,
    leadHistory: stageHistoryRecord,
    dealHistory: stageHistoryRecord,
  };
  it.each(Object.keys(ENTITY_FIELDS) as EntityName[])("%s: every field is read", (entity) => {
    const shape = (schemas[entity] as unknown as { in: { shape: Record<string, unknown> } }).in.shape;
    // user.get's EMAIL is a plain string; the CRM multi-field EMAIL is read as a list elsewhere.
    const missing = ENTITY_FIELDS[entity].map((f) => f.name).filter((name) => !(name in shape));
    expect(missing).toEqual([]);
  });
});

describe("parseRows", () => {
  it("names the bad row and field", () => {
    try {
      parseRows(dealRecord, [{ ID: "1" }, { ID: "2", OPPORTUNITY: "lots" }]);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(Bitrix24Error);
      expect((e as Bitrix24Error).kind).toBe("malformed");
      expect((e as Bitrix24Error).description).toContain("row 1: OPPORTUNITY");
    }
  });
});
