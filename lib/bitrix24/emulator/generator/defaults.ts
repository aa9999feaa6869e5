/**
 * Bitrix24's out-of-the-box dictionaries in English: what a portal holds before anyone configures it.
 * Deal stages follow crm.status.list ENTITY_ID=DEAL_STAGE (fixture crm-status-list.json); lead statuses use
 * the current English UI names. Older portals show the names from the docs' tutorial
 * (`tutorials/crm/how-to-get-lists/how-to-get-stages-with-semantics.md`: "Not Processed", "Converted",
 * "Low-Quality Lead"), so those count as defaults too.
 */
import type { StatusRecord } from "../types";

export interface DefaultStatus {
  code: string;
  name: string;
  semantics: NonNullable<StatusRecord["SEMANTICS"]>;
  system: boolean;
  color: string;
}

export const DEFAULT_DEAL_STAGES: readonly DefaultStatus[] = [
  { code: "NEW", name: "New", semantics: "process", system: true, color: "#39A8EF" },
  { code: "PREPARATION", name: "Document preparation", semantics: "process", system: false, color: "#2FC6F6" },
  { code: "PREPAYMENT_INVOICE", name: "Prepayment invoice", semantics: "process", system: false, color: "#55D0E0" },
  { code: "EXECUTING", name: "In progress", semantics: "process", system: false, color: "#47E4C2" },
  { code: "FINAL_INVOICE", name: "Final invoice", semantics: "process", system: false, color: "#FFA900" },
  { code: "WON", name: "Deal successful", semantics: "success", system: true, color: "#7BD500" },
  { code: "LOSE", name: "Deal failed", semantics: "failure", system: true, color: "#FF5752" },
  { code: "APOLOGY", name: "Failure reason analysis", semantics: "apology", system: false, color: "#FF5752" },
];

export const DEFAULT_LEAD_STATUSES: readonly DefaultStatus[] = [
  { code: "NEW", name: "Unassigned", semantics: "process", system: true, color: "#39A8EF" },
  { code: "IN_PROCESS", name: "In progress", semantics: "process", system: false, color: "#2FC6F6" },
  { code: "PROCESSED", name: "Processed", semantics: "process", system: false, color: "#55D0E0" },
  { code: "CONVERTED", name: "Good lead", semantics: "success", system: true, color: "#7BD500" },
  { code: "JUNK", name: "Junk lead", semantics: "failure", system: true, color: "#FF5752" },
];

/** Default names of older portals (and of the docs' examples). */
const LEGACY_LEAD_NAMES: readonly [string, string][] = [
  ["NEW", "Not Processed"],
  ["IN_PROCESS", "In Process"],
  ["CONVERTED", "Converted"],
  ["JUNK", "Low-Quality Lead"],
];

/** Lead and deal sources (ENTITY_ID=SOURCE). */
export const DEFAULT_SOURCES: readonly { code: string; name: string }[] = [
  { code: "CALL", name: "Call" },
  { code: "EMAIL", name: "E-Mail" },
  { code: "WEB", name: "Website" },
  { code: "ADVERTISING", name: "Advertising" },
  { code: "PARTNER", name: "Existing client" },
  { code: "RECOMMENDATION", name: "By recommendation" },
  { code: "TRADE_SHOW", name: "Show/Exhibition" },
  { code: "WEBFORM", name: "CRM form" },
  { code: "CALLBACK", name: "Callback" },
  { code: "RC_GENERATOR", name: "Sales boost" },
  { code: "STORE", name: "Online Store" },
  { code: "OTHER", name: "Other" },
];

/** Deal types (ENTITY_ID=DEAL_TYPE). */
export const DEFAULT_DEAL_TYPES: readonly { code: string; name: string }[] = [
  { code: "SALE", name: "Sales" },
  { code: "COMPLEX", name: "Complex sale" },
  { code: "GOODS", name: "Sale of goods" },
  { code: "SERVICES", name: "Sale of services" },
  { code: "SERVICE", name: "After-sales service" },
];

const DEFAULT_NAMES = new Set<string>([
  ...DEFAULT_DEAL_STAGES.map((s) => `DEAL:${s.code}:${s.name}`),
  ...DEFAULT_LEAD_STATUSES.map((s) => `STATUS:${s.code}:${s.name}`),
  ...LEGACY_LEAD_NAMES.map(([code, name]) => `STATUS:${code}:${name}`),
]);

/** The stage or status code without the pipeline prefix: "C3:WON" → "WON". */
export function stageCode(statusId: string): string {
  const colon = statusId.indexOf(":");
  return colon < 0 ? statusId : statusId.slice(colon + 1);
}

/**
 * Whether a stage (DEAL_STAGE, DEAL_STAGE_{n}) or lead status (STATUS) still carries its out-of-the-box
 * name. NAME_INIT is set only for system stages, so the default-name table covers the others.
 */
export function hasDefaultName(status: Pick<StatusRecord, "ENTITY_ID" | "STATUS_ID" | "NAME" | "NAME_INIT">): boolean {
  if (status.NAME_INIT && status.NAME === status.NAME_INIT) return true;
  const kind = status.ENTITY_ID === "STATUS" ? "STATUS" : status.ENTITY_ID.startsWith("DEAL_STAGE") ? "DEAL" : null;
  if (!kind) return false;
  return DEFAULT_NAMES.has(`${kind}:${stageCode(status.STATUS_ID)}:${status.NAME}`);
}
