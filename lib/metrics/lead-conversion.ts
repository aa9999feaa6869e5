/**
 * Lead conversion (the article's formula): won deals closed in P ÷ leads created in P × 100, in percent.
 * In simple CRM mode (leads switched off) the denominator is deals created in P. The cohort view beside it:
 * of the leads (or, without leads, deals) created in P, the share that became a won deal by now.
 */
import { clean, ratio } from "./stats";
import { num, type MetricFigures } from "./types";

export interface LeadConversionInput {
  /** Deals won in P (win instant in P). */
  wonDeals: number;
  leadsCreated: number;
  dealsCreated: number;
  /** False in simple CRM mode: the denominator becomes deals created. */
  leadsEnabled: boolean;
  /** Leads (or deals, without leads) created in P … */
  cohortSize: number;
  /** … of which became a won deal by now. */
  cohortWon: number;
}

/** conversion = wonDeals ÷ (leadsCreated, or dealsCreated without leads) × 100. */
export function leadConversion(input: LeadConversionInput): MetricFigures {
  const denominator = input.leadsEnabled ? input.leadsCreated : input.dealsCreated;
  return {
    value: clean(ratio(input.wonDeals, denominator, 100)),
    numerator: input.wonDeals,
    denominator,
    secondary: {
      mode: input.leadsEnabled ? "leads" : "deals",
      wonDeals: input.wonDeals,
      leadsCreated: input.leadsCreated,
      dealsCreated: input.dealsCreated,
      cohortSize: input.cohortSize,
      cohortWon: input.cohortWon,
      cohortConversion: clean(ratio(input.cohortWon, input.cohortSize, 100)),
    },
  };
}

/** Several months as one period: Σ won ÷ Σ denominator × 100 (cohorts likewise). */
export function aggregateLeadConversion(months: readonly MetricFigures[]): MetricFigures {
  const last = months[months.length - 1];
  return leadConversion({
    wonDeals: months.reduce((s, m) => s + (m.numerator ?? 0), 0),
    leadsCreated: months.reduce((s, m) => s + num(m, "leadsCreated"), 0),
    dealsCreated: months.reduce((s, m) => s + num(m, "dealsCreated"), 0),
    leadsEnabled: last ? last.secondary.mode !== "deals" : true,
    cohortSize: months.reduce((s, m) => s + num(m, "cohortSize"), 0),
    cohortWon: months.reduce((s, m) => s + num(m, "cohortWon"), 0),
  });
}
