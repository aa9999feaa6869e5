import { z } from "zod";
import { csvFileName, csvResponse } from "@/lib/csv/write";
import { portfolioCsv } from "@/lib/server/dashboards/csv";
import { withCsv } from "@/lib/server/dashboards/csv-route";
import { getPortfolio } from "@/lib/server/dashboards/portfolio";
import { applyPortfolioView, parsePortfolioView } from "@/lib/server/dashboards/portfolio-view";
import { negotiateLocale } from "@/lib/i18n/config";

const query = z.record(z.string(), z.union([z.string(), z.array(z.string())]));

/** GET /portfolio.csv?month=YYYY-MM&… — the portfolio table with the page's search, filters and sort, every row. */
export const GET = withCsv(query, async ({ ctx, query, request }) => {
  const view = parsePortfolioView(query);
  const portfolio = await getPortfolio(ctx, { month: view.month, status: view.status });
  const rows = applyPortfolioView(portfolio.rows, view, negotiateLocale(request.headers.get("accept-language")));
  return csvResponse(portfolioCsv(portfolio.month, rows), csvFileName("portfolio", portfolio.month));
});
