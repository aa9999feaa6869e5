import { describe, expect, it } from "vitest";
import { aggregateAutomation, automationLevel, detectProcess, processStatus, seededInventory, SEEDED_PROCESSES, type InventoryItem, type MonthEvidence } from "./automation";

const evidence: MonthEvidence = {
  webform_requests: 3,
  telephony_activities: 0,
  openline_sessions: 5,
  auto_completed_activities: 0,
  autostart_workflows: 2,
  instant_assignment: 70,
};

describe("automation level", () => {
  it("seeds the article's routines and the usual channels", () => {
    expect(SEEDED_PROCESSES.map((p) => p.key)).toEqual([
      "task_creation",
      "deadline_reminders",
      "documents_invoices",
      "client_mailings",
      "lead_distribution",
      "lead_capture",
      "call_logging",
      "messenger_channels",
      "stage_actions",
    ]);
  });

  it.each([
    ["task_creation", true],
    ["lead_distribution", true], // 70 % ≥ 50 %
    ["lead_capture", true],
    ["call_logging", false],
    ["messenger_channels", true],
    ["stage_actions", false],
    ["deadline_reminders", null], // no evidence exists for it
    ["unknown", null],
  ])("detects %s from evidence: %s", (key, detected) => {
    expect(detectProcess(key, evidence)).toBe(detected);
  });

  it("is automated ÷ applicable × 100 from evidence alone", () => {
    const f = automationLevel(seededInventory(), "2024-04", evidence);
    expect(f.numerator).toBe(4);
    expect(f.denominator).toBe(9);
    expect(f.value).toBeCloseTo(44.4444444444, 8);
  });

  it("applies staff decisions from their month on, and counts custom items", () => {
    const items: InventoryItem[] = seededInventory().map((item) =>
      item.key === "documents_invoices"
        ? { ...item, override: "automated" }
        : item.key === "client_mailings"
          ? { ...item, override: "not_applicable" }
          : item.key === "call_logging"
            ? { ...item, override: "automated", overrideFrom: "2024-05" }
            : item,
    );
    items.push({ key: "Payment reminders", custom: true, override: "automated", overrideFrom: null });
    items.push({ key: "Stock sync", custom: true, override: null, overrideFrom: null });
    const april = automationLevel(items, "2024-04", evidence);
    // 4 detected + documents + payment reminders = 6 of 10 (11 items less client mailings)
    expect([april.numerator, april.denominator]).toEqual([6, 10]);
    expect(april.value).toBe(60);
    const may = automationLevel(items, "2024-05", evidence);
    expect([may.numerator, may.denominator]).toEqual([7, 10]); // call logging marked automated from May
    expect(processStatus(items[6], "2024-04", evidence)).toEqual({ status: "manual", detected: false, source: "evidence" });
    expect(processStatus(items[6], "2024-05", evidence)).toEqual({ status: "automated", detected: false, source: "override" });
  });

  it("is null when nothing applies", () => {
    const items: InventoryItem[] = [{ key: "x", custom: true, override: "not_applicable", overrideFrom: null }];
    expect(automationLevel(items, "2024-04", {}).value).toBeNull();
    expect(automationLevel([], "2024-04", {}).value).toBeNull();
  });

  it("takes the last month for longer periods (a state, not a flow)", () => {
    const a = automationLevel(seededInventory(), "2024-01", {});
    const b = automationLevel(seededInventory(), "2024-02", evidence);
    expect(aggregateAutomation([a, b]).value).toBe(b.value);
  });
});
