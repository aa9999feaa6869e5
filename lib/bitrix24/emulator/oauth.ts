/**
 * The OAuth server, like oauth.bitrix.info (`settings/oauth/index.md`, `auto-renewal.md`, `error-codes.md`):
 * `/oauth/token/` exchanges a code (30 s, single use) or a refresh token (single use: rotating it revokes
 * the pair) for a new token pair, by GET query or POST form; `/rest/app.info` answers for any portal.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { ADMIN_USER_ID, type Engine } from "./engine";
import { BadRequest, readBody, requestParams, sendHtml, sendJson, sendText } from "./http";
import { invoke } from "./rest/call";
import { RestError, restErrors } from "./rest/errors";

export interface OAuthAnswer {
  status: number;
  body: Record<string, unknown>;
}

const oauthError = (status: number, error: string, description: string): OAuthAnswer => ({
  status,
  body: { error, error_description: description },
});

const ERRORS = {
  request: (what: string) => oauthError(400, "invalid_request", what),
  client: () => oauthError(401, "invalid_client", "Invalid client credentials or application not installed"),
  grant: (what: string) => oauthError(400, "invalid_grant", what),
  payment: () => oauthError(402, "PAYMENT_REQUIRED", "Payment required"),
  portalDeleted: () => oauthError(404, "PORTAL_DELETED", "Portal was deleted"),
};

/** The token grant itself, without HTTP. */
export function grantToken(engine: Engine, params: Record<string, unknown>): OAuthAnswer {
  const grantType = String(params.grant_type ?? "");
  if (grantType !== "authorization_code" && grantType !== "refresh_token") return ERRORS.request("Unsupported or missing grant_type");
  const clientId = String(params.client_id ?? "");
  if (!clientId || params.client_secret === undefined) return ERRORS.request("client_id and client_secret are required");
  const appIndex = engine.appIndex(clientId);
  if (appIndex < 0 || engine.apps[appIndex].clientSecret !== String(params.client_secret)) return ERRORS.client();

  if (grantType === "authorization_code") {
    const code = String(params.code ?? "");
    if (!code) return ERRORS.request("code is required");
    const entry = engine.redeemCode(code);
    if (!entry || entry.appIndex !== appIndex) return ERRORS.grant("Invalid or expired authorization code");
    const portal = entry.portal;
    if (portal.deleted) return ERRORS.portalDeleted();
    if (!portal.isInstalled(appIndex)) return ERRORS.client();
    if (portal.paymentRequired) return ERRORS.payment();
    return { status: 200, body: { ...engine.issuePair(portal, appIndex, entry.userId) } };
  }

  const token = String(params.refresh_token ?? "");
  if (!token) return ERRORS.request("refresh_token is required");
  const claims = engine.signer.verify(token);
  if (!claims || claims.kind !== "refresh" || claims.appIndex !== appIndex) return ERRORS.grant("Invalid refresh token");
  const portal = engine.portalByKey(claims.portalKey);
  if (!portal) return ERRORS.grant("Invalid refresh token");
  if (portal.deleted) return ERRORS.portalDeleted();
  const install = portal.installs.get(appIndex);
  if (!install?.installed) return ERRORS.client();
  if (claims.generation < install.generation) return ERRORS.grant("Refresh token belongs to an earlier installation");
  if (portal.usedNonces.has(claims.nonce)) return ERRORS.grant("Refresh token has already been used");
  if (Math.floor(engine.clock.now() / 1000) >= claims.expiresAt) return ERRORS.grant("Refresh token has expired");
  if (portal.paymentRequired) return ERRORS.payment();
  // Single use: the used refresh token and the access token issued with it stop working.
  portal.usedNonces.add(claims.nonce);
  return { status: 200, body: { ...engine.issuePair(portal, appIndex, claims.userId || ADMIN_USER_ID) } };
}

/** `/oauth/token/`. */
export async function handleTokenRequest(engine: Engine, req: IncomingMessage, res: ServerResponse): Promise<void> {
  let params: Record<string, unknown>;
  try {
    params = requestParams(req, await readBody(req));
  } catch (e) {
    if (!(e instanceof BadRequest)) throw e;
    params = {};
  }
  const grantType = String(params.grant_type ?? "");
  engine.counters.oauth(grantType === "authorization_code" || grantType === "refresh_token" ? grantType : "invalid");
  const fault = engine.oauthFaults.decide("oauth.token");
  if (fault.kind === "hang") return;
  if (fault.kind === "error500") return sendJson(res, 500, { error: "INTERNAL_SERVER_ERROR", error_description: "Internal server error" });
  if (fault.kind === "htmlError") return sendHtml(res, 502, "<html><body><h1>502 Bad Gateway</h1></body></html>");
  const answer = grantToken(engine, params);
  if (answer.status !== 200) engine.counters.oauthError(String(answer.body.error));
  if (fault.kind === "malformedJson") {
    // The grant went through (a refresh token is now spent) but the client cannot read the answer.
    const text = JSON.stringify(answer.body);
    return sendText(res, answer.status, text.slice(0, text.length >> 1), "application/json; charset=utf-8");
  }
  sendJson(res, answer.status, answer.body);
}

/** `{server_endpoint}app.info`: the authoritative app status for whichever portal the token belongs to. */
export async function handleOAuthRest(engine: Engine, method: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  try {
    const params = requestParams(req, await readBody(req));
    if (method !== "app.info") throw restErrors.methodNotFound();
    const token = params.auth;
    if (typeof token !== "string" || !token) throw restErrors.noAuth();
    const auth = engine.authenticate(token, null);
    if (!auth.ok) throw auth.reason === "expired" ? restErrors.expiredToken() : restErrors.invalidToken();
    const portal = engine.portalByKey(auth.claims.portalKey)!;
    const nowMs = engine.clock.now();
    const call = invoke({ engine, portal, app: auth.app, appIndex: auth.appIndex, userId: auth.claims.userId, nowMs }, "app.info", {});
    sendJson(res, 200, { result: call.output.result, time: call.time });
  } catch (e) {
    if (e instanceof RestError) return sendJson(res, e.status, e.body());
    if (e instanceof BadRequest) return sendJson(res, 400, { error: "INVALID_REQUEST", error_description: e.message });
    throw e;
  }
}
