/**
 * Customer retention rate (the article's CRR), in percent: (E − N) ÷ S × 100, with S, E, N as in customers.ts
 * (customers active at P's start, active at its end, new in P).
 */
import type { CustomerMonthFlows } from "./customers";
import { clean, ratio } from "./stats";
import { num, type MetricFigures } from "./types";

/** CRR = (E − N) ÷ S × 100; null when S = 0. */
export function retentionRate(flows: CustomerMonthFlows, windowDays: number): MetricFigures {
  return {
    value: clean(ratio(flows.E - flows.N, flows.S, 100)),
    numerator: flows.E - flows.N,
    denominator: flows.S,
    secondary: { S: flows.S, E: flows.E, N: flows.N, C: flows.C, R: flows.R, windowDays },
  };
}

/**
 * Consecutive months as one period: S of the first month, E of the last, N, C and R summed — exactly the
 * flows of the whole period.
 */
export function aggregateFlows(months: readonly MetricFigures[]): CustomerMonthFlows {
  return {
    S: months.length ? num(months[0], "S") : 0,
    E: months.length ? num(months[months.length - 1], "E") : 0,
    N: months.reduce((s, m) => s + num(m, "N"), 0),
    C: months.reduce((s, m) => s + num(m, "C"), 0),
    R: months.reduce((s, m) => s + num(m, "R"), 0),
  };
}

/** Several consecutive months as one period: (E_last − ΣN) ÷ S_first × 100. */
export function aggregateRetention(months: readonly MetricFigures[]): MetricFigures {
  const window = months.length ? num(months[months.length - 1], "windowDays") : 0;
  return retentionRate(aggregateFlows(months), window);
}

/**
 * The typical month of several: Σ(E − N) ÷ ΣS × 100, the monthly retention weighted by the customers at each
 * month's start (what the verdict and baselines compare; a 12-month retention is not comparable with a 3-month one).
 */
export function averageRetention(months: readonly MetricFigures[]): MetricFigures {
  const S = months.reduce((s, m) => s + num(m, "S"), 0);
  const kept = months.reduce((s, m) => s + num(m, "E") - num(m, "N"), 0);
  const window = months.length ? num(months[months.length - 1], "windowDays") : 0;
  return { value: clean(ratio(kept, S, 100)), numerator: kept, denominator: S, secondary: { months: months.length, windowDays: window } };
}
