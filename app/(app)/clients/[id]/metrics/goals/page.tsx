import { getFormatter, getTranslations } from "next-intl/server";
import { formatMetricValue, MONTH_FORMAT, monthDate } from "@/components/dashboards/format";
import { BaselineForm, TargetForm } from "@/components/metrics/goal-forms";
import { ImportForm } from "@/components/metrics/import-form";
import { Card, EmptyState } from "@/components/ui/card";
import { ConfirmAction } from "@/components/ui/confirm-action";
import { METRIC_DEFINITIONS, METRIC_KEYS } from "@/lib/metrics";
import { can } from "@/lib/server/permissions";
import { getClientInOrg } from "@/lib/server/services/clients";
import { listBaselines, listTargets } from "@/lib/server/services/metric-goals";
import { getPageTenantContext, orNotFoundPage } from "@/lib/server/session";
import { deleteTargetAction } from "../actions";

/** Baselines (computed, entered, in force) and targets of the client, with CSV import. */
export default async function MetricGoalsPage({ params }: { params: Promise<{ id: string }> }) {
  const ctx = await getPageTenantContext();
  const client = await orNotFoundPage(getClientInOrg(ctx, (await params).id));
  const [baselines, targets] = await Promise.all([listBaselines(ctx, client.id), listTargets(ctx, client.id)]);
  const t = await getTranslations("metricData.goals");
  const tm = await getTranslations("metrics");
  const ti = await getTranslations("metricData.import");
  const format = await getFormatter();
  const writer = can(ctx.role, "metrics.write");
  const value = (metric: keyof typeof METRIC_DEFINITIONS, v: number | null) => formatMetricValue(format.number, METRIC_DEFINITIONS[metric].unit, v, client.baseCurrency) ?? "—";
  const month = (m: string) => format.dateTime(monthDate(m), MONTH_FORMAT.short);

  return (
    <div className="space-y-6">
      <Card>
        <h2 className="text-lg font-semibold">{t("baselines")}</h2>
        <p className="mb-4 mt-1 text-sm text-slate-600">{t("baselinesDescription")}</p>
        <div className="overflow-x-auto">
          <table className="min-w-full text-sm">
            <thead>
              <tr className="text-left text-slate-500">
                <th scope="col" className="py-2 pr-4 font-medium">{t("metric")}</th>
                <th scope="col" className="py-2 pr-4 font-medium">{t("computed")}</th>
                <th scope="col" className="py-2 pr-4 font-medium">{t("inForce")}</th>
                <th scope="col" className="py-2 font-medium">{writer ? t("entered") : null}</th>
              </tr>
            </thead>
            <tbody>
              {baselines.map((b) => (
                <tr key={b.metric} className="border-t border-slate-100 align-top">
                  <th scope="row" className="py-2 pr-4 text-left font-medium text-slate-800">{tm(`names.${b.metric}`)}</th>
                  <td className="py-2 pr-4 tabular-nums">
                    {value(b.metric, b.computed)}
                    {b.computedFrom && <div className="text-xs text-slate-500">{t("computedRange", { from: month(b.computedFrom), to: month(b.computedTo ?? b.computedFrom) })}</div>}
                  </td>
                  <td className="py-2 pr-4 tabular-nums">
                    {value(b.metric, b.effective)}
                    {b.source && <div className="text-xs text-slate-500">{t(`sources.${b.source}`)}</div>}
                  </td>
                  <td className="py-2">
                    {writer ? <BaselineForm clientId={client.id} metric={b.metric} label={tm(`names.${b.metric}`)} value={b.entered} note={b.note} /> : b.entered === null ? "—" : value(b.metric, b.entered)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {writer && <p className="mt-2 text-xs text-slate-500">{t("clearHint")}</p>}
        </div>
      </Card>

      <Card>
        <h2 className="text-lg font-semibold">{t("targets")}</h2>
        <p className="mb-4 mt-1 text-sm text-slate-600">{t("targetsDescription")}</p>
        {targets.length === 0 ? (
          <EmptyState title={t("noTargets")} />
        ) : (
          <table className="mb-6 min-w-full text-sm">
            <thead>
              <tr className="text-left text-slate-500">
                <th scope="col" className="py-2 pr-4 font-medium">{t("metric")}</th>
                <th scope="col" className="py-2 pr-4 font-medium">{t("month")}</th>
                <th scope="col" className="py-2 pr-4 font-medium">{t("value")}</th>
                <th scope="col" className="py-2 pr-4 font-medium">{t("note")}</th>
                <th scope="col" className="py-2 font-medium">
                  <span className="sr-only">{t("delete")}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {targets.map((target) => (
                <tr key={target.id} className="border-t border-slate-100">
                  <th scope="row" className="py-2 pr-4 text-left font-medium text-slate-800">{tm(`names.${target.metric}`)}</th>
                  <td className="py-2 pr-4">{target.month ? month(target.month) : t("everyMonth")}</td>
                  <td className="py-2 pr-4 tabular-nums">{value(target.metric, target.value)}</td>
                  <td className="py-2 pr-4 text-slate-600">{target.note}</td>
                  <td className="py-2 text-right">
                    {writer && (
                      <ConfirmAction action={deleteTargetAction} fields={{ clientId: client.id, targetId: target.id }} label={t("delete")} title={t("deleteTitle")} text={t("deleteText")} confirmLabel={t("delete")} />
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {writer && <TargetForm clientId={client.id} metrics={METRIC_KEYS.map((k) => ({ value: k, label: tm(`names.${k}`) }))} />}
      </Card>

      {writer && (
        <Card>
          <h2 className="mb-4 text-lg font-semibold">{ti("title")}</h2>
          <ImportForm clientId={client.id} kinds={["baselines", "targets"]} />
        </Card>
      )}
    </div>
  );
}
