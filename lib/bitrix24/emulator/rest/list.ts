/**
 * Paging as list methods do it (`settings/performance/huge-data.md`): 50 rows a page from `start`; `next`
 * when more rows follow and `total` from a count over every match; `start=-1` skips the count, so an
 * ID-ordered `>ID` page costs only the rows it reads.
 */
import type { ColumnarTable } from "../store/columnar-table";
import type { FieldType, FieldValue } from "../types";
import type { CompiledFilter } from "./filters";

export const PAGE_SIZE = 50;

export type OrderBy = [field: string, dir: "ASC" | "DESC"][];

export interface ListPage<T> {
  rows: T[];
  /** Absent with start = -1. */
  total?: number;
  next?: number;
  /** Rows examined (for the simulated server time). */
  scanned: number;
}

/** Reads `order` ({FIELD: "ASC"|"DESC"}), keeping only known fields. */
export function parseOrder(raw: Record<string, unknown>, known: ReadonlyMap<string, FieldType>, upperCase: boolean): OrderBy {
  const order: OrderBy = [];
  for (const [key, dir] of Object.entries(raw)) {
    const field = upperCase ? key.toUpperCase() : key;
    if (!known.has(field)) continue;
    order.push([field, String(dir).toUpperCase() === "DESC" ? "DESC" : "ASC"]);
  }
  return order;
}

function compareValues(a: FieldValue, b: FieldValue): number {
  // MySQL sorts NULL first in ascending order.
  if (a === null || a === undefined) return b === null || b === undefined ? 0 : -1;
  if (b === null || b === undefined) return 1;
  if (typeof a === "number" && typeof b === "number") return a - b;
  if (typeof a === "boolean" && typeof b === "boolean") return Number(a) - Number(b);
  const sa = String(a).toLowerCase();
  const sb = String(b).toLowerCase();
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

function pageBounds(start: number, total: number | undefined): { from: number; next?: number } {
  const from = start < 0 ? 0 : start;
  const next = total !== undefined && from + PAGE_SIZE < total ? from + PAGE_SIZE : undefined;
  return { from, next };
}

/** One page of a table's rows (positions) matching `filter`, in `order`. */
export function listTable(
  table: ColumnarTable,
  filter: CompiledFilter<number>,
  order: OrderBy,
  start: number,
): ListPage<number> {
  const byId = order.length === 0 || order[0][0] === "ID";
  const desc = byId && order[0]?.[1] === "DESC";
  const scanOpts = { afterId: filter.afterId, beforeId: filter.beforeId, desc };
  let scanned = 0;

  if (byId) {
    const rows: number[] = [];
    if (start === -1) {
      for (const pos of table.positions(scanOpts)) {
        scanned++;
        if (!filter.test(pos)) continue;
        rows.push(pos);
        if (rows.length === PAGE_SIZE) break;
      }
      return { rows, scanned };
    }
    let total = 0;
    for (const pos of table.positions(scanOpts)) {
      scanned++;
      if (!filter.test(pos)) continue;
      if (total >= start && rows.length < PAGE_SIZE) rows.push(pos);
      total++;
    }
    return { rows, total, next: pageBounds(start, total).next, scanned };
  }

  const matches: number[] = [];
  for (const pos of table.positions(scanOpts)) {
    scanned++;
    if (filter.test(pos)) matches.push(pos);
  }
  const keys = order.map(([field]) => matches.map((pos) => table.valueAt(pos, field)));
  const index = matches.map((_, i) => i);
  index.sort((a, b) => {
    for (let k = 0; k < order.length; k++) {
      const c = compareValues(keys[k][a], keys[k][b]);
      if (c !== 0) return order[k][1] === "DESC" ? -c : c;
    }
    return table.idAt(matches[a]) - table.idAt(matches[b]);
  });
  const total = start === -1 ? undefined : matches.length;
  const { from, next } = pageBounds(start, total);
  return { rows: index.slice(from, from + PAGE_SIZE).map((i) => matches[i]), total, next, scanned };
}

/** One page of an in-memory list (stages, currencies, templates…). */
export function listArray<T>(
  items: readonly T[],
  test: (item: T) => boolean,
  order: OrderBy,
  start: number,
  read: (item: T, field: string) => FieldValue,
  pageSize = PAGE_SIZE,
): ListPage<T> {
  const matches = items.filter(test);
  if (order.length > 0) {
    matches.sort((a, b) => {
      for (const [field, dir] of order) {
        const c = compareValues(read(a, field), read(b, field));
        if (c !== 0) return dir === "DESC" ? -c : c;
      }
      return 0;
    });
  }
  const total = start === -1 ? undefined : matches.length;
  const from = start < 0 ? 0 : start;
  const next = total !== undefined && from + pageSize < total ? from + pageSize : undefined;
  return { rows: matches.slice(from, from + pageSize), total, next, scanned: items.length };
}
