/**
 * Customer lifetime value, in the client's base currency, over the 12 months ending with P:
 *   LTV = AOV × RPR × lifetime,
 *   AOV = won revenue ÷ won deals, RPR = won deals ÷ distinct buying customers (so AOV × RPR is the yearly
 *   revenue per buying customer), lifetime (years) = 1 ÷ annualised churn, capped at 10.
 * Annualised churn compounds the monthly churn rates of the window: 1 − Π(1 − Cₘ ÷ Sₘ)^(12 ÷ k) over the k
 * months with S > 0. When it is 0 (or unknown) the lifetime is the observed mean customer lifespan instead:
 * over the window's buyers, from the first won deal to the end of activity (last win + W, or P's end if
 * sooner), also capped at 10 years.
 */
import { clean, ratio } from "./stats";
import type { MetricFigures } from "./types";

export const LTV_WINDOW_MONTHS = 12;
export const MAX_LIFETIME_YEARS = 10;
const YEAR_MS = 365.25 * 86_400_000;

/** 1 − Π(1 − C/S) annualised over the months with S > 0; null when there are none. */
export function annualisedChurn(months: readonly { S: number; C: number }[]): number | null {
  const measured = months.filter((m) => m.S > 0);
  if (measured.length === 0) return null;
  const survival = measured.reduce((p, m) => p * (1 - Math.min(1, m.C / m.S)), 1);
  return 1 - Math.pow(survival, 12 / measured.length);
}

/** Mean years from first win to the end of activity (last win + W, capped at `periodEnd`); null for none. */
export function observedLifespanYears(customers: readonly { firstWonAt: number; lastWonAt: number }[], periodEnd: number, windowDays: number): number | null {
  if (customers.length === 0) return null;
  const W = windowDays * 86_400_000;
  const total = customers.reduce((s, c) => s + Math.max(0, Math.min(c.lastWonAt + W, periodEnd) - c.firstWonAt), 0);
  return total / customers.length / YEAR_MS;
}

export interface LtvInput {
  revenue: number;
  wonDeals: number;
  buyers: number;
  annualChurn: number | null;
  observedLifespanYears: number | null;
}

/** LTV = (revenue ÷ won deals) × (won deals ÷ buyers) × min(1 ÷ annual churn, 10), with the lifespan fallback. */
export function ltv(input: LtvInput): MetricFigures {
  const aov = ratio(input.revenue, input.wonDeals);
  const rpr = ratio(input.wonDeals, input.buyers);
  let lifetime: number | null;
  let lifetimeSource: string;
  if (input.annualChurn !== null && input.annualChurn > 0) {
    lifetime = Math.min(1 / input.annualChurn, MAX_LIFETIME_YEARS);
    lifetimeSource = lifetime === MAX_LIFETIME_YEARS ? "cap" : "churn";
  } else {
    lifetime = input.observedLifespanYears === null ? null : Math.min(input.observedLifespanYears, MAX_LIFETIME_YEARS);
    lifetimeSource = "observed";
  }
  const value = aov === null || rpr === null || lifetime === null ? null : aov * rpr * lifetime;
  return {
    value: clean(value),
    numerator: lifetime === null ? null : clean(input.revenue * lifetime),
    denominator: input.buyers,
    secondary: {
      aov: clean(aov),
      rpr: clean(rpr),
      lifetimeYears: clean(lifetime),
      lifetimeSource,
      annualChurn: clean(input.annualChurn === null ? null : input.annualChurn * 100),
      observedLifespanYears: clean(input.observedLifespanYears),
      revenue: clean(input.revenue),
      wonDeals: input.wonDeals,
      buyers: input.buyers,
      windowMonths: LTV_WINDOW_MONTHS,
    },
  };
}

/** A trailing-window figure: a longer period takes its last month's value. */
export function aggregateLtv(months: readonly MetricFigures[]): MetricFigures {
  const last = [...months].reverse().find((m) => m.value !== null) ?? months[months.length - 1];
  return last ?? { value: null, numerator: null, denominator: null, secondary: {} };
}
