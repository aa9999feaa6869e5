/**
 * The Bitrix24 REST client for one portal. It takes its tokens and its limiter as parameters and knows nothing
 * of storage: the TokenSource (with its cross-process lock) decides whether a refresh really happens, and the
 * RateLimiter may be shared by every worker of the portal.
 *
 * Every call: wait for the method and a bucket slot → POST JSON with `auth` in the body → classify the answer.
 * - 401 expired_token / invalid_token → `tokens.refresh(stale)` once per call, then the same request again;
 * - 503 QUERY_LIMIT_EXCEEDED → `limiter.backoff`, then again (bounded);
 * - 429 OPERATION_TIME_LIMIT → `limiter.pauseMethod(method, operating_reset_at)`, then again once it passes;
 * - 302 → the same method and body at the new Location, and `onEndpointChange` so the new domain is stored;
 * - other 5xx, timeouts, network errors → bounded retries with exponential backoff and jitter;
 * - anything else → a Bitrix24Error of the right kind.
 */
import type { z } from "zod";
import { Bitrix24Error, isBitrix24Error } from "./errors";
import {
  backoffDelay,
  errorFromEnvelope,
  isRedirect,
  parseRestResponse,
  sendRequest,
  systemRuntime,
  type BackoffOptions,
  type FetchLike,
  type RawResponse,
  type Runtime,
} from "./http";
import type { OperatingTime, RateLimiter } from "./limiter";
import {
  changedSince,
  exportList,
  listIds,
  type ChangedSinceOptions,
  type ExportListOptions,
  type ExportPage,
  type IdPage,
  type ListIdsOptions,
} from "./list-export";
import { requireSecureUrl } from "./oauth";
import { toBatchCommand } from "./php-query";
import { batchResult, type ResponseTime } from "./schemas";

/** The credentials of one portal installation, as the token store hands them out. Times are unix seconds. */
export interface PortalTokens {
  accessToken: string;
  refreshToken: string;
  /** REST base, e.g. "https://portal.bitrix24.com/rest/". */
  clientEndpoint: string;
  /** Unix seconds when accessToken expires. */
  expiresAt: number;
  memberId: string;
  /** Portal host, e.g. "portal.bitrix24.com". */
  domain: string;
  serverEndpoint?: string;
  scope?: string[];
}

/**
 * Where the client gets tokens. `refresh(stale)` is called only after a 401 expired_token/invalid_token, at most
 * once per call, with the tokens that failed; an implementation holding a cross-process lock should re-read the
 * stored pair and refresh only if it still equals `stale` (another worker may have refreshed already).
 */
export interface TokenSource {
  get(): Promise<PortalTokens>;
  refresh(stale: PortalTokens): Promise<PortalTokens>;
}

/** Reported when the portal answered 302: its REST base moved (domain change). */
export interface EndpointChange {
  previous: string;
  clientEndpoint: string;
  domain: string;
}

export interface ClientOptions {
  tokens: TokenSource;
  limiter: RateLimiter;
  fetch?: FetchLike;
  /** Injectable time and randomness (tests). */
  clock?: Partial<Runtime>;
  /** Awaited before the request is repeated at the new address; persist the new domain here. */
  onEndpointChange?: (change: EndpointChange) => void | Promise<void>;
  /** Per HTTP request, body included. Default 65 s (Bitrix24 cuts requests at 60 s). */
  timeoutMs?: number;
  /** Retries after transient failures (5xx, timeouts, network) per call. Default 4. */
  retries?: number;
  /** Waits after 503 QUERY_LIMIT_EXCEEDED per call before giving up. Default 20. */
  maxRateLimitWaits?: number;
  /**
   * Longest operating-limit pause a call waits out; a longer one throws `operating_limit` with
   * `operatingResetAt` so a job can reschedule. Default 11 minutes (always wait: the window is 10 minutes).
   */
  maxOperatingWaitMs?: number;
  /** Backoff for transient retries (default 500 ms doubling, capped at 30 s, jittered). */
  backoff?: BackoffOptions;
  /** Allows http:// endpoints (local emulator only). */
  allowInsecure?: boolean;
}

export interface CallResult<T> {
  result: T;
  /** Offset of the next page; present only when there is one. */
  next?: number;
  total?: number;
  time?: ResponseTime;
}

export interface BatchCommand {
  method: string;
  params?: Record<string, unknown>;
}

export type BatchCommandResult =
  | { status: "ok"; result: unknown; total?: number; next?: number; time?: ResponseTime }
  | { status: "error"; error: Bitrix24Error }
  /** Not run: an earlier command failed with halt on. */
  | { status: "skipped" };

export interface BatchResponse {
  results: Record<string, BatchCommandResult>;
  time?: ResponseTime;
}

/** Bitrix24 rejects batches over 50 commands with ERROR_BATCH_LENGTH_EXCEEDED. */
export const MAX_BATCH_COMMANDS = 50;

export interface Bitrix24Client {
  /** Calls one method; `schema` parses `result` (a mismatch is a `malformed` error). */
  call<T = unknown>(method: string, params?: Record<string, unknown>, schema?: z.ZodType<T>): Promise<CallResult<T>>;
  /**
   * Runs up to 50 commands in one request. Keys must be letters, digits or `_` (they appear in `$result[key]`).
   * Each command reports ok / error / skipped; the request as a whole only throws for transport-level failures.
   */
  batch(commands: Record<string, BatchCommand>, opts?: { halt?: boolean }): Promise<BatchResponse>;
  /** Full export by ID cursor, 50 chained pages per request. See list-export.ts. */
  exportList<T = Record<string, unknown>>(opts: ExportListOptions<T>): AsyncGenerator<ExportPage<T>>;
  /** Rows modified since an instant (minus an overlap), same cursor. */
  changedSince<T = Record<string, unknown>>(opts: ChangedSinceOptions<T>): AsyncGenerator<ExportPage<T>>;
  /** The full ID set, selecting only the ID (deletion detection). */
  listIds(opts: ListIdsOptions): AsyncGenerator<IdPage>;
}

const COMMAND_KEY = /^[A-Za-z0-9_]+$/;

function toOperatingTime(time: ResponseTime): OperatingTime {
  return { operating: time.operating, operating_reset_at: time.operatingResetAt };
}

function withTrailingSlash(url: string): string {
  return url.endsWith("/") ? url : `${url}/`;
}

/** The REST base implied by a redirect target: the Location minus the method, or its origin + "/rest/". */
function endpointFromLocation(location: URL, method: string): string {
  const path = location.pathname;
  for (const suffix of [`${method}.json`, method]) {
    if (path.endsWith(`/${suffix}`)) return `${location.origin}${path.slice(0, path.length - suffix.length)}`;
  }
  const i = path.indexOf("/rest/");
  return `${location.origin}${i >= 0 ? path.slice(0, i + "/rest/".length) : "/rest/"}`;
}

/** Creates a client for one portal. */
export function createBitrix24Client(options: ClientOptions): Bitrix24Client {
  const runtime: Runtime = { ...systemRuntime, ...options.clock };
  const fetchImpl = options.fetch ?? fetch;
  const limiter = options.limiter;
  const timeoutMs = options.timeoutMs ?? 65_000;
  const retries = options.retries ?? 4;
  const maxRateLimitWaits = options.maxRateLimitWaits ?? 20;
  const maxOperatingWaitMs = options.maxOperatingWaitMs ?? 11 * 60_000;
  const allowInsecure = options.allowInsecure ?? false;
  // Old endpoint → new one, until the token source hands out the persisted new domain.
  const moved = new Map<string, string>();

  const resolveEndpoint = (endpoint: string): string => {
    let current = withTrailingSlash(endpoint);
    for (let hops = 0; hops < 5 && moved.has(current); hops++) current = moved.get(current)!;
    return current;
  };

  async function execute(
    method: string,
    params: Record<string, unknown>,
    readyMethods: string[],
  ): Promise<{ env: ReturnType<typeof parseRestResponse>; status: number }> {
    let tokens = await options.tokens.get();
    let refreshed = false;
    let transientFailures = 0;
    let rateLimitWaits = 0;
    let operatingWaits = 0;
    let redirects = 0;
    let target: string | undefined;

    for (;;) {
      for (const m of readyMethods) await limiter.methodReady(m);
      await limiter.acquire();

      const url = target ?? `${resolveEndpoint(tokens.clientEndpoint)}${method}`;
      requireSecureUrl(url, allowInsecure, "client endpoint");
      const body = JSON.stringify({ ...params, auth: tokens.accessToken });

      let raw: RawResponse;
      try {
        raw = await sendRequest(
          url,
          { method: "POST", headers: { "content-type": "application/json", accept: "application/json" }, body },
          { fetch: fetchImpl, timeoutMs, method },
        );
      } catch (err) {
        if (isBitrix24Error(err, "transient") && transientFailures < retries) {
          transientFailures++;
          await runtime.sleep(backoffDelay(transientFailures, runtime.random, options.backoff));
          continue;
        }
        throw err;
      }

      if (isRedirect(raw.status)) {
        const location = raw.headers.get("location");
        if (!location) {
          throw new Bitrix24Error({ kind: "malformed", code: "REDIRECT_WITHOUT_LOCATION", status: raw.status, method });
        }
        if (++redirects > 3) {
          throw new Bitrix24Error({ kind: "method_error", code: "TOO_MANY_REDIRECTS", status: raw.status, method });
        }
        const next = requireSecureUrl(new URL(location, url).href, allowInsecure, "redirect target");
        const previous = resolveEndpoint(tokens.clientEndpoint);
        const endpoint = endpointFromLocation(next, method);
        if (endpoint !== previous) {
          moved.set(previous, endpoint);
          await options.onEndpointChange?.({ previous, clientEndpoint: endpoint, domain: new URL(endpoint).host });
        }
        // The same method and body, at the exact address the portal gave.
        target = next.href;
        continue;
      }

      try {
        const env = parseRestResponse(raw, method);
        if (env.time) limiter.record(method, toOperatingTime(env.time), raw.status);
        return { env, status: raw.status };
      } catch (err) {
        if (!(err instanceof Bitrix24Error)) throw err;
        switch (err.kind) {
          case "expired_token":
            if (refreshed) throw err;
            refreshed = true;
            tokens = await options.tokens.refresh(tokens);
            continue;
          case "rate_limited":
            if (rateLimitWaits >= maxRateLimitWaits) throw err;
            rateLimitWaits++;
            limiter.backoff(backoffDelay(rateLimitWaits, runtime.random, { baseMs: 1000, factor: 1.5, maxMs: 30_000 }));
            continue;
          case "operating_limit": {
            const nowSec = runtime.now() / 1000;
            // Without a reset time, a minute frees the oldest of the ten one-minute buckets.
            const until =
              err.operatingResetAt !== undefined && err.operatingResetAt > nowSec
                ? err.operatingResetAt
                : Math.ceil(nowSec + 60);
            if ((until - nowSec) * 1000 > maxOperatingWaitMs || operatingWaits >= 3) {
              throw new Bitrix24Error({
                kind: "operating_limit",
                code: err.code,
                description: err.description,
                status: err.status,
                method,
                operatingResetAt: until,
                cause: err,
              });
            }
            operatingWaits++;
            limiter.pauseMethod(method, until);
            continue;
          }
          case "transient":
            if (transientFailures >= retries) throw err;
            transientFailures++;
            await runtime.sleep(backoffDelay(transientFailures, runtime.random, options.backoff));
            continue;
          default:
            throw err;
        }
      }
    }
  }

  const client: Bitrix24Client = {
    async call<T>(method: string, params: Record<string, unknown> = {}, schema?: z.ZodType<T>) {
      const { env } = await execute(method, params, [method]);
      let result = env.result as T;
      if (schema) {
        const parsed = schema.safeParse(env.result);
        if (!parsed.success) {
          throw new Bitrix24Error({
            kind: "malformed",
            code: "UNEXPECTED_RESULT",
            description: parsed.error.issues
              .slice(0, 5)
              .map((i) => `${i.path.join(".") || "result"}: ${i.message}`)
              .join("; "),
            method,
            cause: parsed.error,
          });
        }
        result = parsed.data;
      }
      return { result, next: env.next, total: env.total, time: env.time };
    },

    async batch(commands, opts = {}) {
      const keys = Object.keys(commands);
      if (keys.length > MAX_BATCH_COMMANDS) {
        throw new Bitrix24Error({
          kind: "method_error",
          code: "ERROR_BATCH_LENGTH_EXCEEDED",
          description: `${keys.length} commands; at most ${MAX_BATCH_COMMANDS} per batch`,
          method: "batch",
        });
      }
      if (keys.length === 0) return { results: {} };
      const cmd: Record<string, string> = {};
      for (const key of keys) {
        if (!COMMAND_KEY.test(key)) {
          throw new Bitrix24Error({
            kind: "method_error",
            code: "INVALID_COMMAND_KEY",
            description: `batch key "${key}" must be letters, digits or _`,
            method: "batch",
          });
        }
        cmd[key] = toBatchCommand(commands[key].method, commands[key].params ?? {});
      }
      const subMethods = [...new Set(keys.map((k) => commands[k].method))];
      const { env, status } = await execute("batch", { halt: opts.halt ? 1 : 0, cmd }, subMethods);

      const parsed = batchResult.safeParse(env.result);
      if (!parsed.success) {
        throw new Bitrix24Error({
          kind: "malformed",
          code: "BAD_BATCH_RESULT",
          description: parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "),
          method: "batch",
          cause: parsed.error,
        });
      }
      const wire = parsed.data;
      const results: Record<string, BatchCommandResult> = {};
      const nowSec = runtime.now() / 1000;
      // The latest reset time each method reported in this batch, for errors that come without one.
      const resetAt = new Map<string, number>();
      for (const key of keys) {
        const t = wire.result_time[key]?.operatingResetAt;
        const m = commands[key].method;
        if (t !== undefined) resetAt.set(m, Math.max(resetAt.get(m) ?? 0, t));
      }
      for (const key of keys) {
        const method = commands[key].method;
        const time = wire.result_time[key];
        if (time) limiter.record(method, toOperatingTime(time), status);
        const errorBody = wire.result_error[key];
        if (errorBody) {
          const error = errorFromEnvelope(errorBody, undefined, method, key);
          if (error.kind === "operating_limit") {
            const known = error.operatingResetAt ?? resetAt.get(method);
            limiter.pauseMethod(method, known !== undefined && known > nowSec ? known : Math.ceil(nowSec + 60));
          }
          results[key] = { status: "error", error };
        } else if (key in wire.result) {
          results[key] = {
            status: "ok",
            result: wire.result[key],
            total: wire.result_total[key],
            next: wire.result_next[key],
            time,
          };
        } else {
          results[key] = { status: "skipped" };
        }
      }
      return { results, time: env.time };
    },

    exportList(opts) {
      return exportList(client, runtime, opts);
    },
    changedSince(opts) {
      return changedSince(client, runtime, opts);
    },
    listIds(opts) {
      return listIds(client, runtime, opts);
    },
  };
  return client;
}
