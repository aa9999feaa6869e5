/**
 * The client verdict (the article's rule): for a client with a go-live date, each metric's typical month over the
 * last 3 complete months after the go-live month (averageMonths) is compared with its baseline. "Pays off" when most measurable
 * metrics improved, "at risk" otherwise; "not enough data" without a go-live date, before 3 complete months
 * after it, or with fewer than 3 measurable metrics.
 */
import { addMonths, monthDiff, monthOf, type MonthKey } from "./months";
import type { Outcome } from "./comparison";
import type { MetricKey } from "./types";

export const VERDICT_MONTHS = 3;
export const MIN_MEASURABLE_METRICS = 3;

export type Verdict = "pays_off" | "at_risk" | "not_enough_data";
export type VerdictReason = "no_go_live" | "too_soon" | "few_metrics" | null;

export interface VerdictResult {
  verdict: Verdict;
  reason: VerdictReason;
  improved: number;
  flat: number;
  worse: number;
  measurable: number;
}

/**
 * The months the verdict looks at: the last 3 complete months at `now`, or null while any of them is the
 * go-live month or earlier (or there is no go-live date).
 */
export function verdictWindow(goLiveDate: string | null, now: number, zone: string): MonthKey[] | null {
  if (!goLiveDate) return null;
  const lastComplete = addMonths(monthOf(now, zone), -1);
  const first = addMonths(lastComplete, -(VERDICT_MONTHS - 1));
  const goLiveMonth = goLiveDate.slice(0, 7);
  if (monthDiff(goLiveMonth, first) < 1) return null;
  return Array.from({ length: VERDICT_MONTHS }, (_, i) => addMonths(first, i));
}

/** Counts the outcomes and applies the majority rule. */
export function verdictOf(outcomes: Partial<Record<MetricKey, Outcome | null>>, context: { hasGoLive: boolean; windowReady: boolean }): VerdictResult {
  const list = Object.values(outcomes).filter((o): o is Outcome => o !== null && o !== undefined);
  const improved = list.filter((o) => o === "improved").length;
  const flat = list.filter((o) => o === "flat").length;
  const worse = list.filter((o) => o === "worse").length;
  const counts = { improved, flat, worse, measurable: list.length };
  if (!context.hasGoLive) return { verdict: "not_enough_data", reason: "no_go_live", ...counts };
  if (!context.windowReady) return { verdict: "not_enough_data", reason: "too_soon", ...counts };
  if (list.length < MIN_MEASURABLE_METRICS) return { verdict: "not_enough_data", reason: "few_metrics", ...counts };
  return { verdict: improved * 2 > list.length ? "pays_off" : "at_risk", reason: null, ...counts };
}
