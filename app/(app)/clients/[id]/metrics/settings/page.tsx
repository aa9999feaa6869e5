import { getTranslations } from "next-intl/server";
import { SettingsForm } from "@/components/metrics/settings-form";
import { Card } from "@/components/ui/card";
import { can } from "@/lib/server/permissions";
import { getMetricSettings, listLossStageOptions } from "@/lib/server/services/metric-settings";
import { getPageTenantContext, orNotFoundPage } from "@/lib/server/session";

/** The client's metric settings. */
export default async function MetricSettingsPage({ params }: { params: Promise<{ id: string }> }) {
  const ctx = await getPageTenantContext();
  const id = (await params).id;
  const [settings, stages] = await orNotFoundPage(Promise.all([getMetricSettings(ctx, id), listLossStageOptions(ctx, id)]));
  const t = await getTranslations("metricData.settings");
  return (
    <Card className="max-w-3xl">
      <p className="mb-6 text-sm text-slate-600">{t("description")}</p>
      <SettingsForm clientId={id} settings={settings} stages={stages} disabled={!can(ctx.role, "metrics.write")} />
    </Card>
  );
}
