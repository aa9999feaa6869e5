/** Faults, domain changes, deleted portals and the HTTP control API. */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createManualClock, type AdjustableClock } from "./clock";
import type { Emulator } from "./handle";
import { startEmulator } from "./server";
import { callRest } from "./testing";

let emu: Emulator;
let clock: AdjustableClock;

beforeEach(async () => {
  clock = createManualClock(Date.UTC(2026, 4, 1, 12, 0, 0));
  emu = await startEmulator({
    clock,
    apps: [{ clientId: "app.ctl", clientSecret: "s", scope: ["crm"] }],
    portals: [{ name: "f", rateLimit: { capacity: 1000, drainPerSecond: 100 } }],
  });
  emu.portal("f").createRecord("deal", { TITLE: "one" });
});

afterEach(async () => {
  await emu.close();
});

const control = async (method: string, path: string, body?: unknown) => {
  const res = await fetch(`${emu.controlUrl}${path}`, {
    method,
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

async function get(token: string, signal?: AbortSignal) {
  const res = await fetch(`${emu.portal("f").clientEndpoint}crm.deal.get?id=1&auth=${token}`, { signal, redirect: "manual" });
  return { status: res.status, type: res.headers.get("content-type") ?? "", text: await res.text() };
}

describe("faults", () => {
  it("injects 500s reproducibly from a seed", async () => {
    const token = emu.portal("f").issueTokens().access_token;
    const run = async () => {
      emu.portal("f").setFaults({ error500: 0.5, seed: 42 });
      const statuses: number[] = [];
      for (let i = 0; i < 20; i++) statuses.push((await get(token)).status);
      return statuses;
    };
    const first = await run();
    expect(first).toContain(200);
    expect(first).toContain(500);
    expect(await run()).toEqual(first);
  });

  it.each([
    ["overload503", 503, /QUERY_LIMIT_EXCEEDED/, "application/json"],
    ["htmlError", 502, /<html>/, "text/html"],
    ["malformedJson", 200, /^\{"result":/, "application/json"],
  ] as const)("%s answers %i", async (kind, status, body, type) => {
    const token = emu.portal("f").issueTokens().access_token;
    emu.portal("f").setFaults({ [kind]: 1 });
    const answer = await get(token);
    expect(answer.status).toBe(status);
    expect(answer.type).toContain(type);
    expect(answer.text).toMatch(body);
    if (kind === "malformedJson") expect(() => JSON.parse(answer.text)).toThrow();
  });

  it("delays slow answers and leaves hanging ones unanswered", async () => {
    const token = emu.portal("f").issueTokens().access_token;
    emu.portal("f").setFaults({ slow: 1, slowMs: 250 });
    const started = performance.now();
    expect((await get(token)).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(240);

    emu.portal("f").setFaults({ hang: 1 });
    await expect(get(token, AbortSignal.timeout(300))).rejects.toThrow();
    emu.portal("f").clearFaults();
    expect((await get(token)).status).toBe(200);
  });

  it("limits faults to the listed methods", async () => {
    const token = emu.portal("f").issueTokens().access_token;
    emu.portal("f").setFaults({ error500: 1, methods: ["crm.deal.list"] });
    expect((await get(token)).status).toBe(200);
    expect((await callRest(emu.portal("f").clientEndpoint, "crm.deal.list", {}, token)).status).toBe(500);
  });

  it("can lose the answer of a token refresh after the refresh token was spent", async () => {
    const pair = emu.portal("f").issueTokens();
    emu.setOAuthFaults({ malformedJson: 1 });
    const url = `${emu.tokenUrl}?grant_type=refresh_token&client_id=app.ctl&client_secret=s&refresh_token=${pair.refresh_token}`;
    const lost = await fetch(url);
    const text = await lost.text();
    expect(() => JSON.parse(text)).toThrow();
    emu.setOAuthFaults({});
    expect((await (await fetch(url)).json()) as object).toMatchObject({ error: "invalid_grant" });
  });
});

describe("portal lifecycle", () => {
  it("expires every issued access token on request; refreshing still works", async () => {
    const pair = emu.portal("f").issueTokens();
    await control("POST", "/portals/f/expire-tokens");
    expect(await callRest(emu.portal("f").clientEndpoint, "crm.deal.list", {}, pair.access_token)).toMatchObject({ status: 401, body: { error: "expired_token" } });
    const res = await fetch(`${emu.tokenUrl}?grant_type=refresh_token&client_id=app.ctl&client_secret=s&refresh_token=${pair.refresh_token}`);
    const fresh = (await res.json()) as { access_token: string };
    expect((await callRest(emu.portal("f").clientEndpoint, "crm.deal.list", {}, fresh.access_token)).status).toBe(200);
  });

  it("moves a portal to a new domain: the old address answers 302 to the same path and query there", async () => {
    const token = emu.portal("f").issueTokens().access_token;
    const oldEndpoint = emu.portal("f").clientEndpoint;
    const moved = await control("POST", "/portals/f/domain");
    expect(moved.status).toBe(200);
    expect(moved.body.url).toBe(emu.portal("f").url);
    expect(emu.portal("f").clientEndpoint).not.toBe(oldEndpoint);

    const res = await fetch(`${oldEndpoint}crm.deal.get?id=1&auth=${token}`, { method: "POST", redirect: "manual" });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe(`${emu.portal("f").clientEndpoint}crm.deal.get?id=1&auth=${token}`);
    // Stored tokens keep working at the new address, and new tokens name it.
    expect((await callRest(emu.portal("f").clientEndpoint, "crm.deal.get", { id: 1 }, token)).status).toBe(200);
    expect(emu.portal("f").issueTokens().client_endpoint).toBe(emu.portal("f").clientEndpoint);
  });

  it("answers 500 PORTAL_DELETED once the portal is deleted", async () => {
    const token = emu.portal("f").issueTokens().access_token;
    expect((await control("DELETE", "/portals/f")).status).toBe(200);
    expect(await callRest(emu.portal("f").clientEndpoint, "crm.deal.list", {}, token)).toMatchObject({ status: 500, body: { error: "PORTAL_DELETED" } });
  });
});

describe("HTTP control API", () => {
  it("describes the emulator and its portals", async () => {
    const { body } = await control("GET", "");
    expect(body).toMatchObject({ oauthUrl: emu.oauthUrl, tokenUrl: emu.tokenUrl, app: { clientId: "app.ctl", clientSecret: "s" } });
    expect((body.portals as { name: string; memberId: string }[])[0]).toMatchObject({ name: "f", memberId: emu.portal("f").memberId });
  });

  it("creates, reads, updates and deletes records", async () => {
    const created = await control("POST", "/portals/f/records/deal", { TITLE: "via HTTP", OPPORTUNITY: 500 });
    expect(created.body).toMatchObject({ ID: 2, TITLE: "via HTTP", OPPORTUNITY: 500, DATE_CREATE: clock.now() });
    await control("POST", "/clock", { advanceMs: 5000 });
    const updated = await control("PATCH", "/portals/f/records/deal/2", { TITLE: "renamed" });
    expect(updated.body).toMatchObject({ TITLE: "renamed", DATE_MODIFY: clock.now() });
    expect((await control("GET", "/portals/f/records/deal/2")).body.TITLE).toBe("renamed");
    expect((await control("DELETE", "/portals/f/records/deal/2")).status).toBe(200);
    expect((await control("GET", "/portals/f/records/deal/2")).status).toBe(404);
    expect((await control("POST", "/portals/f/records/planet", {})).status).toBe(404);
  });

  it("counts HTTP requests and batch commands per portal and method, and resets them", async () => {
    const token = (await control("POST", "/portals/f/tokens")).body.access_token as string;
    await control("POST", "/counters/reset");
    const endpoint = emu.portal("f").clientEndpoint;
    await callRest(endpoint, "crm.deal.list", {}, token);
    await callRest(endpoint, "crm.deal.list", {}, token);
    await callRest(endpoint, "batch", { cmd: { a: "crm.deal.get?id=1", b: "crm.deal.list" } }, token);
    const { body } = await control("GET", "/counters");
    expect((body.portals as Record<string, unknown>).f).toMatchObject({ http: { "crm.deal.list": 2, batch: 1 }, batchCalls: { "crm.deal.get": 1, "crm.deal.list": 1 } });
    await control("POST", "/counters/reset");
    expect((await control("GET", "/counters")).body.portals).toEqual({});
  });

  it("changes portal settings and adds portals", async () => {
    await control("PATCH", "/portals/f", { plan: "enterprise", timeZone: "Asia/Yekaterinburg" });
    expect(emu.portal("f").info()).toMatchObject({ plan: "enterprise", timeZone: "Asia/Yekaterinburg" });
    expect((await control("PATCH", "/portals/f", { timeZone: "Mars/Olympus" })).status).toBe(400);
    const added = await control("POST", "/portals", { name: "g", autoApprove: true });
    expect(added.body).toMatchObject({ name: "g", autoApprove: true });
    expect((await control("POST", "/portals", { name: "g" })).status).toBe(409);
  });

  it("loads a portal with generated data", async () => {
    const { status, body } = await control("POST", "/portals/f/generate", { profile: "healthy", deals: 150, seed: 7 });
    expect(status).toBe(200);
    expect(body).toMatchObject({ profile: "healthy", counts: { deal: 150 } });
    const token = emu.portal("f").issueTokens().access_token;
    const page = await callRest(emu.portal("f").clientEndpoint, "crm.deal.list", { select: ["ID"] }, token);
    expect(page.body.total).toBe(150);
  });

  it("answers 404 for unknown routes and portals", async () => {
    expect((await control("GET", "/nothing")).status).toBe(404);
    expect((await control("POST", "/portals/zzz/expire-tokens")).status).toBe(404);
  });
});
