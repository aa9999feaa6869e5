import { and, eq } from "drizzle-orm";
import type { Db } from "@/db";
import { auditLog, memberships, orgs, users, type Role } from "@/db/schema";
import { loadUserTenantContext, type TenantContext } from "../tenant";

/**
 * Fixtures for service tests: users and orgs written straight to the database (no bcrypt, so tests stay fast),
 * and tenant contexts built the way requests build them.
 */
let counter = 0;

export async function makeUser(db: Db, label = "user") {
  counter += 1;
  const [user] = await db
    .insert(users)
    .values({ email: `${label}-${counter}-${Date.now()}@example.test`, name: `${label} ${counter}`, passwordHash: "x" })
    .returning();
  return user;
}

/** An org with an owner; returns the owner's context. */
export async function makeOrg(db: Db, name = "Org") {
  const owner = await makeUser(db, "owner");
  const [org] = await db.insert(orgs).values({ name }).returning();
  await db.insert(memberships).values({ orgId: org.id, userId: owner.id, role: "owner" });
  await db.update(users).set({ activeOrgId: org.id }).where(eq(users.id, owner.id));
  return { org, owner, ctx: await loadUserTenantContext(db, owner.id, org.id) };
}

/** Adds a new user to an org with a role and returns their context. */
export async function addMember(db: Db, orgId: string, role: Role, clientId: string | null = null, label: string = role) {
  const user = await makeUser(db, label);
  await db.insert(memberships).values({ orgId, userId: user.id, role, clientId });
  return { user, ctx: await loadUserTenantContext(db, user.id, orgId) };
}

/** Everything a test asserts "nothing changed" against: the org's memberships and audit entries. */
export async function snapshot(db: Db, ctx: TenantContext) {
  const members = await db
    .select({ userId: memberships.userId, role: memberships.role, clientId: memberships.clientId })
    .from(memberships)
    .where(eq(memberships.orgId, ctx.orgId));
  const audit = await db.select({ id: auditLog.id }).from(auditLog).where(eq(auditLog.orgId, ctx.orgId));
  return {
    members: members.sort((a, b) => a.userId.localeCompare(b.userId)),
    auditCount: audit.length,
  };
}

/** The org's audit actions, oldest first. */
export async function auditActions(db: Db, orgId: string, action?: string) {
  const rows = await db
    .select({ action: auditLog.action, details: auditLog.details, targetId: auditLog.targetId, actorId: auditLog.actorId, createdAt: auditLog.createdAt })
    .from(auditLog)
    .where(action ? and(eq(auditLog.orgId, orgId), eq(auditLog.action, action)) : eq(auditLog.orgId, orgId))
    .orderBy(auditLog.createdAt);
  return rows;
}
