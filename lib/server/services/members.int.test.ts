import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { desc, eq } from "drizzle-orm";
import { createTestDatabase, testDbKind } from "@/db/testing";
import type { Database } from "@/db";
import { clients, emails, invitations, users } from "@/db/schema";
import { loadUserTenantContext } from "../tenant";
import {
  INVITATION_TTL_MS,
  acceptInvitation,
  changeMemberRole,
  describeInvitation,
  inviteMember,
  leaveOrg,
  listInvitations,
  listMembers,
  removeMember,
  resendInvitation,
  revokeInvitation,
} from "./members";
import { addMember, auditActions, makeOrg, makeUser, snapshot } from "./test-helpers";

vi.hoisted(() => {
  // Mail must land in the outbox table the tests read.
  delete process.env.SMTP_URL;
});

describe(`members and invitations (${testDbKind})`, () => {
  let database: Database;
  let db: Database["db"];
  beforeAll(async () => {
    database = await createTestDatabase();
    db = database.db;
  });
  afterAll(async () => {
    await database?.close();
  });

  const latestMailTo = async (to: string) =>
    (await db.select().from(emails).where(eq(emails.to, to)).orderBy(desc(emails.createdAt)).limit(1))[0];

  describe("inviting and accepting", () => {
    it("invites by e-mail, mails a working link in the inviter's language, and the invitee joins once", async () => {
      const { ctx, org } = await makeOrg(db, "Acme");
      const { invitation, token } = await inviteMember(ctx, { email: " New@Example.test ", role: "analyst" }, { locale: "ru" });
      expect(invitation.email).toBe("new@example.test");
      expect(invitation.tokenHash).not.toContain(token);
      expect(invitation.expiresAt.getTime() - invitation.createdAt.getTime()).toBe(INVITATION_TTL_MS);

      const mail = await latestMailTo("new@example.test");
      expect(mail.text).toContain(`/invite/${token}`);
      expect(mail.subject).toContain("Acme");
      expect(mail.text).toContain("«Аналитик»");

      expect(await describeInvitation(db, token)).toMatchObject({ orgName: "Acme", role: "analyst", state: "valid" });
      expect((await listInvitations(ctx)).map((i) => i.email)).toEqual(["new@example.test"]);

      const invitee = await makeUser(db, "invitee");
      const result = await acceptInvitation(db, token, invitee.id);
      expect(result).toEqual({ orgId: org.id, role: "analyst", alreadyMember: false });
      const inviteeCtx = await loadUserTenantContext(db, invitee.id);
      expect(inviteeCtx).toMatchObject({ orgId: org.id, role: "analyst", clientScope: null });
      const [user] = await db.select().from(users).where(eq(users.id, invitee.id));
      expect(user.activeOrgId).toBe(org.id);
      expect(await listInvitations(ctx)).toHaveLength(0);
      expect((await auditActions(db, org.id)).map((a) => a.action)).toEqual(["invitation.created", "member.joined"]);
      const [joined] = await auditActions(db, org.id, "member.joined");
      expect(joined.details).toMatchObject({ invitedEmail: "new@example.test", accountEmail: invitee.email });

      // Reused: gone, nothing changes.
      const other = await makeUser(db, "other");
      const before = await snapshot(db, ctx);
      await expect(acceptInvitation(db, token, other.id)).rejects.toMatchObject({ code: "gone", messageKey: "invitationUsed" });
      expect(await snapshot(db, ctx)).toEqual(before);
      expect(await describeInvitation(db, token)).toMatchObject({ state: "accepted" });
    });

    it("refuses an expired invitation and changes nothing", async () => {
      const { ctx } = await makeOrg(db);
      const sent = new Date("2026-03-01T12:00:00Z");
      const { token } = await inviteMember(ctx, { email: "late@example.test", role: "sales" }, { locale: "en", now: sent });
      const later = new Date(sent.getTime() + INVITATION_TTL_MS + 1);
      const invitee = await makeUser(db);
      const before = await snapshot(db, ctx);
      await expect(acceptInvitation(db, token, invitee.id, later)).rejects.toMatchObject({
        code: "gone",
        messageKey: "invitationExpired",
      });
      expect(await snapshot(db, ctx)).toEqual(before);
      expect(await describeInvitation(db, token, later)).toMatchObject({ state: "expired" });
      expect((await listInvitations(ctx, later))[0]).toMatchObject({ email: "late@example.test", expired: true });
    });

    it("refuses a revoked invitation and an unknown token, changing nothing", async () => {
      const { ctx } = await makeOrg(db);
      const { token, invitation } = await inviteMember(ctx, { email: "gone@example.test", role: "analyst" }, { locale: "en" });
      await revokeInvitation(ctx, invitation.id);
      const invitee = await makeUser(db);
      const before = await snapshot(db, ctx);
      await expect(acceptInvitation(db, token, invitee.id)).rejects.toMatchObject({ code: "gone", messageKey: "invitationRevoked" });
      await expect(acceptInvitation(db, "not-a-token", invitee.id)).rejects.toMatchObject({
        code: "not_found",
        messageKey: "invitationUnknown",
      });
      expect(await snapshot(db, ctx)).toEqual(before);
      expect(await describeInvitation(db, "not-a-token")).toBeNull();
      expect(await listInvitations(ctx)).toHaveLength(0);
    });

    it("resends with a fresh link: the old one stops working", async () => {
      const { ctx, org } = await makeOrg(db);
      const first = await inviteMember(ctx, { email: "again@example.test", role: "analyst" }, { locale: "en" });
      const second = await resendInvitation(ctx, first.invitation.id, { locale: "en" });
      expect(second.token).not.toBe(first.token);
      expect((await latestMailTo("again@example.test")).text).toContain(`/invite/${second.token}`);
      const invitee = await makeUser(db);
      await expect(acceptInvitation(db, first.token, invitee.id)).rejects.toMatchObject({ code: "not_found" });
      await acceptInvitation(db, second.token, invitee.id);
      expect((await listMembers(ctx)).map((m) => m.userId)).toContain(invitee.id);
      expect((await auditActions(db, org.id)).map((a) => a.action)).toEqual([
        "invitation.created",
        "invitation.resent",
        "member.joined",
      ]);
    });

    it("replaces a pending invitation to the same address", async () => {
      const { ctx } = await makeOrg(db);
      const first = await inviteMember(ctx, { email: "twice@example.test", role: "sales" }, { locale: "en" });
      await inviteMember(ctx, { email: "TWICE@example.test", role: "analyst" }, { locale: "en" });
      expect((await listInvitations(ctx)).map((i) => i.role)).toEqual(["analyst"]);
      expect(await describeInvitation(db, first.token)).toMatchObject({ state: "revoked" });
    });

    it("refuses to invite an existing member", async () => {
      const { ctx, org } = await makeOrg(db);
      const member = await addMember(db, org.id, "analyst");
      const before = await snapshot(db, ctx);
      await expect(
        inviteMember(ctx, { email: member.user.email.toUpperCase(), role: "sales" }, { locale: "en" }),
      ).rejects.toMatchObject({ code: "conflict", fields: { email: "alreadyMember" } });
      expect(await snapshot(db, ctx)).toEqual(before);
    });

    it("lets a member who accepts keep their role", async () => {
      const { ctx, org } = await makeOrg(db);
      const invitee = await makeUser(db);
      const { token } = await inviteMember(ctx, { email: invitee.email, role: "sales" }, { locale: "en" });
      // They joined by another invitation (another address) in the meantime.
      const { token: other } = await inviteMember(ctx, { email: "alias@example.test", role: "admin" }, { locale: "en" });
      await acceptInvitation(db, other, invitee.id);
      expect(await acceptInvitation(db, token, invitee.id)).toEqual({ orgId: org.id, role: "admin", alreadyMember: true });
      expect((await loadUserTenantContext(db, invitee.id, org.id)).role).toBe("admin");
    });

    it("scopes a client viewer to one client of the org, and requires one", async () => {
      const { ctx, org } = await makeOrg(db);
      const { ctx: otherCtx } = await makeOrg(db, "Other");
      const [client] = await db.insert(clients).values({ orgId: org.id, name: "Client A" }).returning();
      const [foreignClient] = await db.insert(clients).values({ orgId: otherCtx.orgId, name: "Foreign" }).returning();
      const before = await snapshot(db, ctx);
      await expect(inviteMember(ctx, { email: "cv@example.test", role: "client_viewer" }, { locale: "en" })).rejects.toMatchObject({
        code: "validation",
        fields: { clientId: "clientRequired" },
      });
      await expect(
        inviteMember(ctx, { email: "cv@example.test", role: "client_viewer", clientId: foreignClient.id }, { locale: "en" }),
      ).rejects.toMatchObject({ code: "validation", fields: { clientId: "clientRequired" } });
      expect(await snapshot(db, ctx)).toEqual(before);

      const { token } = await inviteMember(ctx, { email: "cv@example.test", role: "client_viewer", clientId: client.id }, { locale: "en" });
      expect(await describeInvitation(db, token)).toMatchObject({ clientName: "Client A" });
      const viewer = await makeUser(db);
      await acceptInvitation(db, token, viewer.id);
      expect(await loadUserTenantContext(db, viewer.id, org.id)).toMatchObject({ role: "client_viewer", clientScope: client.id });
    });

    it("drops the client of a role that does not need one", async () => {
      const { ctx, org } = await makeOrg(db);
      const [client] = await db.insert(clients).values({ orgId: org.id, name: "C" }).returning();
      const { invitation } = await inviteMember(ctx, { email: "a@example.test", role: "analyst", clientId: client.id }, { locale: "en" });
      expect(invitation.clientId).toBeNull();
    });
  });

  describe("roles, removal and leaving", () => {
    it("changes a member's role and records it", async () => {
      const { ctx, org } = await makeOrg(db);
      const member = await addMember(db, org.id, "sales");
      await changeMemberRole(ctx, member.user.id, { role: "analyst" });
      expect((await loadUserTenantContext(db, member.user.id, org.id)).role).toBe("analyst");
      const [entry] = await auditActions(db, org.id, "member.role_changed");
      expect(entry).toMatchObject({ targetId: member.user.id, details: { from: "sales", to: "analyst" } });
      // The same role again is not a change.
      await changeMemberRole(ctx, member.user.id, { role: "analyst" });
      expect(await auditActions(db, org.id, "member.role_changed")).toHaveLength(1);
    });

    it("never leaves an org without an owner", async () => {
      const { ctx, org, owner } = await makeOrg(db);
      const before = await snapshot(db, ctx);
      await expect(changeMemberRole(ctx, owner.id, { role: "admin" })).rejects.toMatchObject({ code: "conflict", messageKey: "lastOwner" });
      await expect(leaveOrg(ctx)).rejects.toMatchObject({ code: "conflict", messageKey: "lastOwnerLeave" });
      await expect(removeMember(ctx, owner.id)).rejects.toMatchObject({ code: "conflict", messageKey: "lastOwnerLeave" });
      expect(await snapshot(db, ctx)).toEqual(before);

      // With a second owner, either may step down.
      const second = await addMember(db, org.id, "owner");
      await changeMemberRole(ctx, owner.id, { role: "admin" });
      const secondBefore = await snapshot(db, second.ctx);
      await expect(changeMemberRole(second.ctx, second.user.id, { role: "analyst" })).rejects.toMatchObject({
        messageKey: "lastOwner",
      });
      expect(await snapshot(db, second.ctx)).toEqual(secondBefore);
    });

    it("serialises concurrent demotions so one owner always remains", async () => {
      const { ctx, org, owner } = await makeOrg(db);
      const second = await addMember(db, org.id, "owner");
      const results = await Promise.allSettled([
        changeMemberRole(ctx, second.user.id, { role: "admin" }),
        changeMemberRole(second.ctx, owner.id, { role: "admin" }),
      ]);
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
      const owners = (await listMembers(ctx)).filter((m) => m.role === "owner");
      expect(owners).toHaveLength(1);
    });

    it("lets admins manage members but not owners", async () => {
      const { ctx, org, owner } = await makeOrg(db);
      const admin = await addMember(db, org.id, "admin");
      const analyst = await addMember(db, org.id, "analyst");
      const before = await snapshot(db, ctx);
      const ownerOnly = { code: "forbidden", messageKey: "ownerOnly" };
      await expect(changeMemberRole(admin.ctx, owner.id, { role: "analyst" })).rejects.toMatchObject(ownerOnly);
      await expect(changeMemberRole(admin.ctx, analyst.user.id, { role: "owner" })).rejects.toMatchObject(ownerOnly);
      await expect(changeMemberRole(admin.ctx, admin.user.id, { role: "owner" })).rejects.toMatchObject(ownerOnly);
      await expect(removeMember(admin.ctx, owner.id)).rejects.toMatchObject(ownerOnly);
      await expect(inviteMember(admin.ctx, { email: "boss@example.test", role: "owner" }, { locale: "en" })).rejects.toMatchObject(ownerOnly);
      expect(await snapshot(db, ctx)).toEqual(before);

      await changeMemberRole(admin.ctx, analyst.user.id, { role: "sales" });
      await removeMember(admin.ctx, analyst.user.id);
      expect((await listMembers(ctx)).map((m) => m.role)).toEqual(["owner", "admin"]);
    });

    it("removes a member, who then falls back to another org", async () => {
      const { ctx, org } = await makeOrg(db);
      const member = await addMember(db, org.id, "analyst");
      const { org: elsewhere } = await makeOrg(db, "Elsewhere");
      await db.insert((await import("@/db/schema")).memberships).values({ orgId: elsewhere.id, userId: member.user.id, role: "sales" });
      await db.update(users).set({ activeOrgId: org.id }).where(eq(users.id, member.user.id));
      await removeMember(ctx, member.user.id);
      await expect(loadUserTenantContext(db, member.user.id, org.id)).rejects.toMatchObject({ code: "not_found" });
      const [user] = await db.select().from(users).where(eq(users.id, member.user.id));
      expect(user.activeOrgId).toBe(elsewhere.id);
      expect(await auditActions(db, org.id, "member.removed")).toHaveLength(1);
    });

    it("lets any member leave", async () => {
      const { ctx, org } = await makeOrg(db);
      const viewerClient = (await db.insert(clients).values({ orgId: org.id, name: "V" }).returning())[0];
      const viewer = await addMember(db, org.id, "client_viewer", viewerClient.id);
      await leaveOrg(viewer.ctx);
      const [user] = await db.select().from(users).where(eq(users.id, viewer.user.id));
      expect(user.activeOrgId).toBeNull();
      expect((await listMembers(ctx)).map((m) => m.userId)).not.toContain(viewer.user.id);
      expect(await auditActions(db, org.id, "member.left")).toHaveLength(1);
    });

    it("refuses member management to analysts, sales and client viewers, changing nothing", async () => {
      const { ctx, org, owner } = await makeOrg(db);
      const [client] = await db.insert(clients).values({ orgId: org.id, name: "C" }).returning();
      const target = await addMember(db, org.id, "sales");
      const { invitation } = await inviteMember(ctx, { email: "p@example.test", role: "analyst" }, { locale: "en" });
      const before = await snapshot(db, ctx);
      const mailsBefore = (await db.select().from(emails)).length;
      for (const role of ["analyst", "sales", "client_viewer"] as const) {
        const { ctx: weak } = await addMember(db, org.id, role, role === "client_viewer" ? client.id : null);
        const forbidden = { code: "forbidden" };
        await expect(inviteMember(weak, { email: "x@example.test", role: "admin" }, { locale: "en" })).rejects.toMatchObject(forbidden);
        await expect(changeMemberRole(weak, target.user.id, { role: "admin" })).rejects.toMatchObject(forbidden);
        await expect(changeMemberRole(weak, weak.actor.id!, { role: "owner" })).rejects.toMatchObject(forbidden);
        await expect(removeMember(weak, owner.id)).rejects.toMatchObject(forbidden);
        await expect(revokeInvitation(weak, invitation.id)).rejects.toMatchObject(forbidden);
        await expect(resendInvitation(weak, invitation.id, { locale: "en" })).rejects.toMatchObject(forbidden);
        await expect(listInvitations(weak)).rejects.toMatchObject(forbidden);
      }
      const after = await snapshot(db, ctx);
      // Only the three new weak members were added; nothing else moved.
      expect(after.auditCount).toBe(before.auditCount);
      expect(after.members.filter((m) => before.members.some((b) => b.userId === m.userId))).toEqual(before.members);
      expect((await db.select().from(emails)).length).toBe(mailsBefore);
      expect(await listInvitations(ctx)).toHaveLength(1);
    });

    it("hides the member list from client viewers", async () => {
      const { org } = await makeOrg(db);
      const [client] = await db.insert(clients).values({ orgId: org.id, name: "C" }).returning();
      const viewer = await addMember(db, org.id, "client_viewer", client.id);
      await expect(listMembers(viewer.ctx)).rejects.toMatchObject({ code: "forbidden" });
    });
  });

  describe("tenant isolation", () => {
    it("treats another org's members and invitations as not found, changing nothing", async () => {
      const a = await makeOrg(db, "A");
      const b = await makeOrg(db, "B");
      const bMember = await addMember(db, b.org.id, "analyst");
      const [bClient] = await db.insert(clients).values({ orgId: b.org.id, name: "B client" }).returning();
      const { invitation: bInvitation } = await inviteMember(b.ctx, { email: "b@example.test", role: "sales" }, { locale: "en" });
      const beforeA = await snapshot(db, a.ctx);
      const beforeB = await snapshot(db, b.ctx);
      const notFound = { code: "not_found" };
      await expect(changeMemberRole(a.ctx, bMember.user.id, { role: "admin" })).rejects.toMatchObject(notFound);
      await expect(changeMemberRole(a.ctx, b.owner.id, { role: "admin" })).rejects.toMatchObject(notFound);
      await expect(removeMember(a.ctx, bMember.user.id)).rejects.toMatchObject(notFound);
      await expect(revokeInvitation(a.ctx, bInvitation.id)).rejects.toMatchObject(notFound);
      await expect(resendInvitation(a.ctx, bInvitation.id, { locale: "en" })).rejects.toMatchObject(notFound);
      await expect(changeMemberRole(a.ctx, "not-a-uuid", { role: "admin" })).rejects.toMatchObject(notFound);
      await expect(revokeInvitation(a.ctx, "not-a-uuid")).rejects.toMatchObject(notFound);
      await expect(
        inviteMember(a.ctx, { email: "c@example.test", role: "client_viewer", clientId: bClient.id }, { locale: "en" }),
      ).rejects.toMatchObject({ code: "validation" });
      expect(await snapshot(db, a.ctx)).toEqual(beforeA);
      expect(await snapshot(db, b.ctx)).toEqual(beforeB);
      const [stillPending] = await db.select().from(invitations).where(eq(invitations.id, bInvitation.id));
      expect(stillPending.revokedAt).toBeNull();
      expect((await listMembers(a.ctx)).map((m) => m.userId)).toEqual([a.owner.id]);
    });
  });
});
