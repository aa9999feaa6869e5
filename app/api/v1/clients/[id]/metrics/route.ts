import { withApi } from "@/lib/server/api";
import { metricHistoryQuery } from "@/lib/server/public-api";
import { listMetricHistory } from "@/lib/server/services/metric-history";

/**
 * GET /api/v1/clients/{id}/metrics?from=YYYY-MM&to=YYYY-MM&metric=a,b — the client's monthly metric history:
 * `{ clientId, currency, from, to, metrics: [{ key, period, value, numerator, denominator, unit }] }`, by metric then
 * month. The CSV export has the same rows.
 */
export const GET = withApi({ query: metricHistoryQuery }, async ({ ctx, params, query }) => {
  const { client, rows } = await listMetricHistory(ctx, params.id, { from: query.from, to: query.to, metrics: query.metric });
  return { clientId: client.id, currency: client.baseCurrency, from: query.from ?? null, to: query.to ?? null, metrics: rows };
});
