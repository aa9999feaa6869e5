import { getFormatter, getTranslations } from "next-intl/server";
import { formatMetricValue, MONTH_FORMAT, monthDate } from "@/components/dashboards/format";
import { Alert } from "@/components/ui/alert";
import { ButtonLink } from "@/components/ui/button";
import { Card, EmptyState } from "@/components/ui/card";
import { METRIC_DEFINITIONS } from "@/lib/metrics";
import { getMetricDrilldown } from "@/lib/server/services/metric-drilldown";
import { getPageTenantContext, orNotFoundPage } from "@/lib/server/session";

type Cell = string | number | boolean | null;

/** What went into one metric in one month, and the records behind it, each opening in the client's portal. */
export default async function MetricDrilldownPage({ params }: { params: Promise<{ id: string; metric: string; month: string }> }) {
  const ctx = await getPageTenantContext();
  const { id, metric, month } = await params;
  const drill = await orNotFoundPage(getMetricDrilldown(ctx, id, metric, month));
  const t = await getTranslations("metricData.drilldown");
  const tm = await getTranslations("metrics");
  const format = await getFormatter();
  const unit = METRIC_DEFINITIONS[drill.metric].unit;
  const currency = drill.client.baseCurrency;
  const snapshot = drill.snapshot;
  const when = (iso: string) => format.dateTime(new Date(iso), { dateStyle: "medium", timeStyle: "short", timeZone: drill.client.timeZone });
  const cell = (column: string, value: Cell): string => {
    if (value === null || value === undefined) return "—";
    if (typeof value === "boolean") return value ? t("yes") : t("no");
    if (column.endsWith("At") && typeof value === "string") return when(value);
    if (column === "outcome" && typeof value === "string") return t(`outcomes.${value}` as never);
    if (column === "via" && typeof value === "string") return value === "lead" ? t("viaLead") : t("viaActivity", { id: value.split(":")[1] ?? "" });
    if (column === "amountBase" && typeof value === "number") return format.number(value, { style: "currency", currency, maximumFractionDigits: 2 });
    if (typeof value === "number") return format.number(value, { maximumFractionDigits: 2 });
    return value;
  };
  const figure = (value: unknown) =>
    typeof value === "number" ? format.number(value, { maximumFractionDigits: 4 }) : Array.isArray(value) ? value.join(", ") : value === null || value === undefined ? "—" : typeof value === "object" ? JSON.stringify(value) : String(value);

  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h2 className="text-xl font-semibold">{t("title", { metric: tm(`names.${drill.metric}`), month: format.dateTime(monthDate(drill.month), MONTH_FORMAT.long) })}</h2>
        <ButtonLink href={`/clients/${drill.client.id}/metrics`} variant="secondary" size="sm">
          {t("back")}
        </ButtonLink>
      </div>
      <p className="text-sm text-slate-600">{tm(`definitions.${drill.metric}`)}</p>

      {!snapshot ? (
        <Alert tone="info">{t("noSnapshot")}</Alert>
      ) : (
        <Card>
          <dl className="grid gap-4 sm:grid-cols-3">
            <div>
              <dt className="text-sm text-slate-500">{t("value")}</dt>
              <dd className="text-2xl font-semibold tabular-nums">{formatMetricValue(format.number, unit, snapshot.value, currency) ?? "—"}</dd>
            </div>
            <div>
              <dt className="text-sm text-slate-500">{t("numerator")}</dt>
              <dd className="text-lg tabular-nums">{figure(snapshot.numerator)}</dd>
            </div>
            <div>
              <dt className="text-sm text-slate-500">{t("denominator")}</dt>
              <dd className="text-lg tabular-nums">{figure(snapshot.denominator)}</dd>
            </div>
          </dl>
          <div className="mt-6 grid gap-6 md:grid-cols-2">
            <section aria-labelledby="figures-title">
              <h3 id="figures-title" className="mb-2 text-sm font-semibold text-slate-700">{t("figures")}</h3>
              <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm">
                {Object.entries(snapshot.secondary)
                  .filter(([key]) => key !== "histogram")
                  .map(([key, value]) => (
                    <div key={key} className="contents">
                      <dt className="font-mono text-xs text-slate-500">{key}</dt>
                      <dd className="tabular-nums">{figure(value)}</dd>
                    </div>
                  ))}
              </dl>
            </section>
            <section aria-labelledby="inputs-title">
              <h3 id="inputs-title" className="mb-2 text-sm font-semibold text-slate-700">{t("inputs")}</h3>
              <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm">
                {Object.entries(snapshot.inputs).map(([key, value]) => (
                  <div key={key} className="contents">
                    <dt className="font-mono text-xs text-slate-500">{key}</dt>
                    <dd className="break-words">{figure(value)}</dd>
                  </div>
                ))}
              </dl>
            </section>
          </div>
          <p className="mt-4 text-xs text-slate-500">{t("version", { version: snapshot.definitionVersion, when: format.dateTime(snapshot.computedAt, { dateStyle: "medium", timeStyle: "short" }) })}</p>
        </Card>
      )}

      {drill.portalDomain === null && <Alert tone="info">{t("noPortal")}</Alert>}
      {drill.lists.map((list) => (
        <Card key={list.key} className="overflow-x-auto">
          <h3 className="text-lg font-semibold">{t(`lists.${list.key}` as never)}</h3>
          {list.total === 0 ? (
            <EmptyState title={t("empty")} />
          ) : (
            <>
              {list.total > list.rows.length && <p className="mt-1 text-sm text-slate-500">{t("shown", { shown: list.rows.length, total: list.total })}</p>}
              <table className="mt-3 min-w-full text-sm">
                <thead>
                  <tr className="text-left text-slate-500">
                    <th scope="col" className="py-1 pr-4 font-medium">{t("record")}</th>
                    {list.columns.map((c) => (
                      <th key={c} scope="col" className="py-1 pr-4 font-medium">
                        {c === "amountBase" ? t("columns.amountBase", { currency }) : t(`columns.${c}` as never)}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {list.rows.map((row) => (
                    <tr key={`${row.record.type}-${row.record.id}`} className="border-t border-slate-100">
                      <td className="py-1 pr-4">
                        {row.record.url ? (
                          <a
                            href={row.record.url}
                            target="_blank"
                            rel="noopener noreferrer"
                            className="text-brand-700 hover:underline"
                            aria-label={t("open", { type: t(`types.${row.record.type}`), id: row.record.id })}
                          >
                            {row.record.title || t("untitled", { id: row.record.id })}
                          </a>
                        ) : (
                          row.record.title || t("untitled", { id: row.record.id })
                        )}
                      </td>
                      {list.columns.map((c) => (
                        <td key={c} className="py-1 pr-4 tabular-nums">
                          {cell(c, row.cells[c] ?? null)}
                        </td>
                      ))}
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          )}
        </Card>
      ))}
    </div>
  );
}
