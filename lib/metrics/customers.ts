/**
 * Customers and their activity, the base of retention, churn, CAC's N and LTV.
 *
 * A customer is a company, or a contact when a won deal has no company, with at least one won deal. A
 * customer is active at instant t when one of its won deals falls within the activity window W before t:
 * some win w with t − W ≤ w < t. For a month P = [s, e):
 *   S = customers active at s, E = customers active at e,
 *   N = customers whose first won deal is in P,
 *   C (churned) = active at s and not at e,
 *   R (reactivated) = not active at s, active at e, first won deal before P.
 * Hence E = S − C + N + R (given W is longer than a month, so that a customer won in P is active at e).
 */
import { locateMonth } from "./months";

export const DEFAULT_ACTIVITY_WINDOW_DAYS = 365;
/** Shorter windows would let a customer won early in a long month lapse before the month ends. */
export const MIN_ACTIVITY_WINDOW_DAYS = 32;
export const MAX_ACTIVITY_WINDOW_DAYS = 3650;
export const DAY_MS = 86_400_000;

/** One won deal of a customer. */
export interface CustomerWin {
  customer: string;
  wonAt: number;
}

export interface CustomerMonthFlows {
  S: number;
  E: number;
  N: number;
  C: number;
  R: number;
}

export interface CustomerFlowsResult {
  /** Per month (same order as the boundaries' months). */
  months: CustomerMonthFlows[];
  /** The customers behind N, C and R of one month, when asked for (drill-down). */
  detail?: { newCustomers: string[]; churned: string[]; reactivated: string[]; activeAtStart: string[]; activeAtEnd: string[] };
}

/**
 * S, E, N, C and R for consecutive months. `boundaries` are month starts plus the last month's end (see
 * monthBoundaries). `wins` must hold every win from (first boundary − W) on, and `firstWonAt` each customer's
 * first win ever when `wins` does not go back that far (otherwise it is derived from `wins`).
 */
export function customerFlows(
  wins: readonly CustomerWin[],
  boundaries: readonly number[],
  windowDays: number,
  options: { firstWonAt?: ReadonlyMap<string, number>; detailMonth?: number } = {},
): CustomerFlowsResult {
  const n = boundaries.length - 1;
  const W = windowDays * DAY_MS;
  const months: CustomerMonthFlows[] = Array.from({ length: Math.max(n, 0) }, () => ({ S: 0, E: 0, N: 0, C: 0, R: 0 }));
  if (n <= 0) return { months };
  const activeDiff = new Array<number>(n + 2).fill(0);
  const dm = options.detailMonth;
  const detail = dm !== undefined ? { newCustomers: [] as string[], churned: [] as string[], reactivated: [] as string[], activeAtStart: [] as string[], activeAtEnd: [] as string[] } : undefined;

  const byCustomer = new Map<string, number[]>();
  for (const w of wins) {
    let list = byCustomer.get(w.customer);
    if (!list) byCustomer.set(w.customer, (list = []));
    list.push(w.wonAt);
  }

  for (const [customer, list] of byCustomer) {
    list.sort((a, b) => a - b);
    const first = Math.min(options.firstWonAt?.get(customer) ?? Infinity, list[0]);
    const firstMonth = locateMonth(boundaries, first);
    if (firstMonth >= 0) {
      months[firstMonth].N++;
      if (firstMonth === dm) detail!.newCustomers.push(customer);
    }
    // Boundary index ranges [i, j] at which the customer is active, merged where they touch.
    const ranges: [number, number][] = [];
    let spellStart = list[0];
    let spellLast = list[0];
    const flush = () => {
      const i = firstBoundaryAfter(boundaries, spellStart);
      const j = lastBoundaryAtOrBefore(boundaries, spellLast + W);
      if (i > j) return;
      const prev = ranges[ranges.length - 1];
      if (prev && prev[1] + 1 >= i) prev[1] = Math.max(prev[1], j);
      else ranges.push([i, j]);
    };
    for (let k = 1; k < list.length; k++) {
      if (list[k] - spellLast > W) {
        flush();
        spellStart = list[k];
      }
      spellLast = list[k];
    }
    flush();
    for (const [i, j] of ranges) {
      activeDiff[i]++;
      activeDiff[j + 1]--;
      if (j < n) {
        months[j].C++;
        if (j === dm) detail!.churned.push(customer);
      }
      if (i > 0) {
        const month = i - 1;
        const isNew = month === firstMonth;
        if (!isNew) {
          months[month].R++;
          if (month === dm) detail!.reactivated.push(customer);
        }
      }
      if (dm !== undefined) {
        if (i <= dm && dm <= j) detail!.activeAtStart.push(customer);
        if (i <= dm + 1 && dm + 1 <= j) detail!.activeAtEnd.push(customer);
      }
    }
  }
  let active = 0;
  const activeAt: number[] = [];
  for (let b = 0; b <= n; b++) {
    active += activeDiff[b];
    activeAt.push(active);
  }
  for (let k = 0; k < n; k++) {
    months[k].S = activeAt[k];
    months[k].E = activeAt[k + 1];
  }
  return detail ? { months, detail } : { months };
}

/** Smallest boundary index whose instant is after t (n + 1 when none). */
function firstBoundaryAfter(boundaries: readonly number[], t: number): number {
  let lo = 0;
  let hi = boundaries.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (boundaries[mid] > t) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Largest boundary index whose instant is at or before t (−1 when none). */
function lastBoundaryAtOrBefore(boundaries: readonly number[], t: number): number {
  return firstBoundaryAfter(boundaries, t) - 1;
}

/**
 * Whether a customer with these wins is active at t (the definition in one line, for tests and drill-down).
 */
export function isActiveAt(winInstants: readonly number[], t: number, windowDays: number): boolean {
  const W = windowDays * DAY_MS;
  return winInstants.some((w) => w < t && w >= t - W);
}

/**
 * The customer a won deal belongs to: its company, or its contact when it has no company; null when it has
 * neither (such a deal counts as revenue but belongs to no customer).
 */
export function customerKey(companyId: number | null | undefined, contactId: number | null | undefined): string | null {
  if (companyId) return `company:${companyId}`;
  if (contactId) return `contact:${contactId}`;
  return null;
}
