import { getFormatter, getTranslations } from "next-intl/server";
import { LineChart, type ChartSeries } from "@/components/charts/line-chart";
import { Card } from "@/components/ui/card";
import { METRIC_KEYS } from "@/lib/metrics";
import type { Comparison } from "@/lib/server/dashboards/compare";
import { formatMetricValue, monthDate, MONTH_FORMAT, type FormatNumber } from "./format";

/** The comparison: a side-by-side table of each metric over the range, then a chart and data table per metric. */
export async function CompareView({ comparison: c }: { comparison: Comparison }) {
  const t = await getTranslations("dashboards");
  const tm = await getTranslations("metrics.names");
  const format = await getFormatter();
  const number: FormatNumber = (v, o) => format.number(v, o);
  const labels = c.months.map((m) => format.dateTime(monthDate(m), MONTH_FORMAT.short));
  const range = t("client.range", { from: labels[0], to: labels[labels.length - 1] });
  const params = new URLSearchParams({ clients: c.clients.map((x) => x.id).join(","), from: c.from, to: c.to });
  const currencies = new Set(c.clients.map((x) => x.baseCurrency));

  return (
    <div className="space-y-6" data-testid="compare-view">
      <section aria-labelledby="compare-table-title" className="space-y-2">
        <div className="flex flex-wrap items-center justify-between gap-2">
          <h2 id="compare-table-title" className="text-lg font-semibold">
            {t("compare.tableTitle", { range })}
          </h2>
          <a href={`/compare.csv?${params}`} className="no-print text-sm text-brand-700 hover:underline" download>
            {t("export.csv")}
          </a>
        </div>
        {currencies.size > 1 && <p className="text-sm text-amber-800">{t("compare.mixedCurrencies")}</p>}
        <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm">
          <table className="w-full min-w-[900px] text-sm" data-testid="compare-table">
            <caption className="sr-only">{t("compare.tableTitle", { range })}</caption>
            <thead className="border-b border-slate-200 bg-slate-50 text-xs text-slate-600">
              <tr>
                <th scope="col" className="px-3 py-2 text-left font-medium">{t("portfolio.client")}</th>
                {METRIC_KEYS.map((key) => (
                  <th key={key} scope="col" className="px-3 py-2 text-right font-medium">
                    {tm(key)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {c.clients.map((client, i) => (
                <tr key={client.id} className="border-b border-slate-100 last:border-0" data-client-id={client.id}>
                  <th scope="row" className="px-3 py-2 text-left font-medium">
                    <a href={`/clients/${client.id}`} className="text-brand-700 hover:underline">
                      {client.name}
                    </a>
                  </th>
                  {c.metrics.map((m) => (
                    <td key={m.key} className="px-3 py-2 text-right tabular-nums" data-metric={m.key} data-value={m.overall[i] ?? ""}>
                      {formatMetricValue(number, m.unit, m.overall[i], client.baseCurrency) ?? "—"}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>

      <div className="grid gap-4 lg:grid-cols-2">
        {c.metrics.map((m) => {
          const name = tm(m.key);
          const series: ChartSeries[] = c.clients.map((client, i) => ({ label: client.name, data: m.series[i] }));
          if (m.median?.some((v) => v !== null)) series.push({ label: t("client.portfolioMedian"), data: m.median, kind: "benchmark" });
          const known = m.series.some((s) => s.some((v) => v !== null));
          const latest = c.clients
            .map((client, i) => `${client.name}: ${formatMetricValue(number, m.unit, m.overall[i], client.baseCurrency) ?? t("noData")}`)
            .join("; ");
          return (
            <Card key={m.key} aria-labelledby={`compare-${m.key}`} className="space-y-2">
              <h3 id={`compare-${m.key}`} className="text-sm font-semibold">
                {name}
              </h3>
              {known ? (
                <LineChart
                  labels={labels}
                  series={series}
                  unit={m.unit}
                  currency={c.clients[0].baseCurrency}
                  summary={t("compare.chartSummary", { name, range, values: latest })}
                  testId={`compare-chart-${m.key}`}
                />
              ) : (
                <p className="py-10 text-center text-sm text-slate-500">{t("client.noHistory")}</p>
              )}
              <details className="no-print text-sm">
                <summary className="cursor-pointer text-brand-700">{t("client.dataTable")}</summary>
                <div className="mt-2 max-h-64 overflow-auto">
                  <table className="w-full text-left text-xs">
                    <caption className="sr-only">{t("client.dataTableCaption", { name })}</caption>
                    <thead className="text-slate-500">
                      <tr>
                        <th scope="col" className="py-1 pr-3 font-medium">{t("client.month")}</th>
                        {c.clients.map((client) => (
                          <th key={client.id} scope="col" className="py-1 pr-3 text-right font-medium">
                            {client.name}
                          </th>
                        ))}
                        {m.median && <th scope="col" className="py-1 text-right font-medium">{t("client.portfolioMedian")}</th>}
                      </tr>
                    </thead>
                    <tbody>
                      {c.months.map((month, k) => (
                        <tr key={month} className="border-t border-slate-100">
                          <th scope="row" className="py-1 pr-3 font-normal">{labels[k]}</th>
                          {c.clients.map((client, i) => (
                            <td key={client.id} className="py-1 pr-3 text-right tabular-nums">
                              {formatMetricValue(number, m.unit, m.series[i][k], client.baseCurrency) ?? "—"}
                            </td>
                          ))}
                          {m.median && <td className="py-1 text-right tabular-nums">{formatMetricValue(number, m.unit, m.median[k], c.clients[0].baseCurrency) ?? "—"}</td>}
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              </details>
            </Card>
          );
        })}
      </div>
    </div>
  );
}
