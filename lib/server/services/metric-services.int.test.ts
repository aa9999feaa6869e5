import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db";
import {
  clientMetricSettings,
  clientMetricStates,
  clients,
  metricBaselines,
  metricInputs,
  metricSnapshots,
  metricTargets,
  mirrorStatuses,
  processInventoryItems,
} from "@/db/schema";
import { createTestDatabase, testDbKind } from "@/db/testing";
import { insertMirror } from "@/lib/server/metrics/testing";
import { recomputeClientMetrics } from "@/lib/server/metrics/recompute";
import { makePortalConnection } from "@/lib/server/sync/testing";
import { systemContext, type TenantContext } from "@/lib/server/tenant";
import { getMetricDrilldown } from "./metric-drilldown";
import { deleteTarget, listBaselines, listTargets, setBaseline, setTarget } from "./metric-goals";
import { checkImport, importMetricCsv, importTemplate } from "./metric-import";
import { getMonthlyInputs, listMonthlyInputs, saveMonthlyInputs } from "./metric-inputs";
import { getMetricsOverview, requestRecomputeNow } from "./metric-overview";
import { getMetricSettings, listLossStageOptions, updateMetricSettings, type MetricSettingsInput } from "./metric-settings";
import { addCustomProcess, decideProcess, listInventory, removeCustomProcess } from "./process-inventory";
import { addMember, auditActions, makeOrg } from "./test-helpers";

const NOW = Date.parse("2024-04-15T12:00:00Z");

async function expectCode(promise: Promise<unknown>, code: string) {
  await expect(promise).rejects.toMatchObject({ code });
}

describe(`metric services (${testDbKind})`, () => {
  let database: Database;
  let a: { ctx: TenantContext; clientId: string; orgId: string };
  let b: { ctx: TenantContext; clientId: string; orgId: string };

  beforeAll(async () => {
    database = await createTestDatabase();
    const orgA = await makeOrg(database.db, "A");
    const orgB = await makeOrg(database.db, "B");
    const keyA = await makePortalConnection(database.db, { orgId: orgA.org.id, domain: "a.bitrix24.ru", clientEndpoint: "https://a.bitrix24.ru/rest/" });
    const keyB = await makePortalConnection(database.db, { orgId: orgB.org.id });
    a = { ctx: orgA.ctx, clientId: keyA.clientId, orgId: orgA.org.id };
    b = { ctx: orgB.ctx, clientId: keyB.clientId, orgId: orgB.org.id };
    await database.db.update(clients).set({ timeZone: "Europe/Moscow", goLiveDate: "2024-03-01" }).where(eq(clients.id, a.clientId));
    await insertMirror(database.db, keyA, {
      currencies: [{ currency: "RUB", amount: 1, base: true }],
      leads: [
        { id: 1, created: "2024-01-10T10:00:00Z", semantic: "S", closed: "2024-01-12T09:00:00Z" },
        { id: 2, created: "2024-01-20T10:00:00Z", semantic: "F", closed: "2024-01-25T10:00:00Z" },
      ],
      deals: [
        { id: 1, created: "2024-01-12T09:00:00Z", semantic: "S", leadId: 1, companyId: 100, amount: 1000 },
        { id: 2, created: "2024-02-12T09:00:00Z", semantic: "F", companyId: 100, amount: 700, stageId: "C1:LOSE" },
      ],
      dealHistory: [
        { id: 1, ownerId: 1, created: "2024-01-20T10:00:00Z", typeId: 3, semantic: "S" },
        { id: 2, ownerId: 2, created: "2024-02-20T10:00:00Z", typeId: 3, semantic: "F", stageId: "C1:LOSE" },
      ],
      activities: [
        { id: 1, ownerType: 1, ownerId: 1, created: "2024-01-10T10:00:00Z", typeId: 2, providerId: "VOXIMPLANT_CALL", direction: 1 },
        { id: 2, ownerType: 1, ownerId: 1, created: "2024-01-10T10:12:00Z", typeId: 2, providerId: "VOXIMPLANT_CALL", direction: 2, completed: true },
      ],
    });
    await database.db.insert(mirrorStatuses).values([
      { orgId: a.orgId, connectionId: keyA.connectionId, id: 1, entityId: "DEAL_STAGE_1", statusId: "C1:LOSE", name: "Lost", semantics: "failure", semanticId: "F", categoryId: 1 },
      { orgId: a.orgId, connectionId: keyA.connectionId, id: 2, entityId: "STATUS", statusId: "JUNK", name: "Junk", semantics: "failure", semanticId: "F" },
      { orgId: a.orgId, connectionId: keyA.connectionId, id: 3, entityId: "STATUS", statusId: "NEW", name: "New", semantics: "process", semanticId: "P" },
    ]);
    await recomputeClientMetrics(systemContext(database.db, a.orgId), a.clientId, { now: NOW });
  });
  afterAll(() => database.close());

  const pendingOf = async (clientId: string) => {
    const [s] = await database.db.select().from(clientMetricStates).where(eq(clientMetricStates.clientId, clientId));
    return s;
  };

  describe("manual inputs", () => {
    it("saves a month, parses decimal commas, and asks for a recompute from that month", async () => {
      await saveMonthlyInputs(a.ctx, a.clientId, { month: "2024-02", marketingSpend: "12 500,50", crmLicence: "3000", implementationCost: "", amortisationMonths: "" });
      expect(await getMonthlyInputs(a.ctx, a.clientId, "2024-02")).toMatchObject({ marketingSpend: 12500.5, crmLicence: 3000, implementationCost: null });
      expect((await pendingOf(a.clientId)).pendingFrom).toBe("2024-02-01");
      expect((await auditActions(database.db, a.orgId, "metrics.inputs_saved")).at(-1)?.details).toMatchObject({ month: "2024-02", outcome: "saved" });
    });

    it.each([
      [{ month: "2024-13" }, "month", "month"],
      [{ month: "2024-02", marketingSpend: "-5" }, "marketingSpend", "positive"],
      [{ month: "2024-02", marketingSpend: "abc" }, "marketingSpend", "number"],
      [{ month: "2024-02", fulfilmentRate: "1.5" }, "fulfilmentRate", "share"],
      [{ month: "2024-02", amortisationMonths: "2.5" }, "amortisationMonths", "amortisation"],
      [{ month: "2024-02", amortisationMonths: "0" }, "amortisationMonths", "amortisation"],
    ])("refuses %j (%s: %s)", async (input, field, key) => {
      await expect(saveMonthlyInputs(a.ctx, a.clientId, input)).rejects.toMatchObject({ code: "validation", fields: { [field]: key } });
    });

    it("clears a month whose fields are all empty", async () => {
      await saveMonthlyInputs(a.ctx, a.clientId, { month: "2024-03", marketingSpend: "1" });
      await saveMonthlyInputs(a.ctx, a.clientId, { month: "2024-03" });
      expect((await listMonthlyInputs(a.ctx, a.clientId)).map((m) => m.month)).toEqual(["2024-02"]);
    });

    it("is not for client viewers and analysts' peers of other orgs", async () => {
      const viewer = await addMember(database.db, a.orgId, "client_viewer", a.clientId);
      await expectCode(saveMonthlyInputs(viewer.ctx, a.clientId, { month: "2024-02", marketingSpend: "1" }), "forbidden");
      expect((await getMonthlyInputs(viewer.ctx, a.clientId, "2024-02")).marketingSpend).toBe(12500.5);
      const sales = await addMember(database.db, a.orgId, "sales");
      await expectCode(saveMonthlyInputs(sales.ctx, a.clientId, { month: "2024-02", marketingSpend: "1" }), "forbidden");
    });
  });

  describe("settings", () => {
    it("defaults, then saves and asks for a full recompute", async () => {
      expect(await getMetricSettings(a.ctx, a.clientId)).toEqual({ slaMinutes: 15, activityWindowDays: 365, businessHours: null, orgLossStages: [], fullyLoadedCac: false });
      await updateMetricSettings(a.ctx, a.clientId, {
        slaMinutes: "30",
        activityWindowDays: "180",
        businessHours: "on",
        businessDays: ["1", "2", "3", "4", "5"],
        businessStart: "09:00",
        businessEnd: "18:00",
        orgLossStages: ["C1:LOSE"],
        fullyLoadedCac: "on",
      });
      expect(await getMetricSettings(a.ctx, a.clientId)).toEqual({
        slaMinutes: 30,
        activityWindowDays: 180,
        businessHours: { days: [1, 2, 3, 4, 5], start: "09:00", end: "18:00" },
        orgLossStages: ["C1:LOSE"],
        fullyLoadedCac: true,
      });
      expect((await pendingOf(a.clientId)).pendingFull).toBe(true);
    });

    it("offers the portal's failure stages", async () => {
      expect((await listLossStageOptions(a.ctx, a.clientId)).map((o) => o.statusId)).toEqual(["C1:LOSE", "JUNK"]);
    });

    it.each([
      [{ slaMinutes: "0", activityWindowDays: "365" }, "slaMinutes", "sla"],
      [{ slaMinutes: "", activityWindowDays: "365" }, "slaMinutes", "required"],
      [{ slaMinutes: "15", activityWindowDays: "20" }, "activityWindowDays", "activityWindow"],
      [{ slaMinutes: "15", activityWindowDays: "365", businessHours: "on", businessDays: [], businessStart: "09:00", businessEnd: "18:00" }, "businessDays", "weekdays"],
      [{ slaMinutes: "15", activityWindowDays: "365", businessHours: "on", businessDays: ["1"], businessStart: "18:00", businessEnd: "09:00" }, "businessEnd", "hoursOrder"],
      [{ slaMinutes: "15", activityWindowDays: "365", businessHours: "on", businessDays: ["1"], businessStart: "9am", businessEnd: "18:00" }, "businessStart", "clock"],
      [{ slaMinutes: "15", activityWindowDays: "365", orgLossStages: ["NOPE"] }, "orgLossStages", "choice"],
    ])("refuses %j", async (input, field, key) => {
      await expect(updateMetricSettings(a.ctx, a.clientId, input as MetricSettingsInput)).rejects.toMatchObject({ code: "validation", fields: { [field]: key } });
    });
  });

  describe("process inventory", () => {
    it("seeds the checklist with what the latest month's evidence shows", async () => {
      const { month, items } = await listInventory(a.ctx, a.clientId);
      expect(month).toBe("2024-04");
      expect(items.map((i) => i.key)).toContain("call_logging");
      expect(items.find((i) => i.key === "deadline_reminders")).toMatchObject({ detected: null, status: "manual", source: "default" });
    });

    it("records decisions, custom items and their removal, each asking for a recompute", async () => {
      const { items } = await listInventory(a.ctx, a.clientId);
      const docs = items.find((i) => i.key === "documents_invoices")!;
      await decideProcess(a.ctx, a.clientId, docs.id, { override: "automated", overrideFrom: "2024-02", note: "Invoices by robot", confirm: "on" });
      const after = (await listInventory(a.ctx, a.clientId)).items.find((i) => i.id === docs.id)!;
      expect(after).toMatchObject({ override: "automated", overrideFrom: "2024-02", status: "automated", source: "override", note: "Invoices by robot" });
      expect(after.confirmedAt).not.toBeNull();
      const custom = await addCustomProcess(a.ctx, a.clientId, { name: "Stock sync", override: "automated" });
      await expectCode(addCustomProcess(a.ctx, a.clientId, { name: "stock sync" }), "conflict");
      await expectCode(removeCustomProcess(a.ctx, a.clientId, docs.id), "bad_request");
      await removeCustomProcess(a.ctx, a.clientId, custom.id);
      expect((await listInventory(a.ctx, a.clientId)).items.some((i) => i.id === custom.id)).toBe(false);
      await expect(decideProcess(a.ctx, a.clientId, docs.id, { override: "sometimes" })).rejects.toMatchObject({ fields: { override: "choice" } });
      expect(await auditActions(database.db, a.orgId, "metrics.process_added")).toHaveLength(1);
    });
  });

  describe("baselines and targets", () => {
    it("shows computed baselines and lets an entered one win until cleared", async () => {
      const before = (await listBaselines(a.ctx, a.clientId)).find((r) => r.metric === "lead_conversion")!;
      expect(before).toMatchObject({ source: "computed", computed: 50, effective: 50 });
      await setBaseline(a.ctx, a.clientId, { metric: "lead_conversion", value: "12,5", note: "from Excel" });
      expect((await listBaselines(a.ctx, a.clientId)).find((r) => r.metric === "lead_conversion")).toMatchObject({ source: "manual", entered: 12.5, effective: 12.5, computed: 50 });
      await setBaseline(a.ctx, a.clientId, { metric: "lead_conversion", value: "" });
      expect((await listBaselines(a.ctx, a.clientId)).find((r) => r.metric === "lead_conversion")).toMatchObject({ source: "computed", effective: 50 });
      await expect(setBaseline(a.ctx, a.clientId, { metric: "happiness", value: "1" })).rejects.toMatchObject({ fields: { metric: "metric" } });
    });

    it("keeps one general target and one per month, replacing on save", async () => {
      await setTarget(a.ctx, a.clientId, { metric: "response_time", value: "10" });
      await setTarget(a.ctx, a.clientId, { metric: "response_time", value: "8" });
      await setTarget(a.ctx, a.clientId, { metric: "response_time", month: "2024-05", value: "5" });
      const targets = await listTargets(a.ctx, a.clientId);
      expect(targets.map((t) => [t.metric, t.month, t.value])).toEqual([
        ["response_time", null, 8],
        ["response_time", "2024-05", 5],
      ]);
      await expect(setTarget(a.ctx, a.clientId, { metric: "response_time", value: "" })).rejects.toMatchObject({ fields: { value: "required" } });
      await deleteTarget(a.ctx, a.clientId, targets[1].id);
      expect(await listTargets(a.ctx, a.clientId)).toHaveLength(1);
    });
  });

  describe("CSV import", () => {
    it("offers templates with the right columns", () => {
      const inputs = importTemplate("inputs", NOW, "Europe/Moscow").split("\r\n");
      expect(inputs[0]).toBe("month,marketing_spend,crm_licence,implementation_cost,amortisation_months,sales_salaries,forecast_demand,fulfilment_rate,unit_price,shortfall_factor");
      expect(inputs[12]).toMatch(/^2024-04,/);
      expect(importTemplate("baselines").split("\r\n")[1]).toBe("lead_conversion,,");
      expect(checkImport("inputs", importTemplate("inputs")).rows).toHaveLength(0); // an untouched template imports nothing
    });

    it("imports nothing from a file with a bad row and reports every problem by line", async () => {
      const csv = ["month;marketing_spend;fulfilment_rate", "2024-01;1 000,5;0,9", "2024-13;5;", "2024-02;-1;2", "2024-01;3;"].join("\n");
      const result = await importMetricCsv(a.ctx, a.clientId, "inputs", csv);
      expect(result).toEqual({
        ok: false,
        errors: [
          { line: 3, column: "month", key: "month", params: {} },
          { line: 4, column: "marketing_spend", key: "positive", params: {} },
          { line: 4, column: "fulfilment_rate", key: "share", params: {} },
          { line: 5, column: null, key: "duplicateRow", params: { line: 2 } },
        ],
      });
      expect(await getMonthlyInputs(a.ctx, a.clientId, "2024-01")).toMatchObject({ marketingSpend: null });
    });

    it("refuses unknown and missing columns", async () => {
      expect(await importMetricCsv(a.ctx, a.clientId, "baselines", "metric,valeur\nlead_conversion,3")).toEqual({
        ok: false,
        errors: [
          { line: 1, column: "valeur", key: "unknownColumn" },
          { line: 1, column: "value", key: "missingColumn" },
        ],
      });
    });

    it("imports all rows of a good file, marking baselines and targets as imported", async () => {
      expect(await importMetricCsv(a.ctx, a.clientId, "inputs", "month,marketing_spend,crm_licence\n2024-01,1000.5,200\n2023-12,,\n")).toEqual({ ok: true, imported: 1, skipped: 1 });
      expect(await getMonthlyInputs(a.ctx, a.clientId, "2024-01")).toMatchObject({ marketingSpend: 1000.5, crmLicence: 200 });
      expect((await pendingOf(a.clientId)).pendingFull).toBe(true);
      expect(await importMetricCsv(a.ctx, a.clientId, "baselines", "metric,value,note\nresponse_time,45,Excel 2023\nchurn_rate,,\n")).toEqual({ ok: true, imported: 1, skipped: 1 });
      expect((await listBaselines(a.ctx, a.clientId)).find((r) => r.metric === "response_time")).toMatchObject({ entered: 45, source: "imported" });
      expect(await importMetricCsv(a.ctx, a.clientId, "targets", "metric,month,value\nlead_conversion,,30\nlead_conversion,2024-06,35\n")).toEqual({ ok: true, imported: 2, skipped: 0 });
      expect((await listTargets(a.ctx, a.clientId)).filter((t) => t.metric === "lead_conversion").map((t) => t.source)).toEqual(["imported", "imported"]);
      expect((await auditActions(database.db, a.orgId, "metrics.imported")).map((e) => e.details.kind)).toEqual(["inputs", "baselines", "targets"]);
    });
  });

  describe("overview and drill-down", () => {
    it("tabulates the last months with changes, baselines and targets", async () => {
      const overview = await getMetricsOverview(a.ctx, a.clientId, { months: 4 });
      expect(overview.months).toEqual(["2024-04", "2024-03", "2024-02", "2024-01"]);
      const lead = overview.rows.find((r) => r.key === "lead_conversion")!;
      expect(lead.cells.find((c) => c.month === "2024-01")).toMatchObject({ value: 50, target: 30 });
      expect(lead.cells.find((c) => c.month === "2024-06")).toBeUndefined();
      await requestRecomputeNow(a.ctx, a.clientId);
      expect((await getMetricsOverview(a.ctx, a.clientId)).state.pending).toBe(true);
    });

    it("lists the records behind a month with links to the portal", async () => {
      const won = await getMetricDrilldown(a.ctx, a.clientId, "lead_conversion", "2024-01");
      expect(won.snapshot).toMatchObject({ value: 50, numerator: 1, denominator: 2, definitionVersion: 1 });
      expect(won.lists.map((l) => [l.key, l.total])).toEqual([
        ["wonDeals", 1],
        ["leadsCreated", 2],
      ]);
      expect(won.lists[0].rows[0].record).toEqual({ type: "deal", id: 1, title: null, url: "https://a.bitrix24.ru/crm/deal/details/1/" });
      expect(won.lists[1].rows.map((r) => [r.record.url, r.cells.becameWonDeal])).toEqual([
        ["https://a.bitrix24.ru/crm/lead/details/1/", true],
        ["https://a.bitrix24.ru/crm/lead/details/2/", false],
      ]);
      const response = await getMetricDrilldown(a.ctx, a.clientId, "response_time", "2024-01");
      expect(response.lists[0].rows.map((r) => [r.record.type, r.record.id, r.cells.minutes, r.cells.outcome])).toEqual([
        ["lead", 1, 12, "answered"],
        ["lead", 2, null, "unanswered"],
      ]);
      const lost = await getMetricDrilldown(a.ctx, a.clientId, "lost_deals_cost", "2024-02");
      expect(lost.lists[0].rows.map((r) => [r.record.url, r.cells.stage, r.cells.amountBase])).toEqual([["https://a.bitrix24.ru/crm/deal/details/2/", "C1:LOSE", 700]]);
      const customers = await getMetricDrilldown(a.ctx, a.clientId, "retention_rate", "2024-01");
      expect(customers.lists.find((l) => l.key === "newCustomers")!.rows.map((r) => r.record.url)).toEqual(["https://a.bitrix24.ru/crm/company/details/100/"]);
      await expectCode(getMetricDrilldown(a.ctx, a.clientId, "happiness", "2024-01"), "not_found");
      await expectCode(getMetricDrilldown(a.ctx, a.clientId, "cac", "2024-1"), "not_found");
    });
  });

  describe("tenant isolation: another org's client ids are not found and nothing changes", () => {
    it("for every read and write", async () => {
      const count = async () => ({
        inputs: (await database.db.select().from(metricInputs).where(eq(metricInputs.orgId, b.orgId))).length,
        settings: (await database.db.select().from(clientMetricSettings).where(eq(clientMetricSettings.orgId, b.orgId))).length,
        items: (await database.db.select().from(processInventoryItems).where(eq(processInventoryItems.orgId, b.orgId))).length,
        baselines: (await database.db.select().from(metricBaselines).where(and(eq(metricBaselines.orgId, b.orgId)))).length,
        targets: (await database.db.select().from(metricTargets).where(eq(metricTargets.orgId, b.orgId))).length,
        states: (await database.db.select().from(clientMetricStates).where(eq(clientMetricStates.orgId, b.orgId))).length,
        snapshots: (await database.db.select().from(metricSnapshots).where(eq(metricSnapshots.orgId, b.orgId))).length,
      });
      const before = await count();
      const other = b.clientId;
      const ownItem = (await listInventory(a.ctx, a.clientId)).items[0].id;
      await expectCode(listMonthlyInputs(a.ctx, other), "not_found");
      await expectCode(getMonthlyInputs(a.ctx, other, "2024-01"), "not_found");
      await expectCode(saveMonthlyInputs(a.ctx, other, { month: "2024-01", marketingSpend: "1" }), "not_found");
      await expectCode(getMetricSettings(a.ctx, other), "not_found");
      await expectCode(updateMetricSettings(a.ctx, other, { slaMinutes: "10", activityWindowDays: "100" }), "not_found");
      await expectCode(listLossStageOptions(a.ctx, other), "not_found");
      await expectCode(listInventory(a.ctx, other), "not_found");
      await expectCode(decideProcess(a.ctx, other, ownItem, { override: "manual" }), "not_found");
      await expectCode(addCustomProcess(a.ctx, other, { name: "x" }), "not_found");
      await expectCode(listBaselines(a.ctx, other), "not_found");
      await expectCode(setBaseline(a.ctx, other, { metric: "cac", value: "1" }), "not_found");
      await expectCode(listTargets(a.ctx, other), "not_found");
      await expectCode(setTarget(a.ctx, other, { metric: "cac", value: "1" }), "not_found");
      await expectCode(importMetricCsv(a.ctx, other, "targets", "metric,value\ncac,1\n"), "not_found");
      await expectCode(getMetricsOverview(a.ctx, other), "not_found");
      await expectCode(requestRecomputeNow(a.ctx, other), "not_found");
      await expectCode(getMetricDrilldown(a.ctx, other, "cac", "2024-01"), "not_found");
      await expectCode(recomputeClientMetrics(a.ctx, other, { now: NOW }), "not_found");
      // B's items and targets through A's own client id
      const bItems = (await listInventory(b.ctx, b.clientId)).items;
      await setTarget(b.ctx, b.clientId, { metric: "cac", value: "5" });
      const bTarget = (await listTargets(b.ctx, b.clientId))[0];
      const mid = await count();
      await expectCode(decideProcess(a.ctx, a.clientId, bItems[0].id, { override: "manual" }), "not_found");
      await expectCode(removeCustomProcess(a.ctx, a.clientId, bItems[0].id), "not_found");
      await expectCode(deleteTarget(a.ctx, a.clientId, bTarget.id), "not_found");
      await expectCode(deleteTarget(a.ctx, a.clientId, "not-a-uuid"), "not_found");
      expect(await count()).toEqual(mid);
      expect(before.inputs + before.settings + before.baselines).toBe(0);
    });

    it("for a client viewer of another client of the same org", async () => {
      const second = await makePortalConnection(database.db, { orgId: a.orgId });
      const viewer = await addMember(database.db, a.orgId, "client_viewer", second.clientId);
      await expectCode(getMetricsOverview(viewer.ctx, a.clientId), "not_found");
      await expectCode(getMetricDrilldown(viewer.ctx, a.clientId, "cac", "2024-01"), "not_found");
      await expectCode(listInventory(viewer.ctx, a.clientId), "not_found");
      await expectCode(listBaselines(viewer.ctx, a.clientId), "not_found");
    });
  });
});
