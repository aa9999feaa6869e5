/**
 * Sales cycle, in days: the mean over deals won in P of the days from first contact to the win. First
 * contact = the lead's creation when the deal came from a lead, else the deal's creation; the win = the
 * deal's final success entry in the stage history, falling back to CLOSEDATE. The median is shown too.
 * Numerator = Σ days, denominator = won deals.
 */
import { clean, histogram, histogramPercentile, mergeHistograms, median, ratio } from "./stats";
import { num, type MetricFigures } from "./types";

const DAY_MS = 86_400_000;

export interface WonDealTiming {
  /** Lead creation, or deal creation when there is no lead. */
  firstContactAt: number;
  wonAt: number;
}

/** Days from first contact to the win (0 when the data has the win first). */
export function cycleDays(deal: WonDealTiming): number {
  return Math.max(0, deal.wonAt - deal.firstContactAt) / DAY_MS;
}

/** sales cycle = Σ days ÷ won deals (mean), median beside it. */
export function salesCycle(days: readonly number[]): MetricFigures {
  const total = days.reduce((s, d) => s + d, 0);
  return {
    value: clean(ratio(total, days.length)),
    numerator: clean(total),
    denominator: days.length,
    secondary: { median: clean(median(days)), wonDeals: days.length, histogram: histogram(days) },
  };
}

/** Several months as one period: Σ days ÷ Σ won deals; the median from the merged histograms. */
export function aggregateSalesCycle(months: readonly MetricFigures[]): MetricFigures {
  const total = months.reduce((s, m) => s + (m.numerator ?? 0), 0);
  const count = months.reduce((s, m) => s + (m.denominator ?? 0), 0);
  const hist = mergeHistograms(months.map((m) => (Array.isArray(m.secondary.histogram) ? m.secondary.histogram : null)));
  return {
    value: clean(ratio(total, count)),
    numerator: clean(total),
    denominator: count,
    secondary: { median: clean(histogramPercentile(hist, 0.5)), wonDeals: months.reduce((s, m) => s + num(m, "wonDeals"), 0), histogram: hist },
  };
}
