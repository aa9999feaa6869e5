import Link from "next/link";
import { useFormatter, useTranslations } from "next-intl";
import { METRIC_DEFINITIONS, METRIC_KEYS, type MetricKey } from "@/lib/metrics";
import type { Percentiles, PortfolioRow } from "@/lib/server/dashboards/portfolio";
import { portfolioViewParams, type PortfolioSort, type PortfolioView } from "@/lib/server/dashboards/portfolio-view";
import { ConnectionState, DeltaView, VerdictBadge, type OutcomeLabels } from "./badges";
import { formatChange, formatMetricValue, type FormatNumber } from "./format";

/**
 * The portfolio table: one row per client, the ten metrics as columns, sortable by any of them through links
 * (the view lives in the URL), with the org's percentiles in the footer. Rows can be ticked for the compare page:
 * the table sits in a GET form that submits the ticked ids to /compare.
 */
export function PortfolioTable({ rows, percentiles, view, now }: { rows: PortfolioRow[]; percentiles: Record<MetricKey, Percentiles> | null; view: PortfolioView; now: Date }) {
  const t = useTranslations("dashboards");
  const tm = useTranslations("metrics.names");
  const format = useFormatter();
  const number: FormatNumber = (v, o) => format.number(v, o);
  const reference = view.vs === "baseline" ? t("portfolio.vsBaseline") : t("portfolio.vsPrevious");
  const labels: OutcomeLabels = { improved: t("outcomes.improved"), flat: t("outcomes.flat"), worse: t("outcomes.worse"), unknown: t("outcomes.unknown") };
  const noData = t("noData");

  const sortHref = (sort: PortfolioSort) => {
    const dir = view.sort === sort && view.dir === "asc" ? "desc" : view.sort === sort ? "asc" : sort === "name" ? "asc" : "desc";
    const params = portfolioViewParams({ ...view, sort, dir, page: 1 });
    return params.size ? `/?${params}` : "/";
  };
  const ariaSort = (sort: PortfolioSort) => (view.sort === sort ? (view.dir === "asc" ? "ascending" : "descending") : undefined);
  const SortHeader = ({ sort, children, className }: { sort: PortfolioSort; children: React.ReactNode; className?: string }) => (
    <th scope="col" aria-sort={ariaSort(sort)} className={className ?? "px-3 py-2 text-right font-medium"}>
      <Link href={sortHref(sort)} className="inline-flex items-center gap-1 hover:text-brand-700 hover:underline">
        {children}
        {view.sort === sort && <span aria-hidden="true">{view.dir === "asc" ? "↑" : "↓"}</span>}
      </Link>
    </th>
  );

  return (
    <form action="/compare" method="get" aria-label={t("portfolio.tableLabel")}>
      <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm">
        <table className="w-full min-w-[1200px] text-sm" data-testid="portfolio-table">
          <caption className="sr-only">{t("portfolio.caption", { reference })}</caption>
          <thead className="border-b border-slate-200 bg-slate-50 text-xs text-slate-600">
            <tr>
              <th scope="col" className="no-print w-8 px-3 py-2">
                <span className="sr-only">{t("portfolio.select")}</span>
              </th>
              <SortHeader sort="name" className="sticky left-0 z-10 bg-slate-50 px-3 py-2 text-left font-medium">
                {t("portfolio.client")}
              </SortHeader>
              <SortHeader sort="verdict" className="px-3 py-2 text-left font-medium">
                {t("portfolio.verdict")}
              </SortHeader>
              <SortHeader sort="freshness" className="px-3 py-2 text-left font-medium">
                {t("portfolio.portal")}
              </SortHeader>
              {METRIC_KEYS.map((key) => (
                <SortHeader key={key} sort={key}>
                  {tm(key)}
                </SortHeader>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.clientId} className="border-b border-slate-100 last:border-0 hover:bg-slate-50" data-testid="portfolio-row" data-client-id={row.clientId}>
                <td className="no-print px-3 py-2 align-top">
                  <input type="checkbox" name="clients" value={row.clientId} aria-label={t("portfolio.selectClient", { name: row.name })} className="h-4 w-4" />
                </td>
                <th scope="row" className="sticky left-0 z-10 bg-white px-3 py-2 text-left align-top font-medium">
                  <Link href={`/clients/${row.clientId}`} className="text-brand-700 hover:underline">
                    {row.name}
                  </Link>
                  {!row.hasSnapshots && <span className="block text-xs font-normal text-slate-500">{t("portfolio.noSnapshots")}</span>}
                </th>
                <td className="px-3 py-2 align-top">
                  <VerdictBadge verdict={row.verdict.verdict} />
                </td>
                <td className="px-3 py-2 align-top">
                  <ConnectionState status={row.connectionStatus} lastSyncedAt={row.lastSyncedAt} now={now} />
                </td>
                {METRIC_KEYS.map((key) => {
                  const cell = row.metrics[key];
                  const text = formatMetricValue(number, METRIC_DEFINITIONS[key].unit, cell.value, row.baseCurrency);
                  const delta = view.vs === "baseline" ? cell.vsBaseline : cell.vsPrevious;
                  return (
                    <td key={key} className="px-3 py-2 text-right align-top tabular-nums" data-metric={key} data-value={cell.value ?? ""}>
                      {text === null ? (
                        <span className="text-slate-400">
                          <span aria-hidden="true">—</span>
                          <span className="sr-only">{noData}</span>
                        </span>
                      ) : (
                        <>
                          {text}
                          <br />
                          <DeltaView delta={delta} reference={reference} labels={labels} change={formatChange(number, delta.change)} />
                        </>
                      )}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
          {percentiles && (
            <tfoot className="border-t-2 border-slate-200 bg-slate-50 text-xs text-slate-700">
              {(["p25", "median", "p75"] as const).map((p) => (
                <tr key={p} data-testid={`percentile-${p}`}>
                  <td className="no-print" />
                  <th scope="row" colSpan={3} className="sticky left-0 bg-slate-50 px-3 py-1.5 text-left font-medium">
                    {t(`percentiles.${p}`)}
                  </th>
                  {METRIC_KEYS.map((key) => {
                    const value = percentiles[key][p];
                    const unit = METRIC_DEFINITIONS[key].unit;
                    // Money is benchmarked within the org's most common currency only (see loadPercentiles).
                    const currency = percentiles[key].currency;
                    const text =
                      unit === "money" && !currency ? (value === null ? null : number(value, { maximumFractionDigits: 0 })) : formatMetricValue(number, unit, value, currency ?? "RUB");
                    return (
                      <td key={key} className="px-3 py-1.5 text-right tabular-nums" data-metric={key} data-value={value ?? ""}>
                        {text ?? <span aria-label={t("noData")}>—</span>}
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tfoot>
          )}
        </table>
      </div>
      <div className="no-print mt-3 flex flex-wrap items-center gap-3 text-sm">
        <button type="submit" className="inline-flex items-center justify-center gap-2 rounded-md border border-slate-300 bg-white px-3 py-1.5 font-medium text-slate-800 hover:bg-slate-50">
          {t("portfolio.compareSelected")}
        </button>
        <span className="text-slate-600">{t("portfolio.compareHint")}</span>
      </div>
    </form>
  );
}
