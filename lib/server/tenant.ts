import { and, asc, eq } from "drizzle-orm";
import type { Db } from "@/db";
import { memberships, orgs, type Role } from "@/db/schema";
import { AppError } from "./errors";
import type { Actor } from "./audit-log";

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

/** The context of background jobs acting for one org. */
export function systemContext(db: Db, orgId: string, job?: string): TenantContext {
  return { orgId, role: "owner", actor: { type: "system", id: job }, db, clientScope: null };
}

/** Throws not_found when a client viewer asks for a client other than theirs. */
export function assertClientVisible(ctx: TenantContext, clientId: string): void {
  if (ctx.clientScope && ctx.clientScope !== clientId) throw new AppError("not_found");
}
