import { notFound } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { updateSyncSettingsAction } from "@/app/actions/sync";
import { SyncSettingsForm } from "@/components/sync/sync-settings-form";
import { Alert } from "@/components/ui/alert";
import { Card } from "@/components/ui/card";
import { can } from "@/lib/server/permissions";
import { getOrgSyncSettings, SYNC_INTERVALS } from "@/lib/server/services/sync-settings";
import { getPageTenantContext } from "@/lib/server/session";

export async function generateMetadata() {
  return { title: (await getTranslations("sync"))("settings.title") };
}

/** The org's sync schedule: the default interval of incremental syncs and whether they run. */
export default async function SyncSettingsPage() {
  const ctx = await getPageTenantContext();
  // The org's schedule is the staff's business: a client viewer sees only their own client.
  if (!can(ctx.role, "portfolio.read")) notFound();
  const settings = await getOrgSyncSettings(ctx);
  const t = await getTranslations("sync");
  return (
    <Card className="max-w-xl">
      <h2 className="text-lg font-semibold">{t("settings.title")}</h2>
      <p className="mb-4 mt-1 text-sm text-slate-600">{t("settings.text")}</p>
      {can(ctx.role, "org.manage") ? (
        <SyncSettingsForm
          action={updateSyncSettingsAction}
          intervals={SYNC_INTERVALS}
          intervalMinutes={settings.intervalMinutes}
          scheduleEnabled={settings.scheduleEnabled}
        />
      ) : (
        <div className="space-y-3 text-sm">
          <p>
            {settings.scheduleEnabled
              ? t("settings.current", { minutes: settings.intervalMinutes })
              : t("settings.currentOff")}
          </p>
          <Alert>{t("settings.readOnly")}</Alert>
        </div>
      )}
    </Card>
  );
}
