/**
 * Bitrix24 OAuth 2.0 (API.md §1, SYNC.md §2.1): the authorize URL, the code exchange and the refresh, against
 * `{oauthUrl}/oauth/token/` (oauth.bitrix.info in the docs; follow the stored `server_endpoint`).
 *
 * Requests are a POST with a form body by default so the client secret and tokens stay out of URLs and access
 * logs (the JS SDK does the same, b24jssdk #149); `httpMethod: "GET"` sends the documented query string instead.
 * Nothing here retries: a refresh token is single-use, and a refresh whose answer was lost may already have
 * rotated it, so retrying belongs to the caller that holds the token lock.
 */
import { Bitrix24Error, classifyOAuthError, normaliseErrorCode } from "./errors";
import { excerpt, sendRequest, systemRuntime, type FetchLike } from "./http";
import { oauthTokenWire, parseScope } from "./schemas";

/** Tokens as the rest of the app stores them. Times are unix seconds. */
export interface OAuthTokens {
  accessToken: string;
  refreshToken: string;
  /** Unix seconds when the access token expires (`expires`, or now + `expires_in` when absent). */
  expiresAt: number;
  expiresIn: number;
  /** REST base of the portal, e.g. "https://portal.bitrix24.com/rest/". */
  clientEndpoint: string;
  /** OAuth server's REST base, e.g. "https://oauth.bitrix.info/rest/". */
  serverEndpoint?: string;
  /** Portal host taken from clientEndpoint (the answer's `domain` is the OAuth server, not the portal). */
  domain: string;
  memberId: string;
  scope: string[];
  /** App status: L local, F free, D demo, T trial, P paid. */
  status?: string;
  userId?: number;
}

export interface OAuthConfig {
  /** Base of the OAuth server, e.g. "https://oauth.bitrix.info". */
  oauthUrl: string;
  clientId: string;
  clientSecret: string;
  /** Default "POST" (form body). "GET" puts everything in the query string, as the docs show. */
  httpMethod?: "POST" | "GET";
  /** Allows http:// URLs (local emulator only). */
  allowInsecure?: boolean;
  fetch?: FetchLike;
  timeoutMs?: number;
  /** Epoch ms, for computing expiresAt when the answer has no `expires`. */
  now?: () => number;
}

/**
 * Parses a URL and refuses plain http unless allowed: tokens and the client secret must not travel in clear text.
 */
export function requireSecureUrl(url: string, allowInsecure = false, what = "URL"): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (cause) {
    throw new Bitrix24Error({ kind: "method_error", code: "INVALID_URL", description: `invalid ${what}`, cause });
  }
  if (parsed.protocol === "https:") return parsed;
  if (parsed.protocol === "http:" && allowInsecure) return parsed;
  throw new Bitrix24Error({
    kind: "method_error",
    code: "INSECURE_URL",
    description: `${what} must use https: ${parsed.protocol}//${parsed.host}`,
  });
}

/** Normalises "portal.bitrix24.com", "https://portal.bitrix24.com/…" to "https://portal.bitrix24.com". */
export function portalOrigin(portalUrl: string, allowInsecure = false): string {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(portalUrl) ? portalUrl : `https://${portalUrl}`;
  return requireSecureUrl(withScheme, allowInsecure, "portal URL").origin;
}

/**
 * The page a portal admin is sent to for consent: `https://PORTAL/oauth/authorize/?client_id=…&state=…`.
 * redirect_uri is not sent: Bitrix24 takes it from the app's settings.
 */
export function buildAuthorizeUrl(
  portalUrl: string,
  clientId: string,
  state: string,
  opts: { allowInsecure?: boolean } = {},
): string {
  const url = new URL("/oauth/authorize/", portalOrigin(portalUrl, opts.allowInsecure));
  url.searchParams.set("client_id", clientId);
  url.searchParams.set("state", state);
  return url.toString();
}

/** The OAuth server base from a stored `server_endpoint` ("https://oauth.bitrix.info/rest/" → its origin). */
export function oauthUrlFromServerEndpoint(serverEndpoint: string, allowInsecure = false): string {
  return requireSecureUrl(serverEndpoint, allowInsecure, "server endpoint").origin;
}

/** Exchanges an authorization code (valid for 30 s) for the first token pair. */
export function exchangeCode(config: OAuthConfig & { code: string }): Promise<OAuthTokens> {
  return tokenRequest(config, { grant_type: "authorization_code", code: config.code });
}

/**
 * Trades a refresh token for a new pair. The old refresh token must be considered spent whatever happens: call
 * this only under the portal's token lock and persist the answer before releasing it.
 */
export function refreshTokens(config: OAuthConfig & { refreshToken: string }): Promise<OAuthTokens> {
  return tokenRequest(config, { grant_type: "refresh_token", refresh_token: config.refreshToken });
}

async function tokenRequest(config: OAuthConfig, grant: Record<string, string>): Promise<OAuthTokens> {
  const base = requireSecureUrl(config.oauthUrl, config.allowInsecure, "OAuth URL");
  const url = new URL("/oauth/token/", base.origin);
  const form = new URLSearchParams({ ...grant, client_id: config.clientId, client_secret: config.clientSecret });
  const httpMethod = config.httpMethod ?? "POST";
  const opts = { fetch: config.fetch ?? fetch, timeoutMs: config.timeoutMs ?? 30_000, method: "oauth/token" };
  let raw;
  if (httpMethod === "GET") {
    url.search = form.toString();
    raw = await sendRequest(url.toString(), { method: "GET", headers: { accept: "application/json" } }, opts);
  } else {
    raw = await sendRequest(
      url.toString(),
      {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
        body: form.toString(),
      },
      opts,
    );
  }

  let body: unknown;
  try {
    body = JSON.parse(raw.text);
  } catch {
    body = undefined;
  }
  const obj = typeof body === "object" && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : undefined;
  if (obj && obj.error !== undefined && obj.error !== null) {
    const { code, message } = normaliseErrorCode(obj.error);
    const description = typeof obj.error_description === "string" ? obj.error_description : (message ?? "");
    throw new Bitrix24Error({
      kind: classifyOAuthError({ status: raw.status, code, description }),
      code,
      description,
      status: raw.status,
      method: "oauth/token",
    });
  }
  if (!obj || raw.status < 200 || raw.status >= 300) {
    const kind =
      raw.status >= 500 || raw.status === 404
        ? classifyOAuthError({ status: raw.status, code: "" })
        : !obj
          ? "malformed"
          : classifyOAuthError({ status: raw.status, code: "" });
    throw new Bitrix24Error({
      kind,
      code: `HTTP_${raw.status}`,
      description: obj ? "" : raw.text.trim() === "" ? "empty body" : `not JSON: ${excerpt(raw.text)}`,
      status: raw.status,
      method: "oauth/token",
    });
  }
  const parsed = oauthTokenWire.safeParse(obj);
  if (!parsed.success) {
    throw new Bitrix24Error({
      kind: "malformed",
      code: "BAD_TOKEN_RESPONSE",
      // Issue paths only: the values are tokens.
      description: `unexpected token answer (${parsed.error.issues.map((i) => i.path.join(".")).join(", ")})`,
      status: raw.status,
      method: "oauth/token",
    });
  }
  const t = parsed.data;
  const nowSec = Math.floor((config.now ?? systemRuntime.now)() / 1000);
  const clientEndpoint = requireSecureUrl(t.client_endpoint, config.allowInsecure, "client endpoint");
  return {
    accessToken: t.access_token,
    refreshToken: t.refresh_token,
    expiresAt: t.expires ?? nowSec + t.expires_in,
    expiresIn: t.expires_in,
    clientEndpoint: t.client_endpoint,
    serverEndpoint: t.server_endpoint,
    domain: clientEndpoint.host,
    memberId: t.member_id,
    scope: parseScope(t.scope),
    status: t.status,
    userId: t.user_id,
  };
}
