import { z } from "zod";
import { getDb, type Db } from "@/db";
import { negotiateLocale, type Locale } from "@/lib/i18n/config";
import { getTranslator } from "@/lib/i18n/messages";
import { fieldErrorsOf, type FieldErrors } from "@/lib/validation";
import { AppError, isAppError } from "./errors";
import { hitRateLimit } from "./rate-limit";
import { resolveRequestTenantContext, type ApiKeyTenantContext, type TenantContext } from "./tenant";

/**
 * The one wrapper of public API route handlers (`app/api/v1/…`). It resolves the caller (an org API key, or for GET a
 * signed-in member's session, so the app's own pages can fetch the same JSON), parses the query and body with zod,
 * runs the handler and turns every outcome into JSON: invalid input is 422 with field errors, AppError codes become
 * their statuses, and anything unexpected is a bare 500 without details.
 */

/** Where the wrapper gets the database; tests point it at a database of their own. */
export const apiRuntime: { getDb: () => Promise<Db>; now: () => Date } = { getDb, now: () => new Date() };

/** Requests one API key may make per minute (API_KEY_REQUESTS_PER_MINUTE, default 600). */
function apiKeyRequestsPerMinute(): number {
  const value = Number(process.env.API_KEY_REQUESTS_PER_MINUTE);
  return Number.isInteger(value) && value > 0 ? value : 600;
}

/** Request bodies beyond this are refused before parsing: the API takes small JSON objects only. */
const MAX_BODY_BYTES = 256 * 1024;

type Output<S> = S extends z.ZodType ? z.output<S> : undefined;

export interface ApiInput<Q, B> {
  request: Request;
  ctx: TenantContext;
  /** The route's dynamic segments, raw: services turn malformed ids into not_found (404), never 422. */
  params: Record<string, string>;
  query: Q;
  body: B;
  locale: Locale;
}

export interface ApiOptions<QS extends z.ZodType | undefined, BS extends z.ZodType | undefined> {
  /** Schema of the query string (an object of strings; repeated parameters keep the last value). */
  query?: QS;
  /** Schema of the JSON body. A missing body is parsed as `{}`. */
  body?: BS;
  /** Status of a successful response (200, 201 for creations, 202 for accepted work). */
  status?: number;
}

interface RouteSegment {
  params: Promise<Record<string, string | string[] | undefined>>;
}

/** A JSON response with the API's headers. */
export function apiJson(data: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return Response.json(data, { status, headers: { "cache-control": "no-store", ...headers } });
}

/**
 * Wraps an API route handler. The handler returns plain data (sent as JSON with `options.status`) or a Response.
 * Requests other than GET/HEAD are writes: they need an API key with the `write` scope.
 */
export function withApi<QS extends z.ZodType | undefined = undefined, BS extends z.ZodType | undefined = undefined>(
  options: ApiOptions<QS, BS>,
  handler: (input: ApiInput<Output<QS>, Output<BS>>) => Promise<unknown>,
) {
  return async (request: Request, segment?: RouteSegment): Promise<Response> => {
    const locale = negotiateLocale(request.headers.get("accept-language"));
    try {
      const isWrite = !["GET", "HEAD"].includes(request.method.toUpperCase());
      const ctx = await resolveRequestTenantContext(request, {
        db: await apiRuntime.getDb(),
        // Imported lazily: sessions need Next's request scope, API keys do not (and tests call handlers directly).
        session: isWrite ? null : async () => (await import("./session")).getTenantContext(),
        now: apiRuntime.now(),
      });
      if (isApiKeyContext(ctx)) {
        // Per key, shared by every web process: a runaway script slows itself down, not the org's other keys.
        const limit = apiKeyRequestsPerMinute();
        const hit = await hitRateLimit(ctx.db, `api-key:${ctx.actor.id}`, limit, 60, apiRuntime.now());
        if (!hit.allowed) {
          throw new AppError("rate_limited", { messageKey: "apiRateLimited", params: { limit, seconds: hit.retryAfterSeconds } });
        }
        if (isWrite && ctx.scope !== "write") throw new AppError("forbidden", { messageKey: "apiKeyReadOnly" });
      }
      const params = await readParams(segment);
      const query = parseOrThrow(options.query, Object.fromEntries(new URL(request.url).searchParams));
      const body = options.body ? parseOrThrow(options.body, await readJsonBody(request)) : undefined;
      const result = await handler({
        request,
        ctx,
        params,
        query: query as Output<QS>,
        body: body as Output<BS>,
        locale,
      });
      return result instanceof Response ? result : apiJson(result, options.status ?? 200);
    } catch (error) {
      return errorResponse(error, locale);
    }
  };
}

function isApiKeyContext(ctx: TenantContext): ctx is ApiKeyTenantContext {
  return ctx.actor.type === "api_key";
}

async function readParams(segment?: RouteSegment): Promise<Record<string, string>> {
  const raw = segment ? await segment.params : {};
  const params: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw ?? {})) {
    if (typeof value === "string") params[name] = value;
    else if (Array.isArray(value)) params[name] = value.join("/");
  }
  return params;
}

/** Field errors keep their parameters (e.g. `max`) here, which AppError's key-only fields cannot carry. */
class ApiValidationError extends Error {
  constructor(readonly fields: FieldErrors) {
    super("validation");
  }
}

function parseOrThrow(schema: z.ZodType | undefined, value: unknown): unknown {
  if (!schema) return undefined;
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new ApiValidationError(fieldErrorsOf(parsed.error));
  return parsed.data;
}

async function readJsonBody(request: Request): Promise<unknown> {
  const declared = Number(request.headers.get("content-length") ?? 0);
  if (declared > MAX_BODY_BYTES) throw new AppError("bad_request", { messageKey: "bodyTooLarge" });
  const text = await request.text();
  if (text.length > MAX_BODY_BYTES) throw new AppError("bad_request", { messageKey: "bodyTooLarge" });
  if (!text.trim()) return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new AppError("bad_request", { messageKey: "invalidJson" });
  }
  if (!value || typeof value !== "object" || Array.isArray(value)) {
    throw new AppError("bad_request", { messageKey: "invalidJson" });
  }
  return value;
}

interface ApiErrorBody {
  error: { code: string; message: string; fields?: Record<string, string> };
}

/** Turns anything thrown into the API's error JSON; the details of unexpected errors stay in the server log. */
export function errorResponse(error: unknown, locale: Locale): Response {
  const t = translators(locale);
  if (error instanceof ApiValidationError) {
    return apiJson(validationBody(t, error.fields), 422);
  }
  if (isAppError(error)) {
    if (error.code === "validation" && error.fields) {
      const fields = Object.fromEntries(Object.entries(error.fields).map(([field, key]) => [field, { key }]));
      return apiJson(validationBody(t, fields, error), 422);
    }
    const body: ApiErrorBody = { error: { code: error.code, message: t.error(error) } };
    if (error.fields) body.error.fields = translateFields(t, Object.fromEntries(Object.entries(error.fields).map(([f, key]) => [f, { key }])));
    const headers: Record<string, string> =
      error.code === "unauthorized"
        ? { "www-authenticate": 'Bearer realm="impact24"' }
        : error.code === "rate_limited" && error.params?.seconds !== undefined
          ? { "retry-after": String(error.params.seconds) }
          : {};
    return apiJson(body, error.status, headers);
  }
  console.error(error);
  return apiJson({ error: { code: "internal", message: t.errors("internal") } } satisfies ApiErrorBody, 500);
}

function validationBody(t: ReturnType<typeof translators>, fields: FieldErrors, error?: AppError): ApiErrorBody {
  return {
    error: {
      code: "validation",
      message: error && error.messageKey !== "validation" ? t.error(error) : t.errors("validation"),
      fields: translateFields(t, fields),
    },
  };
}

function translators(locale: Locale) {
  const errors = getTranslator(locale, "errors");
  const validation = getTranslator(locale, "validation");
  const api = getTranslator(locale, "api");
  return {
    errors,
    /** An AppError's message: the shared `errors` catalogue first, then the API's own texts, then the code's. */
    error(error: AppError): string {
      if (errors.has(error.messageKey)) return safe(() => errors(error.messageKey, error.params), errors(error.code));
      const key = `errors.${error.messageKey}`;
      if (api.has(key)) return safe(() => api(key, error.params), errors(error.code));
      return errors(error.code);
    },
    field(key: string, params?: Record<string, string | number>): string {
      if (validation.has(key)) return safe(() => validation(key, params), validation("invalid"));
      if (api.has(`validation.${key}`)) return safe(() => api(`validation.${key}`, params), validation("invalid"));
      return validation("invalid");
    },
  };
}

function translateFields(t: ReturnType<typeof translators>, fields: FieldErrors): Record<string, string> {
  return Object.fromEntries(Object.entries(fields).map(([field, { key, params }]) => [field, t.field(key, params)]));
}

/**
 * A message whose parameters are missing must not turn a 4xx into a 500 or show a key: the translator then returns
 * the key path ("validation.tooLong"), which is replaced by the fallback.
 */
function safe(render: () => string, fallback: string): string {
  try {
    const text = render();
    return /^[a-z]+(\.[A-Za-z_]+)+$/.test(text) ? fallback : text;
  } catch {
    return fallback;
  }
}
