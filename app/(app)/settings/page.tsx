import { getTranslations } from "next-intl/server";
import { OrgNameForm } from "@/components/orgs/org-name-form";
import { Alert } from "@/components/ui/alert";
import { Card } from "@/components/ui/card";
import { can } from "@/lib/server/permissions";
import { getCurrentOrg } from "@/lib/server/services/orgs";
import { getPageTenantContext } from "@/lib/server/session";
import { renameOrgAction } from "./actions";

export async function generateMetadata() {
  return { title: (await getTranslations("orgs"))("settingsTitle") };
}

export default async function GeneralSettingsPage() {
  const ctx = await getPageTenantContext();
  const org = await getCurrentOrg(ctx);
  const t = await getTranslations("orgs");
  const tm = await getTranslations("members");
  const tc = await getTranslations("common");
  return (
    <Card className="max-w-xl">
      <h2 className="text-lg font-semibold">{t("generalTitle")}</h2>
      <p className="mb-4 mt-1 text-sm text-slate-600">{t("generalText")}</p>
      {can(ctx.role, "org.manage") ? (
        <OrgNameForm action={renameOrgAction} defaultName={org.name} submitLabel={tc("save")} pendingLabel={tc("saving")} />
      ) : (
        <div className="space-y-3">
          <p className="text-base font-medium">{org.name}</p>
          <Alert>{t("readOnly")}</Alert>
        </div>
      )}
      <p className="mt-4 text-sm text-slate-500">{t("yourRole", { role: tm(`roles.${ctx.role}`) })}</p>
    </Card>
  );
}
