import Link from "next/link";
import { redirect } from "next/navigation";
import { getFormatter, getLocale, getTranslations } from "next-intl/server";
import { MonthNav, PortfolioFilters } from "@/components/dashboards/portfolio-filters";
import { PortfolioTable } from "@/components/dashboards/portfolio-table";
import { ButtonLink, buttonClass } from "@/components/ui/button";
import { EmptyState, PageHeader } from "@/components/ui/card";
import { monthDate, MONTH_FORMAT } from "@/components/dashboards/format";
import { addMonths } from "@/lib/metrics";
import { getPortfolio } from "@/lib/server/dashboards/portfolio";
import { applyPortfolioView, pageOf, parsePortfolioView, portfolioViewParams, VERDICT_FILTERS } from "@/lib/server/dashboards/portfolio-view";
import { can } from "@/lib/server/permissions";
import { getPageTenantContext } from "@/lib/server/session";

export async function generateMetadata() {
  return { title: (await getTranslations("nav"))("portfolio") };
}

/**
 * The portfolio: every client against the ten metrics for a month. The whole view (month, search, filters, sort,
 * page) is in the URL, rendered on the server, so it can be shared and exported as the same CSV.
 */
export default async function PortfolioPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const ctx = await getPageTenantContext();
  // A client viewer's portfolio is their one client.
  if (ctx.clientScope) redirect(`/clients/${ctx.clientScope}`);
  const view = parsePortfolioView(await searchParams);
  const locale = await getLocale();
  const portfolio = await getPortfolio(ctx, { month: view.month, status: view.status });
  const rows = applyPortfolioView(portfolio.rows, view, locale);
  const { items, page, pages } = pageOf(rows, view.page);
  const t = await getTranslations("dashboards");
  const format = await getFormatter();
  const writer = can(ctx.role, "clients.write");
  const monthLabel = format.dateTime(monthDate(portfolio.month), MONTH_FORMAT.long);
  const current = { ...view, month: portfolio.month };
  const link = (patch: Partial<typeof view>) => {
    const params = portfolioViewParams({ ...current, ...patch });
    return params.size ? `/?${params}` : "/";
  };
  const exportParams = portfolioViewParams({ ...current, page: 1 });
  const filtered = view.q !== "" || view.verdict !== "all" || view.connection !== "all" || view.status !== "current";
  const counts = Object.fromEntries(VERDICT_FILTERS.slice(1).map((v) => [v, portfolio.rows.filter((r) => r.verdict.verdict === v).length]));

  if (portfolio.rows.length === 0 && !filtered) {
    return (
      <div>
        <PageHeader title={t("portfolio.title")} description={t("portfolio.description")} />
        <EmptyState
          title={t("portfolio.emptyTitle")}
          text={writer ? t("portfolio.emptyText") : t("portfolio.emptyViewer")}
          action={writer && <ButtonLink href="/clients/new">{t("portfolio.addClient")}</ButtonLink>}
        />
      </div>
    );
  }

  return (
    <div className="space-y-4">
      <PageHeader
        title={t("portfolio.title")}
        description={t("portfolio.descriptionMonth", { month: monthLabel })}
        actions={
          <div className="no-print flex flex-wrap items-center gap-2">
            <MonthNav
              previousHref={link({ month: addMonths(portfolio.month, -1), page: 1 })}
              nextHref={link({ month: addMonths(portfolio.month, 1), page: 1 })}
              previousLabel={t("month.previous")}
              nextLabel={t("month.next")}
            />
            <a href={`/portfolio.csv?${exportParams}`} className={buttonClass("secondary", "sm")} download>
              {t("export.csv")}
            </a>
          </div>
        }
      />

      <PortfolioFilters view={current} />

      <ul className="flex flex-wrap gap-2 text-sm" aria-label={t("portfolio.verdictSummary")}>
        {(["pays_off", "at_risk", "not_enough_data"] as const).map((v) => (
          <li key={v}>
            <Link
              href={link({ verdict: view.verdict === v ? "all" : v, page: 1 })}
              aria-current={view.verdict === v ? "true" : undefined}
              className={`inline-flex items-center gap-2 rounded-full border px-3 py-1 ${view.verdict === v ? "border-brand-500 bg-brand-50 text-brand-700" : "border-slate-200 bg-white text-slate-700 hover:bg-slate-50"}`}
            >
              {t(`verdicts.${v}`)} <span className="font-semibold tabular-nums">{counts[v]}</span>
            </Link>
          </li>
        ))}
      </ul>

      <p className="text-sm text-slate-600" role="status" data-testid="portfolio-count">
        {t("portfolio.count", { count: rows.length, total: portfolio.rows.length })}
      </p>

      {items.length === 0 ? (
        <EmptyState title={t("portfolio.noMatchTitle")} text={t("portfolio.noMatchText")} action={<ButtonLink href="/" variant="secondary">{t("filters.clear")}</ButtonLink>} />
      ) : (
        <PortfolioTable rows={items} percentiles={portfolio.percentiles} view={current} now={new Date()} />
      )}

      <p className="text-xs text-slate-600">{t("portfolio.legend")}</p>

      {pages > 1 && (
        <nav aria-label={t("pagination.label")} className="no-print flex items-center justify-between gap-2 text-sm">
          {page > 1 ? (
            <Link href={link({ page: page - 1 })} className={buttonClass("secondary", "sm")}>
              {t("pagination.previous")}
            </Link>
          ) : (
            <span />
          )}
          <span className="text-slate-600">{t("pagination.pageOf", { page, pages })}</span>
          {page < pages ? (
            <Link href={link({ page: page + 1 })} className={buttonClass("secondary", "sm")}>
              {t("pagination.next")}
            </Link>
          ) : (
            <span />
          )}
        </nav>
      )}
    </div>
  );
}
