import { getTranslations } from "next-intl/server";
import { ClientForm } from "@/components/clients/client-form";
import { timeZoneOptions } from "@/components/clients/time-zone-options";
import { Alert } from "@/components/ui/alert";
import { Card, PageHeader } from "@/components/ui/card";
import { can } from "@/lib/server/permissions";
import { getClientInOrg } from "@/lib/server/services/clients";
import { getPageTenantContext, orNotFoundPage } from "@/lib/server/session";

export async function generateMetadata({ params }: { params: Promise<{ id: string }> }) {
  const ctx = await getPageTenantContext();
  const client = await getClientInOrg(ctx, (await params).id).catch(() => null);
  return { title: client ? (await getTranslations("clients"))("editTitle", { name: client.name }) : undefined };
}

export default async function EditClientPage({ params }: { params: Promise<{ id: string }> }) {
  const ctx = await getPageTenantContext();
  const client = await orNotFoundPage(getClientInOrg(ctx, (await params).id));
  const t = await getTranslations("clients");
  return (
    <div className="max-w-3xl">
      <PageHeader title={t("editTitle", { name: client.name })} />
      {can(ctx.role, "clients.write") ? (
        <Card>
          {client.status === "archived" && (
            <Alert tone="warning" className="mb-5">
              {t("archivedNotice")}
            </Alert>
          )}
          <ClientForm
            client={{
              id: client.id,
              name: client.name,
              timeZone: client.timeZone,
              baseCurrency: client.baseCurrency,
              goLiveDate: client.goLiveDate,
              status: client.status,
              notes: client.notes,
            }}
            timeZones={timeZoneOptions(client.timeZone)} cancelHref={`/clients/${client.id}`} />
        </Card>
      ) : (
        <Alert tone="error">{t("readOnly")}</Alert>
      )}
    </div>
  );
}
