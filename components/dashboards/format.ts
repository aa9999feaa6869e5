/**
 * Formatting of metric values and deltas, shared by server components (next-intl's getFormatter) and client
 * charts (useFormatter): both pass their `number` function, so the locale's digits, separators, currency and unit
 * names apply everywhere. Units come from the definitions registry.
 */
import type { NumberFormatOptions } from "next-intl";
import type { MetricUnit } from "@/lib/metrics";

export type FormatNumber = (value: number, options?: NumberFormatOptions) => string;

/** A metric's value in its unit: 12.5 %, 14 min / 2.5 h, 31 days, ₽ 120,000. */
export function formatMetricValue(number: FormatNumber, unit: MetricUnit, value: number | null, currency: string): string | null {
  if (value === null || !Number.isFinite(value)) return null;
  switch (unit) {
    case "percent":
      return number(value / 100, { style: "percent", maximumFractionDigits: 1 });
    case "minutes":
      // Response times beyond two hours read better in hours.
      return Math.abs(value) >= 120
        ? number(value / 60, { style: "unit", unit: "hour", unitDisplay: "short", maximumFractionDigits: 1 })
        : number(value, { style: "unit", unit: "minute", unitDisplay: "short", maximumFractionDigits: 1 });
    case "days":
      return number(value, { style: "unit", unit: "day", unitDisplay: "short", maximumFractionDigits: 1 });
    case "money":
      return number(value, { style: "currency", currency, maximumFractionDigits: Math.abs(value) < 100 ? 2 : 0 });
  }
}

/** A compact value for chart axes (no currency sign: the axis title carries it). */
export function formatAxisValue(number: FormatNumber, unit: MetricUnit, value: number): string {
  if (unit === "percent") return number(value / 100, { style: "percent", maximumFractionDigits: 0 });
  return number(value, { notation: "compact", maximumFractionDigits: 1 });
}

/** A relative change in percent, signed: +12.5 %, −3 %. */
export function formatChange(number: FormatNumber, change: number | null): string | null {
  if (change === null || !Number.isFinite(change)) return null;
  return number(change / 100, { style: "percent", maximumFractionDigits: 1, signDisplay: "exceptZero" });
}

/** `2024-03` as a Date at the month's first day (UTC), for date formatting. */
export function monthDate(month: string): Date {
  return new Date(`${month}-01T00:00:00Z`);
}

/** Month formatting options: "March 2024" (long) or "Mar 2024" (short), always in UTC so the month never shifts. */
export const MONTH_FORMAT = { long: { year: "numeric", month: "long", timeZone: "UTC" }, short: { year: "numeric", month: "short", timeZone: "UTC" } } as const;
