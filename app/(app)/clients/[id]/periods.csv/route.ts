import { z } from "zod";
import { csvFileName, csvResponse } from "@/lib/csv/write";
import { getClientDashboard } from "@/lib/server/dashboards/client-dashboard";
import { clientViewOptions, parseClientView } from "@/lib/server/dashboards/client-view";
import { periodsCsv } from "@/lib/server/dashboards/csv";
import { withCsv } from "@/lib/server/dashboards/csv-route";

const query = z.record(z.string(), z.union([z.string(), z.array(z.string())]));

/**
 * GET /clients/{id}/periods.csv?table=go_live|period&… — the client page's two-period tables as CSV: before/after
 * go-live, or period against period with the page's own parameters (month, cmp, af/at/bf/bt).
 */
export const GET = withCsv(query, async ({ ctx, params, query }) => {
  const view = parseClientView(query);
  const dashboard = await getClientDashboard(ctx, params.id, clientViewOptions(view));
  const table = query.table === "go_live" ? "go_live" : "period";
  const name = csvFileName(table === "go_live" ? "before-after-go-live" : "period-comparison", dashboard.client.name, dashboard.month);
  if (table === "go_live") {
    const ba = dashboard.beforeAfter;
    const empty = { range: { from: "", to: "" }, values: Object.fromEntries(dashboard.metrics.map((m) => [m.key, null])) } as never;
    return csvResponse(periodsCsv(dashboard, ba?.before ?? empty, ba?.after ?? empty, ba?.delta ?? null), name);
  }
  const c = dashboard.comparison;
  return csvResponse(periodsCsv(dashboard, c.a, c.b, c.delta), name);
});
