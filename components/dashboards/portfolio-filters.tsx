import Link from "next/link";
import { useTranslations } from "next-intl";
import { buttonClass } from "@/components/ui/button";
import { PORTFOLIO_STATUSES } from "@/lib/server/dashboards/portfolio";
import { CONNECTION_FILTERS, DELTA_MODES, VERDICT_FILTERS, type PortfolioView } from "@/lib/server/dashboards/portfolio-view";

const control = "block rounded-md border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm focus:border-brand-500 focus:outline-none focus:ring-2 focus:ring-brand-500/30";
const label = "block text-sm font-medium text-slate-700";

/** Month, search and filters of the portfolio: a plain GET form, so the view is a shareable URL without script. */
export function PortfolioFilters({ view }: { view: PortfolioView }) {
  const t = useTranslations("dashboards");
  const tc = useTranslations("clients.filters");
  return (
    <form method="get" action="/" role="search" aria-label={t("filters.label")} className="no-print flex flex-wrap items-end gap-3 rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
      <div className="min-w-48 flex-1 space-y-1">
        <label htmlFor="portfolio-q" className={label}>
          {t("filters.search")}
        </label>
        <input id="portfolio-q" name="q" type="search" defaultValue={view.q} placeholder={t("filters.searchPlaceholder")} className={`${control} w-full`} />
      </div>
      <div className="space-y-1">
        <label htmlFor="portfolio-month" className={label}>
          {t("filters.month")}
        </label>
        <input id="portfolio-month" name="month" type="month" defaultValue={view.month ?? ""} className={control} />
      </div>
      <div className="space-y-1">
        <label htmlFor="portfolio-status" className={label}>
          {t("filters.status")}
        </label>
        <select id="portfolio-status" name="status" defaultValue={view.status} className={control}>
          {PORTFOLIO_STATUSES.map((s) => (
            <option key={s} value={s}>
              {tc(s)}
            </option>
          ))}
        </select>
      </div>
      <div className="space-y-1">
        <label htmlFor="portfolio-verdict" className={label}>
          {t("filters.verdict")}
        </label>
        <select id="portfolio-verdict" name="verdict" defaultValue={view.verdict} className={control}>
          {VERDICT_FILTERS.map((v) => (
            <option key={v} value={v}>
              {v === "all" ? t("filters.any") : t(`verdicts.${v}`)}
            </option>
          ))}
        </select>
      </div>
      <div className="space-y-1">
        <label htmlFor="portfolio-connection" className={label}>
          {t("filters.connection")}
        </label>
        <select id="portfolio-connection" name="connection" defaultValue={view.connection} className={control}>
          {CONNECTION_FILTERS.map((c) => (
            <option key={c} value={c}>
              {t(`filters.connections.${c}`)}
            </option>
          ))}
        </select>
      </div>
      <div className="space-y-1">
        <label htmlFor="portfolio-vs" className={label}>
          {t("filters.vs")}
        </label>
        <select id="portfolio-vs" name="vs" defaultValue={view.vs} className={control}>
          {DELTA_MODES.map((m) => (
            <option key={m} value={m}>
              {t(`filters.vsModes.${m}`)}
            </option>
          ))}
        </select>
      </div>
      {view.sort !== "name" && <input type="hidden" name="sort" value={view.sort} />}
      {view.dir === "desc" && <input type="hidden" name="dir" value="desc" />}
      <button type="submit" className={buttonClass("primary")}>
        {t("filters.apply")}
      </button>
      <Link href="/" className={buttonClass("ghost")}>
        {t("filters.clear")}
      </Link>
    </form>
  );
}

/** Previous / next month links. */
export function MonthNav({ previousHref, nextHref, previousLabel, nextLabel }: { previousHref: string; nextHref: string; previousLabel: string; nextLabel: string }) {
  return (
    <span className="inline-flex gap-1">
      <Link href={previousHref} className={buttonClass("secondary", "sm")} aria-label={previousLabel} title={previousLabel}>
        <span aria-hidden="true">‹</span>
      </Link>
      <Link href={nextHref} className={buttonClass("secondary", "sm")} aria-label={nextLabel} title={nextLabel}>
        <span aria-hidden="true">›</span>
      </Link>
    </span>
  );
}
