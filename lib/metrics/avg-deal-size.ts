/**
 * Average deal size, in the client's base currency: won revenue in P ÷ won deals in P (amounts converted with
 * the portal's currency rates).
 */
import { clean, ratio } from "./stats";
import type { MetricFigures } from "./types";

/** avg deal size = Σ won amounts ÷ won deals; null without won deals. */
export function avgDealSize(input: { revenue: number; wonDeals: number; zeroAmountWon?: number }): MetricFigures {
  return {
    value: clean(ratio(input.revenue, input.wonDeals)),
    numerator: clean(input.revenue),
    denominator: input.wonDeals,
    secondary: { revenue: clean(input.revenue), wonDeals: input.wonDeals, zeroAmountWon: input.zeroAmountWon ?? 0 },
  };
}

/** Several months as one period: Σ revenue ÷ Σ won deals. */
export function aggregateAvgDealSize(months: readonly MetricFigures[]): MetricFigures {
  return avgDealSize({
    revenue: months.reduce((s, m) => s + (m.numerator ?? 0), 0),
    wonDeals: months.reduce((s, m) => s + (m.denominator ?? 0), 0),
    zeroAmountWon: months.reduce((s, m) => s + (typeof m.secondary.zeroAmountWon === "number" ? m.secondary.zeroAmountWon : 0), 0),
  });
}
