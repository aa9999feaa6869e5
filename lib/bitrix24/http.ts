/**
 * Transport: one HTTP exchange with a timeout and no automatic redirects, turning Bitrix24's answers into either a
 * parsed envelope or a Bitrix24Error. Retry policy lives in the client; this file only supplies the backoff maths.
 */
import { Bitrix24Error, classifyRestError, normaliseErrorCode } from "./errors";
import { errorEnvelope, restEnvelope, type RestEnvelope, type ResponseTime } from "./schemas";

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

/** Time and randomness, injectable so tests run without real waits. */
export interface Runtime {
  /** Epoch milliseconds. */
  now(): number;
  sleep(ms: number): Promise<void>;
  /** Uniform in [0, 1). */
  random(): number;
}

export const systemRuntime: Runtime = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms))),
  random: () => Math.random(),
};

export interface RawResponse {
  status: number;
  headers: Headers;
  text: string;
}

export interface SendOptions {
  fetch: FetchLike;
  timeoutMs: number;
  /** For error messages only. */
  method?: string;
}

/**
 * Sends one request. Redirects are not followed (`redirect: "manual"`): fetch would turn a POST into a GET and
 * drop the body on 302, and a Bitrix24 302 means the portal moved, which the caller must see.
 * Network failures and timeouts become `transient` errors; the body is read under the same deadline.
 */
export async function sendRequest(
  url: string,
  init: { method: "GET" | "POST"; headers?: Record<string, string>; body?: string },
  opts: SendOptions,
): Promise<RawResponse> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), opts.timeoutMs);
  try {
    const res = await opts.fetch(url, {
      method: init.method,
      headers: init.headers,
      body: init.body,
      redirect: "manual",
      signal: controller.signal,
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, text };
  } catch (err) {
    if (err instanceof Bitrix24Error) throw err;
    const timedOut = controller.signal.aborted;
    throw new Bitrix24Error({
      kind: "transient",
      code: timedOut ? "TIMEOUT" : "NETWORK",
      description: timedOut ? `no complete answer within ${opts.timeoutMs} ms` : describeCause(err),
      method: opts.method,
      cause: err,
    });
  } finally {
    clearTimeout(timer);
  }
}

function describeCause(err: unknown): string {
  if (err instanceof Error) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    return [err.message, cause?.code ?? cause?.message].filter(Boolean).join(": ");
  }
  return String(err);
}

/** True for statuses that carry a Location to follow (the portal's domain changed). */
export function isRedirect(status: number): boolean {
  return status === 301 || status === 302 || status === 303 || status === 307 || status === 308;
}

/** A short, safe excerpt of a body that is not what we expected (HTML error pages). */
export function excerpt(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > 120 ? `${flat.slice(0, 120)}…` : flat;
}

/**
 * Turns an HTTP answer into a REST envelope or throws the classified Bitrix24Error. A body that is not a JSON
 * object with `result` is `malformed` (nothing is returned from it), except behind a 5xx status, where an HTML
 * page from a proxy is an ordinary server hiccup (`transient`).
 */
export function parseRestResponse(raw: RawResponse, method: string): RestEnvelope {
  let body: unknown;
  try {
    body = JSON.parse(raw.text);
  } catch (cause) {
    throw new Bitrix24Error({
      kind: raw.status >= 500 ? "transient" : "malformed",
      code: raw.text.trim() === "" ? "EMPTY_BODY" : "INVALID_JSON",
      description: raw.text.trim() === "" ? "empty body" : `not JSON: ${excerpt(raw.text)}`,
      status: raw.status,
      method,
      cause,
    });
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new Bitrix24Error({
      kind: raw.status >= 500 ? "transient" : "malformed",
      code: "UNEXPECTED_BODY",
      description: `expected a JSON object, got ${excerpt(raw.text)}`,
      status: raw.status,
      method,
    });
  }
  const obj = body as Record<string, unknown>;
  if (obj.error !== undefined && obj.error !== null && !("result" in obj && raw.status < 300)) {
    throw errorFromEnvelope(obj, raw.status, method);
  }
  if (raw.status < 200 || raw.status >= 300) {
    throw new Bitrix24Error({
      kind: classifyRestError({ status: raw.status, code: "" }),
      code: `HTTP_${raw.status}`,
      description: excerpt(raw.text),
      status: raw.status,
      method,
    });
  }
  if (!("result" in obj)) {
    throw new Bitrix24Error({
      kind: "malformed",
      code: "NO_RESULT",
      description: `no result in ${excerpt(raw.text)}`,
      status: raw.status,
      method,
    });
  }
  const parsed = restEnvelope.safeParse(obj);
  if (!parsed.success) {
    throw new Bitrix24Error({
      kind: "malformed",
      code: "BAD_ENVELOPE",
      description: parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "),
      status: raw.status,
      method,
      cause: parsed.error,
    });
  }
  return parsed.data;
}

/** Builds the Bitrix24Error for an `{error, error_description}` body (top level or a batch sub-command). */
export function errorFromEnvelope(
  obj: Record<string, unknown>,
  status: number | undefined,
  method: string,
  command?: string,
): Bitrix24Error {
  const env = errorEnvelope.safeParse(obj);
  const { code, message } = normaliseErrorCode(obj.error);
  const description = typeof obj.error_description === "string" ? obj.error_description : (message ?? "");
  const time: ResponseTime | undefined = env.success ? env.data.time : undefined;
  return new Bitrix24Error({
    kind: classifyRestError({ status, code, description }),
    code,
    description,
    status,
    method,
    command,
    operatingResetAt: time?.operatingResetAt,
  });
}

export interface BackoffOptions {
  /** First delay in ms (default 500). */
  baseMs?: number;
  /** Cap in ms (default 30 000). */
  maxMs?: number;
  /** Growth factor per attempt (default 2). */
  factor?: number;
}

/**
 * Delay before retry number `attempt` (1-based): base·factor^(attempt−1), capped, with jitter in [50 %, 100 %] so
 * that workers that failed together do not retry together.
 */
export function backoffDelay(attempt: number, random: () => number, opts: BackoffOptions = {}): number {
  const base = opts.baseMs ?? 500;
  const max = opts.maxMs ?? 30_000;
  const factor = opts.factor ?? 2;
  const raw = Math.min(max, base * factor ** Math.max(0, attempt - 1));
  return Math.round(raw * (0.5 + 0.5 * random()));
}
