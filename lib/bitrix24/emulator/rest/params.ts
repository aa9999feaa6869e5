/** Reading request parameters the way Bitrix24 methods do. */
import { restErrors } from "./errors";

export type Params = Record<string, unknown>;

/**
 * A parameter by name. Legacy methods upper-case their parameter keys (`FILTER` and `filter` both work);
 * newer controllers (crm.stagehistory.list, crm.category.list) match names exactly.
 */
export function param(params: Params, name: string, exact = false): unknown {
  if (name in params) return params[name];
  if (exact) return undefined;
  const upper = name.toUpperCase();
  for (const key of Object.keys(params)) if (key.toUpperCase() === upper) return params[key];
  return undefined;
}

/** A filter/order object; an absent or empty value is `{}`, anything else that is not an object is refused. */
export function objectParam(params: Params, name: string, exact = false): Record<string, unknown> {
  const v = param(params, name, exact);
  if (v === undefined || v === null || v === "") return {};
  if (Array.isArray(v)) return v.length === 0 ? {} : Object.fromEntries(v.map((item, i) => [String(i), item]));
  if (typeof v !== "object") throw restErrors.crm(`Parameter '${name}' must be array.`);
  return v as Record<string, unknown>;
}

/** A list of names (`select`), accepting an array, an object of values, or one string. */
export function listParam(params: Params, name: string, exact = false): string[] {
  const v = param(params, name, exact);
  if (v === undefined || v === null || v === "") return [];
  if (Array.isArray(v)) return v.map(String);
  if (typeof v === "object") return Object.values(v as object).map(String);
  return [String(v)];
}

/** `start`: -1 skips the count; anything else not a non-negative integer is 0. */
export function startParam(params: Params, exact = false): number {
  const n = Number(param(params, "start", exact));
  if (n === -1) return -1;
  return Number.isInteger(n) && n > 0 ? n : 0;
}

/** A positive integer ID parameter (`id` / `ID`), or null. */
export function idParam(params: Params, name = "id"): number | null {
  const n = Number(param(params, name));
  return Number.isInteger(n) && n > 0 ? n : null;
}
