import { afterEach, describe, expect, it } from "vitest";
import { Bitrix24Error, type Bitrix24ErrorKind } from "./errors";
import { buildAuthorizeUrl, exchangeCode, oauthUrlFromServerEndpoint, portalOrigin, refreshTokens } from "./oauth";
import { startCannedServer, type CannedResponse, type CannedServer } from "./testing/canned-server";
import { fixture } from "./testing/fixtures";

let servers: CannedServer[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});

async function oauthServer(answer: CannedResponse) {
  const server = await startCannedServer(() => answer);
  servers.push(server);
  return server;
}

const NOW = Date.UTC(2026, 0, 15, 9, 0, 0);
const base = { clientId: "app.573ad8a0346747.09223434", clientSecret: "s3cr3t-value", allowInsecure: true, now: () => NOW };

async function failure(p: Promise<unknown>): Promise<Bitrix24Error> {
  try {
    await p;
  } catch (e) {
    if (e instanceof Bitrix24Error) return e;
    throw e;
  }
  throw new Error("expected a Bitrix24Error");
}

describe("exchangeCode / refreshTokens", () => {
  it("exchanges a code with a POSTed form and fills expiresAt from expires_in", async () => {
    const server = await oauthServer({ body: fixture("oauth-token-authorization-code.json") });
    const tokens = await exchangeCode({ ...base, oauthUrl: server.url, code: "avmocpghblyi01m3h42bljvqtyd19sw1" });
    const req = server.requests[0];
    expect(req.method).toBe("POST");
    expect(req.path).toBe("/oauth/token/");
    expect(req.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    expect(Object.fromEntries(new URLSearchParams(req.body))).toEqual({
      grant_type: "authorization_code",
      code: "avmocpghblyi01m3h42bljvqtyd19sw1",
      client_id: base.clientId,
      client_secret: base.clientSecret,
    });
    expect(tokens).toEqual({
      accessToken: "s1morf609228iwyjjpvfv6wsvuja4p8u",
      refreshToken: "4f9k4jpmg13usmybzuqknt2v9fh0q6rl",
      expiresAt: NOW / 1000 + 3600,
      expiresIn: 3600,
      clientEndpoint: "https://portal.bitrix24.com/rest/",
      serverEndpoint: "https://oauth.bitrix.info/rest/",
      domain: "portal.bitrix24.com",
      memberId: "a223c6b3710f85df22e9377d6c4f7553",
      scope: ["crm", "entity", "im", "task"],
      status: "F",
      userId: undefined,
    });
  });

  it("refreshes and keeps the server's expires", async () => {
    const server = await oauthServer({ body: fixture("oauth-token-refresh.json") });
    const tokens = await refreshTokens({ ...base, oauthUrl: `${server.url}/`, refreshToken: "4f9k4jpmg13usmybzuqknt2v9fh0q6rl" });
    expect(new URLSearchParams(server.requests[0].body).get("grant_type")).toBe("refresh_token");
    expect(new URLSearchParams(server.requests[0].body).get("refresh_token")).toBe("4f9k4jpmg13usmybzuqknt2v9fh0q6rl");
    expect(tokens.expiresAt).toBe(1780319382);
    expect(tokens.userId).toBe(67);
    expect(tokens.refreshToken).toBe("3s6lr4kr3cv2od4v853gvrchb875bwxb");
  });

  it("can send the documented GET instead", async () => {
    const server = await oauthServer({ body: fixture("oauth-token-refresh.json") });
    await refreshTokens({ ...base, oauthUrl: server.url, refreshToken: "r1", httpMethod: "GET" });
    const req = server.requests[0];
    expect(req.method).toBe("GET");
    expect(req.body).toBe("");
    const q = new URL(req.path, server.url).searchParams;
    expect(q.get("grant_type")).toBe("refresh_token");
    expect(q.get("client_secret")).toBe(base.clientSecret);
  });

  const errors: Array<[string, CannedResponse, Bitrix24ErrorKind]> = [
    ["PAYMENT_REQUIRED", { status: 400, body: fixture("oauth-error-payment-required.json") }, "payment_required"],
    ["invalid_grant", { status: 400, body: { error: "invalid_grant", error_description: "Invalid grant" } }, "needs_reauth"],
    ["invalid_client", { status: 401, body: { error: "invalid_client", error_description: "Invalid client" } }, "app_not_installed"],
    ["wrong_client", { status: 400, body: { error: "wrong_client" } }, "needs_reauth"],
    ["invalid_scope", { status: 400, body: { error: "invalid_scope" } }, "insufficient_scope"],
    ["404 page", { status: 404, body: "<html>Not found</html>" }, "portal_deleted"],
    ["502 page", { status: 502, body: "<html>Bad gateway</html>" }, "transient"],
    ["200 HTML", { status: 200, body: "<html>Login</html>" }, "malformed"],
    ["200 truncated", { status: 200, body: '{"access_token":"abc' }, "malformed"],
  ];
  it.each(errors)("%s → %s", async (_name, answer, kind) => {
    const server = await oauthServer(answer);
    const e = await failure(refreshTokens({ ...base, oauthUrl: server.url, refreshToken: "old-refresh" }));
    expect(e.kind).toBe(kind);
    expect(e.method).toBe("oauth/token");
  });

  it("an incomplete token answer is malformed and its message carries no token", async () => {
    const server = await oauthServer({ body: { access_token: "leaky-access-token", expires_in: 3600 } });
    const e = await failure(refreshTokens({ ...base, oauthUrl: server.url, refreshToken: "old-refresh" }));
    expect(e.kind).toBe("malformed");
    expect(e.message).toContain("refresh_token");
    expect(e.message).not.toContain("leaky-access-token");
    expect(e.message).not.toContain(base.clientSecret);
  });

  it("does not retry: a refresh token is single-use", async () => {
    const server = await oauthServer({ status: 503, body: "<html>busy</html>" });
    await failure(refreshTokens({ ...base, oauthUrl: server.url, refreshToken: "r" }));
    expect(server.requests).toHaveLength(1);
  });

  it("times out", async () => {
    const server = await oauthServer({ hang: true });
    const e = await failure(refreshTokens({ ...base, oauthUrl: server.url, refreshToken: "r", timeoutMs: 100 }));
    expect(e).toMatchObject({ kind: "transient", code: "TIMEOUT" });
  });

  it("refuses plain http unless allowed", async () => {
    const e = await failure(refreshTokens({ ...base, allowInsecure: false, oauthUrl: "http://oauth.example", refreshToken: "r" }));
    expect(e.code).toBe("INSECURE_URL");
  });
});

describe("URLs", () => {
  it("builds the authorize URL", () => {
    expect(buildAuthorizeUrl("portal.bitrix24.com", "app.1", "st&ate")).toBe(
      "https://portal.bitrix24.com/oauth/authorize/?client_id=app.1&state=st%26ate",
    );
    expect(buildAuthorizeUrl("https://portal.bitrix24.com/crm/deal/", "app.1", "s")).toBe(
      "https://portal.bitrix24.com/oauth/authorize/?client_id=app.1&state=s",
    );
  });

  it("rejects http portals unless allowed", () => {
    expect(() => buildAuthorizeUrl("http://portal.example", "a", "s")).toThrow(Bitrix24Error);
    expect(buildAuthorizeUrl("http://127.0.0.1:4000", "a", "s", { allowInsecure: true })).toBe(
      "http://127.0.0.1:4000/oauth/authorize/?client_id=a&state=s",
    );
    expect(() => portalOrigin("ftp://portal.example")).toThrow(Bitrix24Error);
  });

  it("derives the OAuth server from server_endpoint", () => {
    expect(oauthUrlFromServerEndpoint("https://oauth.bitrix.info/rest/")).toBe("https://oauth.bitrix.info");
  });
});
