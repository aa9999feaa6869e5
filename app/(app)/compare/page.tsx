import { Suspense } from "react";
import { redirect } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { CompareView } from "@/components/dashboards/compare-view";
import { DashboardSkeleton } from "@/components/dashboards/client-dashboard";
import { ComparePicker } from "@/components/dashboards/compare-picker";
import { Alert } from "@/components/ui/alert";
import { EmptyState, PageHeader } from "@/components/ui/card";
import { ButtonLink } from "@/components/ui/button";
import { isMonthKey } from "@/lib/metrics";
import { COMPARE_MAX_CLIENTS, getComparison, parseCompareIds } from "@/lib/server/dashboards/compare";
import { getClientInOrg, listClientOptions } from "@/lib/server/services/clients";
import type { TenantContext } from "@/lib/server/tenant";
import { getPageTenantContext, orNotFoundPage } from "@/lib/server/session";

export async function generateMetadata() {
  return { title: (await getTranslations("nav"))("compare") };
}

const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

/** Two to five clients side by side per metric: charts and a table, with the portfolio median as a benchmark. */
export default async function ComparePage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const ctx = await getPageTenantContext();
  // A client viewer has one client: nothing to compare it with.
  if (ctx.clientScope) redirect(`/clients/${ctx.clientScope}`);
  const params = await searchParams;
  const ids = parseCompareIds(params.clients);
  const from = first(params.from);
  const to = first(params.to);
  const t = await getTranslations("dashboards");
  const options = await listClientOptions(ctx);
  const tooMany = ids.length > COMPARE_MAX_CLIENTS;
  const range = { from: from && isMonthKey(from) ? from : null, to: to && isMonthKey(to) ? to : null };
  // Another org's id in the link is a 404, like any other page with an id: checked before anything streams.
  const chosen = tooMany ? [] : await orNotFoundPage(Promise.all(ids.map((id) => getClientInOrg(ctx, id))));

  return (
    <div className="space-y-6">
      <PageHeader title={t("compare.title")} description={t("compare.description", { max: COMPARE_MAX_CLIENTS })} />
      {options.length < 2 ? (
        <EmptyState title={t("compare.fewClientsTitle")} text={t("compare.fewClientsText")} action={<ButtonLink href="/clients">{t("compare.toClients")}</ButtonLink>} />
      ) : (
        <>
          <ComparePicker options={options} selected={tooMany ? ids.slice(0, COMPARE_MAX_CLIENTS) : chosen.map((c) => c.id)} from={range.from} to={range.to} />
          {tooMany && <Alert tone="error">{t("compare.tooMany", { max: COMPARE_MAX_CLIENTS })}</Alert>}
          {chosen.length === 1 && <Alert tone="info">{t("compare.pickMore")}</Alert>}
          {chosen.length === 0 && !tooMany && <EmptyState title={t("compare.pickTitle")} text={t("compare.pickText", { max: COMPARE_MAX_CLIENTS })} />}
          {chosen.length >= 1 && (
            <Suspense key={`${ids.join(",")}|${range.from}|${range.to}`} fallback={<DashboardSkeleton label={t("client.loading")} />}>
              <CompareResults ctx={ctx} ids={chosen.map((c) => c.id)} range={range} />
            </Suspense>
          )}
        </>
      )}
    </div>
  );
}

async function CompareResults({ ctx, ids, range }: { ctx: TenantContext; ids: string[]; range: { from: string | null; to: string | null } }) {
  return <CompareView comparison={await getComparison(ctx, ids, range)} />;
}
