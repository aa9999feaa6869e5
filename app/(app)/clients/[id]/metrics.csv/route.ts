import { csvFileName, csvResponse } from "@/lib/csv/write";
import { metricHistoryCsv } from "@/lib/server/dashboards/csv";
import { withCsv } from "@/lib/server/dashboards/csv-route";
import { metricHistoryQuery } from "@/lib/server/public-api";
import { listMetricHistory } from "@/lib/server/services/metric-history";

/**
 * GET /clients/{id}/metrics.csv?from=YYYY-MM&to=YYYY-MM&metric=a,b — the client's metric history as CSV: the same
 * rows, in the same order, with the same values as GET /api/v1/clients/{id}/metrics for the same query.
 */
export const GET = withCsv(metricHistoryQuery, async ({ ctx, params, query }) => {
  const { client, rows } = await listMetricHistory(ctx, params.id, { from: query.from, to: query.to, metrics: query.metric });
  return csvResponse(metricHistoryCsv(rows), csvFileName("metrics", client.name, query.from ?? "", query.to ?? ""));
});
