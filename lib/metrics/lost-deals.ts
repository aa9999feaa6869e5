/**
 * Cost of lost deals (the article's formula), in the client's base currency:
 *   lost deals cost = USP × FAD × SF × UFR
 * USP (unit selling price) = the average deal size of P, or of the 12 months ending with P when P has no win,
 * or a value set by staff. FAD (forecast demand) = requests (leads, or deals without leads) forecast for P:
 * the manual input, else the mean of the 3 months before P (P's own count when no earlier month is known).
 * SF (shortfall factor) = the share of P's requests lost to organisational causes: lost leads and deals of P
 * that had no answer within the SLA or were lost at a stage marked "organisational", ÷ requests of P, at most
 * 1; staff can set it. UFR (fulfilment rate) = manual input, default 1.
 * Shown beside the actual sum of the amounts of deals lost in P.
 */
import { clean, mean, ratio } from "./stats";
import { num, type MetricFigures } from "./types";

export const DEFAULT_FULFILMENT_RATE = 1;
export const FORECAST_TRAILING_MONTHS = 3;

/** SF = organisational losses ÷ requests, clamped to [0, 1]; null without requests. */
export function shortfallFactor(organisationalLosses: number, requests: number): number | null {
  const share = ratio(organisationalLosses, requests);
  return share === null ? null : Math.min(1, Math.max(0, share));
}

/** Mean requests of the months before P (up to 3), or P's own count when none is known. */
export function trailingDemand(previousMonths: readonly number[], current: number | null): number | null {
  const last = previousMonths.slice(-FORECAST_TRAILING_MONTHS);
  return last.length ? mean(last) : current;
}

export interface LostDealsInput {
  usp: number | null;
  uspSource: "set" | "month" | "trailing";
  fad: number | null;
  fadSource: "input" | "trailing" | "current";
  sf: number | null;
  sfSource: "set" | "estimated";
  ufr: number;
  ufrSource: "input" | "default";
  /** Σ amounts of the deals lost in P, and how many. */
  actualLost: number;
  lostDeals: number;
  lostLeads: number;
  organisationalLosses: number;
  requests: number;
}

/** lost deals cost = USP × FAD × SF × UFR; null when USP, FAD or SF is unknown. */
export function lostDealsCost(input: LostDealsInput): MetricFigures {
  const value = input.usp === null || input.fad === null || input.sf === null ? null : input.usp * input.fad * input.sf * input.ufr;
  return {
    value: clean(value),
    numerator: clean(value),
    denominator: null,
    secondary: {
      usp: clean(input.usp),
      uspSource: input.uspSource,
      fad: clean(input.fad),
      fadSource: input.fadSource,
      sf: clean(input.sf),
      sfSource: input.sfSource,
      ufr: clean(input.ufr),
      ufrSource: input.ufrSource,
      actualLost: clean(input.actualLost),
      lostDeals: input.lostDeals,
      lostLeads: input.lostLeads,
      organisationalLosses: input.organisationalLosses,
      requests: input.requests,
    },
  };
}

/** Several months as one period: costs and actual losses add up (a flow of money). */
export function aggregateLostDeals(months: readonly MetricFigures[]): MetricFigures {
  const valued = months.filter((m) => m.value !== null);
  const value = valued.length ? clean(valued.reduce((s, m) => s + (m.value ?? 0), 0)) : null;
  return {
    value,
    numerator: value,
    denominator: null,
    secondary: {
      actualLost: clean(months.reduce((s, m) => s + num(m, "actualLost"), 0)),
      lostDeals: months.reduce((s, m) => s + num(m, "lostDeals"), 0),
      lostLeads: months.reduce((s, m) => s + num(m, "lostLeads"), 0),
      organisationalLosses: months.reduce((s, m) => s + num(m, "organisationalLosses"), 0),
      requests: months.reduce((s, m) => s + num(m, "requests"), 0),
      monthsValued: valued.length,
    },
  };
}

/** The typical month of several: the mean cost over the months that have a value (a sum would grow with the period). */
export function averageLostDeals(months: readonly MetricFigures[]): MetricFigures {
  const total = aggregateLostDeals(months);
  const valued = Number(total.secondary.monthsValued) || 0;
  const value = valued && total.value !== null ? clean(total.value / valued) : null;
  return { ...total, value, numerator: total.value, denominator: valued || null };
}
