import { getFormatter, getTranslations } from "next-intl/server";
import { ClientStatusBadge } from "@/components/clients/client-status-badge";
import { ActionButton } from "@/components/ui/action-button";
import { Alert } from "@/components/ui/alert";
import { ButtonLink } from "@/components/ui/button";
import { Card, PageHeader } from "@/components/ui/card";
import { ConfirmAction } from "@/components/ui/confirm-action";
import { PortalCard } from "@/components/portals/portal-card";
import { SyncSection } from "@/components/sync/sync-section";
import { ClientDashboard } from "@/components/dashboards/client-dashboard";
import { can } from "@/lib/server/permissions";
import { getClientInOrg } from "@/lib/server/services/clients";
import { getPageTenantContext, orNotFoundPage } from "@/lib/server/session";
import { ClientStatusAnnouncer } from "@/components/clients/client-status-announcer";
import { archiveClientAction, restoreClientAction } from "../actions";

export async function generateMetadata({ params }: { params: Promise<{ id: string }> }) {
  const ctx = await getPageTenantContext();
  const client = await getClientInOrg(ctx, (await params).id).catch(() => null);
  return { title: client?.name };
}

/** A client's overview: its details, its portal connection and its metrics dashboard. */
export default async function ClientPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const ctx = await getPageTenantContext();
  const client = await orNotFoundPage(getClientInOrg(ctx, (await params).id));
  const t = await getTranslations("clients");
  const format = await getFormatter();
  const writer = can(ctx.role, "clients.write");
  const archived = client.status === "archived";
  const fields = { clientId: client.id };

  return (
    <div className="space-y-6">
      <PageHeader
        title={client.name}
        description={<ClientStatusBadge status={client.status} />}
        actions={
          <>
            <ButtonLink href={`/clients/${client.id}/metrics`} variant="secondary">
              {(await getTranslations("metricData"))("nav.overview")}
            </ButtonLink>
            {writer && (
            <>
              <ButtonLink href={`/clients/${client.id}/edit`} variant="secondary">
                {(await getTranslations("common"))("edit")}
              </ButtonLink>
              {archived ? (
                <ActionButton action={restoreClientAction} fields={fields} label={t("restore")} size="md" />
              ) : (
                <ConfirmAction
                  action={archiveClientAction}
                  fields={fields}
                  label={t("archive")}
                  title={t("archiveTitle", { name: client.name })}
                  text={t("archiveText")}
                  confirmLabel={t("archiveConfirm")}
                  variant="secondary"
                  size="md"
                />
              )}
            </>
            )}
          </>
        }
      />
      <ClientStatusAnnouncer status={client.status} messages={{ archived: t("archived"), restored: t("restored") }} />
      {archived && <Alert tone="warning">{t("archivedNotice")}</Alert>}
      <Card>
        <h2 className="mb-4 text-lg font-semibold">{t("details")}</h2>
        <dl className="grid gap-x-6 gap-y-4 text-sm sm:grid-cols-2 lg:grid-cols-4">
          <div>
            <dt className="text-slate-500">{t("fields.timeZone")}</dt>
            <dd className="mt-1 font-medium">{client.timeZone}</dd>
          </div>
          <div>
            <dt className="text-slate-500">{t("fields.baseCurrency")}</dt>
            <dd className="mt-1 font-medium">{client.baseCurrency}</dd>
          </div>
          <div>
            <dt className="text-slate-500">{t("fields.goLiveDate")}</dt>
            <dd className="mt-1 font-medium">
              {client.goLiveDate
                ? format.dateTime(new Date(`${client.goLiveDate}T00:00:00Z`), { dateStyle: "long", timeZone: "UTC" })
                : t("notSet")}
            </dd>
          </div>
          <div>
            <dt className="text-slate-500">{t("fields.status")}</dt>
            <dd className="mt-1">
              <ClientStatusBadge status={client.status} />
            </dd>
          </div>
        </dl>
        {client.notes && (
          <div className="mt-6 text-sm">
            <h3 className="text-slate-500">{t("fields.notes")}</h3>
            <p className="mt-1 whitespace-pre-wrap">{client.notes}</p>
          </div>
        )}
      </Card>
      <PortalCard ctx={ctx} clientId={client.id} syncSlot={<SyncSection ctx={ctx} clientId={client.id} />} />
      <ClientDashboard ctx={ctx} clientId={client.id} searchParams={searchParams} />
    </div>
  );
}
