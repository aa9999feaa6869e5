import { getTranslations } from "next-intl/server";
import { ClientForm } from "@/components/clients/client-form";
import { timeZoneOptions } from "@/components/clients/time-zone-options";
import { Alert } from "@/components/ui/alert";
import { Card, PageHeader } from "@/components/ui/card";
import { can } from "@/lib/server/permissions";
import { CLIENT_DEFAULTS } from "@/lib/server/services/clients";
import { getPageTenantContext } from "@/lib/server/session";

export async function generateMetadata() {
  return { title: (await getTranslations("clients"))("newTitle") };
}

export default async function NewClientPage() {
  const ctx = await getPageTenantContext();
  const t = await getTranslations("clients");
  return (
    <div className="max-w-3xl">
      <PageHeader title={t("newTitle")} />
      {can(ctx.role, "clients.write") ? (
        <Card>
          <ClientForm
            client={{ ...CLIENT_DEFAULTS, name: "", goLiveDate: null, notes: "" }}
            timeZones={timeZoneOptions()}
            cancelHref="/clients"
          />
        </Card>
      ) : (
        <Alert tone="error">{t("readOnly")}</Alert>
      )}
    </div>
  );
}
