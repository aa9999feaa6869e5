import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { createManualClock, type AdjustableClock } from "./clock";
import type { Emulator } from "./handle";
import { startEmulator } from "./server";
import { callRest, shapeDiff } from "./testing";

const FIXTURES = "/work/shared/bitrix24/fixtures";
const fixture = (name: string) => JSON.parse(readFileSync(`${FIXTURES}/${name}`, "utf8")) as Record<string, unknown>;

const APP = {
  clientId: "app.test.1",
  clientSecret: "s3cret",
  redirectUri: "http://127.0.0.1:9/callback",
  scope: ["crm", "user_brief"],
};

let emu: Emulator;
let clock: AdjustableClock;

async function token(params: Record<string, string>, method: "GET" | "POST" = "GET") {
  const query = new URLSearchParams({ client_id: APP.clientId, client_secret: APP.clientSecret, ...params });
  const res =
    method === "GET"
      ? await fetch(`${emu.tokenUrl}?${query}`)
      : await fetch(emu.tokenUrl, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: query.toString() });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** Goes through the portal's approve page and returns the redirect's query. */
async function authorize(portal: string, state = "xyz"): Promise<URLSearchParams> {
  const p = emu.portal(portal);
  const res = await fetch(`${p.url}oauth/authorize/?client_id=${APP.clientId}&state=${state}`, { redirect: "manual" });
  expect(res.status).toBe(302);
  return new URL(res.headers.get("location")!).searchParams;
}

beforeEach(async () => {
  clock = createManualClock(Date.UTC(2026, 2, 1, 10, 0, 0));
  emu = await startEmulator({
    clock,
    tokenSecret: "test-secret",
    apps: [APP],
    portals: [
      { name: "auto", autoApprove: true },
      { name: "manual", installed: false },
      { name: "paid", autoApprove: true, paymentRequired: true },
    ],
  });
});

afterEach(async () => {
  await emu.close();
});

describe("authorization code flow", () => {
  it("redirects with code, state, domain, member_id, scope and server_domain, and exchanges the code by GET", async () => {
    const q = await authorize("auto");
    const p = emu.portal("auto");
    expect(Object.fromEntries(q)).toMatchObject({
      state: "xyz",
      domain: p.domain,
      member_id: p.memberId,
      scope: "crm,user_brief",
      server_domain: new URL(emu.oauthUrl).host,
    });
    expect(q.get("code")).toMatch(/^[a-z0-9]{32}$/);

    const { status, body } = await token({ grant_type: "authorization_code", code: q.get("code")! });
    expect(status).toBe(200);
    expect(shapeDiff(fixture("oauth-token-authorization-code.json"), body)).toEqual([]);
    expect(shapeDiff(fixture("oauth-token-refresh.json"), body)).toEqual([]);
    expect(body).toMatchObject({
      client_endpoint: p.clientEndpoint,
      server_endpoint: `${emu.oauthUrl}/rest/`,
      domain: new URL(emu.oauthUrl).host,
      member_id: p.memberId,
      expires_in: 3600,
      expires: Math.floor(clock.now() / 1000) + 3600,
      user_id: 1,
      scope: "crm,user_brief",
    });
    const me = await callRest(p.clientEndpoint, "user.current", {}, body.access_token as string);
    expect(me.status).toBe(200);
  });

  it("accepts the exchange as a POST form too", async () => {
    const q = await authorize("auto");
    const { status } = await token({ grant_type: "authorization_code", code: q.get("code")! }, "POST");
    expect(status).toBe(200);
  });

  it("makes codes single-use", async () => {
    const q = await authorize("auto");
    expect((await token({ grant_type: "authorization_code", code: q.get("code")! })).status).toBe(200);
    const again = await token({ grant_type: "authorization_code", code: q.get("code")! });
    expect(again).toMatchObject({ status: 400, body: { error: "invalid_grant" } });
  });

  it("expires codes after 30 seconds", async () => {
    const fresh = await authorize("auto");
    clock.advance(29_000);
    expect((await token({ grant_type: "authorization_code", code: fresh.get("code")! })).status).toBe(200);
    const stale = await authorize("auto");
    clock.advance(30_000);
    expect(await token({ grant_type: "authorization_code", code: stale.get("code")! })).toMatchObject({ status: 400, body: { error: "invalid_grant" } });
  });

  it("shows an approve page that installs the app (when needed) on Allow and shows an error on Deny", async () => {
    const p = emu.portal("manual");
    const page = await fetch(`${p.url}oauth/authorize/?client_id=${APP.clientId}&state=s1`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('value="allow"');
    expect(html).toContain("Разрешить"); // the portal's language is Russian by default
    expect(p.info().installed[APP.clientId]).toBe(false);

    const form = (decision: string) =>
      fetch(`${p.url}oauth/authorize/`, {
        method: "POST",
        redirect: "manual",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ client_id: APP.clientId, state: "s1", decision }).toString(),
      });
    const denied = await form("deny");
    expect(denied.status).toBe(403);
    expect(denied.headers.get("location")).toBeNull();

    const allowed = await form("allow");
    expect(allowed.status).toBe(302);
    const location = new URL(allowed.headers.get("location")!);
    expect(location.origin + location.pathname).toBe(APP.redirectUri);
    expect(location.searchParams.get("state")).toBe("s1");
    expect(p.info().installed[APP.clientId]).toBe(true);
  });

  it("shows an error page without redirect for an unknown client or a foreign redirect_uri", async () => {
    const p = emu.portal("auto");
    const unknown = await fetch(`${p.url}oauth/authorize/?client_id=nope&state=1`, { redirect: "manual" });
    expect(unknown.status).toBe(400);
    const foreign = await fetch(`${p.url}oauth/authorize/?client_id=${APP.clientId}&redirect_uri=${encodeURIComponent("http://evil.example/")}`, {
      redirect: "manual",
    });
    expect(foreign.status).toBe(400);
    expect(foreign.headers.get("location")).toBeNull();
  });
});

describe("refresh tokens", () => {
  it("rotates: a used refresh token gets invalid_grant and its access token stops working", async () => {
    const first = emu.portal("auto").issueTokens();
    const refreshed = await token({ grant_type: "refresh_token", refresh_token: first.refresh_token });
    expect(refreshed.status).toBe(200);
    expect(shapeDiff(fixture("oauth-token-refresh.json"), refreshed.body)).toEqual([]);
    expect(refreshed.body.refresh_token).not.toBe(first.refresh_token);

    const reuse = await token({ grant_type: "refresh_token", refresh_token: first.refresh_token });
    expect(reuse).toMatchObject({ status: 400, body: { error: "invalid_grant" } });

    const endpoint = emu.portal("auto").clientEndpoint;
    expect((await callRest(endpoint, "app.info", {}, first.access_token)).body).toMatchObject({ error: "invalid_token" });
    expect((await callRest(endpoint, "app.info", {}, refreshed.body.access_token as string)).status).toBe(200);
  });

  it("expires access tokens after the configured lifetime and refresh still works", async () => {
    const t = emu.portal("auto").issueTokens();
    clock.advance(3600_000);
    const answer = await callRest(emu.portal("auto").clientEndpoint, "app.info", {}, t.access_token);
    expect(answer).toMatchObject({ status: 401, body: { error: "expired_token" } });
    expect((await token({ grant_type: "refresh_token", refresh_token: t.refresh_token })).status).toBe(200);
  });

  it("rejects a refresh token after 180 days", async () => {
    const t = emu.portal("auto").issueTokens();
    clock.advance(180 * 24 * 3600_000);
    expect(await token({ grant_type: "refresh_token", refresh_token: t.refresh_token })).toMatchObject({ status: 400, body: { error: "invalid_grant" } });
  });

  it("keeps stored tokens valid across a restart with the same secret", async () => {
    const t = emu.portal("auto").issueTokens();
    await emu.close();
    emu = await startEmulator({ clock, tokenSecret: "test-secret", apps: [APP], portals: [{ name: "auto" }] });
    const refreshed = await token({ grant_type: "refresh_token", refresh_token: t.refresh_token });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.member_id).toBe(t.member_id);
  });
});

describe("errors", () => {
  it("answers invalid_client for a wrong secret and invalid_request for a missing grant type or code", async () => {
    expect(await token({ grant_type: "authorization_code", code: "x", client_secret: "wrong" })).toMatchObject({
      status: 401,
      body: { error: "invalid_client" },
    });
    expect(await token({})).toMatchObject({ status: 400, body: { error: "invalid_request" } });
    expect(await token({ grant_type: "authorization_code" })).toMatchObject({ status: 400, body: { error: "invalid_request" } });
    expect(await token({ grant_type: "refresh_token", refresh_token: "garbage" })).toMatchObject({ status: 400, body: { error: "invalid_grant" } });
  });

  it("answers invalid_client once the app is uninstalled", async () => {
    const t = emu.portal("auto").issueTokens();
    emu.portal("auto").uninstall();
    expect(await token({ grant_type: "refresh_token", refresh_token: t.refresh_token })).toMatchObject({ status: 401, body: { error: "invalid_client" } });
  });

  it("answers PAYMENT_REQUIRED like error-codes.md when the portal's subscription ended", async () => {
    const q = await authorize("paid");
    const answer = await token({ grant_type: "authorization_code", code: q.get("code")! });
    expect(answer.status).toBe(402);
    expect(answer.body).toEqual(fixture("oauth-error-payment-required.json"));
  });

  it("counts token requests by grant type", async () => {
    emu.resetCounters();
    const t = emu.portal("auto").issueTokens();
    await token({ grant_type: "refresh_token", refresh_token: t.refresh_token });
    await token({ grant_type: "refresh_token", refresh_token: t.refresh_token });
    await token({ grant_type: "password" });
    expect(emu.counters().oauth).toEqual({ refresh_token: 2, invalid: 1 });
    expect(emu.counters().oauthErrors).toEqual({ invalid_grant: 1, invalid_request: 1 });
  });
});

describe("the OAuth server's REST", () => {
  it("answers app.info at server_endpoint for the token's portal", async () => {
    const t = emu.portal("auto").issueTokens();
    const answer = await callRest(t.server_endpoint, "app.info", {}, t.access_token);
    expect(answer.status).toBe(200);
    expect(shapeDiff(fixture("app-info.json"), answer.body)).toEqual([]);
    expect(answer.body.result).toMatchObject({ INSTALLED: true, STATUS: "F" });
  });
});
