import { asc, eq } from "drizzle-orm";
import type { Db } from "@/db";
import { memberships, orgs, users } from "@/db/schema";
import { AppError } from "../errors";

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
