import { z } from "zod";
import { CSV_BOM, csvFileName } from "@/lib/csv/write";
import { withCsv } from "@/lib/server/dashboards/csv-route";
import { AppError } from "@/lib/server/errors";
import { IMPORT_KINDS, importTemplate, type ImportKind } from "@/lib/server/services/metric-import";
import { getClientInOrg } from "@/lib/server/services/clients";

/** GET /clients/{id}/metrics/template/{inputs|baselines|targets} — the CSV template of an import, for the client. */
export const GET = withCsv(z.object({}).loose(), async ({ ctx, params }) => {
  const kind = params.kind as ImportKind;
  if (!(IMPORT_KINDS as readonly string[]).includes(kind)) throw new AppError("not_found");
  const client = await getClientInOrg(ctx, params.id);
  return new Response(CSV_BOM + importTemplate(kind, Date.now(), client.timeZone), {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="${csvFileName("template", kind, client.name)}"`,
      "cache-control": "no-store",
    },
  });
});
