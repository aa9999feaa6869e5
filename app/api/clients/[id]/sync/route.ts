import { negotiateLocale } from "@/lib/i18n/config";
import { getTranslator } from "@/lib/i18n/messages";
import { isAppError } from "@/lib/server/errors";
import { getRequestTenantContext } from "@/lib/server/session";
import { clientSyncStatusJson } from "@/lib/server/sync/status-json";

/**
 * GET /api/clients/{id}/sync — what the client page's live sync panel polls: the current run with per-entity
 * progress and the last finished runs. The caller's org only (another org's client is a 404).
 */
export async function GET(request: Request, segment: { params: Promise<{ id: string }> }): Promise<Response> {
  try {
    const ctx = await getRequestTenantContext(request);
    const body = await clientSyncStatusJson(ctx, (await segment.params).id);
    return Response.json(body, { headers: { "cache-control": "no-store" } });
  } catch (error) {
    const t = getTranslator(negotiateLocale(request.headers.get("accept-language")), "errors");
    if (isAppError(error)) {
      return Response.json({ error: t.has(error.messageKey) ? t(error.messageKey) : t(error.code) }, { status: error.status });
    }
    console.error(error);
    return Response.json({ error: t("internal") }, { status: 500 });
  }
}
