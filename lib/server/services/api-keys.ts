import crypto from "node:crypto";
import { and, desc, eq, isNull, sql } from "drizzle-orm";
import { z } from "zod";
import { API_KEY_SCOPES, apiKeys, users } from "@/db/schema";
import { requiredText } from "@/lib/validation";
import { recordAudit } from "../audit-log";
import { AppError } from "../errors";
import { isUuid } from "../ids";
import { parseInput } from "../parse-input";
import { assertCan } from "../permissions";
import { hashToken } from "../tokens";
import type { TenantContext } from "../tenant";

/**
 * Org API keys: `i24_` followed by 40 base62 characters (about 238 random bits). Letters and digits only, so a
 * double click selects the whole key and no URL or header needs escaping it.
 */
export const API_KEY_PREFIX = "i24_";
export const API_KEY_PATTERN = /^i24_[0-9A-Za-z]{40}$/;
const BODY_LENGTH = 40;
/** How much of a key lists show: the marker and 8 characters, enough to tell keys apart, useless to an attacker. */
const DISPLAY_LENGTH = API_KEY_PREFIX.length + 8;
const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

export const apiKeyInput = z.object({
  name: requiredText(100),
  scope: z.enum(API_KEY_SCOPES, { error: "choice" }).default("write"),
});
export type ApiKeyInput = z.input<typeof apiKeyInput>;

/** A new random key. Bytes ≥ 248 are skipped so every base62 character is equally likely. */
export function generateApiKey(): string {
  let body = "";
  while (body.length < BODY_LENGTH) {
    for (const byte of crypto.randomBytes(BODY_LENGTH)) {
      if (byte < 248 && body.length < BODY_LENGTH) body += BASE62[byte % 62];
    }
  }
  return API_KEY_PREFIX + body;
}

/** What lists and the API show of a key: never its hash. */
const publicColumns = {
  id: apiKeys.id,
  name: apiKeys.name,
  prefix: apiKeys.prefix,
  scope: apiKeys.scope,
  createdAt: apiKeys.createdAt,
  lastUsedAt: apiKeys.lastUsedAt,
  revokedAt: apiKeys.revokedAt,
};

export type ApiKeySummary = Awaited<ReturnType<typeof listApiKeys>>[number];

/**
 * Creates a key for the context's org (owners and admins). The plaintext key is returned here and only here: the
 * database keeps its hash, so it cannot be shown again.
 */
export async function createApiKey(ctx: TenantContext, input: ApiKeyInput) {
  assertCan(ctx, "org.manage");
  const data = parseInput(apiKeyInput, input);
  const key = generateApiKey();
  return ctx.db.transaction(async (tx) => {
    const [apiKey] = await tx
      .insert(apiKeys)
      .values({
        orgId: ctx.orgId,
        name: data.name,
        scope: data.scope,
        prefix: key.slice(0, DISPLAY_LENGTH),
        keyHash: hashToken(key),
        createdBy: ctx.actor.type === "user" ? ctx.actor.id : null,
      })
      .returning(publicColumns);
    await recordAudit(tx, ctx, "api_key.created", { type: "api_key", id: apiKey.id }, {
      name: apiKey.name,
      prefix: apiKey.prefix,
      scope: apiKey.scope,
    });
    return { apiKey, key };
  });
}

/** The org's keys, newest first, with who created them; revoked keys stay listed (greyed out) for the record. */
export async function listApiKeys(ctx: TenantContext) {
  assertCan(ctx, "org.manage");
  return ctx.db
    .select({ ...publicColumns, createdByName: users.name })
    .from(apiKeys)
    .leftJoin(users, eq(users.id, apiKeys.createdBy))
    .where(eq(apiKeys.orgId, ctx.orgId))
    .orderBy(desc(apiKeys.createdAt), desc(apiKeys.id));
}

/** A key of the context's org; `not_found` otherwise. */
export async function getApiKeyInOrg(ctx: TenantContext, id: string) {
  assertCan(ctx, "org.manage");
  if (!isUuid(id)) throw new AppError("not_found");
  const [apiKey] = await ctx.db
    .select(publicColumns)
    .from(apiKeys)
    .where(and(eq(apiKeys.orgId, ctx.orgId), eq(apiKeys.id, id)))
    .limit(1);
  if (!apiKey) throw new AppError("not_found");
  return apiKey;
}

/** Revokes a key at once: its next request gets 401. Revoking twice is a no-op (and audited once). */
export async function revokeApiKey(ctx: TenantContext, id: string) {
  const before = await getApiKeyInOrg(ctx, id);
  if (before.revokedAt) return before;
  return ctx.db.transaction(async (tx) => {
    // The `revoked_at is null` guard makes two concurrent revocations record one audit entry.
    const [apiKey] = await tx
      .update(apiKeys)
      .set({ revokedAt: new Date() })
      .where(and(eq(apiKeys.orgId, ctx.orgId), eq(apiKeys.id, id), isNull(apiKeys.revokedAt)))
      .returning(publicColumns);
    if (!apiKey) return before;
    await recordAudit(tx, ctx, "api_key.revoked", { type: "api_key", id }, { name: apiKey.name, prefix: apiKey.prefix });
    return apiKey;
  });
}

/** last_used_at is written at most this often per key. */
export const LAST_USED_RESOLUTION_MS = 60_000;

/**
 * Finds the active key a request presents, across all orgs (the key is what tells us the org, so this lookup cannot
 * be tenant-filtered). Returns null for malformed, unknown and revoked keys alike, so a caller learns nothing about
 * which it was. Marks the key used, at most once a minute.
 */
export async function unsafeFindActiveApiKey(db: TenantContext["db"], key: string, now = new Date()) {
  if (!API_KEY_PATTERN.test(key)) return null;
  const [found] = await db
    .select({ orgId: apiKeys.orgId, id: apiKeys.id, scope: apiKeys.scope, lastUsedAt: apiKeys.lastUsedAt })
    .from(apiKeys)
    .where(and(eq(apiKeys.keyHash, hashToken(key)), isNull(apiKeys.revokedAt)))
    .limit(1);
  if (!found) return null;
  if (!found.lastUsedAt || now.getTime() - found.lastUsedAt.getTime() >= LAST_USED_RESOLUTION_MS) {
    // Conditional, so concurrent requests of one key do not all write.
    await db
      .update(apiKeys)
      .set({ lastUsedAt: now })
      .where(
        and(
          eq(apiKeys.orgId, found.orgId),
          eq(apiKeys.id, found.id),
          sql`(${apiKeys.lastUsedAt} is null or ${apiKeys.lastUsedAt} <= ${new Date(now.getTime() - LAST_USED_RESOLUTION_MS).toISOString()}::timestamptz)`,
        ),
      );
  }
  return { orgId: found.orgId, id: found.id, scope: found.scope };
}
