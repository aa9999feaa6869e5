import { z } from "zod";
import { negotiateLocale } from "@/lib/i18n/config";
import { getTranslator } from "@/lib/i18n/messages";
import { isAppError } from "../errors";
import { getRequestTenantContext } from "../session";
import type { TenantContext } from "../tenant";

/**
 * The wrapper of the CSV export route handlers: the caller is the signed-in member (or an org API key), the query
 * is parsed with zod, and failures come back as short plain-text answers with the error's status (404 for another
 * org's ids, 422 for a bad month), never a CSV of someone else's data.
 */
export function withCsv<S extends z.ZodType>(
  query: S,
  handler: (input: { ctx: TenantContext; query: z.output<S>; params: Record<string, string>; request: Request }) => Promise<Response>,
) {
  return async (request: Request, segment?: { params: Promise<Record<string, string | string[] | undefined>> }): Promise<Response> => {
    const locale = negotiateLocale(request.headers.get("accept-language"));
    const errors = getTranslator(locale, "errors");
    try {
      const ctx = await getRequestTenantContext(request);
      const url = new URL(request.url);
      const raw: Record<string, string | string[]> = {};
      for (const key of new Set(url.searchParams.keys())) {
        const all = url.searchParams.getAll(key);
        raw[key] = all.length > 1 ? all : all[0];
      }
      const parsed = query.safeParse(raw);
      if (!parsed.success) return text(errors("validation"), 422);
      const params: Record<string, string> = {};
      for (const [name, value] of Object.entries((segment ? await segment.params : {}) ?? {})) if (typeof value === "string") params[name] = value;
      return await handler({ ctx, query: parsed.data, params, request });
    } catch (error) {
      if (isAppError(error)) return text(errors.has(error.messageKey) ? errors(error.messageKey) : errors(error.code), error.status);
      console.error(error);
      return text(errors("internal"), 500);
    }
  };
}

function text(body: string, status: number): Response {
  return new Response(body, { status, headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" } });
}
