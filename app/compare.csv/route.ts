import { z } from "zod";
import { csvFileName, csvResponse } from "@/lib/csv/write";
import { getComparison, parseCompareIds } from "@/lib/server/dashboards/compare";
import { compareCsv } from "@/lib/server/dashboards/csv";
import { withCsv } from "@/lib/server/dashboards/csv-route";
import { isMonthKey } from "@/lib/metrics";

const month = z
  .string()
  .refine((v) => isMonthKey(v), { error: "month" })
  .optional();
const query = z.object({ clients: z.union([z.string(), z.array(z.string())]).optional(), from: month, to: month });

/** GET /compare.csv?clients=a,b&from=YYYY-MM&to=YYYY-MM — the compared clients' monthly values and range values. */
export const GET = withCsv(query, async ({ ctx, query }) => {
  const comparison = await getComparison(ctx, parseCompareIds(query.clients), { from: query.from, to: query.to });
  return csvResponse(compareCsv(comparison), csvFileName("compare", comparison.from, comparison.to));
});
