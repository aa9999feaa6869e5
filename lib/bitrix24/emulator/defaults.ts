/**
 * The reference data of a fresh Bitrix24 portal (stages, sources, the default pipeline, the admin user),
 * filled in wherever the generator or a test left a list empty.
 */
import type { PortalData } from "./store/portal-data";
import type { StatusRecord } from "./types";

type Stage = [code: string, name: string, semantics: StatusRecord["SEMANTICS"], color: string];

const LEAD_STATUSES: Stage[] = [
  ["NEW", "Unassigned", "process", "#39A8EF"],
  ["IN_PROCESS", "In progress", "process", "#2FC6F6"],
  ["PROCESSED", "Processed", "process", "#55D0E0"],
  ["CONVERTED", "Good lead", "success", "#7BD500"],
  ["JUNK", "Junk lead", "failure", "#FF5752"],
];

const DEAL_STAGES: Stage[] = [
  ["NEW", "New", "process", "#39A8EF"],
  ["PREPARATION", "Document preparation", "process", "#2FC6F6"],
  ["PREPAYMENT_INVOICE", "Prepayment invoice", "process", "#55D0E0"],
  ["EXECUTING", "In progress", "process", "#47E4C2"],
  ["FINAL_INVOICE", "Final invoice", "process", "#FFA900"],
  ["WON", "Deal successful", "success", "#7BD500"],
  ["LOSE", "Deal failed", "failure", "#FF5752"],
  ["APOLOGY", "Failure reason analysis", "apology", "#FF5752"],
];

const SOURCES = ["CALL", "EMAIL", "WEB", "ADVERTISING", "PARTNER", "RECOMMENDATION", "TRADE_SHOW", "WEBFORM", "CALLBACK", "OTHER"];
const DEAL_TYPES = ["SALE", "COMPLEX", "GOODS", "SERVICES", "SERVICE"];

const CURRENCY_NAMES: Record<string, string> = {
  RUB: "Russian Ruble",
  USD: "US Dollar",
  EUR: "Euro",
  KZT: "Tenge",
  BYN: "Belarusian Ruble",
  UAH: "Hryvnia",
};

/** Fills empty reference lists and an empty user table with a fresh portal's defaults. */
export function seedDefaults(data: PortalData, opts: { baseCurrency: string; now: number }): void {
  if (data.statuses.length === 0) {
    let id = 1;
    const add = (entityId: string, stages: Stage[], categoryId: number | null) =>
      stages.forEach(([code, name, semantics, color], i) =>
        data.statuses.push({
          ID: id++,
          ENTITY_ID: entityId,
          STATUS_ID: code,
          NAME: name,
          NAME_INIT: i === 0 || semantics !== "process" ? name : "",
          SORT: (i + 1) * 10,
          SYSTEM: i === 0 || semantics === "success" || semantics === "failure",
          CATEGORY_ID: categoryId,
          COLOR: color,
          SEMANTICS: semantics,
        }),
      );
    add("STATUS", LEAD_STATUSES, null);
    add("DEAL_STAGE", DEAL_STAGES, null);
    add("SOURCE", SOURCES.map((s) => [s, s.charAt(0) + s.slice(1).toLowerCase().replace(/_/g, " "), null, ""]), null);
    add("DEAL_TYPE", DEAL_TYPES.map((s) => [s, s.charAt(0) + s.slice(1).toLowerCase(), null, ""]), null);
  }
  if (data.categories.length === 0) {
    data.categories.push({ id: 0, name: "General", sort: 100, isDefault: true, createdTime: opts.now });
  }
  if (data.currencies.length === 0) {
    data.currencies.push({
      CURRENCY: opts.baseCurrency,
      AMOUNT_CNT: 1,
      AMOUNT: 1,
      BASE: true,
      SORT: 100,
      FULL_NAME: CURRENCY_NAMES[opts.baseCurrency] ?? opts.baseCurrency,
    });
  }
  if (data.tables.user.size === 0) {
    data.tables.user.append({
      ID: 1,
      ACTIVE: true,
      NAME: "Admin",
      LAST_NAME: "Portal",
      EMAIL: "admin@example.com",
      WORK_POSITION: "Administrator",
      DATE_REGISTER: opts.now,
      LAST_LOGIN: opts.now,
      IS_ONLINE: true,
      UF_DEPARTMENT: [1],
      USER_TYPE: "employee",
    });
  }
}

/** The status list's entity id for a deal pipeline's stages. */
export function dealStageEntityId(categoryId: number): string {
  return categoryId === 0 ? "DEAL_STAGE" : `DEAL_STAGE_${categoryId}`;
}

/** S / F / P for a stage code, from the portal's stages or, failing that, Bitrix24's default codes. */
export function stageSemantic(data: PortalData, entityId: string, stageId: string): "P" | "S" | "F" {
  const status = data.statuses.find((s) => s.ENTITY_ID === entityId && s.STATUS_ID === stageId);
  if (status?.SEMANTICS === "success") return "S";
  if (status?.SEMANTICS === "failure" || status?.SEMANTICS === "apology") return "F";
  if (status) return "P";
  const code = stageId.includes(":") ? stageId.split(":")[1] : stageId;
  if (code === "WON" || code === "CONVERTED") return "S";
  if (code === "LOSE" || code === "JUNK" || code === "APOLOGY") return "F";
  return "P";
}
