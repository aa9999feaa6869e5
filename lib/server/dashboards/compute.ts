/**
 * What the dashboards derive from stored monthly snapshots: deltas, the verdict as of a month, before/after
 * go-live and period-against-period figures. Pure (no database): formulas, comparisons and the verdict rule all
 * come from lib/metrics; this module only picks the months they are applied to.
 */
import {
  addMonths,
  averageMonths,
  baselineMonths,
  changePercent,
  compareToBaseline,
  METRIC_DEFINITIONS,
  METRIC_KEYS,
  monthDiff,
  monthRange,
  monthStart,
  verdictOf,
  verdictWindow,
  type MetricFigures,
  type MetricKey,
  type MonthKey,
  type Outcome,
  type VerdictResult,
} from "@/lib/metrics";

/** A metric's stored months, keyed `YYYY-MM`. */
export type MonthlyFigures = ReadonlyMap<MonthKey, MetricFigures>;
/** Every metric's stored months. */
export type FiguresByMetric = Partial<Record<MetricKey, MonthlyFigures>>;

export interface Delta {
  /** Relative change in percent of |reference|, or null when either side is unknown or the reference is 0. */
  change: number | null;
  /** Absolute difference, or null. */
  difference: number | null;
  /** improved / flat / worse by the metric's good direction, or null when either side is unknown. */
  outcome: Outcome | null;
}

/** How `current` stands against `reference` for a metric (the ±5 % flat band of the verdict rule). */
export function deltaOf(metric: MetricKey, current: number | null, reference: number | null): Delta {
  return {
    change: changePercent(current, reference),
    difference: current === null || reference === null ? null : current - reference,
    outcome: compareToBaseline(current, reference, METRIC_DEFINITIONS[metric].good),
  };
}

/**
 * One metric over consecutive months as their typical month (averageMonths): ratios pooled from the months'
 * numerators and denominators (never an average of ratios), retention and churn per month weighted by the customers
 * at each month's start, money totals per month. Ranges of different lengths stay comparable, and a long range does
 * not turn retention negative or churn above 100 % as a whole-period rate would. Months without a snapshot are left
 * out; null when none of them has one.
 */
export function valueOver(metric: MetricKey, figures: MonthlyFigures | undefined, months: readonly MonthKey[]): MetricFigures | null {
  if (!figures) return null;
  const list = months.map((m) => figures.get(m)).filter((f): f is MetricFigures => f !== undefined);
  if (list.length === 0) return null;
  return list.length === 1 ? list[0] : averageMonths(metric, list);
}

/** The instant a month is over in the zone: "now" for a verdict as of that month. */
export function endOfMonth(month: MonthKey, zone: string): number {
  return monthStart(addMonths(month, 1), zone);
}

/**
 * The client verdict as it stood when `month` was the last complete month: each metric's value over the 3
 * months ending with `month`, against its baseline, by the article's majority rule.
 */
export function verdictAsOf(input: {
  month: MonthKey;
  timeZone: string;
  goLiveDate: string | null;
  figures: FiguresByMetric;
  baselines: Partial<Record<MetricKey, number | null>>;
  /** The window when already known (see verdictWindowOf); computed otherwise. */
  window?: MonthKey[] | null;
}): VerdictResult & { outcomes: Partial<Record<MetricKey, Outcome | null>>; window: MonthKey[] | null } {
  const window = input.window !== undefined ? input.window : verdictWindowOf(input.month, input.timeZone, input.goLiveDate);
  const outcomes: Partial<Record<MetricKey, Outcome | null>> = {};
  if (window) {
    for (const metric of METRIC_KEYS) {
      // The typical month of the window, comparable with the baseline (itself a typical month before go-live).
      const months = window.map((m) => input.figures[metric]?.get(m)).filter((f): f is MetricFigures => f !== undefined);
      const current = months.length ? averageMonths(metric, months).value : null;
      outcomes[metric] = compareToBaseline(current, input.baselines[metric] ?? null, METRIC_DEFINITIONS[metric].good);
    }
  }
  return { ...verdictOf(outcomes, { hasGoLive: input.goLiveDate !== null, windowReady: window !== null }), outcomes, window };
}

const windows = new Map<string, MonthKey[] | null>();

/**
 * The verdict's months as of `month` for a go-live date in a zone. Memoised: it depends only on the month, the
 * zone and the go-live month, and time-zone arithmetic is the costly part of a 500-client portfolio.
 */
export function verdictWindowOf(month: MonthKey, timeZone: string, goLiveDate: string | null): MonthKey[] | null {
  if (!goLiveDate) return null;
  const key = `${month}|${timeZone}|${goLiveDate.slice(0, 7)}`;
  let window = windows.get(key);
  if (window === undefined) {
    if (windows.size > 10_000) windows.clear();
    window = verdictWindow(goLiveDate, endOfMonth(month, timeZone), timeZone);
    windows.set(key, window);
  }
  return window;
}

export interface PeriodRange {
  from: MonthKey;
  to: MonthKey;
}

/** A period's figures for every metric. */
export function figuresOverRange(figures: FiguresByMetric, range: PeriodRange): Record<MetricKey, MetricFigures | null> {
  const months = monthRange(range.from, range.to);
  return Object.fromEntries(METRIC_KEYS.map((m) => [m, valueOver(m, figures[m], months)])) as Record<MetricKey, MetricFigures | null>;
}

export type PeriodComparisonMode = "previous" | "year" | "custom";

/**
 * The two periods of a period-against-period comparison: the month against the month before, against the same
 * month a year earlier, or two custom ranges (B is compared with A).
 */
export function comparisonPeriods(
  mode: PeriodComparisonMode,
  month: MonthKey,
  custom?: { a: PeriodRange; b: PeriodRange },
): { a: PeriodRange; b: PeriodRange } {
  if (mode === "previous") return { a: { from: addMonths(month, -1), to: addMonths(month, -1) }, b: { from: month, to: month } };
  if (mode === "year") return { a: { from: addMonths(month, -12), to: addMonths(month, -12) }, b: { from: month, to: month } };
  if (!custom) throw new RangeError("custom comparison needs two ranges");
  return custom;
}

/**
 * Before and after go-live: the months a computed baseline covers (up to 12 before the go-live month, within the
 * history) against every month after the go-live month through `lastMonth`. Null without a go-live date.
 */
export function beforeAfterRanges(goLiveDate: string | null, firstMonth: MonthKey | null, lastMonth: MonthKey | null): { before: PeriodRange | null; after: PeriodRange | null } | null {
  if (!goLiveDate) return null;
  const goLiveMonth = goLiveDate.slice(0, 7);
  const beforeMonths = firstMonth ? baselineMonths(goLiveDate, firstMonth) : [];
  const before = beforeMonths.length ? { from: beforeMonths[0], to: beforeMonths[beforeMonths.length - 1] } : null;
  const afterFrom = addMonths(goLiveMonth, 1);
  const after = lastMonth && monthDiff(afterFrom, lastMonth) >= 0 ? { from: afterFrom, to: lastMonth } : null;
  return { before, after };
}

/** Whether `from` … `to` is a valid range of at most `max` months. */
export function isValidRange(range: PeriodRange, max = 240): boolean {
  const n = monthDiff(range.from, range.to);
  return n >= 0 && n < max;
}
