import crypto from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { createTestDatabase, testDbKind } from "@/db/testing";
import type { Database } from "@/db";
import { apiKeys } from "@/db/schema";
import { isAppError } from "../errors";
import { loadApiKeyTenantContext, resolveRequestTenantContext } from "../tenant";
import {
  API_KEY_PATTERN,
  LAST_USED_RESOLUTION_MS,
  createApiKey,
  generateApiKey,
  listApiKeys,
  revokeApiKey,
} from "./api-keys";
import { addMember, auditActions, makeOrg, snapshot } from "./test-helpers";

const codeOf = async (promise: Promise<unknown>) => {
  try {
    await promise;
    return "ok";
  } catch (error) {
    if (isAppError(error)) return error.code;
    throw error;
  }
};

describe(`API keys (${testDbKind})`, () => {
  let database: Database;
  let db: Database["db"];
  beforeAll(async () => {
    database = await createTestDatabase();
    db = database.db;
  });
  afterAll(async () => {
    await database?.close();
  });

  it("generates i24_ keys of 40 base62 characters, each different", () => {
    const keys = new Set(Array.from({ length: 200 }, generateApiKey));
    expect(keys.size).toBe(200);
    for (const key of keys) expect(key).toMatch(API_KEY_PATTERN);
  });

  it("shows a new key once and stores only its hash and a short prefix", async () => {
    const { ctx, owner } = await makeOrg(db, "Keys");
    const { key, apiKey } = await createApiKey(ctx, { name: "  Reporting  " });
    expect(key).toMatch(API_KEY_PATTERN);
    expect(apiKey).toMatchObject({ name: "Reporting", scope: "write", prefix: key.slice(0, 12), revokedAt: null });
    expect(apiKey).not.toHaveProperty("keyHash");

    const [row] = await db.select().from(apiKeys).where(eq(apiKeys.id, apiKey.id));
    expect(row.keyHash).toBe(crypto.createHash("sha256").update(key).digest("hex"));
    expect(row.createdBy).toBe(owner.id);
    expect(JSON.stringify(row)).not.toContain(key.slice(12));

    const listed = await listApiKeys(ctx);
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ id: apiKey.id, prefix: key.slice(0, 12), createdByName: owner.name });
    expect(JSON.stringify(listed)).not.toContain(key.slice(12));

    const audit = await auditActions(db, ctx.orgId, "api_key.created");
    expect(audit).toHaveLength(1);
    expect(audit[0].details).toEqual({ name: "Reporting", prefix: apiKey.prefix, scope: "write" });
    expect(JSON.stringify(audit)).not.toContain(key.slice(12));
  });

  it("resolves a key to its org with the analyst role, and a revoked key to unauthorized", async () => {
    const { ctx } = await makeOrg(db);
    const { key, apiKey } = await createApiKey(ctx, { name: "CI", scope: "read" });
    const keyCtx = await loadApiKeyTenantContext(db, key);
    expect(keyCtx).toMatchObject({
      orgId: ctx.orgId,
      role: "analyst",
      actor: { type: "api_key", id: apiKey.id },
      clientScope: null,
      scope: "read",
    });

    const revoked = await revokeApiKey(ctx, apiKey.id);
    expect(revoked.revokedAt).toBeInstanceOf(Date);
    expect(await codeOf(loadApiKeyTenantContext(db, key))).toBe("unauthorized");
    // Revoking again changes nothing and is not audited twice.
    await revokeApiKey(ctx, apiKey.id);
    expect(await auditActions(db, ctx.orgId, "api_key.revoked")).toHaveLength(1);
  });

  it("refuses malformed, unknown and look-alike keys the same way", async () => {
    const { ctx } = await makeOrg(db);
    const { key } = await createApiKey(ctx, { name: "Real" });
    const lookAlike = key.slice(0, -1) + (key.endsWith("a") ? "b" : "a");
    for (const candidate of ["", "i24_", "Bearer", `${key} `, key.toLowerCase() === key ? "x" : key.toLowerCase(), lookAlike, generateApiKey()]) {
      expect(await codeOf(loadApiKeyTenantContext(db, candidate)), candidate).toBe("unauthorized");
    }
  });

  it("reads keys from the Authorization header only in the Bearer form", async () => {
    const { ctx } = await makeOrg(db);
    const { key } = await createApiKey(ctx, { name: "Header" });
    const request = (authorization?: string) =>
      new Request("http://localhost/api/v1/clients", { headers: authorization ? { authorization } : {} });
    expect((await resolveRequestTenantContext(request(`Bearer ${key}`), { db })).orgId).toBe(ctx.orgId);
    expect((await resolveRequestTenantContext(request(`bearer   ${key}`), { db })).orgId).toBe(ctx.orgId);
    expect(await codeOf(resolveRequestTenantContext(request(`Basic ${key}`), { db }))).toBe("unauthorized");
    expect(await codeOf(resolveRequestTenantContext(request(key), { db }))).toBe("unauthorized");
    expect(await codeOf(resolveRequestTenantContext(request(), { db }))).toBe("unauthorized");
    // No cookie: the session is not even asked.
    let asked = false;
    const session = async () => {
      asked = true;
      return ctx;
    };
    expect(await codeOf(resolveRequestTenantContext(request(), { db, session }))).toBe("unauthorized");
    expect(asked).toBe(false);
    const withCookie = new Request("http://localhost/api/v1/clients", { headers: { cookie: "a=b" } });
    expect(await resolveRequestTenantContext(withCookie, { db, session })).toBe(ctx);
  });

  it("records last use at most once a minute", async () => {
    const { ctx } = await makeOrg(db);
    const { key, apiKey } = await createApiKey(ctx, { name: "Busy" });
    const lastUsed = async () => (await db.select().from(apiKeys).where(eq(apiKeys.id, apiKey.id)))[0].lastUsedAt;
    expect(await lastUsed()).toBeNull();
    const t0 = new Date("2030-01-01T10:00:00Z");
    await loadApiKeyTenantContext(db, key, t0);
    expect((await lastUsed())?.toISOString()).toBe(t0.toISOString());
    await loadApiKeyTenantContext(db, key, new Date(t0.getTime() + LAST_USED_RESOLUTION_MS / 2));
    expect((await lastUsed())?.toISOString()).toBe(t0.toISOString());
    const t1 = new Date(t0.getTime() + LAST_USED_RESOLUTION_MS + 1000);
    await loadApiKeyTenantContext(db, key, t1);
    expect((await lastUsed())?.toISOString()).toBe(t1.toISOString());
  });

  it("lets only owners and admins manage keys, and changes nothing when refused", async () => {
    const { ctx, org } = await makeOrg(db);
    const { apiKey } = await createApiKey(ctx, { name: "Owned" });
    const { ctx: admin } = await addMember(db, org.id, "admin");
    expect((await createApiKey(admin, { name: "By admin" })).key).toMatch(API_KEY_PATTERN);
    const before = await snapshot(db, ctx);
    const countKeys = async () => (await db.select().from(apiKeys).where(eq(apiKeys.orgId, org.id))).length;
    const keysBefore = await countKeys();
    for (const role of ["analyst", "sales"] as const) {
      const { ctx: member } = await addMember(db, org.id, role);
      expect(await codeOf(createApiKey(member, { name: "Nope" }))).toBe("forbidden");
      expect(await codeOf(listApiKeys(member))).toBe("forbidden");
      expect(await codeOf(revokeApiKey(member, apiKey.id))).toBe("forbidden");
    }
    // A key itself acts as an analyst: it cannot mint more keys.
    const keyCtx = await loadApiKeyTenantContext(db, (await createApiKey(ctx, { name: "Self" })).key);
    expect(await codeOf(createApiKey(keyCtx, { name: "Child" }))).toBe("forbidden");
    expect(await countKeys()).toBe(keysBefore + 1);
    expect((await snapshot(db, ctx)).members.length).toBe(before.members.length + 2);
    expect((await listApiKeys(ctx)).find((k) => k.id === apiKey.id)?.revokedAt).toBeNull();
  });

  it("rejects invalid input with field errors and writes nothing", async () => {
    const { ctx } = await makeOrg(db);
    const before = await snapshot(db, ctx);
    for (const [input, field, key] of [
      [{ name: "   " }, "name", "required"],
      [{ name: "x".repeat(101) }, "name", "tooLong"],
      [{ name: "ok", scope: "admin" }, "scope", "choice"],
    ] as const) {
      try {
        await createApiKey(ctx, input as never);
        expect.unreachable();
      } catch (error) {
        expect(isAppError(error) && error.code).toBe("validation");
        expect(isAppError(error) && error.fields?.[field]).toBe(key);
      }
    }
    expect(await listApiKeys(ctx)).toEqual([]);
    expect(await snapshot(db, ctx)).toEqual(before);
  });

  it("keeps each org's keys to itself", async () => {
    const a = await makeOrg(db, "A");
    const b = await makeOrg(db, "B");
    const { apiKey: keyA } = await createApiKey(a.ctx, { name: "A's" });
    const { key: keyB, apiKey: keyBRow } = await createApiKey(b.ctx, { name: "B's" });
    expect((await listApiKeys(b.ctx)).map((k) => k.id)).toEqual([keyBRow.id]);
    expect(await codeOf(revokeApiKey(b.ctx, keyA.id))).toBe("not_found");
    expect(await codeOf(revokeApiKey(b.ctx, "not-a-uuid"))).toBe("not_found");
    expect((await listApiKeys(a.ctx))[0].revokedAt).toBeNull();
    expect((await loadApiKeyTenantContext(db, keyB)).orgId).toBe(b.org.id);
  });
});
