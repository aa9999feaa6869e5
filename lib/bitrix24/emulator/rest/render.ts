/**
 * Native values → Bitrix24's wire values. Legacy methods (crm.deal.list, crm.lead.get…) send every scalar as
 * a string ("37", "19999.99", "Y"), empty dates as "" and empty links as null; crm.stagehistory.list sends
 * integers; user.get mixes both (fixtures/README.md, "Types: strings or numbers").
 */
import { formatIso } from "../time-zone";
import type { FieldType, FieldValue, MultiFieldValue } from "../types";

/** A PHP array that json_encode would print as `[]` when empty: we keep that quirk. */
export function phpObject<T>(record: Record<string, T>): Record<string, T> | [] {
  return Object.keys(record).length === 0 ? [] : record;
}

/** One value the way legacy CRM methods render it; `undefined` means "leave the key out". */
export function renderLegacy(value: FieldValue, type: FieldType, zone: string): unknown {
  switch (type) {
    case "id":
    case "int":
      return value === null ? null : String(value);
    case "money":
      return value === null ? null : (value as number).toFixed(2);
    case "bool":
      return value === null ? null : value ? "Y" : "N";
    case "datetime":
    case "date":
      // CRM REST renders empty date fields as "" (crm-lead-get.json: "DATE_CLOSED": "").
      return value === null ? "" : formatIso(value as number, zone);
    case "multi":
      return value === null || (value as MultiFieldValue[]).length === 0 ? undefined : value;
    case "string":
      return value;
    case "json":
      return renderCustom(value);
  }
}

/** Custom (UF_*) values: numbers as strings like the rest of the legacy API, flags and lists as given. */
export function renderCustom(value: FieldValue): unknown {
  if (typeof value === "number") return String(value);
  return value;
}

/** crm.stagehistory.list: integers stay integers (crm-stagehistory-list.json). */
export function renderTyped(value: FieldValue, type: FieldType, zone: string): unknown {
  switch (type) {
    case "datetime":
    case "date":
      return value === null ? null : formatIso(value as number, zone);
    case "money":
      return value;
    case "bool":
      return value === null ? null : value ? "Y" : "N";
    default:
      return value;
  }
}

/** user.get / user.current: ID as a string, ACTIVE a boolean, IS_ONLINE "Y"/"N", empty strings as "". */
export function renderUser(field: string, value: FieldValue, type: FieldType, zone: string): unknown {
  if (field === "ACTIVE") return value === true;
  if (field === "UF_DEPARTMENT") return Array.isArray(value) ? value.map(Number) : [];
  switch (type) {
    case "id":
    case "int":
      return value === null ? null : String(value);
    case "bool":
      return value ? "Y" : "N";
    case "datetime":
    case "date":
      return value === null ? "" : formatIso(value as number, zone);
    case "string":
      return value ?? "";
    default:
      return value;
  }
}
