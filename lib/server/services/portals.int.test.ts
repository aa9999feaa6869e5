import { emulatorConfig } from "../portal-testing";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { and, eq, sql } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Database, Db } from "@/db";
import { clients, connectLinks, portalConnections, portalEvents, portalInstalls, portalTokens, syncRuns } from "@/db/schema";
import { createTestDatabase, testDbKind } from "@/db/testing";
import { createBitrix24Client } from "@/lib/bitrix24/client";
import { startEmulator, type Emulator, type PortalHandle } from "@/lib/bitrix24/emulator";
import { createMemoryLimiter } from "@/lib/bitrix24/limiter";
import { buildPhpQuery } from "@/lib/bitrix24/emulator";
import { eventsEndpoint, installEndpoint } from "../bitrix24-endpoints";
import { AppError } from "../errors";
import { stateCookieName } from "../oauth-state";
import { createTokenSource, readTokens } from "../portal-tokens";
import type { TenantContext } from "../tenant";
import {
  claimPortal,
  completePortalConnect,
  createConnectLink,
  findConnectLink,
  getConnectionInOrg,
  getPortalCard,
  listConnectLinks,
  revokeConnectLink,
  startLinkConnect,
  startPortalConnect,
} from "./portals";
import { addMember, auditActions, makeOrg } from "./test-helpers";

/**
 * The three onboarding flows, install/uninstall and CRM events against the Bitrix24 emulator over real HTTP. A small
 * server stands in for the app's routes: the emulator posts ONAPPINSTALL, ONAPPUNINSTALL and CRM events to it.
 */

let database: Database;
let db: Db;
let emu: Emulator;
let app: Server;
let appBase: string;
/** Answers the app gave to the emulator's install posts, newest last. */
const installAnswers: { status: number; body: string }[] = [];
let portalCounter = 0;

async function toRequest(req: IncomingMessage, base: string): Promise<Request> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks);
  return new Request(new URL(req.url ?? "/", base), {
    method: req.method,
    headers: Object.entries(req.headers).flatMap(([k, v]) => (typeof v === "string" ? [[k, v] as [string, string]] : [])),
    body: req.method === "GET" || req.method === "HEAD" ? undefined : body,
  });
}

beforeAll(async () => {
  app = createServer((req, res) => {
    void (async () => {
      const request = await toRequest(req, appBase);
      const path = new URL(request.url).pathname;
      const response =
        path === "/api/bitrix24/install"
          ? await installEndpoint(db, request)
          : path === "/api/bitrix24/events"
            ? await eventsEndpoint(db, request)
            : new Response("not found", { status: 404 });
      const text = await response.text();
      if (path === "/api/bitrix24/install") installAnswers.push({ status: response.status, body: text });
      res.writeHead(response.status, Object.fromEntries(response.headers));
      res.end(text);
    })().catch((error: unknown) => {
      console.error(error);
      res.writeHead(500);
      res.end();
    });
  });
  await new Promise<void>((resolve) => app.listen(0, "127.0.0.1", resolve));
  appBase = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
  emu = await startEmulator({
    // PGlite on a busy machine can take seconds per request; the default 5 s would count slow answers as lost.
    eventTimeoutMs: 60_000,
    apps: [
      {
        clientId: "app.impact24.test",
        clientSecret: "impact24-test-secret",
        redirectUri: `${appBase}/api/bitrix24/oauth/callback`,
        installHandlerUrl: `${appBase}/api/bitrix24/install`,
      },
    ],
  });
  Object.assign(process.env, {
    APP_URL: appBase,
    BITRIX24_OAUTH_URL: emu.oauthUrl,
    BITRIX24_CLIENT_ID: emu.app.clientId,
    BITRIX24_CLIENT_SECRET: emu.app.clientSecret,
    BITRIX24_ALLOW_INSECURE: "1",
  });
});

afterAll(async () => {
  await emu?.close();
  await new Promise((resolve) => app?.close(resolve));
});

beforeEach(async () => {
  database = await createTestDatabase();
  db = database.db;
  installAnswers.length = 0;
});

afterEach(async () => {
  await emu.flushEvents();
  await database.close();
});

async function newPortal(options: { installed?: boolean } = {}): Promise<PortalHandle> {
  portalCounter += 1;
  return emu.addPortal({ name: `p${portalCounter}-${Date.now()}`, autoApprove: true, installed: options.installed ?? true });
}

async function newClient(ctx: TenantContext, name = `Client ${Math.random().toString(36).slice(2, 8)}`) {
  const [client] = await db.insert(clients).values({ orgId: ctx.orgId, name }).returning();
  return client;
}

/** The portal's approve page, as the browser would follow it: returns the redirect back to the app. */
async function approve(authorizeUrl: string) {
  const res = await fetch(authorizeUrl, { redirect: "manual" });
  expect(res.status).toBe(302);
  const back = new URL(res.headers.get("location")!);
  expect(back.pathname).toBe("/api/bitrix24/oauth/callback");
  return { code: back.searchParams.get("code"), state: back.searchParams.get("state") };
}

/** Flow (a) end to end: start on the client's page, approve in the portal, come back signed in. */
async function connectByOAuth(ctx: TenantContext, clientId: string, portal: PortalHandle, options: { cookie?: string | null; session?: string | null } = {}) {
  const { url, nonce } = await startPortalConnect(ctx, clientId, portal.url);
  const { code, state } = await approve(url);
  return completePortalConnect(db, {
    state,
    code,
    cookie: (name) => (name === stateCookieName(nonce) ? (options.cookie === undefined ? nonce : (options.cookie ?? undefined)) : undefined),
    sessionUserId: options.session === undefined ? (ctx.actor as { id: string }).id : options.session,
  });
}

function clientFor(orgId: string, connectionId: string) {
  return createBitrix24Client({
    tokens: createTokenSource(db, { orgId, connectionId }, emulatorConfig(emu)),
    limiter: createMemoryLimiter({ bucketSize: 1000, drainPerSecond: 1000 }),
    allowInsecure: true,
  });
}

async function connectionsOf(orgId: string) {
  return db.select().from(portalConnections).where(eq(portalConnections.orgId, orgId));
}

async function postEvent(path: string, payload: Record<string, unknown>) {
  const res = await fetch(`${appBase}${path}`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: buildPhpQuery(payload),
  });
  return { status: res.status, body: await res.text() };
}

describe(`portal onboarding (${testDbKind})`, () => {
  describe("(a) OAuth from the client's page", () => {
    it("connects, stores tokens encrypted, binds events, requests a full sync and audits", async () => {
      const { ctx } = await makeOrg(db);
      const client = await newClient(ctx);
      const portal = await newPortal();
      const outcome = await connectByOAuth(ctx, client.id, portal);
      expect(outcome).toMatchObject({ ok: true, domain: portal.domain });
      const [connection] = await connectionsOf(ctx.orgId);
      expect(connection).toMatchObject({
        clientId: client.id,
        memberId: portal.memberId,
        status: "connected",
        connectedVia: "oauth",
        connectedBy: (ctx.actor as { id: string }).id,
      });
      const tokens = await readTokens(db, { orgId: ctx.orgId, connectionId: connection.id });
      expect(tokens?.version).toBe(1);
      const [raw] = await db.select().from(portalTokens).where(eq(portalTokens.connectionId, connection.id));
      expect(raw.accessTokenEnc).not.toContain(tokens!.accessToken);
      // The stored tokens work.
      const info = await clientFor(ctx.orgId, connection.id).call<{ INSTALLED: boolean }>("app.info");
      expect(info.result.INSTALLED).toBe(true);
      const handlers = portal.info().handlers.map((h) => h.event);
      expect(handlers).toContain("ONAPPUNINSTALL");
      expect(handlers).toContain("ONCRMDEALDELETE");
      expect(portal.info().handlers.every((h) => h.handler === `${appBase}/api/bitrix24/events`)).toBe(true);
      const runs = await db.select().from(syncRuns).where(eq(syncRuns.connectionId, connection.id));
      expect(runs).toMatchObject([{ kind: "full", reason: "connected" }]);
      expect((await auditActions(db, ctx.orgId, "portal.connected")).map((a) => a.details)).toMatchObject([
        { domain: portal.domain, memberId: portal.memberId, via: "oauth" },
      ]);
    });

    it("connecting the same portal again updates the connection, never duplicates it", async () => {
      const { ctx } = await makeOrg(db);
      const client = await newClient(ctx);
      const portal = await newPortal();
      const first = await connectByOAuth(ctx, client.id, portal);
      // Tokens die (say the refresh token was spent): the connection needs re-authorisation…
      await db.update(portalConnections).set({ status: "needs_reauth", statusReason: "invalid_grant" });
      const second = await connectByOAuth(ctx, client.id, portal);
      expect(first.ok && second.ok && second.connectionId).toBe(first.ok && first.connectionId);
      const rows = await connectionsOf(ctx.orgId);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ status: "connected", statusReason: null });
      expect((await readTokens(db, { orgId: ctx.orgId, connectionId: rows[0].id }))?.version).toBe(2);
      expect(await auditActions(db, ctx.orgId, "portal.reconnected")).toHaveLength(1);
    });

    it("two first connects of one portal at once make one connection and no error", async () => {
      const { ctx } = await makeOrg(db);
      const client = await newClient(ctx);
      const portal = await newPortal();
      const outcomes = await Promise.all([connectByOAuth(ctx, client.id, portal), connectByOAuth(ctx, client.id, portal)]);
      expect(outcomes.map((o) => o.ok)).toEqual([true, true]);
      const rows = await connectionsOf(ctx.orgId);
      expect(rows).toHaveLength(1);
      expect(new Set(outcomes.map((o) => o.ok && o.connectionId))).toEqual(new Set([rows[0].id]));
      expect(await auditActions(db, ctx.orgId, "portal.connected")).toHaveLength(1);
      expect(await auditActions(db, ctx.orgId, "portal.reconnected")).toHaveLength(1);
    });

    it("refuses a portal already connected to another client of the org, and a second portal for one client", async () => {
      const { ctx } = await makeOrg(db);
      const a = await newClient(ctx, "Alpha");
      const b = await newClient(ctx, "Beta");
      const portal = await newPortal();
      const other = await newPortal();
      await connectByOAuth(ctx, a.id, portal);
      expect(await connectByOAuth(ctx, b.id, portal)).toMatchObject({ ok: false, error: "ofOtherClient" });
      expect(await connectByOAuth(ctx, a.id, other)).toMatchObject({ ok: false, error: "clientHasOther" });
      const rows = await connectionsOf(ctx.orgId);
      expect(rows.map((r) => [r.clientId, r.memberId])).toEqual([[a.id, portal.memberId]]);
    });

    it("rejects a state without its browser cookie, for another user, or after the member lost the right", async () => {
      const { ctx } = await makeOrg(db);
      const client = await newClient(ctx);
      const portal = await newPortal();
      expect(await connectByOAuth(ctx, client.id, portal, { cookie: null })).toMatchObject({ ok: false, error: "stateInvalid" });
      expect(await connectByOAuth(ctx, client.id, portal, { cookie: "forged" })).toMatchObject({ ok: false, error: "stateInvalid" });
      const intruder = await addMember(db, ctx.orgId, "admin");
      expect(await connectByOAuth(ctx, client.id, portal, { session: intruder.user.id })).toMatchObject({ ok: false, error: "signedOut" });
      expect(await connectByOAuth(ctx, client.id, portal, { session: null })).toMatchObject({ ok: false, error: "signedOut" });

      const analyst = await addMember(db, ctx.orgId, "analyst");
      const { url, nonce } = await startPortalConnect(analyst.ctx, client.id, portal.url);
      const { code, state } = await approve(url);
      // Demoted to client viewer between leaving for Bitrix24 and coming back.
      await db.execute(
        sqlSetRole(ctx.orgId, analyst.user.id, "client_viewer", client.id),
      );
      const outcome = await completePortalConnect(db, { state, code, cookie: () => nonce, sessionUserId: analyst.user.id });
      expect(outcome).toMatchObject({ ok: false, error: "forbidden" });
      expect(await connectionsOf(ctx.orgId)).toEqual([]);
    });

    it("validates the address and the role before sending anyone to Bitrix24", async () => {
      const { ctx } = await makeOrg(db);
      const client = await newClient(ctx);
      await expect(startPortalConnect(ctx, client.id, "not a portal")).rejects.toMatchObject({ code: "validation", fields: { portal: "portalAddress" } });
      const viewer = await addMember(db, ctx.orgId, "client_viewer", client.id);
      await expect(startPortalConnect(viewer.ctx, client.id, "acme.bitrix24.ru")).rejects.toMatchObject({ code: "forbidden" });
      const { url } = await startPortalConnect(ctx, client.id, "https://acme.bitrix24.ru/crm/");
      expect(url).toMatch(/^https:\/\/acme\.bitrix24\.ru\/oauth\/authorize\/\?client_id=app\.impact24\.test&state=/);
    });
  });

  describe("(b) one-time connect links", () => {
    it("lets the portal admin connect without an account, once", async () => {
      const { ctx } = await makeOrg(db, "Integrator");
      const client = await newClient(ctx, "Acme");
      const portal = await newPortal();
      const link = await createConnectLink(ctx, client.id);
      expect(link.url).toBe(`${appBase}/connect/${link.token}`);
      expect(Math.round((link.expiresAt.getTime() - Date.now()) / 86_400_000)).toBe(7);
      const [stored] = await db.select().from(connectLinks).where(eq(connectLinks.id, link.id));
      expect(stored.tokenHash).not.toContain(link.token);
      expect(await findConnectLink(db, link.token)).toMatchObject({ status: "valid", orgName: "Integrator", clientName: "Acme" });
      expect(await listConnectLinks(ctx, client.id)).toHaveLength(1);

      const start = await startLinkConnect(db, link.token, portal.url);
      const { code, state } = await approve(start.url);
      const outcome = await completePortalConnect(db, { state, code, cookie: () => start.nonce, sessionUserId: null });
      expect(outcome).toMatchObject({ ok: true, state: { kind: "link", linkId: link.id } });
      const [connection] = await connectionsOf(ctx.orgId);
      expect(connection).toMatchObject({ clientId: client.id, status: "connected", connectedVia: "link", memberId: portal.memberId });
      expect(await findConnectLink(db, link.token)).toMatchObject({ status: "used" });
      expect(await listConnectLinks(ctx, client.id)).toEqual([]);
      await expect(startLinkConnect(db, link.token, portal.url)).rejects.toMatchObject({ code: "gone", messageKey: "portal.linkUsed" });
    });

    it("a link used meanwhile, revoked or expired connects nothing", async () => {
      const { ctx } = await makeOrg(db);
      const client = await newClient(ctx);
      const portal = await newPortal();
      const link = await createConnectLink(ctx, client.id);
      const start = await startLinkConnect(db, link.token, portal.url);
      const { code, state } = await approve(start.url);
      await revokeConnectLink(ctx, link.id);
      expect(await completePortalConnect(db, { state, code, cookie: () => start.nonce, sessionUserId: null })).toMatchObject({
        ok: false,
        error: "linkRevoked",
      });
      await expect(startLinkConnect(db, link.token, portal.url)).rejects.toMatchObject({ code: "gone", messageKey: "portal.linkRevoked" });

      const old = await createConnectLink(ctx, client.id, { expiresInDays: 1 });
      await db.update(connectLinks).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(connectLinks.id, old.id));
      expect(await findConnectLink(db, old.token)).toMatchObject({ status: "expired" });
      await expect(startLinkConnect(db, old.token, portal.url)).rejects.toMatchObject({ code: "gone" });
      expect(await findConnectLink(db, "x".repeat(43))).toBeNull();
      expect(await connectionsOf(ctx.orgId)).toEqual([]);
    });

    it("only members who connect portals create or revoke links", async () => {
      const { ctx } = await makeOrg(db);
      const client = await newClient(ctx);
      const viewer = await addMember(db, ctx.orgId, "client_viewer", client.id);
      await expect(createConnectLink(viewer.ctx, client.id)).rejects.toMatchObject({ code: "forbidden" });
      const link = await createConnectLink(ctx, client.id);
      await expect(revokeConnectLink(viewer.ctx, link.id)).rejects.toMatchObject({ code: "forbidden" });
      await expect(createConnectLink(ctx, client.id, { expiresInDays: 365 })).rejects.toMatchObject({ code: "validation" });
      const card = await getPortalCard(viewer.ctx, client.id);
      expect(card).toMatchObject({ canConnect: false, links: [] });
    });
  });

  describe("(c) install from the portal, then claim", () => {
    it("ONAPPINSTALL shows a claim code; claiming moves the portal to the client", async () => {
      const { ctx } = await makeOrg(db);
      const client = await newClient(ctx);
      const portal = await newPortal({ installed: false });
      portal.install();
      await emu.flushEvents();
      expect(installAnswers).toHaveLength(1);
      expect(installAnswers[0].status).toBe(200);
      const code = /data-claim-code>([A-Z0-9-]+)</.exec(installAnswers[0].body)?.[1];
      expect(code).toMatch(/^[A-Z0-9]{4}-[A-Z0-9]{4}$/);
      const [install] = await db.select().from(portalInstalls).where(eq(portalInstalls.memberId, portal.memberId));
      expect(install).toMatchObject({ domain: portal.domain, claimedAt: null, uninstalledAt: null });
      expect(install.refreshTokenEnc).toMatch(/^v1:/);

      await expect(claimPortal(ctx, client.id, "ZZZZ-ZZZZ")).rejects.toMatchObject({ code: "validation", fields: { code: "claimCode" } });
      const connection = await claimPortal(ctx, client.id, code!.toLowerCase().replace("-", " "));
      expect(connection).toMatchObject({ clientId: client.id, memberId: portal.memberId, status: "connected", connectedVia: "install" });
      expect(connection.applicationTokenHash).toBe(install.applicationTokenHash);
      const info = await clientFor(ctx.orgId, connection.id).call<{ INSTALLED: boolean }>("app.info");
      expect(info.result.INSTALLED).toBe(true);
      const [claimed] = await db.select().from(portalInstalls).where(eq(portalInstalls.memberId, portal.memberId));
      expect(claimed).toMatchObject({ claimCodeHash: null, accessTokenEnc: null, refreshTokenEnc: null });
      expect(claimed.claimedAt).not.toBeNull();
      // The code is spent.
      const other = await newClient(ctx);
      await expect(claimPortal(ctx, other.id, code!)).rejects.toMatchObject({ code: "validation" });
      expect(await db.select().from(syncRuns).where(eq(syncRuns.connectionId, connection.id))).toHaveLength(1);
    });

    it("a forged or malformed install changes nothing", async () => {
      const portal = await newPortal();
      const auth = {
        domain: portal.domain,
        access_token: "a".repeat(64),
        refresh_token: "b".repeat(64),
        expires_in: 3600,
        member_id: portal.memberId,
        client_endpoint: portal.clientEndpoint,
        server_endpoint: `${emu.oauthUrl}/rest/`,
        application_token: "c".repeat(32),
      };
      expect((await postEvent("/api/bitrix24/install", { event: "ONAPPINSTALL", data: { LANGUAGE_ID: "en" }, auth })).status).toBe(401);
      // A genuine refresh token of ANOTHER portal cannot vouch for this one.
      const elsewhere = (await newPortal()).issueTokens();
      expect(
        (await postEvent("/api/bitrix24/install", { event: "ONAPPINSTALL", auth: { ...auth, refresh_token: elsewhere.refresh_token } })).status,
      ).toBe(401);
      expect((await postEvent("/api/bitrix24/install", { event: "ONAPPINSTALL", auth: { member_id: portal.memberId } })).status).toBe(400);
      const garbage = await fetch(`${appBase}/api/bitrix24/install`, { method: "POST", body: "%%%", headers: { "content-type": "application/x-www-form-urlencoded" } });
      expect(garbage.status).toBe(400);
      expect(await db.select().from(portalInstalls)).toEqual([]);
    });

    it("the app page in the portal's frame shows a fresh code, or that the portal is connected", async () => {
      const { ctx } = await makeOrg(db);
      const portal = await newPortal({ installed: false });
      portal.install();
      await emu.flushEvents();
      const first = /data-claim-code>([A-Z0-9-]+)</.exec(installAnswers[0].body)![1];
      const tokens = portal.issueTokens();
      const install = (await db.select().from(portalInstalls).where(eq(portalInstalls.memberId, portal.memberId)))[0];
      const frame = (applicationToken: string) =>
        postEvent(`/api/bitrix24/install?DOMAIN=${portal.domain}&LANG=ru`, {
          AUTH_ID: tokens.access_token,
          REFRESH_ID: tokens.refresh_token,
          member_id: portal.memberId,
          APPLICATION_TOKEN: applicationToken,
        });
      const applicationToken = portal.portal.installs.get(0)!.applicationToken;
      const page = await frame(applicationToken);
      expect(page.status).toBe(200);
      expect(page.body).toContain("Ваш код подключения");
      const second = /data-claim-code>([A-Z0-9-]+)</.exec(page.body)![1];
      expect(second).not.toBe(first);
      // Only the newest code works.
      const client = await newClient(ctx);
      await expect(claimPortal(ctx, client.id, first)).rejects.toMatchObject({ code: "validation" });
      await claimPortal(ctx, client.id, second);
      expect(install.applicationTokenHash).toBeTruthy();
      const connected = await frame(applicationToken);
      expect(connected.body).toContain("Подключено к Impact24");
    });
  });

  describe("uninstall and CRM events", () => {
    async function claimed() {
      const { ctx } = await makeOrg(db);
      const client = await newClient(ctx);
      const portal = await newPortal({ installed: false });
      portal.install();
      await emu.flushEvents();
      const code = /data-claim-code>([A-Z0-9-]+)</.exec(installAnswers.at(-1)!.body)![1];
      const connection = await claimPortal(ctx, client.id, code);
      await emu.flushEvents();
      return { ctx, client, portal, connection };
    }

    it("a forged uninstall is refused and changes nothing; the real one marks the connection uninstalled", async () => {
      const { ctx, portal, connection } = await claimed();
      const forged = await postEvent("/api/bitrix24/events", {
        event: "ONAPPUNINSTALL",
        data: { LANGUAGE_ID: "en", CLEAN: 1 },
        auth: { domain: portal.domain, member_id: portal.memberId, application_token: "f".repeat(32) },
      });
      expect(forged.status).toBe(401);
      expect((await getConnectionInOrg(ctx, connection.id)).status).toBe("connected");
      expect(await readTokens(db, { orgId: ctx.orgId, connectionId: connection.id })).not.toBeNull();
      expect((await postEvent("/api/bitrix24/events", { event: "ONAPPUNINSTALL" })).status).toBe(400);

      expect(portal.uninstall()).toBe(true);
      await emu.flushEvents();
      const sent = emu.sentEvents().filter((e) => e.event === "ONAPPUNINSTALL" && e.portal === portal.name);
      expect(sent.map((e) => e.status)).toEqual([200]);
      const after = await getConnectionInOrg(ctx, connection.id);
      expect(after).toMatchObject({ status: "uninstalled", statusReason: "uninstalled_clean" });
      expect(await readTokens(db, { orgId: ctx.orgId, connectionId: connection.id })).toBeNull();
      const [install] = await db.select().from(portalInstalls).where(eq(portalInstalls.memberId, portal.memberId));
      expect(install.uninstalledAt).not.toBeNull();
      expect(await auditActions(db, ctx.orgId, "portal.uninstalled")).toHaveLength(1);
      // Its token source refuses to hand out anything.
      await expect(createTokenSource(db, { orgId: ctx.orgId, connectionId: connection.id }, emulatorConfig(emu)).get()).rejects.toMatchObject({
        kind: "needs_reauth",
      });
    });

    it("an OAuth connection learns nothing from a forged uninstall; the real one is confirmed by the portal", async () => {
      const { ctx } = await makeOrg(db);
      const client = await newClient(ctx);
      const portal = await newPortal();
      const outcome = await connectByOAuth(ctx, client.id, portal);
      const connectionId = outcome.ok ? outcome.connectionId : "";
      const [before] = await connectionsOf(ctx.orgId);
      expect(before.applicationTokenHash).toBeNull();
      const forged = await postEvent("/api/bitrix24/events", {
        event: "ONAPPUNINSTALL",
        data: { CLEAN: 0 },
        auth: { domain: portal.domain, member_id: portal.memberId, application_token: "f".repeat(32) },
      });
      expect(forged.status).toBe(401);
      expect((await getConnectionInOrg(ctx, connectionId)).status).toBe("connected");

      portal.uninstall({ clean: false });
      await emu.flushEvents();
      expect(await getConnectionInOrg(ctx, connectionId)).toMatchObject({ status: "uninstalled", statusReason: "uninstalled" });
    });

    it("records CRM changes verified by application_token; forged and malformed events are refused", async () => {
      const { ctx, portal, connection } = await claimed();
      const deal = portal.createRecord("deal", { TITLE: "Big deal", OPPORTUNITY: 100 });
      portal.updateRecord("deal", Number(deal.ID), { TITLE: "Bigger deal" });
      const lead = portal.createRecord("lead", { TITLE: "Lead" });
      portal.deleteRecord("lead", Number(lead.ID));
      await emu.flushEvents();
      const rows = await db
        .select()
        .from(portalEvents)
        .where(and(eq(portalEvents.orgId, ctx.orgId), eq(portalEvents.connectionId, connection.id)))
        .orderBy(portalEvents.id);
      // One pending row per record. The portal may deliver ONCRMDEALADD and ONCRMDEALUPDATE in either order; both
      // mean "fetch the record again", so either may be the one kept. A deletion is never undone by a late add.
      expect(rows.map((r) => [r.entity, r.entityId, r.action === "delete" ? "delete" : "changed"]).sort()).toEqual([
        ["deal", String(deal.ID), "changed"],
        ["lead", String(lead.ID), "delete"],
      ]);

      const applicationToken = portal.portal.installs.get(0)!.applicationToken;
      const forged = await postEvent("/api/bitrix24/events", {
        event: "ONCRMDEALDELETE",
        data: { FIELDS: { ID: "999" } },
        auth: { member_id: portal.memberId, application_token: "0".repeat(32) },
      });
      expect(forged.status).toBe(401);
      const malformed = await postEvent("/api/bitrix24/events", {
        event: "ONCRMDEALDELETE",
        data: { FIELDS: { ID: "1 or 1=1" } },
        auth: { member_id: portal.memberId, application_token: applicationToken },
      });
      expect(malformed.status).toBe(400);
      const unknownPortal = await postEvent("/api/bitrix24/events", {
        event: "ONCRMDEALDELETE",
        data: { FIELDS: { ID: "5" } },
        auth: { member_id: "0123456789abcdef0123456789abcdef", application_token: applicationToken },
      });
      expect(unknownPortal.status).toBe(401);
      expect(await db.select().from(portalEvents).where(eq(portalEvents.connectionId, connection.id))).toHaveLength(2);
    });

    it("an OAuth connection learns its application_token from an event the portal vouches for", async () => {
      const { ctx } = await makeOrg(db);
      const client = await newClient(ctx);
      const portal = await newPortal();
      const outcome = await connectByOAuth(ctx, client.id, portal);
      const connectionId = outcome.ok ? outcome.connectionId : "";
      portal.createRecord("deal", { TITLE: "First" });
      await emu.flushEvents();
      const [connection] = await connectionsOf(ctx.orgId);
      expect(connection.applicationTokenHash).toMatch(/^[0-9a-f]{64}$/);
      expect(await db.select().from(portalEvents).where(eq(portalEvents.connectionId, connectionId))).toHaveLength(1);
    });
  });

  describe("tenant isolation", () => {
    it("org B's member cannot see or touch org A's clients, connections and links", async () => {
      const a = await makeOrg(db, "A");
      const b = await makeOrg(db, "B");
      const clientA = await newClient(a.ctx);
      const portal = await newPortal();
      const outcome = await connectByOAuth(a.ctx, clientA.id, portal);
      const connectionId = outcome.ok ? outcome.connectionId : "";
      const linkA = await createConnectLink(a.ctx, clientA.id);
      const before = { links: await db.select().from(connectLinks), connections: await db.select().from(portalConnections) };

      const notFound = { code: "not_found" };
      await expect(getPortalCard(b.ctx, clientA.id)).rejects.toMatchObject(notFound);
      await expect(getConnectionInOrg(b.ctx, connectionId)).rejects.toMatchObject(notFound);
      await expect(startPortalConnect(b.ctx, clientA.id, "acme.bitrix24.ru")).rejects.toMatchObject(notFound);
      await expect(createConnectLink(b.ctx, clientA.id)).rejects.toMatchObject(notFound);
      await expect(listConnectLinks(b.ctx, clientA.id)).rejects.toMatchObject(notFound);
      await expect(revokeConnectLink(b.ctx, linkA.id)).rejects.toMatchObject(notFound);
      await expect(claimPortal(b.ctx, clientA.id, "ABCD-2345")).rejects.toMatchObject(notFound);
      await expect(revokeConnectLink(b.ctx, "not-a-uuid")).rejects.toMatchObject(notFound);

      // A state minted for org A's client cannot be completed by org B's member either.
      const { url, nonce } = await startPortalConnect(a.ctx, clientA.id, portal.url);
      const { code, state } = await approve(url);
      const hijack = await completePortalConnect(db, { state, code, cookie: () => nonce, sessionUserId: (b.ctx.actor as { id: string }).id });
      expect(hijack).toMatchObject({ ok: false, error: "signedOut" });

      expect({ links: await db.select().from(connectLinks), connections: await db.select().from(portalConnections) }).toEqual(before);
      expect(await auditActions(db, b.ctx.orgId)).toEqual([]);
    });

    it("a client viewer sees only their own client's portal, read-only", async () => {
      const { ctx } = await makeOrg(db);
      const mine = await newClient(ctx);
      const theirs = await newClient(ctx);
      const viewer = await addMember(db, ctx.orgId, "client_viewer", mine.id);
      expect(await getPortalCard(viewer.ctx, mine.id)).toMatchObject({ connection: null, canConnect: false });
      await expect(getPortalCard(viewer.ctx, theirs.id)).rejects.toMatchObject({ code: "not_found" });
      await expect(claimPortal(viewer.ctx, mine.id, "ABCD-2345")).rejects.toBeInstanceOf(AppError);
    });
  });
});

function sqlSetRole(orgId: string, userId: string, role: string, clientId: string) {
  return sql`update memberships set role = ${role}, client_id = ${clientId} where org_id = ${orgId} and user_id = ${userId}`;
}
