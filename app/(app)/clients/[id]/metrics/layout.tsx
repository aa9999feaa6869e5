import { getTranslations } from "next-intl/server";
import { ButtonLink } from "@/components/ui/button";
import { PageHeader } from "@/components/ui/card";
import { MetricSectionNav } from "@/components/metrics/section-nav";
import { getClientInOrg } from "@/lib/server/services/clients";
import { getPageTenantContext, orNotFoundPage } from "@/lib/server/session";

/** The frame of a client's metric pages: title, way back to the client, and the section tabs. */
export default async function MetricsLayout({ children, params }: { children: React.ReactNode; params: Promise<{ id: string }> }) {
  const ctx = await getPageTenantContext();
  const client = await orNotFoundPage(getClientInOrg(ctx, (await params).id));
  const t = await getTranslations("metricData");
  return (
    <div>
      <PageHeader
        title={t("title", { name: client.name })}
        actions={
          <ButtonLink href={`/clients/${client.id}`} variant="secondary">
            {t("nav.backToClient")}
          </ButtonLink>
        }
      />
      <MetricSectionNav clientId={client.id} />
      {children}
    </div>
  );
}
