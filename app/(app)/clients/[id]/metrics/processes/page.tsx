import { getFormatter, getTranslations } from "next-intl/server";
import { MONTH_FORMAT, monthDate } from "@/components/dashboards/format";
import { CustomProcessForm, ProcessDecisionForm } from "@/components/metrics/process-forms";
import { Badge, Card } from "@/components/ui/card";
import { ConfirmAction } from "@/components/ui/confirm-action";
import { can } from "@/lib/server/permissions";
import { listInventory } from "@/lib/server/services/process-inventory";
import { getPageTenantContext, orNotFoundPage } from "@/lib/server/session";
import { removeProcessAction } from "../actions";

const STATUS_TONE = { automated: "good", manual: "neutral", not_applicable: "info" } as const;

/** The process inventory behind the automation level: evidence, status, and staff's decisions. */
export default async function ProcessInventoryPage({ params }: { params: Promise<{ id: string }> }) {
  const ctx = await getPageTenantContext();
  const id = (await params).id;
  const { month, items } = await orNotFoundPage(listInventory(ctx, id));
  const t = await getTranslations("metricData.processes");
  const format = await getFormatter();
  const writer = can(ctx.role, "metrics.write");
  const nameOf = (item: (typeof items)[number]) => (item.custom ? (item.name ?? item.key) : t(`names.${item.key}` as never));

  return (
    <div className="space-y-6">
      <div className="space-y-1 text-sm text-slate-600">
        <p>{t("description")}</p>
        <p>{month ? t("evidenceMonth", { month: format.dateTime(monthDate(month), MONTH_FORMAT.long) }) : t("noEvidence")}</p>
      </div>
      <ul className="space-y-4">
        {items.map((item) => (
          <li key={item.id}>
            <Card>
              <div className="flex flex-wrap items-start justify-between gap-3">
                <div>
                  <h2 className="font-semibold text-slate-800">
                    {nameOf(item)} {item.custom && <Badge>{t("custom")}</Badge>}
                  </h2>
                  <p className="mt-1 text-sm text-slate-600">
                    {t("evidence")}:{" "}
                    {item.evidence === null
                      ? t("undetectable")
                      : item.detected
                        ? `${t("detected", { count: item.evidenceCount ?? 0 })} — ${t(`evidenceKinds.${item.evidence}` as never)}`
                        : `${t("notDetected")} — ${t(`evidenceKinds.${item.evidence}` as never)}`}
                  </p>
                  {item.confirmedAt && <p className="text-xs text-slate-500">{t("confirmedOn", { when: format.dateTime(item.confirmedAt, { dateStyle: "medium" }) })}</p>}
                </div>
                <div className="text-right text-sm">
                  <span className="sr-only">{t("status")}: </span>
                  <Badge tone={STATUS_TONE[item.status]}>{t(`statuses.${item.status}`)}</Badge>
                  <span className="ml-1 text-xs text-slate-500">{t(`source.${item.source}`)}</span>
                </div>
              </div>
              {writer && (
                <div className="mt-4 border-t border-slate-100 pt-4">
                  <ProcessDecisionForm clientId={id} item={item} label={`${t("decision")}: ${nameOf(item)}`} />
                  {item.custom && (
                    <div className="mt-3">
                      <ConfirmAction
                        action={removeProcessAction}
                        fields={{ clientId: id, itemId: item.id }}
                        label={t("remove")}
                        title={t("removeTitle", { name: nameOf(item) })}
                        text={t("removeText")}
                        confirmLabel={t("remove")}
                      />
                    </div>
                  )}
                </div>
              )}
            </Card>
          </li>
        ))}
      </ul>
      {writer && (
        <Card>
          <h2 className="mb-4 text-lg font-semibold">{t("add")}</h2>
          <CustomProcessForm clientId={id} />
        </Card>
      )}
    </div>
  );
}
