/**
 * Search, filters, sorting and paging of the portfolio, read from URL search parameters so a view can be shared
 * as a link and exported as the same CSV. Pure: applied to the rows of getPortfolio.
 */
import { isMetricKey, isMonthKey, type MetricKey, type MonthKey, type Verdict } from "@/lib/metrics";
import { PORTFOLIO_STATUSES, type PortfolioRow, type PortfolioStatusFilter } from "./portfolio";

export const VERDICT_FILTERS = ["all", "pays_off", "at_risk", "not_enough_data"] as const;
export type VerdictFilter = (typeof VERDICT_FILTERS)[number];

/** Connection filter: connected portals, portals needing someone (re-auth, error, uninstalled, pending), none. */
export const CONNECTION_FILTERS = ["all", "connected", "attention", "none"] as const;
export type ConnectionFilter = (typeof CONNECTION_FILTERS)[number];

/** Which delta the cells show (both are in the CSV). */
export const DELTA_MODES = ["previous", "baseline"] as const;
export type DeltaMode = (typeof DELTA_MODES)[number];

export type PortfolioSort = "name" | "verdict" | "freshness" | MetricKey;

export const PORTFOLIO_PAGE_SIZE = 50;

export interface PortfolioView {
  month: MonthKey | null;
  q: string;
  status: PortfolioStatusFilter;
  verdict: VerdictFilter;
  connection: ConnectionFilter;
  vs: DeltaMode;
  sort: PortfolioSort;
  dir: "asc" | "desc";
  page: number;
}

const pick = <T extends string>(value: unknown, allowed: readonly T[], fallback: T): T =>
  typeof value === "string" && (allowed as readonly string[]).includes(value) ? (value as T) : fallback;

const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

/** The view described by URL search parameters; anything unknown falls back to the default. */
export function parsePortfolioView(params: Record<string, string | string[] | undefined>): PortfolioView {
  const month = first(params.month);
  const sort = first(params.sort);
  return {
    month: month && isMonthKey(month) ? month : null,
    q: (first(params.q) ?? "").trim().slice(0, 200),
    status: pick(first(params.status), PORTFOLIO_STATUSES, "current"),
    verdict: pick(first(params.verdict), VERDICT_FILTERS, "all"),
    connection: pick(first(params.connection), CONNECTION_FILTERS, "all"),
    vs: pick(first(params.vs), DELTA_MODES, "previous"),
    sort: sort && (isMetricKey(sort) || sort === "verdict" || sort === "freshness") ? sort : "name",
    dir: first(params.dir) === "desc" ? "desc" : "asc",
    page: Math.max(1, Math.floor(Number(first(params.page)) || 1)),
  };
}

/** The search parameters of a view, defaults left out (for links). */
export function portfolioViewParams(view: Partial<PortfolioView>): URLSearchParams {
  const params = new URLSearchParams();
  if (view.month) params.set("month", view.month);
  if (view.q) params.set("q", view.q);
  if (view.status && view.status !== "current") params.set("status", view.status);
  if (view.verdict && view.verdict !== "all") params.set("verdict", view.verdict);
  if (view.connection && view.connection !== "all") params.set("connection", view.connection);
  if (view.vs && view.vs !== "previous") params.set("vs", view.vs);
  if (view.sort && view.sort !== "name") params.set("sort", view.sort);
  if (view.dir === "desc") params.set("dir", "desc");
  if (view.page && view.page > 1) params.set("page", String(view.page));
  return params;
}

const VERDICT_RANK: Record<Verdict, number> = { pays_off: 0, at_risk: 1, not_enough_data: 2 };

function matchesConnection(row: PortfolioRow, filter: ConnectionFilter): boolean {
  if (filter === "all") return true;
  if (filter === "none") return row.connectionStatus === null;
  if (filter === "connected") return row.connectionStatus === "connected";
  return row.connectionStatus !== null && row.connectionStatus !== "connected";
}

/**
 * Applies search, filters and sorting. Empty values sort last whichever the direction, so "best first" never
 * opens on a column of dashes.
 */
export function applyPortfolioView(rows: readonly PortfolioRow[], view: Pick<PortfolioView, "q" | "verdict" | "connection" | "sort" | "dir">, locale = "en"): PortfolioRow[] {
  const term = view.q.toLocaleLowerCase(locale);
  const filtered = rows.filter(
    (r) =>
      (!term || r.name.toLocaleLowerCase(locale).includes(term)) &&
      (view.verdict === "all" || r.verdict.verdict === view.verdict) &&
      matchesConnection(r, view.connection),
  );
  const collator = new Intl.Collator(locale, { sensitivity: "base", numeric: true });
  const sign = view.dir === "desc" ? -1 : 1;
  const byName = (a: PortfolioRow, b: PortfolioRow) => collator.compare(a.name, b.name) || a.clientId.localeCompare(b.clientId);
  const keyOf = (r: PortfolioRow): number | null => {
    if (view.sort === "verdict") return VERDICT_RANK[r.verdict.verdict];
    if (view.sort === "freshness") return r.lastSyncedAt ? r.lastSyncedAt.getTime() : null;
    if (isMetricKey(view.sort)) return r.metrics[view.sort].value;
    return null;
  };
  return [...filtered].sort((a, b) => {
    if (view.sort === "name") return sign * byName(a, b);
    const x = keyOf(a);
    const y = keyOf(b);
    if (x === null && y === null) return byName(a, b);
    if (x === null) return 1;
    if (y === null) return -1;
    return sign * (x - y) || byName(a, b);
  });
}

/** One page of rows and the page count. */
export function pageOf<T>(rows: readonly T[], page: number, size = PORTFOLIO_PAGE_SIZE): { items: T[]; page: number; pages: number } {
  const pages = Math.max(1, Math.ceil(rows.length / size));
  const current = Math.min(Math.max(1, page), pages);
  return { items: rows.slice((current - 1) * size, current * size), page: current, pages };
}

