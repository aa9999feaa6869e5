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
 * Won deals as columns sorted by customer, then win instant: what the recompute streams from the database
 * without building an object per deal. Customers are numbers (customerNumber); NaN rows belong to no customer.
 */
export interface WinColumns {
  length: number;
  customer: ArrayLike<number>;
  wonAt: ArrayLike<number>;
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
  const ids = new Map<string, number>();
  const names: string[] = [];
  for (const w of wins) if (!ids.has(w.customer)) ids.set(w.customer, names.push(w.customer));
  const sorted = [...wins].sort((a, b) => ids.get(a.customer)! - ids.get(b.customer)! || a.wonAt - b.wonAt);
  const first = options.firstWonAt ? new Map([...options.firstWonAt].filter(([k]) => ids.has(k)).map(([k, v]) => [ids.get(k)!, v])) : undefined;
  return customerFlowsOfColumns(
    { length: sorted.length, customer: sorted.map((w) => ids.get(w.customer)!), wonAt: sorted.map((w) => w.wonAt) },
    boundaries,
    windowDays,
    { firstWonAt: first, detailMonth: options.detailMonth, nameOf: (id) => names[id - 1] },
  );
}

/** customerFlows over sorted columns: one pass, no per-deal objects. */
export function customerFlowsOfColumns(
  wins: WinColumns,
  boundaries: readonly number[],
  windowDays: number,
  options: { firstWonAt?: ReadonlyMap<number, number>; detailMonth?: number; nameOf?: (customer: number) => string } = {},
): CustomerFlowsResult {
  const n = boundaries.length - 1;
  const W = windowDays * DAY_MS;
  const months: CustomerMonthFlows[] = Array.from({ length: Math.max(n, 0) }, () => ({ S: 0, E: 0, N: 0, C: 0, R: 0 }));
  if (n <= 0) return { months };
  const activeDiff = new Float64Array(n + 2);
  const dm = options.detailMonth;
  const nameOf = options.nameOf ?? customerKeyOfNumber;
  const detail = dm !== undefined ? { newCustomers: [] as string[], churned: [] as string[], reactivated: [] as string[], activeAtStart: [] as string[], activeAtEnd: [] as string[] } : undefined;

  // Boundary index ranges [i, j] at which the current customer is active, merged where they touch.
  let rangeStart = -1;
  let rangeEnd = -2;
  let firstMonth = -1;
  let customer = NaN;
  const closeRange = () => {
    if (rangeStart < 0) return;
    const i = rangeStart;
    const j = rangeEnd;
    activeDiff[i]++;
    activeDiff[j + 1]--;
    if (j < n) {
      months[j].C++;
      if (j === dm) detail!.churned.push(nameOf(customer));
    }
    if (i > 0 && i - 1 !== firstMonth) {
      months[i - 1].R++;
      if (i - 1 === dm) detail!.reactivated.push(nameOf(customer));
    }
    if (dm !== undefined) {
      if (i <= dm && dm <= j) detail!.activeAtStart.push(nameOf(customer));
      if (i <= dm + 1 && dm + 1 <= j) detail!.activeAtEnd.push(nameOf(customer));
    }
    rangeStart = -1;
    rangeEnd = -2;
  };
  const addSpell = (start: number, last: number) => {
    const i = firstBoundaryAfter(boundaries, start);
    const j = firstBoundaryAfter(boundaries, last + W) - 1;
    if (i > j) return;
    if (rangeStart >= 0 && rangeEnd + 1 >= i) rangeEnd = Math.max(rangeEnd, j);
    else {
      closeRange();
      rangeStart = i;
      rangeEnd = j;
    }
  };

  let k = 0;
  while (k < wins.length) {
    customer = wins.customer[k];
    if (Number.isNaN(customer)) {
      k++;
      continue;
    }
    const first = Math.min(options.firstWonAt?.get(customer) ?? Infinity, wins.wonAt[k]);
    firstMonth = locateMonth(boundaries, first);
    if (firstMonth >= 0) {
      months[firstMonth].N++;
      if (firstMonth === dm) detail!.newCustomers.push(nameOf(customer));
    }
    let spellStart = wins.wonAt[k];
    let spellLast = spellStart;
    k++;
    while (k < wins.length && wins.customer[k] === customer) {
      const t = wins.wonAt[k];
      if (t - spellLast > W) {
        addSpell(spellStart, spellLast);
        spellStart = t;
      }
      spellLast = t;
      k++;
    }
    addSpell(spellStart, spellLast);
    closeRange();
  }
  let active = 0;
  const activeAt: number[] = [];
  for (let b = 0; b <= n; b++) {
    active += activeDiff[b];
    activeAt.push(active);
  }
  for (let m = 0; m < n; m++) {
    months[m].S = activeAt[m];
    months[m].E = activeAt[m + 1];
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

/** The customer as a number for columnar processing: companies positive, contacts negative, NaN for none. */
export function customerNumber(companyId: number | null | undefined, contactId: number | null | undefined): number {
  if (companyId) return companyId;
  if (contactId) return -contactId;
  return NaN;
}

/** customerNumber back to its key: 12 → "company:12", −7 → "contact:7". */
export function customerKeyOfNumber(customer: number): string {
  return customer > 0 ? `company:${customer}` : `contact:${-customer}`;
}
