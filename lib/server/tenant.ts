import { and, asc, eq } from "drizzle-orm";
import type { Db } from "@/db";
import { memberships, orgs, type ApiKeyScope, type Role } from "@/db/schema";
import { AppError } from "./errors";
import type { Actor } from "./audit-log";
import { unsafeFindActiveApiKey } from "./services/api-keys";

/**
 * What every service receives: the org it acts in, the caller's role there, who the caller is, and the database.
 * Services filter every read and write by `orgId`; writes check `role`. Client viewers carry `clientScope`.
 */
export interface TenantContext {
  orgId: string;
  role: Role;
  actor: Actor;
  db: Db;
  /** Set for client viewers: the one client they may see. */
  clientScope: string | null;
}

/**
 * Builds the context of a user in an org (their active org when `orgId` is absent, else their first membership).
 * A user who is not a member gets `not_found`, never a hint that the org exists.
 */
export async function loadUserTenantContext(db: Db, userId: string, orgId?: string | null): Promise<TenantContext> {
  const rows = await db
    .select({ orgId: memberships.orgId, role: memberships.role, clientId: memberships.clientId })
    .from(memberships)
    .innerJoin(orgs, eq(orgs.id, memberships.orgId))
    .where(orgId ? and(eq(memberships.userId, userId), eq(memberships.orgId, orgId)) : eq(memberships.userId, userId))
    .orderBy(asc(memberships.createdAt))
    .limit(1);
  const membership = rows[0];
  if (!membership) throw new AppError("not_found");
  return {
    orgId: membership.orgId,
    role: membership.role,
    actor: { type: "user", id: userId },
    db,
    clientScope: membership.role === "client_viewer" ? membership.clientId : null,
  };
}

/** A context built from an API key: the key's org, the analyst role, and the key's scope. */
export interface ApiKeyTenantContext extends TenantContext {
  actor: { type: "api_key"; id: string };
  /** `read` keys may only read; the API wrapper refuses their writes. */
  scope: ApiKeyScope;
}

/**
 * Builds the context of a request that presents an org API key. Keys act with the analyst role (read the org,
 * write clients, connect links and syncs; no settings or members). Malformed, unknown and revoked keys all give
 * `unauthorized`.
 */
export async function loadApiKeyTenantContext(db: Db, key: string, now?: Date): Promise<ApiKeyTenantContext> {
  const apiKey = await unsafeFindActiveApiKey(db, key, now);
  if (!apiKey) throw new AppError("unauthorized", { messageKey: "apiKeyInvalid" });
  return {
    orgId: apiKey.orgId,
    role: "analyst",
    actor: { type: "api_key", id: apiKey.id },
    db,
    clientScope: null,
    scope: apiKey.scope,
  };
}

/**
 * Turns a route-handler request into a context: `Authorization: Bearer i24_…` gives the key's context; without that
 * header, the signed-in session when the route allows it (`session`, called only when the request carries cookies).
 * Anything else is `unauthorized`, whatever went wrong, so callers learn nothing about other orgs or keys.
 */
export async function resolveRequestTenantContext(
  request: Request,
  options: { db: Db; session?: (() => Promise<TenantContext>) | null; now?: Date },
): Promise<TenantContext | ApiKeyTenantContext> {
  const authorization = request.headers.get("authorization");
  if (authorization !== null) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (!match) throw new AppError("unauthorized", { messageKey: "apiKeyInvalid" });
    return loadApiKeyTenantContext(options.db, match[1], options.now);
  }
  if (options.session && request.headers.get("cookie")) {
    try {
      return await options.session();
    } catch (error) {
      if (error instanceof AppError) throw new AppError("unauthorized", { messageKey: "apiKeyMissing" });
      throw error;
    }
  }
  throw new AppError("unauthorized", { messageKey: "apiKeyMissing" });
}

/** The context of background jobs acting for one org. */
export function systemContext(db: Db, orgId: string, job?: string): TenantContext {
  return { orgId, role: "owner", actor: { type: "system", id: job }, db, clientScope: null };
}

/** Throws not_found when a client viewer asks for a client other than theirs. */
export function assertClientVisible(ctx: TenantContext, clientId: string): void {
  if (ctx.clientScope && ctx.clientScope !== clientId) throw new AppError("not_found");
}
