/**
 * Automation level, in percent: automated processes ÷ applicable processes × 100 over the client's process
 * inventory. The inventory is a checklist seeded with the article's routines plus the usual CRM channels;
 * each seeded item may be detected from portal evidence in the month, and staff can confirm or override any
 * item (from a given month on) or add their own. Without an override an item is automated when its evidence
 * was found, otherwise manual; an item overridden as "not applicable" leaves the denominator.
 */
import type { MonthKey } from "./months";
import { clean, ratio } from "./stats";
import type { MetricFigures } from "./types";

/** Kinds of evidence the mirror can show for a month. */
export type EvidenceKind =
  | "webform_requests" // leads from web forms or CRM_WEBFORM activities
  | "auto_completed_activities" // activities completed by automation (STATUS 3)
  | "autostart_workflows" // workflow templates started automatically on create or update
  | "telephony_activities" // calls logged by telephony (VOXIMPLANT_CALL)
  | "openline_sessions" // open-line (messenger) chats
  | "instant_assignment"; // leads created by someone other than their assignee (routing), share in percent

/** A seeded item: the article's routines first, then channels and stage actions. */
export interface SeedProcess {
  key: string;
  evidence: EvidenceKind | null;
  /** Minimum evidence in the month for "detected" (a count, or a percent for shares). */
  threshold: number;
}

export const SEEDED_PROCESSES: readonly SeedProcess[] = [
  { key: "task_creation", evidence: "autostart_workflows", threshold: 1 },
  { key: "deadline_reminders", evidence: null, threshold: 1 },
  { key: "documents_invoices", evidence: null, threshold: 1 },
  { key: "client_mailings", evidence: null, threshold: 1 },
  { key: "lead_distribution", evidence: "instant_assignment", threshold: 50 },
  { key: "lead_capture", evidence: "webform_requests", threshold: 1 },
  { key: "call_logging", evidence: "telephony_activities", threshold: 1 },
  { key: "messenger_channels", evidence: "openline_sessions", threshold: 1 },
  { key: "stage_actions", evidence: "auto_completed_activities", threshold: 1 },
];

export type ProcessOverride = "automated" | "manual" | "not_applicable";

/** One inventory item as stored for a client: a seeded key or a custom name, with staff's decision. */
export interface InventoryItem {
  key: string;
  /** Custom items have no evidence and count as manual until staff mark them. */
  custom: boolean;
  override: ProcessOverride | null;
  /** The override applies from this month on; earlier months fall back to evidence. Null: always. */
  overrideFrom: MonthKey | null;
}

export type ProcessStatus = "automated" | "manual" | "not_applicable";

/** Evidence counts of one month by kind. */
export type MonthEvidence = Partial<Record<EvidenceKind, number>>;

/** Whether a seeded item's evidence shows in the month; null when the item cannot be detected. */
export function detectProcess(key: string, evidence: MonthEvidence): boolean | null {
  const seed = SEEDED_PROCESSES.find((p) => p.key === key);
  if (!seed || seed.evidence === null) return null;
  return (evidence[seed.evidence] ?? 0) >= seed.threshold;
}

/** The status of one item in one month: the override when in force, else the evidence. */
export function processStatus(item: InventoryItem, month: MonthKey, evidence: MonthEvidence): { status: ProcessStatus; detected: boolean | null; source: "override" | "evidence" | "default" } {
  const detected = item.custom ? null : detectProcess(item.key, evidence);
  if (item.override && (item.overrideFrom === null || month >= item.overrideFrom)) return { status: item.override, detected, source: "override" };
  if (detected === null) return { status: "manual", detected, source: "default" };
  return { status: detected ? "automated" : "manual", detected, source: "evidence" };
}

/** The seeded inventory for a client that has none yet. */
export function seededInventory(): InventoryItem[] {
  return SEEDED_PROCESSES.map((p) => ({ key: p.key, custom: false, override: null, overrideFrom: null }));
}

/** automation level = automated ÷ applicable × 100; null when nothing applies. */
export function automationLevel(items: readonly InventoryItem[], month: MonthKey, evidence: MonthEvidence): MetricFigures {
  const statuses = items.map((item) => ({ key: item.key, ...processStatus(item, month, evidence) }));
  const applicable = statuses.filter((s) => s.status !== "not_applicable");
  const automated = applicable.filter((s) => s.status === "automated").length;
  return {
    value: clean(ratio(automated, applicable.length, 100)),
    numerator: automated,
    denominator: applicable.length,
    secondary: {
      automated,
      applicable: applicable.length,
      automatedKeys: statuses.filter((s) => s.status === "automated").map((s) => s.key).join(","),
    },
  };
}

/** A state, not a flow: a longer period takes its last month's figures. */
export function aggregateAutomation(months: readonly MetricFigures[]): MetricFigures {
  const last = months[months.length - 1];
  return last ?? { value: null, numerator: null, denominator: null, secondary: {} };
}
