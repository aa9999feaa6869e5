import Link from "next/link";
import { getFormatter, getTranslations } from "next-intl/server";
import { formatMetricValue, MONTH_FORMAT, monthDate } from "@/components/dashboards/format";
import { ActionButton } from "@/components/ui/action-button";
import { Alert } from "@/components/ui/alert";
import { Card, EmptyState } from "@/components/ui/card";
import { can } from "@/lib/server/permissions";
import { getMetricsOverview } from "@/lib/server/services/metric-overview";
import { getPageTenantContext, orNotFoundPage } from "@/lib/server/session";
import { recomputeAction } from "./actions";

const OUTCOME_STYLE = { improved: "text-good", flat: "text-slate-500", worse: "text-bad" } as const;
const OUTCOME_MARK = { improved: "▲", flat: "●", worse: "▼" } as const;

/** The client's monthly metrics, newest month first, each value linking to its drill-down. */
export default async function MetricsOverviewPage({ params }: { params: Promise<{ id: string }> }) {
  const ctx = await getPageTenantContext();
  const overview = await orNotFoundPage(getMetricsOverview(ctx, (await params).id));
  const t = await getTranslations("metricData");
  const tm = await getTranslations("metrics");
  const format = await getFormatter();
  const { client, state } = overview;
  const currency = client.baseCurrency;
  const hasValues = overview.rows.some((r) => r.cells.some((c) => c.value !== null));
  const monthLabel = (m: string) => format.dateTime(monthDate(m), MONTH_FORMAT.short);

  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-start justify-between gap-4">
        <div className="space-y-1 text-sm text-slate-600">
          <p>{t("overview.description", { zone: client.timeZone, currency })}</p>
          <p role="status">
            {state.computedAt ? t("overview.computedAt", { when: format.dateTime(state.computedAt, { dateStyle: "medium", timeStyle: "short" }) }) : t("overview.never")}{" "}
            {state.running ? t("overview.running") : state.pending ? t("overview.pending") : null}
          </p>
        </div>
        {can(ctx.role, "metrics.write") && <ActionButton action={recomputeAction} fields={{ clientId: client.id }} label={t("overview.recompute")} size="md" />}
      </div>
      {state.error && <Alert tone="error">{t("overview.failed", { error: state.error })}</Alert>}
      {!overview.connected && <Alert tone="info">{t("overview.noPortal")}</Alert>}
      {!hasValues ? (
        <EmptyState title={t("overview.empty")} text={t("overview.emptyText")} />
      ) : (
        <Card className="overflow-x-auto p-0">
          <table className="min-w-full text-sm">
            <caption className="sr-only">{t("nav.overview")}</caption>
            <thead className="bg-slate-50">
              <tr>
                <th scope="col" className="sticky left-0 bg-slate-50 px-4 py-2 text-left font-medium text-slate-600">
                  {t("overview.metric")}
                </th>
                <th scope="col" className="px-3 py-2 text-right font-medium text-slate-600">
                  {t("overview.baseline")}
                </th>
                {overview.months.map((m) => (
                  <th key={m} scope="col" className="whitespace-nowrap px-3 py-2 text-right font-medium text-slate-600">
                    {monthLabel(m)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {overview.rows.map((row) => (
                <tr key={row.key} className="border-t border-slate-100">
                  <th scope="row" className="sticky left-0 bg-white px-4 py-2 text-left font-medium text-slate-800">
                    {tm(`names.${row.key}`)}
                  </th>
                  <td className="px-3 py-2 text-right tabular-nums text-slate-600">{formatMetricValue(format.number, row.unit, row.baseline, currency) ?? "—"}</td>
                  {row.cells.map((cell) => {
                    const shown = formatMetricValue(format.number, row.unit, cell.value, currency);
                    const target = cell.target === null ? null : formatMetricValue(format.number, row.unit, cell.target, currency);
                    return (
                      <td key={cell.month} className="whitespace-nowrap px-3 py-2 text-right tabular-nums">
                        <Link
                          href={`/clients/${client.id}/metrics/${row.key}/${cell.month}`}
                          className="rounded hover:underline focus:outline-none focus-visible:ring-2 focus-visible:ring-brand-500"
                          aria-label={`${t("overview.details", { metric: tm(`names.${row.key}`), month: monthLabel(cell.month) })}: ${shown ?? t("overview.notEnoughData")}`}
                          title={target ? t("overview.target", { value: target }) : undefined}
                        >
                          {shown ?? <span className="text-slate-400">—</span>}
                        </Link>
                        {cell.outcome && (
                          <span className={`ml-1 text-xs ${OUTCOME_STYLE[cell.outcome]}`}>
                            <span aria-hidden="true">{OUTCOME_MARK[cell.outcome]}</span>
                            <span className="sr-only">{t(`overview.change.${cell.outcome}`)}</span>
                          </span>
                        )}
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </Card>
      )}
    </div>
  );
}
