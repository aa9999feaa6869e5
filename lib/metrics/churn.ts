/**
 * Churn rate, in percent: customers active at P's start and not active at its end ÷ S × 100 (customers.ts).
 * CRR + churn = 100 + reactivated ÷ S. Over several months the numerator is every customer lost during them
 * (a customer lost, won back and lost again counts twice), the denominator S at the first month's start.
 */
import type { CustomerMonthFlows } from "./customers";
import { aggregateFlows } from "./retention";
import { clean, ratio } from "./stats";
import { num, type MetricFigures } from "./types";

/** churn = C ÷ S × 100; null when S = 0. */
export function churnRate(flows: CustomerMonthFlows, windowDays: number): MetricFigures {
  return {
    value: clean(ratio(flows.C, flows.S, 100)),
    numerator: flows.C,
    denominator: flows.S,
    secondary: { S: flows.S, E: flows.E, N: flows.N, C: flows.C, R: flows.R, windowDays },
  };
}

/** Several consecutive months as one period: ΣC ÷ S_first × 100. */
export function aggregateChurn(months: readonly MetricFigures[]): MetricFigures {
  const window = months.length ? num(months[months.length - 1], "windowDays") : 0;
  return churnRate(aggregateFlows(months), window);
}

/** The typical month of several: ΣC ÷ ΣS × 100, the monthly churn weighted by the customers at each month's start. */
export function averageChurn(months: readonly MetricFigures[]): MetricFigures {
  const S = months.reduce((s, m) => s + num(m, "S"), 0);
  const C = months.reduce((s, m) => s + num(m, "C"), 0);
  const window = months.length ? num(months[months.length - 1], "windowDays") : 0;
  return { value: clean(ratio(C, S, 100)), numerator: C, denominator: S, secondary: { months: months.length, windowDays: window } };
}
