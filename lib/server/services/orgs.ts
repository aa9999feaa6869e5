import { asc, eq, sql } from "drizzle-orm";
import { z } from "zod";
import { queryRows, type Db, type Tx } from "@/db";
import { memberships, orgs, users } from "@/db/schema";
import { requiredText } from "@/lib/validation";
import { recordAudit } from "../audit-log";
import { AppError } from "../errors";
import { parseInput } from "../parse-input";
import { assertCan } from "../permissions";
import type { TenantContext } from "../tenant";

export const orgInput = z.object({ name: requiredText(100) });
export type OrgInput = z.input<typeof orgInput>;

/** The orgs a user belongs to, with their role in each. */
export async function listUserOrgs(db: Db, userId: string) {
  return db
    .select({ id: orgs.id, name: orgs.name, role: memberships.role })
    .from(memberships)
    .innerJoin(orgs, eq(orgs.id, memberships.orgId))
    .where(eq(memberships.userId, userId))
    .orderBy(asc(orgs.name));
}

/** Makes `orgId` the user's active org; not_found unless they are a member. */
export async function switchActiveOrg(db: Db, userId: string, orgId: string) {
  const mine = await listUserOrgs(db, userId);
  if (!mine.some((org) => org.id === orgId)) throw new AppError("not_found");
  await db.update(users).set({ activeOrgId: orgId }).where(eq(users.id, userId));
}

/** Creates an org owned by `userId` and makes it their active org (the user lands in it). */
export async function createOrg(db: Db, userId: string, input: OrgInput) {
  const data = parseInput(orgInput, input);
  return db.transaction(async (tx) => {
    const [org] = await tx.insert(orgs).values({ name: data.name }).returning();
    await tx.insert(memberships).values({ orgId: org.id, userId, role: "owner" });
    await tx.update(users).set({ activeOrgId: org.id, updatedAt: new Date() }).where(eq(users.id, userId));
    await recordAudit(tx, { orgId: org.id, actor: { type: "user", id: userId } }, "org.created", { type: "org", id: org.id }, { name: data.name });
    return org;
  });
}

/** The context's org. */
export async function getCurrentOrg(ctx: TenantContext) {
  const [org] = await ctx.db.select().from(orgs).where(eq(orgs.id, ctx.orgId)).limit(1);
  if (!org) throw new AppError("not_found");
  return org;
}

/** Renames the context's org (owners and admins). */
export async function renameOrg(ctx: TenantContext, input: OrgInput) {
  assertCan(ctx, "org.manage");
  const data = parseInput(orgInput, input);
  return ctx.db.transaction(async (tx) => {
    const [before] = await lockOrg(tx, ctx.orgId);
    if (!before) throw new AppError("not_found");
    if (before.name === data.name) return before;
    const [org] = await tx.update(orgs).set({ name: data.name }).where(eq(orgs.id, ctx.orgId)).returning();
    await recordAudit(tx, ctx, "org.renamed", { type: "org", id: ctx.orgId }, { from: before.name, to: data.name });
    return org;
  });
}

/**
 * Locks the org's row until the transaction ends. Changes to an org's membership take this lock first, so two
 * owners demoting each other at once cannot both pass the "last owner" check.
 */
export function lockOrg(tx: Tx, orgId: string) {
  return tx.select({ id: orgs.id, name: orgs.name }).from(orgs).where(eq(orgs.id, orgId)).for("update");
}

/**
 * Every org with its member and client counts, oldest first. Crosses tenants, so it is for the operator CLI only,
 * never for a request.
 */
export async function unsafeListAllOrgs(db: Db) {
  const rows = await queryRows<{ id: string; name: string; created_at: string | Date; members: number | string; clients: number | string }>(
    db,
    sql`select o.id, o.name, o.created_at,
          (select count(*) from memberships m where m.org_id = o.id) as members,
          (select count(*) from clients c where c.org_id = o.id) as clients
        from orgs o
        order by o.created_at, o.id`,
  );
  return rows.map((row) => ({
    id: row.id,
    name: row.name,
    createdAt: new Date(row.created_at),
    members: Number(row.members),
    clients: Number(row.clients),
  }));
}
