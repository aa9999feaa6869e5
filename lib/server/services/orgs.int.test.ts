import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { createTestDatabase, testDbKind } from "@/db/testing";
import type { Database } from "@/db";
import { memberships, orgs, users } from "@/db/schema";
import { createOrg, getCurrentOrg, listUserOrgs, renameOrg, switchActiveOrg } from "./orgs";
import { addMember, auditActions, makeOrg, makeUser } from "./test-helpers";

describe(`orgs (${testDbKind})`, () => {
  let database: Database;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database?.close();
  });

  it("creates another org owned by the user and makes it active", async () => {
    const { owner, org: first } = await makeOrg(database.db, "First");
    const second = await createOrg(database.db, owner.id, { name: "  Second  " });
    expect(second.name).toBe("Second");
    const [user] = await database.db.select().from(users).where(eq(users.id, owner.id));
    expect(user.activeOrgId).toBe(second.id);
    expect((await listUserOrgs(database.db, owner.id)).map((o) => [o.name, o.role])).toEqual([
      ["First", "owner"],
      ["Second", "owner"],
    ]);
    expect((await auditActions(database.db, second.id)).map((a) => a.action)).toEqual(["org.created"]);
    await switchActiveOrg(database.db, owner.id, first.id);
    const [after] = await database.db.select().from(users).where(eq(users.id, owner.id));
    expect(after.activeOrgId).toBe(first.id);
  });

  it("refuses an empty org name and creates nothing", async () => {
    const user = await makeUser(database.db);
    const before = (await database.db.select().from(orgs)).length;
    await expect(createOrg(database.db, user.id, { name: "   " })).rejects.toMatchObject({ code: "validation", fields: { name: "required" } });
    expect((await database.db.select().from(orgs)).length).toBe(before);
    expect(await database.db.select().from(memberships).where(eq(memberships.userId, user.id))).toHaveLength(0);
  });

  it("does not switch to an org the user is not a member of", async () => {
    const { owner } = await makeOrg(database.db, "Mine");
    const { org: foreign } = await makeOrg(database.db, "Foreign");
    await expect(switchActiveOrg(database.db, owner.id, foreign.id)).rejects.toMatchObject({ code: "not_found" });
  });

  it("lets owners and admins rename the org, with an audit entry", async () => {
    const { ctx, org } = await makeOrg(database.db, "Old name");
    const admin = await addMember(database.db, org.id, "admin");
    await renameOrg(ctx, { name: "New name" });
    await renameOrg(admin.ctx, { name: "Newer name" });
    expect((await getCurrentOrg(ctx)).name).toBe("Newer name");
    const renames = await auditActions(database.db, org.id, "org.renamed");
    expect(renames.map((r) => r.details)).toEqual([
      { from: "Old name", to: "New name" },
      { from: "New name", to: "Newer name" },
    ]);
  });

  it("refuses renaming to analysts, sales and client viewers, changing nothing", async () => {
    const { org } = await makeOrg(database.db, "Stable");
    for (const role of ["analyst", "sales"] as const) {
      const member = await addMember(database.db, org.id, role);
      await expect(renameOrg(member.ctx, { name: "Hijacked" })).rejects.toMatchObject({ code: "forbidden" });
    }
    const [row] = await database.db.select().from(orgs).where(eq(orgs.id, org.id));
    expect(row.name).toBe("Stable");
    expect(await auditActions(database.db, org.id, "org.renamed")).toHaveLength(0);
  });
});
