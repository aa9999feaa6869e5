/**
 * The client dashboard's URL parameters: `month` (the cards), `from`/`to` (the charts), `cmp` (previous, year or
 * custom) with `af`/`at` and `bf`/`bt` for the two custom ranges. Pure; anything invalid falls back to the default.
 */
import { isMonthKey, type MonthKey } from "@/lib/metrics";
import type { ClientDashboardOptions } from "./client-dashboard";
import { isValidRange, type PeriodComparisonMode, type PeriodRange } from "./compute";

export interface ClientView {
  month: MonthKey | null;
  from: MonthKey | null;
  to: MonthKey | null;
  cmp: PeriodComparisonMode;
  custom: { a: PeriodRange; b: PeriodRange } | null;
}

const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);
const month = (value: string | string[] | undefined) => {
  const v = first(value)?.trim();
  return v && isMonthKey(v) ? v : null;
};

/** The view described by search parameters. A custom comparison without two valid ranges falls back to "previous". */
export function parseClientView(params: Record<string, string | string[] | undefined>): ClientView {
  const cmp = first(params.cmp);
  const a = { from: month(params.af), to: month(params.at) };
  const b = { from: month(params.bf), to: month(params.bt) };
  const custom =
    a.from && a.to && b.from && b.to && isValidRange(a as PeriodRange) && isValidRange(b as PeriodRange) ? { a: a as PeriodRange, b: b as PeriodRange } : null;
  return {
    month: month(params.month),
    from: month(params.from),
    to: month(params.to),
    cmp: cmp === "year" ? "year" : cmp === "custom" && custom ? "custom" : "previous",
    custom,
  };
}

/** The service options of a view. */
export function clientViewOptions(view: ClientView): ClientDashboardOptions {
  return { month: view.month, from: view.from, to: view.to, comparison: view.cmp, custom: view.custom };
}

/** Search parameters for links, defaults left out. */
export function clientViewParams(view: Partial<ClientView>): URLSearchParams {
  const params = new URLSearchParams();
  if (view.month) params.set("month", view.month);
  if (view.from) params.set("from", view.from);
  if (view.to) params.set("to", view.to);
  if (view.cmp && view.cmp !== "previous") params.set("cmp", view.cmp);
  if (view.cmp === "custom" && view.custom) {
    params.set("af", view.custom.a.from);
    params.set("at", view.custom.a.to);
    params.set("bf", view.custom.b.from);
    params.set("bt", view.custom.b.to);
  }
  return params;
}
