import { and, desc, eq, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { auditLog, users } from "@/db/schema";
import { assertCan } from "../permissions";
import type { TenantContext } from "../tenant";

export const AUDIT_PAGE_SIZE = 50;

const targetUsers = alias(users, "target_users");

/**
 * The org's audit trail, newest first, one page at a time, with the names of the acting user and of the user
 * acted on where there are such users. Owners and admins only.
 */
export async function listAuditEntries(ctx: TenantContext, options: { offset?: number; limit?: number } = {}) {
  assertCan(ctx, "audit.read");
  const limit = Math.min(Math.max(options.limit ?? AUDIT_PAGE_SIZE, 1), 200);
  const rows = await ctx.db
    .select({
      id: auditLog.id,
      action: auditLog.action,
      actorType: auditLog.actorType,
      actorId: auditLog.actorId,
      actorName: users.name,
      actorEmail: users.email,
      targetType: auditLog.targetType,
      targetId: auditLog.targetId,
      targetUserName: targetUsers.name,
      details: auditLog.details,
      createdAt: auditLog.createdAt,
    })
    .from(auditLog)
    // actor_id is text (it also holds API key ids and job names), so compare as text.
    .leftJoin(users, and(eq(auditLog.actorType, "user"), eq(sql`${users.id}::text`, auditLog.actorId)))
    .leftJoin(targetUsers, and(eq(auditLog.targetType, "user"), eq(sql`${targetUsers.id}::text`, auditLog.targetId)))
    .where(eq(auditLog.orgId, ctx.orgId))
    .orderBy(desc(auditLog.createdAt), desc(auditLog.id))
    .limit(limit + 1)
    .offset(Math.max(options.offset ?? 0, 0));
  return { entries: rows.slice(0, limit), hasMore: rows.length > limit };
}
