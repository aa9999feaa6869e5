/**
 * Quarters and years from stored months: months are grouped by period and each metric combines its months'
 * numerators, denominators and secondary figures (see definitions.ts), never averaging the monthly ratios.
 */
import { aggregateMonths } from "./definitions";
import { periodOf, type MonthKey, type PeriodKind } from "./months";
import type { MetricFigures, MetricKey } from "./types";

export interface MonthFigures extends MetricFigures {
  month: MonthKey;
}

/** One metric's months (any order) as periods of the given kind, oldest first, with the months they cover. */
export function aggregateByPeriod(key: MetricKey, months: readonly MonthFigures[], kind: PeriodKind): { period: string; months: MonthKey[]; figures: MetricFigures }[] {
  const sorted = [...months].sort((a, b) => a.month.localeCompare(b.month));
  const groups = new Map<string, MonthFigures[]>();
  for (const m of sorted) {
    const p = periodOf(m.month, kind);
    let list = groups.get(p);
    if (!list) groups.set(p, (list = []));
    list.push(m);
  }
  return [...groups].map(([period, list]) => ({
    period,
    months: list.map((m) => m.month),
    figures: kind === "month" ? list[0] : aggregateMonths(key, list),
  }));
}
