/**
 * Baselines: a metric's value before go-live. Computed from the months before the go-live month that the
 * mirror holds (up to 12) as their typical month (averageMonths: pooled ratios, per-month flows and rates),
 * unless staff entered or imported one, which then wins.
 */
import { averageMonths } from "./definitions";
import { addMonths, type MonthKey } from "./months";
import type { MetricFigures, MetricKey } from "./types";

export const BASELINE_MONTHS = 12;

/** The months a computed baseline covers: up to 12 before the go-live month, none before `firstMonth`. */
export function baselineMonths(goLiveDate: string, firstMonth: MonthKey | null): MonthKey[] {
  const goLiveMonth = goLiveDate.slice(0, 7);
  const months: MonthKey[] = [];
  for (let i = BASELINE_MONTHS; i >= 1; i--) {
    const m = addMonths(goLiveMonth, -i);
    if (firstMonth === null || m >= firstMonth) months.push(m);
  }
  return months;
}

/** The computed baseline from stored months (oldest first); null when they hold no value. */
export function computeBaseline(key: MetricKey, months: readonly MetricFigures[]): number | null {
  if (!months.some((m) => m.value !== null)) return null;
  return averageMonths(key, months).value;
}

export type BaselineSource = "manual" | "imported" | "computed";

/** The baseline in force: the entered (or imported) value, else the computed one. */
export function effectiveBaseline(entered: { value: number; source: "manual" | "imported" } | null, computed: number | null): { value: number | null; source: BaselineSource | null } {
  if (entered) return { value: entered.value, source: entered.source };
  return computed === null ? { value: null, source: null } : { value: computed, source: "computed" };
}
