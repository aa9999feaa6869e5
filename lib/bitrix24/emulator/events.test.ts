/** Install, uninstall and CRM events reach a local handler, form-encoded like the official examples. */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { createManualClock } from "./clock";
import type { Emulator } from "./handle";
import { startEmulator } from "./server";
import { callRest, shapeDiff, startHandlerSink, type HandlerSink } from "./testing";

const FIXTURES = "/work/shared/bitrix24/fixtures";
const fixture = (name: string) => JSON.parse(readFileSync(`${FIXTURES}/${name}`, "utf8")) as Record<string, unknown>;

/** Form encoding turns every scalar into a string: compare keys, not scalar types. */
function stringified(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stringified);
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, stringified(v)]));
  return value === null ? null : String(value);
}

let emu: Emulator;
let sink: HandlerSink;

beforeEach(async () => {
  sink = await startHandlerSink();
  emu = await startEmulator({
    clock: createManualClock(),
    apps: [{ clientId: "app.events", clientSecret: "s", scope: ["crm"], installHandlerUrl: `${sink.url}install`, redirectUri: `${sink.url}back` }],
    portals: [{ name: "e", installed: false, autoApprove: true }],
  });
});

afterEach(async () => {
  await emu.close();
  await sink.close();
});

async function install() {
  emu.portal("e").install();
  const [post] = await sink.waitFor(1);
  return post;
}

async function bind(token: string, event: string, path = "events") {
  const answer = await callRest(emu.portal("e").clientEndpoint, "event.bind", { event, handler: `${sink.url}${path}` }, token);
  expect(answer.body.result).toBe(true);
}

describe("install", () => {
  it("posts ONAPPINSTALL form-encoded with tokens and the application token", async () => {
    const post = await install();
    expect(post.path).toBe("/install");
    expect(post.contentType).toBe("application/x-www-form-urlencoded");
    expect(post.raw).toMatch(/^event=ONAPPINSTALL&data%5BVERSION%5D=/);
    expect(shapeDiff(stringified(fixture("event-onappinstall.json")), post.fields)).toEqual([]);
    const auth = post.fields.auth as Record<string, string>;
    const p = emu.portal("e");
    expect(auth).toMatchObject({ domain: p.domain, member_id: p.memberId, client_endpoint: p.clientEndpoint, expires_in: "3600" });
    // The tokens in the event work.
    expect((await callRest(p.clientEndpoint, "crm.deal.list", {}, auth.access_token)).status).toBe(200);
    const refreshed = await fetch(`${emu.tokenUrl}?grant_type=refresh_token&client_id=app.events&client_secret=s&refresh_token=${auth.refresh_token}`);
    expect(refreshed.status).toBe(200);
  });

  it("installs through the approve page too", async () => {
    const res = await fetch(`${emu.portal("e").url}oauth/authorize/?client_id=app.events&state=1`, { redirect: "manual" });
    expect(res.status).toBe(302);
    const [post] = await sink.waitFor(1);
    expect(post.fields.event).toBe("ONAPPINSTALL");
  });
});

describe("uninstall", () => {
  it("posts ONAPPUNINSTALL to the bound handler with only the application token, then revokes access", async () => {
    const installed = await install();
    const auth = installed.fields.auth as Record<string, string>;
    await bind(auth.access_token, "ONAPPUNINSTALL", "uninstall");
    expect(emu.portal("e").uninstall({ clean: false })).toBe(true);
    const [, post] = await sink.waitFor(2);
    expect(post.path).toBe("/uninstall");
    expect(shapeDiff(stringified(fixture("event-onappuninstall.json")), post.fields)).toEqual([]);
    const uninstallAuth = post.fields.auth as Record<string, string>;
    expect(uninstallAuth.application_token).toBe(auth.application_token);
    expect(uninstallAuth).not.toHaveProperty("access_token");
    expect((post.fields.data as Record<string, string>).CLEAN).toBe("0");
    const after = await callRest(emu.portal("e").clientEndpoint, "crm.deal.list", {}, auth.access_token);
    expect(after).toMatchObject({ status: 401, body: { error: "invalid_token" } });
  });

  it("issues a new application token on reinstall", async () => {
    const first = ((await install()).fields.auth as Record<string, string>).application_token;
    emu.portal("e").uninstall();
    emu.portal("e").install();
    const [, second] = await sink.waitFor(2);
    expect((second.fields.auth as Record<string, string>).application_token).not.toBe(first);
  });
});

describe("CRM events", () => {
  it("posts ONCRM*ADD / UPDATE / DELETE with the record ID when data changes through the control API", async () => {
    const auth = (await install()).fields.auth as Record<string, string>;
    for (const e of ["ONCRMDEALADD", "ONCRMDEALUPDATE", "ONCRMDEALDELETE", "ONCRMLEADADD", "ONCRMACTIVITYADD"]) await bind(auth.access_token, e);
    const p = emu.portal("e");
    const deal = p.createRecord("deal", { TITLE: "From the control API" });
    p.updateRecord("deal", deal.ID as number, { STAGE_ID: "WON" });
    p.deleteRecord("deal", deal.ID as number);
    p.createRecord("lead", { TITLE: "Lead" });
    p.createRecord("activity", { OWNER_TYPE_ID: 2, OWNER_ID: 1, TYPE_ID: 2 });
    p.createRecord("contact", { NAME: "Nobody listens" });
    const posts = (await sink.waitFor(6)).slice(1);
    await emu.flushEvents();
    expect(sink.received).toHaveLength(6);
    expect(posts.map((x) => x.fields.event)).toEqual(["ONCRMDEALADD", "ONCRMDEALUPDATE", "ONCRMDEALDELETE", "ONCRMLEADADD", "ONCRMACTIVITYADD"]);
    for (const post of posts) {
      expect(post.contentType).toBe("application/x-www-form-urlencoded");
      expect(shapeDiff(stringified(fixture("event-oncrmdealadd-application.json")), post.fields)).toEqual([]);
      expect((post.fields.auth as Record<string, string>).application_token).toBe(auth.application_token);
      expect(post.fields.auth).not.toHaveProperty("refresh_token");
    }
    expect((posts[0].fields.data as { FIELDS: { ID: string } }).FIELDS.ID).toBe(String(deal.ID));
    expect(emu.counters().portals.e.events).toMatchObject({ ONCRMDEALADD: 1, ONCRMDEALUPDATE: 1, ONCRMDEALDELETE: 1 });
  });

  it("stamps DATE_MODIFY and writes stage history on a stage move", async () => {
    const p = emu.portal("e");
    const deal = p.createRecord("deal", { TITLE: "x" });
    emu.advanceClock(60_000);
    const moved = p.updateRecord("deal", deal.ID as number, { STAGE_ID: "WON" })!;
    expect(moved.DATE_MODIFY).toBe((deal.DATE_MODIFY as number) + 60_000);
    expect(moved).toMatchObject({ STAGE_SEMANTIC_ID: "S", CLOSED: true });
    const history = [...p.data.tables.dealHistory.scan()].filter((h) => h.OWNER_ID === deal.ID);
    expect(history.map((h) => [h.TYPE_ID, h.STAGE_ID])).toEqual([
      [1, "NEW"],
      [3, "WON"],
    ]);
  });

  it("queues offline events, one row per object, for event.offline.get", async () => {
    emu.portal("e").install();
    const fresh = emu.portal("e").issueTokens().access_token;
    const endpoint = emu.portal("e").clientEndpoint;
    await callRest(endpoint, "event.bind", { event: "ONCRMDEALUPDATE", event_type: "offline" }, fresh);
    const p = emu.portal("e");
    const deal = p.createRecord("deal", { TITLE: "x" });
    p.updateRecord("deal", deal.ID as number, { TITLE: "y" });
    p.updateRecord("deal", deal.ID as number, { TITLE: "z" });
    const got = await callRest(endpoint, "event.offline.get", {}, fresh);
    const events = (got.body.result as { events: { EVENT_NAME: string; EVENT_DATA: { FIELDS: { ID: string } } }[] }).events;
    expect(events.map((e) => [e.EVENT_NAME, e.EVENT_DATA.FIELDS.ID])).toEqual([["ONCRMDEALUPDATE", String(deal.ID)]]);
    const again = await callRest(endpoint, "event.offline.get", {}, fresh);
    expect((again.body.result as { events: unknown[] }).events).toEqual([]);
  });
});
