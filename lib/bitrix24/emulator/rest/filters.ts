/**
 * List filters as Bitrix24 reads them (`api-reference/crm/deals/crm-deal-list.md`): keys are a field name
 * with an optional operator prefix (`>= > <= < = ! != @ !@ % !% =% %= >< !><`), values are typed by the
 * field (dates as `YYYY-MM-DD` or ISO 8601, flags as Y/N). Conditions on ID also narrow the scan, so a
 * `>ID` cursor starts by binary search instead of a full scan.
 */
import { parseDateValue } from "../time-zone";
import type { FieldType, FieldValue, MultiFieldValue } from "../types";

export interface CompiledFilter<R> {
  test: (r: R) => boolean;
  /** Exclusive ID bounds implied by the filter. */
  afterId?: number;
  beforeId?: number;
}

export interface FilterOptions<R> {
  /** Upper-case field names before lookup (legacy CRM methods). */
  upperCase?: boolean;
  /** Fields with their own semantics (e.g. crm.activity.list BINDINGS). */
  special?: Record<string, (value: unknown) => (r: R) => boolean>;
}

type Op = "=" | "!" | ">" | ">=" | "<" | "<=" | "@" | "!@" | "%" | "!%" | "like" | "!like" | "><" | "!><";

const OPERATOR = /^(!><|><|>=|<=|!=|!@|!%|=%|%=|>|<|=|!|@|%)?(.*)$/s;

const OP_MAP: Record<string, Op> = {
  "": "=",
  "=": "=",
  "!": "!",
  "!=": "!",
  ">": ">",
  ">=": ">=",
  "<": "<",
  "<=": "<=",
  "@": "@",
  "!@": "!@",
  "%": "%",
  "!%": "!%",
  "=%": "like",
  "%=": "like",
  "><": "><",
  "!><": "!><",
};

/** Compiles a filter object into a predicate over rows read through `read`. Unknown fields are ignored. */
export function compileFilter<R>(
  filter: Record<string, unknown>,
  types: ReadonlyMap<string, FieldType>,
  zone: string,
  read: (r: R, field: string) => FieldValue,
  opts: FilterOptions<R> = {},
): CompiledFilter<R> {
  const tests: ((r: R) => boolean)[] = [];
  const compiled: CompiledFilter<R> = { test: () => true };

  for (const [rawKey, value] of Object.entries(filter)) {
    const m = OPERATOR.exec(rawKey)!;
    const op = OP_MAP[m[1] ?? ""];
    const field = opts.upperCase ? m[2].toUpperCase() : m[2];
    const special = opts.special?.[field];
    if (special) {
      tests.push(special(value));
      continue;
    }
    const type = types.get(field);
    if (!type) continue;
    const test = compileCondition(op, field, type, value, zone, read);
    if (!test) continue;
    tests.push(test);
    if (field === "ID") narrowIds(compiled, op, value);
  }

  compiled.test = tests.length === 0 ? () => true : (r) => tests.every((t) => t(r));
  return compiled;
}

function isEmptyValue(v: unknown): boolean {
  return v === null || v === undefined || v === "" || v === false;
}

function values(v: unknown): unknown[] {
  if (Array.isArray(v)) return v;
  if (v && typeof v === "object") return Object.values(v);
  if (typeof v === "string" && v.includes(",")) return v.split(",").map((s) => s.trim());
  return [v];
}

/** Turns a filter value into the field's native form; undefined when it cannot be read. */
function coerce(v: unknown, type: FieldType, zone: string): number | string | boolean | undefined {
  if (v === null || v === undefined) return undefined;
  switch (type) {
    case "id":
    case "int":
    case "money": {
      const n = typeof v === "number" ? v : typeof v === "boolean" ? Number(v) : Number(String(v).trim());
      return Number.isFinite(n) ? n : undefined;
    }
    case "datetime":
    case "date": {
      if (typeof v === "number") return v > 1e11 ? v : v * 1000;
      const ms = parseDateValue(String(v), zone);
      return ms === null ? undefined : ms;
    }
    case "bool":
      if (typeof v === "boolean") return v;
      return ["Y", "y", "1", "true"].includes(String(v));
    default:
      return typeof v === "string" ? v.toLowerCase() : String(v).toLowerCase();
  }
}

/** The field's value(s) in comparable form: multi-fields yield every VALUE. */
function comparable(raw: FieldValue, type: FieldType): (number | string | boolean)[] | null {
  if (raw === null || raw === undefined) return null;
  if (type === "multi") {
    const list = raw as MultiFieldValue[];
    return list.length ? list.map((m) => String(m.VALUE).toLowerCase()) : null;
  }
  if (typeof raw === "string") return raw === "" ? null : [raw.toLowerCase()];
  if (typeof raw === "number" || typeof raw === "boolean") return [raw];
  return [JSON.stringify(raw).toLowerCase()];
}

function likeRegex(pattern: string): RegExp {
  const escaped = pattern.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(/%/g, ".*").replace(/_/g, ".");
  return new RegExp(`^${escaped}$`, "is");
}

function compileCondition<R>(
  op: Op,
  field: string,
  type: FieldType,
  value: unknown,
  zone: string,
  read: (r: R, field: string) => FieldValue,
): ((r: R) => boolean) | null {
  const get = (r: R) => comparable(read(r, field), type);
  const anyOf = (r: R, pred: (x: number | string | boolean) => boolean) => {
    const vs = get(r);
    return vs !== null && vs.some(pred);
  };

  switch (op) {
    case "=":
    case "!": {
      const negate = op === "!";
      const list = Array.isArray(value) || (value && typeof value === "object") ? values(value) : [value];
      if (list.length === 1 && isEmptyValue(list[0]) && type !== "bool") {
        // FIELD = "" means "not filled in"; !FIELD = "" means "filled in".
        return (r) => (get(r) === null) !== negate;
      }
      const wanted = list.map((v) => coerce(v, type, zone)).filter((v) => v !== undefined);
      const set = new Set(wanted);
      return (r) => anyOf(r, (x) => set.has(x)) !== negate;
    }
    case "@":
    case "!@": {
      const wanted = new Set(values(value).map((v) => coerce(v, type, zone)).filter((v) => v !== undefined));
      const negate = op === "!@";
      return (r) => anyOf(r, (x) => wanted.has(x)) !== negate;
    }
    case ">":
    case ">=":
    case "<":
    case "<=": {
      // An empty bound leaves the condition out, like an empty filter value in Bitrix24.
      if (isEmptyValue(value)) return null;
      const bound = coerce(value, type, zone);
      if (bound === undefined) return () => false;
      const cmp = {
        ">": (x: number | string | boolean) => x > bound,
        ">=": (x: number | string | boolean) => x >= bound,
        "<": (x: number | string | boolean) => x < bound,
        "<=": (x: number | string | boolean) => x <= bound,
      }[op];
      return (r) => anyOf(r, cmp);
    }
    case "><":
    case "!><": {
      const [lo, hi] = values(value).map((v) => coerce(v, type, zone));
      if (lo === undefined || hi === undefined) return null;
      const negate = op === "!><";
      return (r) => anyOf(r, (x) => x >= lo && x <= hi) !== negate;
    }
    case "%":
    case "!%": {
      if (isEmptyValue(value)) return null;
      const needle = String(value).toLowerCase();
      const negate = op === "!%";
      return (r) => anyOf(r, (x) => String(x).includes(needle)) !== negate;
    }
    case "like":
    case "!like": {
      const re = likeRegex(String(value ?? ""));
      const negate = op === "!like";
      return (r) => anyOf(r, (x) => re.test(String(x))) !== negate;
    }
  }
}

function narrowIds<R>(f: CompiledFilter<R>, op: Op, value: unknown): void {
  const after = (v: number) => (f.afterId = f.afterId === undefined ? v : Math.max(f.afterId, v));
  const before = (v: number) => (f.beforeId = f.beforeId === undefined ? v : Math.min(f.beforeId, v));
  const nums = values(value)
    .map((v) => (isEmptyValue(v) ? NaN : Number(v)))
    .filter((n) => Number.isFinite(n));
  if (nums.length === 0) return;
  const n = nums[0];
  switch (op) {
    case ">":
      after(Math.floor(n));
      break;
    case ">=":
      after(Math.ceil(n) - 1);
      break;
    case "<":
      before(Math.ceil(n));
      break;
    case "<=":
      before(Math.floor(n) + 1);
      break;
    case "=":
    case "@":
    case "><":
      after(Math.ceil(Math.min(...nums)) - 1);
      before(Math.floor(Math.max(...nums)) + 1);
      break;
  }
}
