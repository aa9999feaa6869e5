/**
 * Periods. The stored period is a calendar month in the client's time zone, named `YYYY-MM`; quarters
 * (`YYYY-Qn`) and years (`YYYY`) are groups of months.
 */
import { wallTime, zonedTimeToInstant } from "./time-zone";

/** `2024-03`. */
export type MonthKey = string;

const MONTH_RE = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** Whether the text is a month key. */
export function isMonthKey(value: string): value is MonthKey {
  return MONTH_RE.test(value);
}

/** Year and 1-based month of a month key; throws on anything else. */
export function parseMonth(month: MonthKey): { year: number; month: number } {
  const m = MONTH_RE.exec(month);
  if (!m) throw new RangeError(`Not a month: ${month}`);
  return { year: Number(m[1]), month: Number(m[2]) };
}

/** The key of a year and 1-based month. */
export function monthKey(year: number, month: number): MonthKey {
  return `${String(year).padStart(4, "0")}-${String(month).padStart(2, "0")}`;
}

/** The month `n` months after (or before, when negative) `month`. */
export function addMonths(month: MonthKey, n: number): MonthKey {
  const { year, month: m } = parseMonth(month);
  const index = year * 12 + (m - 1) + n;
  return monthKey(Math.floor(index / 12), (index % 12) + 1);
}

/** Months from `a` to `b` (b − a); negative when b is earlier. */
export function monthDiff(a: MonthKey, b: MonthKey): number {
  const x = parseMonth(a);
  const y = parseMonth(b);
  return (y.year - x.year) * 12 + (y.month - x.month);
}

/** Every month from `from` to `to`, both included; empty when `to` is before `from`. */
export function monthRange(from: MonthKey, to: MonthKey): MonthKey[] {
  const n = monthDiff(from, to);
  return Array.from({ length: Math.max(0, n + 1) }, (_, i) => addMonths(from, i));
}

/** The instant the month starts in `zone` (local midnight of its first day, or the end of a DST gap there). */
export function monthStart(month: MonthKey, zone: string): number {
  const { year, month: m } = parseMonth(month);
  return zonedTimeToInstant(zone, year, m, 1);
}

/** The half-open interval [start, end) of the month in `zone`, as epoch milliseconds. */
export function monthBounds(month: MonthKey, zone: string): { start: number; end: number } {
  return { start: monthStart(month, zone), end: monthStart(addMonths(month, 1), zone) };
}

/** The month containing the instant in `zone`. */
export function monthOf(ms: number, zone: string): MonthKey {
  const w = wallTime(ms, zone);
  return monthKey(w.year, w.month);
}

/** A month is complete once its end has passed. */
export function isCompleteMonth(month: MonthKey, now: number, zone: string): boolean {
  return monthBounds(month, zone).end <= now;
}

/** The last complete month at `now` in `zone`. */
export function lastCompleteMonth(now: number, zone: string): MonthKey {
  return addMonths(monthOf(now, zone), -1);
}

/** `2024-Q1` for any month of the first quarter of 2024. */
export function quarterOf(month: MonthKey): string {
  const { year, month: m } = parseMonth(month);
  return `${year}-Q${Math.floor((m - 1) / 3) + 1}`;
}

/** `2024`. */
export function yearOf(month: MonthKey): string {
  return String(parseMonth(month).year);
}

export type PeriodKind = "month" | "quarter" | "year";

/** The key of the period of the given kind that contains the month. */
export function periodOf(month: MonthKey, kind: PeriodKind): string {
  return kind === "month" ? month : kind === "quarter" ? quarterOf(month) : yearOf(month);
}

/**
 * Boundaries of consecutive months: `boundaries[i]` is the start of `months[i]` and `boundaries[n]` the end of
 * the last one. Locating an instant among them is a binary search, not a time-zone conversion.
 */
export function monthBoundaries(from: MonthKey, to: MonthKey, zone: string): { months: MonthKey[]; boundaries: number[] } {
  const months = monthRange(from, to);
  const boundaries = months.map((m) => monthStart(m, zone));
  boundaries.push(monthStart(addMonths(to, 1), zone));
  return { months, boundaries };
}

/** Index of the month containing `ms` among `boundaries` (see monthBoundaries), or −1 when outside them. */
export function locateMonth(boundaries: readonly number[], ms: number): number {
  if (boundaries.length < 2 || ms < boundaries[0] || ms >= boundaries[boundaries.length - 1]) return -1;
  let lo = 0;
  let hi = boundaries.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (boundaries[mid] <= ms) lo = mid;
    else hi = mid;
  }
  return lo;
}
