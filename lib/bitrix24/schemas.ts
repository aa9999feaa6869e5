/**
 * zod schemas for what Bitrix24 puts on the wire: the REST envelope, its `time` block, batch results, OAuth token
 * answers, and the scalar codecs that turn legacy string-typed values ("37", "1000.00", "Y") into numbers,
 * booleans and instants. Entity records built on these live in transforms.ts.
 *
 * Quirks handled here (fixtures/README.md): PHP serialises an empty map as `[]`; `operating_reset_at` is usually
 * unix seconds but an ISO string in crm.activity.list; `error` may be "", 0, free text or an object (REST v3).
 */
import { z } from "zod";

// ---------------------------------------------------------------------------------------------------------------
// Scalar codecs
// ---------------------------------------------------------------------------------------------------------------

const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]).optional();

function isBlank(v: unknown): v is null | undefined | "" {
  return v === null || v === undefined || (typeof v === "string" && v.trim() === "");
}

/** Integer or null: "37" → 37, 37 → 37, "" / null / missing → null. */
export const wireInt = scalar.transform((v, ctx) => {
  if (isBlank(v)) return null;
  const n = typeof v === "number" ? v : typeof v === "string" && /^-?\d+$/.test(v.trim()) ? Number(v) : NaN;
  if (!Number.isSafeInteger(n)) {
    ctx.addIssue({ code: "custom", message: `expected an integer, got ${JSON.stringify(v)}` });
    return z.NEVER;
  }
  return n;
});

/** A reference to another record: like wireInt, but 0 means "none" (legacy methods send COMPANY_ID "0"). */
export const wireRef = wireInt.transform((n) => (n === 0 ? null : n));

/** Required integer key (ID). */
export const wireId = wireInt.transform((n, ctx) => {
  if (n === null) {
    ctx.addIssue({ code: "custom", message: "missing ID" });
    return z.NEVER;
  }
  return n;
});

/** Decimal or null: "1000.00" → 1000, "19999.99" → 19999.99, 999.9 → 999.9. */
export const wireNumber = scalar.transform((v, ctx) => {
  if (isBlank(v)) return null;
  const n = typeof v === "number" ? v : typeof v === "string" ? Number(v.trim()) : NaN;
  if (!Number.isFinite(n)) {
    ctx.addIssue({ code: "custom", message: `expected a number, got ${JSON.stringify(v)}` });
    return z.NEVER;
  }
  return n;
});

/** Flag or null: "Y"/"N", true/false, "1"/"0", 1/0 (user.get mixes "Y" and true). */
export const wireBool = scalar.transform((v, ctx) => {
  if (isBlank(v)) return null;
  if (v === true || v === 1 || v === "Y" || v === "y" || v === "1" || v === "true") return true;
  if (v === false || v === 0 || v === "N" || v === "n" || v === "0" || v === "false") return false;
  ctx.addIssue({ code: "custom", message: `expected Y/N, got ${JSON.stringify(v)}` });
  return z.NEVER;
});

/** Text or null; numbers are stringified, "" stays "" (it is a value, e.g. NAME_INIT). */
export const wireString = scalar.transform((v) => (v === null || v === undefined ? null : String(v)));

/** Text where "" means nothing (STAGE_SEMANTIC_ID, CURRENCY_ID…). */
export const wireCode = wireString.transform((s) => (s === null || s.trim() === "" ? null : s));

const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:?\d{2}|Z)$/;

/**
 * Parses an ISO 8601 date-time that carries its offset ("2024-09-02T18:37:18+02:00") to epoch milliseconds.
 * Values without an offset ("2024-07-23 08:08:50", "24.08.2023 13:19:39") are ambiguous, so they give null
 * rather than a guess; so do "" and the `{}` user.get sends for empty dates.
 */
export function parseInstant(v: unknown): number | null {
  if (typeof v !== "string") return null;
  const s = v.trim();
  if (!ISO_WITH_OFFSET.test(s)) return null;
  const ms = Date.parse(s);
  return Number.isFinite(ms) ? ms : null;
}

const dateLike = z.union([z.string(), z.null(), z.record(z.string(), z.unknown()), z.array(z.unknown())]).optional();

/** Date-time → epoch ms or null. A non-empty string that is not an ISO date-time is an error, not a silent null. */
export const wireInstant = dateLike.transform((v, ctx) => {
  if (typeof v !== "string" || v.trim() === "") return null;
  const ms = parseInstant(v);
  if (ms === null) {
    ctx.addIssue({ code: "custom", message: `expected an ISO date-time with offset, got ${JSON.stringify(v)}` });
    return z.NEVER;
  }
  return ms;
});

/** Like wireInstant, but tolerant: unparseable text gives null (user.get's LAST_ACTIVITY_DATE formats vary). */
export const wireLooseInstant = dateLike.transform((v) => parseInstant(v));

/**
 * A `date` field (BEGINDATE, CLOSEDATE) arrives as the portal-zone midnight with its offset
 * ("2024-08-30T02:00:00+02:00" — the docs' examples even shift it). The calendar date as written is what the
 * user picked, so the first ten characters are kept: "2024-08-30".
 */
export const wireDate = dateLike.transform((v, ctx) => {
  if (typeof v !== "string" || v.trim() === "") return null;
  const m = /^(\d{4}-\d{2}-\d{2})/.exec(v.trim());
  if (!m) {
    ctx.addIssue({ code: "custom", message: `expected a date, got ${JSON.stringify(v)}` });
    return z.NEVER;
  }
  return m[1];
});

/** Unix seconds from a number or an ISO string (crm.activity.list sends operating_reset_at as ISO). */
export function toEpochSeconds(v: unknown): number | undefined {
  if (typeof v === "number" && Number.isFinite(v)) return v;
  if (typeof v === "string") {
    if (/^\d+(\.\d+)?$/.test(v.trim())) return Number(v);
    const ms = parseInstant(v);
    if (ms !== null) return Math.floor(ms / 1000);
  }
  return undefined;
}

/** A map that PHP renders as `[]` when empty. */
export function phpMap<T extends z.ZodType>(value: T) {
  return z.union([z.record(z.string(), value), z.array(z.never()).transform(() => ({}) as Record<string, z.output<T>>)]);
}

// ---------------------------------------------------------------------------------------------------------------
// Envelope
// ---------------------------------------------------------------------------------------------------------------

/** The `time` block, normalised. Fields vary by method, so all are optional. */
export const responseTime = z
  .looseObject({
    start: z.number().optional(),
    finish: z.number().optional(),
    duration: z.number().optional(),
    processing: z.number().optional(),
    date_start: z.string().optional(),
    date_finish: z.string().optional(),
    operating: z.union([z.number(), z.string()]).optional(),
    operating_reset_at: z.union([z.number(), z.string()]).optional(),
  })
  .transform((t) => ({
    start: t.start,
    finish: t.finish,
    duration: t.duration,
    processing: t.processing,
    operating: t.operating === undefined ? undefined : Number(t.operating),
    operatingResetAt: toEpochSeconds(t.operating_reset_at),
  }));

export type ResponseTime = z.output<typeof responseTime>;

/** A `time` that may also be missing or `[]` (batch result_time for a failed command). */
const optionalTime = z.union([responseTime, z.array(z.unknown()).transform(() => undefined)]).optional();

/** A successful REST answer. `next` only when there is a further page; `total` is 0 with start=-1. */
export const restEnvelope = z.looseObject({
  result: z.unknown(),
  next: z.coerce.number().optional(),
  total: z.coerce.number().optional(),
  time: optionalTime,
});

export type RestEnvelope = z.output<typeof restEnvelope>;

/** An error answer: `error` may be a code, "", 0, free text or a REST v3 object. */
export const errorEnvelope = z.looseObject({
  error: z.unknown(),
  error_description: z.unknown().optional(),
  time: optionalTime,
});

/** `result` of a batch call, keyed by command. */
export const batchResult = z.looseObject({
  result: phpMap(z.unknown()).optional().default({}),
  result_error: phpMap(
    z.looseObject({ error: z.unknown(), error_description: z.unknown().optional() }),
  )
    .optional()
    .default({}),
  result_total: phpMap(z.coerce.number()).optional().default({}),
  result_next: phpMap(z.coerce.number()).optional().default({}),
  result_time: phpMap(optionalTime).optional().default({}),
});

export type BatchResultWire = z.output<typeof batchResult>;

// ---------------------------------------------------------------------------------------------------------------
// OAuth
// ---------------------------------------------------------------------------------------------------------------

/**
 * /oauth/token/ answer (fixtures oauth-token-authorization-code.json, oauth-token-refresh.json). The code
 * exchange omits `expires` and `user_id`. `domain` is the OAuth server, not the portal.
 */
export const oauthTokenWire = z.looseObject({
  access_token: z.string().min(1),
  refresh_token: z.string().min(1),
  expires: z.coerce.number().optional(),
  expires_in: z.coerce.number(),
  client_endpoint: z.string().min(1),
  server_endpoint: z.string().optional(),
  member_id: z.string().min(1),
  scope: z.string().optional(),
  status: z.string().optional(),
  domain: z.string().optional(),
  user_id: z.coerce.number().optional(),
});

/** Splits a scope list sent with commas (token answers) or spaces (ONAPPINSTALL is described so). */
export function parseScope(scope: string | undefined): string[] {
  if (!scope) return [];
  return scope
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);
}
