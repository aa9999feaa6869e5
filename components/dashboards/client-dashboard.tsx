import { Suspense } from "react";
import { getTranslations } from "next-intl/server";
import { Alert } from "@/components/ui/alert";
import { Spinner } from "@/components/ui/spinner";
import { parseClientView } from "@/lib/server/dashboards/client-view";
import type { TenantContext } from "@/lib/server/tenant";
import { ClientDashboardSection } from "./client-dashboard-section";
import { SectionErrorBoundary } from "./error-boundary";

/**
 * The dashboard part of the client page, streamed: a skeleton while it loads, and a contained error message if it
 * fails, so the rest of the client page (details, portal) stays usable either way.
 */
export async function ClientDashboard({ ctx, clientId, searchParams }: { ctx: TenantContext; clientId: string; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const view = parseClientView(await searchParams);
  const t = await getTranslations("dashboards.client");
  return (
    <SectionErrorBoundary fallback={<Alert tone="error">{t("error")}</Alert>}>
      <Suspense fallback={<DashboardSkeleton label={t("loading")} />}>
        <ClientDashboardSection ctx={ctx} clientId={clientId} view={view} />
      </Suspense>
    </SectionErrorBoundary>
  );
}

/** Placeholder cards while the dashboard loads. */
export function DashboardSkeleton({ label }: { label: string }) {
  return (
    <div aria-busy="true" className="space-y-4">
      <div className="text-sm text-slate-600">
        <Spinner label={label} />
      </div>
      <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3 xl:grid-cols-5">
        {Array.from({ length: 10 }, (_, i) => (
          <div key={i} className="h-40 animate-pulse rounded-lg bg-slate-100" />
        ))}
      </div>
      <div className="h-64 animate-pulse rounded-lg bg-slate-100" />
    </div>
  );
}
