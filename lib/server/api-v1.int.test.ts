import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { createTestDatabase, testDbKind } from "@/db/testing";
import type { Database } from "@/db";
import { auditLog, clients, connectLinks, metricSnapshots, portalConnections, syncProgress, syncRuns } from "@/db/schema";
import * as clientRoutes from "@/app/api/v1/clients/route";
import * as clientRoute from "@/app/api/v1/clients/[id]/route";
import * as connectLinkRoute from "@/app/api/v1/clients/[id]/connect-links/route";
import * as syncRoute from "@/app/api/v1/clients/[id]/syncs/route";
import * as metricsRoute from "@/app/api/v1/clients/[id]/metrics/route";
import { apiRuntime } from "./api";
import { createApiKey, revokeApiKey } from "./services/api-keys";
import { createClient } from "./services/clients";
import { makeOrg } from "./services/test-helpers";
import { makePortalConnection } from "./sync/testing";

/**
 * The API route handlers, called as Next calls them (a Request and the route's params), on a test database.
 * Tenant isolation, authentication, validation and error shapes are checked at this level; e2e/api.spec.ts repeats
 * the essentials over HTTP.
 */

const reference = JSON.parse(fs.readFileSync(path.join("public", "openapi.json"), "utf8")) as {
  components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
};

/** The response has exactly the fields public/openapi.json documents for the schema. */
function expectDocumented(value: Record<string, unknown>, schema: string) {
  const properties = reference.components.schemas[schema]?.properties;
  expect(properties, schema).toBeDefined();
  expect(Object.keys(value).sort(), schema).toEqual(Object.keys(properties!).sort());
}

type Handler = (request: Request, segment?: { params: Promise<Record<string, string>> }) => Promise<Response>;

const BASE = "http://localhost";

async function call(
  handler: Handler,
  path: string,
  options: { key?: string; method?: string; body?: unknown; rawBody?: string; params?: Record<string, string>; headers?: Record<string, string> } = {},
) {
  const headers: Record<string, string> = { ...options.headers };
  if (options.key) headers.authorization = `Bearer ${options.key}`;
  if (options.body !== undefined || options.rawBody !== undefined) headers["content-type"] = "application/json";
  const request = new Request(BASE + path, {
    method: options.method ?? "GET",
    headers,
    body: options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
  });
  const response = await handler(request, { params: Promise.resolve(options.params ?? {}) });
  const text = await response.text();
  return { status: response.status, headers: response.headers, json: text ? JSON.parse(text) : null };
}

describe(`public API v1: clients (${testDbKind})`, () => {
  let database: Database;
  let db: Database["db"];
  let orgA: Awaited<ReturnType<typeof makeOrg>>;
  let orgB: Awaited<ReturnType<typeof makeOrg>>;
  let keyA: string;
  let readKeyA: string;
  let keyB: string;
  let clientA: { id: string };
  let clientB: { id: string };

  const clientCount = async (orgId: string) => (await db.select().from(clients).where(eq(clients.orgId, orgId))).length;

  beforeAll(async () => {
    database = await createTestDatabase();
    db = database.db;
    apiRuntime.getDb = async () => db;
    orgA = await makeOrg(db, "Org A");
    orgB = await makeOrg(db, "Org B");
    keyA = (await createApiKey(orgA.ctx, { name: "A" })).key;
    readKeyA = (await createApiKey(orgA.ctx, { name: "A read", scope: "read" })).key;
    keyB = (await createApiKey(orgB.ctx, { name: "B" })).key;
    clientA = await createClient(orgA.ctx, { name: "Alpha Trading", goLiveDate: "2024-03-01" });
    await createClient(orgA.ctx, { name: "Beta Prospect", status: "prospect" });
    clientB = await createClient(orgB.ctx, { name: "Gamma (org B)" });
  });
  afterAll(async () => {
    await database?.close();
  });

  it("lists the key's org's clients only, with ISO dates", async () => {
    const { status, json, headers } = await call(clientRoutes.GET, "/api/v1/clients", { key: keyA });
    expect(status).toBe(200);
    expect(headers.get("cache-control")).toBe("no-store");
    expect(json.total).toBe(2);
    expectDocumented(json, "ClientList");
    expectDocumented(json.clients[0], "Client");
    expect(json.clients.map((c: { name: string }) => c.name)).toEqual(["Alpha Trading", "Beta Prospect"]);
    expect(json.clients[0]).toEqual({
      id: clientA.id,
      name: "Alpha Trading",
      status: "active",
      timeZone: "Europe/Moscow",
      baseCurrency: "RUB",
      goLiveDate: "2024-03-01",
      notes: "",
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      updatedAt: expect.stringMatching(/Z$/),
    });
    const b = await call(clientRoutes.GET, "/api/v1/clients?status=all", { key: keyB });
    expect(b.json.clients.map((c: { id: string }) => c.id)).toEqual([clientB.id]);
  });

  it("filters by q and status and pages", async () => {
    const prospects = await call(clientRoutes.GET, "/api/v1/clients?status=prospect", { key: keyA });
    expect(prospects.json.clients.map((c: { name: string }) => c.name)).toEqual(["Beta Prospect"]);
    const search = await call(clientRoutes.GET, "/api/v1/clients?q=alph", { key: keyA });
    expect(search.json.clients.map((c: { name: string }) => c.name)).toEqual(["Alpha Trading"]);
    const page = await call(clientRoutes.GET, "/api/v1/clients?limit=1&offset=1", { key: keyA });
    expect(page.json).toMatchObject({ total: 2, limit: 1, offset: 1 });
    expect(page.json.clients.map((c: { name: string }) => c.name)).toEqual(["Beta Prospect"]);
  });

  it("answers 422 with field errors for bad query parameters", async () => {
    const { status, json } = await call(clientRoutes.GET, "/api/v1/clients?status=deleted&limit=abc&offset=-1", { key: keyA });
    expect(status).toBe(422);
    expect(json.error.code).toBe("validation");
    expect(json.error.message).toBe("Please correct the highlighted fields.");
    expect(json.error.fields).toEqual({
      status: "Choose one of the options.",
      limit: "Enter a whole number.",
      offset: "Must be at least 0.",
    });
    const tooMany = await call(clientRoutes.GET, "/api/v1/clients?limit=500", { key: keyA });
    expect(tooMany.json.error.fields).toEqual({ limit: "Must be at most 200." });
  });

  it("translates messages per Accept-Language", async () => {
    const { json } = await call(clientRoutes.GET, "/api/v1/clients?limit=0", {
      key: keyA,
      headers: { "accept-language": "ru-RU,ru;q=0.9" },
    });
    expect(json.error.fields.limit).toBe("Не меньше 1.");
    const unauthorized = await call(clientRoutes.GET, "/api/v1/clients", { headers: { "accept-language": "ru" } });
    expect(unauthorized.json.error.message).toContain("Authorization: Bearer");
    expect(unauthorized.json.error.message).toMatch(/[а-я]/);
  });

  it("reads one client, and answers 404 for another org's id or a malformed one", async () => {
    const own = await call(clientRoute.GET, `/api/v1/clients/${clientA.id}`, { key: keyA, params: { id: clientA.id } });
    expect(own.status).toBe(200);
    expect(own.json.client).toMatchObject({ id: clientA.id, name: "Alpha Trading" });

    for (const id of [clientB.id, "not-a-uuid", "00000000-0000-0000-0000-000000000000"]) {
      const foreign = await call(clientRoute.GET, `/api/v1/clients/${id}`, { key: keyA, params: { id } });
      expect(foreign.status, id).toBe(404);
      expect(foreign.json).toEqual({ error: { code: "not_found", message: "Not found." } });
    }
    // And the other way round: org B's key does not see org A's client.
    const reverse = await call(clientRoute.GET, `/api/v1/clients/${clientA.id}`, { key: keyB, params: { id: clientA.id } });
    expect(reverse.status).toBe(404);
  });

  it("answers 401 without a key, with an unknown key and with a revoked key", async () => {
    const none = await call(clientRoutes.GET, "/api/v1/clients");
    expect(none.status).toBe(401);
    expect(none.headers.get("www-authenticate")).toContain("Bearer");
    expect(none.json.error.code).toBe("unauthorized");

    const unknown = await call(clientRoutes.GET, "/api/v1/clients", { key: "i24_" + "x".repeat(40) });
    expect(unknown.status).toBe(401);
    expect(unknown.json.error.message).toBe("The API key is unknown or has been revoked.");

    const { key, apiKey } = await createApiKey(orgA.ctx, { name: "Short-lived" });
    expect((await call(clientRoutes.GET, "/api/v1/clients", { key })).status).toBe(200);
    await revokeApiKey(orgA.ctx, apiKey.id);
    const revoked = await call(clientRoute.GET, `/api/v1/clients/${clientA.id}`, { key, params: { id: clientA.id } });
    expect(revoked.status).toBe(401);
    expect(revoked.json.error.code).toBe("unauthorized");
  });

  it("creates a client (201), audited as done by the key", async () => {
    const before = await clientCount(orgA.org.id);
    const { status, json } = await call(clientRoutes.POST, "/api/v1/clients", {
      key: keyA,
      method: "POST",
      body: { name: "Delta LLC", timeZone: "Asia/Yekaterinburg", baseCurrency: "usd", goLiveDate: null },
    });
    expect(status).toBe(201);
    expect(json.client).toMatchObject({ name: "Delta LLC", timeZone: "Asia/Yekaterinburg", baseCurrency: "USD", goLiveDate: null, status: "active" });
    expect(await clientCount(orgA.org.id)).toBe(before + 1);
    const [entry] = await db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.orgId, orgA.org.id), eq(auditLog.action, "client.created"), eq(auditLog.targetId, json.client.id)));
    expect(entry.actorType).toBe("api_key");
  });

  it("rejects invalid clients with 422 field errors and a taken name with 409, creating nothing", async () => {
    const before = await clientCount(orgA.org.id);
    const invalid = await call(clientRoutes.POST, "/api/v1/clients", {
      key: keyA,
      method: "POST",
      body: { name: "", timeZone: "Mars/Olympus", baseCurrency: "roubles", goLiveDate: "2024-13-45", status: "archived" },
    });
    expect(invalid.status).toBe(422);
    expect(invalid.json.error.fields).toEqual({
      name: "This field is required.",
      timeZone: "Choose a valid time zone.",
      baseCurrency: "Enter a three-letter currency code, such as RUB or USD.",
      goLiveDate: "Enter a date as YYYY-MM-DD.",
      status: "Choose one of the options.",
    });
    const missing = await call(clientRoutes.POST, "/api/v1/clients", { key: keyA, method: "POST" });
    expect(missing.status).toBe(422);
    expect(missing.json.error.fields).toEqual({ name: "This field is required." });

    const taken = await call(clientRoutes.POST, "/api/v1/clients", { key: keyA, method: "POST", body: { name: "alpha trading" } });
    expect(taken.status).toBe(409);
    expect(taken.json.error).toEqual({
      code: "conflict",
      message: "A client with this name already exists.",
      fields: { name: "A client with this name already exists." },
    });

    for (const rawBody of ["{not json", "[1,2]", '"name"']) {
      const bad = await call(clientRoutes.POST, "/api/v1/clients", { key: keyA, method: "POST", rawBody });
      expect(bad.status, rawBody).toBe(400);
      expect(bad.json.error.code).toBe("bad_request");
    }
    expect(await clientCount(orgA.org.id)).toBe(before);
  });

  it("refuses writes by read-only keys (403) and by sessions without a key (401)", async () => {
    const before = await clientCount(orgA.org.id);
    const readOnly = await call(clientRoutes.POST, "/api/v1/clients", { key: readKeyA, method: "POST", body: { name: "Epsilon" } });
    expect(readOnly.status).toBe(403);
    expect(readOnly.json.error).toEqual({
      code: "forbidden",
      message: "This API key may only read. Use a key with the read and write scope.",
    });
    // The same key reads fine.
    expect((await call(clientRoutes.GET, "/api/v1/clients", { key: readKeyA })).status).toBe(200);
    const cookieOnly = await call(clientRoutes.POST, "/api/v1/clients", {
      method: "POST",
      body: { name: "Epsilon" },
      headers: { cookie: "authjs.session-token=whatever" },
    });
    expect(cookieOnly.status).toBe(401);
    expect(await clientCount(orgA.org.id)).toBe(before);
  });

  it("never leaks internals: an unexpected failure is a bare 500", async () => {
    const original = apiRuntime.getDb;
    apiRuntime.getDb = async () => {
      throw new Error("connection refused at 10.0.0.5:5432");
    };
    const errors: unknown[] = [];
    const log = console.error;
    console.error = (...args: unknown[]) => errors.push(args);
    try {
      const { status, json } = await call(clientRoutes.GET, "/api/v1/clients", { key: keyA });
      expect(status).toBe(500);
      expect(json).toEqual({ error: { code: "internal", message: "Something went wrong on our side. Please try again." } });
    } finally {
      apiRuntime.getDb = original;
      console.error = log;
    }
    expect(errors).toHaveLength(1);
  });

  it("limits each key's requests per minute (429 with Retry-After), without touching other keys", async () => {
    const previous = process.env.API_KEY_REQUESTS_PER_MINUTE;
    process.env.API_KEY_REQUESTS_PER_MINUTE = "3";
    try {
      const busy = (await createApiKey(orgA.ctx, { name: "busy script" })).key;
      for (let i = 0; i < 3; i++) expect((await call(clientRoutes.GET, "/api/v1/clients", { key: busy })).status).toBe(200);
      const before = await clientCount(orgA.ctx.orgId);
      const refused = await call(clientRoutes.POST, "/api/v1/clients", { key: busy, method: "POST", body: { name: "Over the limit" } });
      expect(refused.status).toBe(429);
      expect(refused.json.error).toMatchObject({ code: "rate_limited", message: expect.stringContaining("at most 3 a minute") });
      expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
      expect(await clientCount(orgA.ctx.orgId)).toBe(before);
      const ru = await call(clientRoutes.GET, "/api/v1/clients", { key: busy, headers: { "accept-language": "ru" } });
      expect(ru.json.error.message).toContain("не больше 3 в минуту");
      // Another key of the same org is not slowed down.
      expect((await call(clientRoutes.GET, "/api/v1/clients", { key: readKeyA })).status).toBe(200);
    } finally {
      if (previous === undefined) delete process.env.API_KEY_REQUESTS_PER_MINUTE;
      else process.env.API_KEY_REQUESTS_PER_MINUTE = previous;
    }
  });
});

describe(`public API v1: connect links (${testDbKind})`, () => {
  let database: Database;
  let db: Database["db"];
  beforeAll(async () => {
    database = await createTestDatabase();
    db = database.db;
    apiRuntime.getDb = async () => db;
  });
  afterAll(async () => {
    await database?.close();
  });

  it("creates a one-time link for the key's own client only", async () => {
    const a = await makeOrg(db, "A");
    const b = await makeOrg(db, "B");
    const key = (await createApiKey(a.ctx, { name: "A" })).key;
    const readKey = (await createApiKey(a.ctx, { name: "A read", scope: "read" })).key;
    const clientA = await createClient(a.ctx, { name: "Alpha" });
    const clientB = await createClient(b.ctx, { name: "Beta" });
    const linkCount = async () => (await db.select().from(connectLinks)).length;

    const created = await call(connectLinkRoute.POST, `/api/v1/clients/${clientA.id}/connect-links`, {
      key,
      method: "POST",
      params: { id: clientA.id },
      body: { expiresInDays: 3 },
    });
    expect(created.status).toBe(201);
    const link = created.json.connectLink;
    expectDocumented(link, "ConnectLink");
    expect(link).toEqual({ id: expect.any(String), clientId: clientA.id, url: expect.stringMatching(/\/connect\/[\w-]{20,}$/), expiresAt: expect.stringMatching(/Z$/) });
    const days = (Date.parse(link.expiresAt) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(2.99);
    expect(days).toBeLessThanOrEqual(3);
    const [row] = await db.select().from(connectLinks).where(eq(connectLinks.id, link.id));
    const token = link.url.split("/connect/")[1];
    expect(row.tokenHash).not.toBe(token);
    expect(row.orgId).toBe(a.org.id);

    // Defaults to a week without a body.
    const plain = await call(connectLinkRoute.POST, `/api/v1/clients/${clientA.id}/connect-links`, { key, method: "POST", params: { id: clientA.id } });
    expect(plain.status).toBe(201);
    expect(Math.round((Date.parse(plain.json.connectLink.expiresAt) - Date.now()) / 86_400_000)).toBe(7);

    const before = await linkCount();
    const foreign = await call(connectLinkRoute.POST, `/api/v1/clients/${clientB.id}/connect-links`, { key, method: "POST", params: { id: clientB.id } });
    expect(foreign.status).toBe(404);
    for (const expiresInDays of [0, 31, 1.5, "7"]) {
      const invalid = await call(connectLinkRoute.POST, `/api/v1/clients/${clientA.id}/connect-links`, {
        key,
        method: "POST",
        params: { id: clientA.id },
        body: { expiresInDays },
      });
      expect(invalid.status, String(expiresInDays)).toBe(422);
      expect(Object.keys(invalid.json.error.fields)).toEqual(["expiresInDays"]);
    }
    const readOnly = await call(connectLinkRoute.POST, `/api/v1/clients/${clientA.id}/connect-links`, { key: readKey, method: "POST", params: { id: clientA.id } });
    expect(readOnly.status).toBe(403);
    expect(await linkCount()).toBe(before);
  });
});

describe(`public API v1: syncs (${testDbKind})`, () => {
  let database: Database;
  let db: Database["db"];
  beforeAll(async () => {
    database = await createTestDatabase();
    db = database.db;
    apiRuntime.getDb = async () => db;
  });
  afterAll(async () => {
    await database?.close();
  });

  const runsOf = async (orgId: string) => db.select().from(syncRuns).where(eq(syncRuns.orgId, orgId));

  it("starts a sync of the key's own client's portal (202), joins a waiting run, and reports progress", async () => {
    const a = await makeOrg(db, "A");
    const b = await makeOrg(db, "B");
    const key = (await createApiKey(a.ctx, { name: "A" })).key;
    const keyB = (await createApiKey(b.ctx, { name: "B" })).key;
    const readKey = (await createApiKey(a.ctx, { name: "read", scope: "read" })).key;
    const { clientId, connectionId } = await makePortalConnection(db, { orgId: a.org.id, domain: "acme.bitrix24.test" });
    const path = `/api/v1/clients/${clientId}/syncs`;
    const params = { id: clientId };

    const idle = await call(syncRoute.GET, path, { key, params });
    expect(idle.status).toBe(200);
    expect(idle.json).toEqual({
      connection: { id: connectionId, domain: "acme.bitrix24.test", status: "connected", statusReason: null, connectedAt: null, lastSyncedAt: null },
      current: null,
      recent: [],
    });

    // Org B's key and a read-only key start nothing.
    expect((await call(syncRoute.POST, path, { key: keyB, method: "POST", params })).status).toBe(404);
    expect((await call(syncRoute.GET, path, { key: keyB, params })).status).toBe(404);
    expect((await call(syncRoute.POST, path, { key: readKey, method: "POST", params })).status).toBe(403);
    const invalid = await call(syncRoute.POST, path, { key, method: "POST", params, body: { kind: "everything" } });
    expect(invalid.status).toBe(422);
    expect(invalid.json.error.fields).toEqual({ kind: "Choose “incremental” or “full”." });
    expect(await runsOf(a.org.id)).toEqual([]);

    const started = await call(syncRoute.POST, path, { key, method: "POST", params });
    expect(started.status).toBe(202);
    expect(started.json).toEqual({
      created: true,
      run: {
        id: expect.any(String),
        kind: "incremental",
        status: "queued",
        reason: "api",
        queuedAt: expect.stringMatching(/Z$/),
        startedAt: null,
        finishedAt: null,
        attempts: 0,
        error: null,
        entities: [],
      },
    });
    const joined = await call(syncRoute.POST, path, { key, method: "POST", params, body: { kind: "full" } });
    expect(joined.status).toBe(202);
    expect(joined.json.created).toBe(false);
    expect(joined.json.run).toMatchObject({ id: started.json.run.id, kind: "full", status: "queued" });
    expect(await runsOf(a.org.id)).toHaveLength(1);
    const audit = await db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.orgId, a.org.id), eq(auditLog.action, "sync.requested")));
    expect(audit.map((entry) => entry.actorType)).toEqual(["api_key", "api_key"]);

    // A worker picks the run up and reports progress; an older run finished earlier.
    const runId = started.json.run.id;
    await db.update(syncRuns).set({ status: "running", startedAt: new Date("2030-01-01T10:00:00Z"), attempts: 1 }).where(eq(syncRuns.id, runId));
    await db.insert(syncProgress).values([
      { orgId: a.org.id, runId, entity: "lead", status: "done", rowsFetched: 300, rowsTotal: 300, requests: 1, startedAt: new Date("2030-01-01T10:00:01Z"), finishedAt: new Date("2030-01-01T10:00:02Z") },
      { orgId: a.org.id, runId, entity: "deal", status: "running", phase: "backfill", rowsFetched: 100, rowsTotal: 4000, requests: 2, rate: 50, etaSeconds: 78, startedAt: new Date("2030-01-01T10:00:03Z") },
      { orgId: a.org.id, runId, entity: "activity", status: "pending" },
    ]);
    const [old] = await db
      .insert(syncRuns)
      .values({
        orgId: a.org.id,
        connectionId,
        kind: "full",
        status: "failed",
        reason: "connected",
        queuedAt: new Date("2029-12-31T09:00:00Z"),
        startedAt: new Date("2029-12-31T09:00:01Z"),
        finishedAt: new Date("2029-12-31T09:05:00Z"),
        attempts: 2,
        errorCode: "PAYMENT_REQUIRED",
        error: "The portal's plan has ended.",
      })
      .returning();

    const status = await call(syncRoute.GET, `${path}?limit=5`, { key: readKey, params });
    expect(status.status).toBe(200);
    expectDocumented(status.json, "SyncStatus");
    expectDocumented(status.json.connection, "Connection");
    expectDocumented(status.json.current, "SyncRun");
    expectDocumented(status.json.current.entities[0], "SyncEntity");
    expect(status.json.current).toMatchObject({ id: runId, status: "running", kind: "full", attempts: 1, startedAt: "2030-01-01T10:00:00.000Z" });
    expect(status.json.current.entities.map((e: { entity: string }) => e.entity)).toEqual(["lead", "deal", "activity"]);
    expect(status.json.current.entities[1]).toEqual({
      entity: "deal",
      status: "running",
      phase: "backfill",
      rowsFetched: 100,
      rowsTotal: 4000,
      rowsDeleted: 0,
      requests: 2,
      rate: 50,
      etaSeconds: 78,
      startedAt: "2030-01-01T10:00:03.000Z",
      finishedAt: null,
      error: null,
    });
    expect(status.json.recent).toEqual([
      expect.objectContaining({ id: old.id, status: "failed", error: { code: "PAYMENT_REQUIRED", message: "The portal's plan has ended." }, entities: [] }),
    ]);
    expect((await call(syncRoute.GET, `${path}?limit=0`, { key, params })).status).toBe(422);
  });

  it("refuses to start a sync without a connected portal (409)", async () => {
    const a = await makeOrg(db, "A");
    const key = (await createApiKey(a.ctx, { name: "A" })).key;
    const bare = await createClient(a.ctx, { name: "No portal yet" });
    const status = await call(syncRoute.GET, `/api/v1/clients/${bare.id}/syncs`, { key, params: { id: bare.id } });
    expect(status.json).toEqual({ connection: null, current: null, recent: [] });
    const noPortal = await call(syncRoute.POST, `/api/v1/clients/${bare.id}/syncs`, { key, method: "POST", params: { id: bare.id } });
    expect(noPortal.status).toBe(409);
    expect(noPortal.json.error.message).toBe("The client has no connected Bitrix24 portal yet. Connect it first.");

    const { clientId, connectionId } = await makePortalConnection(db, { orgId: a.org.id });
    await db.update(portalConnections).set({ status: "needs_reauth" }).where(eq(portalConnections.id, connectionId));
    const reauth = await call(syncRoute.POST, `/api/v1/clients/${clientId}/syncs`, { key, method: "POST", params: { id: clientId } });
    expect(reauth.status).toBe(409);
    expect(reauth.json.error.message).toContain("not connected");
    expect(await runsOf(a.org.id)).toEqual([]);
  });
});

describe(`public API v1: metric history (${testDbKind})`, () => {
  let database: Database;
  let db: Database["db"];
  let key: string;
  let keyB: string;
  let clientId: string;
  beforeAll(async () => {
    database = await createTestDatabase();
    db = database.db;
    apiRuntime.getDb = async () => db;
    const a = await makeOrg(db, "A");
    const b = await makeOrg(db, "B");
    key = (await createApiKey(a.ctx, { name: "A", scope: "read" })).key;
    keyB = (await createApiKey(b.ctx, { name: "B" })).key;
    clientId = (await createClient(a.ctx, { name: "Alpha", baseCurrency: "EUR" })).id;
    const clientB = await createClient(b.ctx, { name: "Beta" });
    const snapshot = (metric: string, month: string, value: number | null, numerator: number | null = null, denominator: number | null = null) => ({
      orgId: a.org.id,
      clientId,
      metric,
      month,
      value,
      numerator,
      denominator,
      definitionVersion: 1,
    });
    await db.insert(metricSnapshots).values([
      snapshot("avg_deal_size", "2024-02-01", 150000, 3000000, 20),
      snapshot("lead_conversion", "2024-03-01", 14.1, 31, 220),
      snapshot("lead_conversion", "2024-01-01", 12.5, 25, 200),
      snapshot("lead_conversion", "2024-02-01", null, 0, 0),
      snapshot("response_time", "2024-01-01", 42),
      snapshot("sales_cycle", "2023-12-01", 18.5, 370, 20),
      { ...snapshot("lead_conversion", "2024-01-01", 99, 99, 100), orgId: b.org.id, clientId: clientB.id },
    ]);
  });
  afterAll(async () => {
    await database?.close();
  });

  const history = (query: string, options: { key?: string; headers?: Record<string, string> } = {}) =>
    call(metricsRoute.GET, `/api/v1/clients/${clientId}/metrics${query}`, { key: options.key ?? key, params: { id: clientId }, headers: options.headers });

  it("returns the stored months by metric, then month, with units from the definitions", async () => {
    const { status, json } = await history("");
    expect(status).toBe(200);
    expectDocumented(json, "MetricHistory");
    for (const row of json.metrics) expectDocumented(row, "MetricPoint");
    expect(json).toEqual({
      clientId,
      currency: "EUR",
      from: null,
      to: null,
      metrics: [
        { key: "lead_conversion", period: "2024-01", value: 12.5, numerator: 25, denominator: 200, unit: "percent" },
        { key: "lead_conversion", period: "2024-02", value: null, numerator: 0, denominator: 0, unit: "percent" },
        { key: "lead_conversion", period: "2024-03", value: 14.1, numerator: 31, denominator: 220, unit: "percent" },
        { key: "response_time", period: "2024-01", value: 42, numerator: null, denominator: null, unit: "minutes" },
        { key: "sales_cycle", period: "2023-12", value: 18.5, numerator: 370, denominator: 20, unit: "days" },
        { key: "avg_deal_size", period: "2024-02", value: 150000, numerator: 3000000, denominator: 20, unit: "money" },
      ],
    });
  });

  it("filters by range (both ends included) and by metric", async () => {
    const ranged = await history("?from=2024-01&to=2024-02");
    expect(ranged.json.from).toBe("2024-01");
    expect(ranged.json.metrics.map((m: { key: string; period: string }) => `${m.key}@${m.period}`)).toEqual([
      "lead_conversion@2024-01",
      "lead_conversion@2024-02",
      "response_time@2024-01",
      "avg_deal_size@2024-02",
    ]);
    const one = await history("?metric=avg_deal_size,lead_conversion&from=2024-02");
    expect(one.json.metrics.map((m: { key: string; period: string }) => `${m.key}@${m.period}`)).toEqual([
      "lead_conversion@2024-02",
      "lead_conversion@2024-03",
      "avg_deal_size@2024-02",
    ]);
    expect((await history("?from=2030-01")).json.metrics).toEqual([]);
  });

  it("answers 422 for bad months, a reversed range and unknown metrics", async () => {
    const bad = await history("?from=2024-13&to=March");
    expect(bad.status).toBe(422);
    expect(bad.json.error.fields).toEqual({ from: "Enter a month as YYYY-MM.", to: "Enter a month as YYYY-MM." });
    const reversed = await history("?from=2024-05&to=2024-01");
    expect(reversed.status).toBe(422);
    expect(reversed.json.error.fields).toEqual({ from: "“from” must not be later than “to”." });
    const unknown = await history("?metric=lead_conversion,nps");
    expect(unknown.status).toBe(422);
    expect(Object.keys(unknown.json.error.fields)).toEqual(["metric"]);
    const ru = await history("?from=2024-1", { headers: { "accept-language": "ru" } });
    expect(ru.json.error.fields.from).toMatch(/[а-я]/);
  });

  it("answers 404 to another org's key and to ids that are not this org's clients", async () => {
    const foreign = await history("", { key: keyB });
    expect(foreign.status).toBe(404);
    expect(foreign.json).toEqual({ error: { code: "not_found", message: "Not found." } });
    for (const id of ["nope", "00000000-0000-0000-0000-000000000000"]) {
      const response = await call(metricsRoute.GET, `/api/v1/clients/${id}/metrics`, { key, params: { id } });
      expect(response.status).toBe(404);
    }
  });
});
