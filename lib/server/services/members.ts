import { and, asc, count, desc, eq, gt, isNull, ne, sql } from "drizzle-orm";
import { z } from "zod";
import type { Db, Tx } from "@/db";
import { clients, invitations, memberships, orgs, ROLES, users, type Locale, type Role } from "@/db/schema";
import { getTranslator } from "@/lib/i18n/messages";
import { emailAddress } from "@/lib/validation";
import { recordAudit } from "../audit-log";
import { AppError } from "../errors";
import { isUuid } from "../ids";
import { appUrl, composeMail, sendMail } from "../mail";
import { parseInput } from "../parse-input";
import { assertCan } from "../permissions";
import { hashToken, newToken } from "../tokens";
import type { TenantContext } from "../tenant";
import { lockOrg } from "./orgs";

/** Invitation links live a week and work once. */
export const INVITATION_TTL_MS = 7 * 24 * 60 * 60 * 1000;

/** Roles in the order lists show them: most powerful first. */
const ROLE_RANK: Record<Role, number> = { owner: 0, admin: 1, analyst: 2, sales: 3, client_viewer: 4 };

const roleAndScope = {
  role: z.enum(ROLES, { error: "choice" }),
  /** Only for client viewers: the one client they may see. Empty form values mean none. */
  clientId: z
    .string()
    .optional()
    .nullable()
    .transform((value) => value || null),
};

/** A client viewer without a client would see nothing; say so on the field. */
const requireScope = (value: { role: Role; clientId: string | null }, ctx: z.RefinementCtx) => {
  if (value.role === "client_viewer" && !value.clientId) {
    ctx.addIssue({ code: "custom", path: ["clientId"], message: "clientRequired" });
  }
};

export const inviteInput = z.object({ email: emailAddress(), ...roleAndScope }).superRefine(requireScope);
export type InviteInput = z.input<typeof inviteInput>;

export const roleChangeInput = z.object(roleAndScope).superRefine(requireScope);
export type RoleChangeInput = z.input<typeof roleChangeInput>;

/** Owners are made, unmade and invited only by owners. */
function assertMayTouchOwners(ctx: TenantContext, ...roles: Role[]) {
  if (roles.includes("owner") && ctx.role !== "owner") throw new AppError("forbidden", { messageKey: "ownerOnly" });
}

/** The client a client viewer is scoped to must be one of this org's clients; otherwise it is a field error. */
async function resolveScope(ctx: TenantContext, role: Role, clientId: string | null): Promise<string | null> {
  if (role !== "client_viewer") return null;
  if (!isUuid(clientId)) throw new AppError("validation", { fields: { clientId: "clientRequired" } });
  const [client] = await ctx.db
    .select({ id: clients.id })
    .from(clients)
    .where(and(eq(clients.orgId, ctx.orgId), eq(clients.id, clientId)))
    .limit(1);
  if (!client) throw new AppError("validation", { fields: { clientId: "clientRequired" } });
  return client.id;
}

async function countOwners(tx: Tx, orgId: string) {
  const [row] = await tx
    .select({ owners: count() })
    .from(memberships)
    .where(and(eq(memberships.orgId, orgId), eq(memberships.role, "owner")));
  return Number(row.owners);
}

/** Members see their colleagues; client viewers, who belong to the client's side, do not. */
function assertMayReadMembers(ctx: TenantContext) {
  if (ctx.role === "client_viewer") throw new AppError("forbidden");
}

/** The org's members with their roles (and, for client viewers, the client they see), owners first. */
export async function listMembers(ctx: TenantContext) {
  assertMayReadMembers(ctx);
  const rows = await ctx.db
    .select({
      userId: memberships.userId,
      name: users.name,
      email: users.email,
      role: memberships.role,
      clientId: memberships.clientId,
      clientName: clients.name,
      joinedAt: memberships.createdAt,
    })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .leftJoin(clients, and(eq(clients.orgId, memberships.orgId), eq(clients.id, memberships.clientId)))
    .where(eq(memberships.orgId, ctx.orgId))
    .orderBy(asc(sql`lower(${users.name})`));
  return rows.sort((a, b) => ROLE_RANK[a.role] - ROLE_RANK[b.role]);
}

async function getMembershipInOrg(tx: Tx | Db, orgId: string, userId: string) {
  if (!isUuid(userId)) throw new AppError("not_found");
  const [membership] = await tx
    .select()
    .from(memberships)
    .where(and(eq(memberships.orgId, orgId), eq(memberships.userId, userId)))
    .limit(1);
  if (!membership) throw new AppError("not_found");
  return membership;
}

/**
 * Changes a member's role (owners and admins; only owners make or unmake owners). The last owner cannot be
 * demoted: `conflict` with `lastOwner`, and nothing changes.
 */
export async function changeMemberRole(ctx: TenantContext, userId: string, input: RoleChangeInput) {
  assertCan(ctx, "members.manage");
  const data = parseInput(roleChangeInput, input);
  const clientId = await resolveScope(ctx, data.role, data.clientId);
  return ctx.db.transaction(async (tx) => {
    await lockOrg(tx, ctx.orgId);
    const before = await getMembershipInOrg(tx, ctx.orgId, userId);
    assertMayTouchOwners(ctx, before.role, data.role);
    if (before.role === data.role && before.clientId === clientId) return before;
    if (before.role === "owner" && data.role !== "owner" && (await countOwners(tx, ctx.orgId)) <= 1) {
      throw new AppError("conflict", { messageKey: "lastOwner" });
    }
    const [after] = await tx
      .update(memberships)
      .set({ role: data.role, clientId })
      .where(and(eq(memberships.orgId, ctx.orgId), eq(memberships.userId, userId)))
      .returning();
    await recordAudit(tx, ctx, "member.role_changed", { type: "user", id: userId }, {
      from: before.role,
      to: data.role,
      ...(clientId ? { clientId } : {}),
    });
    return after;
  });
}

/** Points a user who no longer belongs to `orgId` at another of their orgs (or none). */
async function moveActiveOrg(tx: Tx, userId: string, orgId: string) {
  const [other] = await tx
    .select({ orgId: memberships.orgId })
    .from(memberships)
    .where(and(eq(memberships.userId, userId), ne(memberships.orgId, orgId)))
    .orderBy(asc(memberships.createdAt))
    .limit(1);
  await tx
    .update(users)
    .set({ activeOrgId: other?.orgId ?? null })
    .where(and(eq(users.id, userId), eq(users.activeOrgId, orgId)));
}

/**
 * Removes a member from the org (owners and admins; only owners remove owners). Removing oneself is leaving.
 * The last owner cannot be removed.
 */
export async function removeMember(ctx: TenantContext, userId: string) {
  if (ctx.actor.type === "user" && ctx.actor.id === userId) return leaveOrg(ctx);
  assertCan(ctx, "members.manage");
  await ctx.db.transaction(async (tx) => {
    await lockOrg(tx, ctx.orgId);
    const member = await getMembershipInOrg(tx, ctx.orgId, userId);
    assertMayTouchOwners(ctx, member.role);
    if (member.role === "owner" && (await countOwners(tx, ctx.orgId)) <= 1) {
      throw new AppError("conflict", { messageKey: "lastOwner" });
    }
    await tx.delete(memberships).where(and(eq(memberships.orgId, ctx.orgId), eq(memberships.userId, userId)));
    await moveActiveOrg(tx, userId, ctx.orgId);
    await recordAudit(tx, ctx, "member.removed", { type: "user", id: userId }, { role: member.role });
  });
}

/** The signed-in user leaves the org; the last owner cannot (they must hand ownership over first). */
export async function leaveOrg(ctx: TenantContext) {
  if (ctx.actor.type !== "user") throw new AppError("forbidden");
  const userId = ctx.actor.id;
  await ctx.db.transaction(async (tx) => {
    await lockOrg(tx, ctx.orgId);
    const member = await getMembershipInOrg(tx, ctx.orgId, userId);
    if (member.role === "owner" && (await countOwners(tx, ctx.orgId)) <= 1) {
      throw new AppError("conflict", { messageKey: "lastOwnerLeave" });
    }
    await tx.delete(memberships).where(and(eq(memberships.orgId, ctx.orgId), eq(memberships.userId, userId)));
    await moveActiveOrg(tx, userId, ctx.orgId);
    await recordAudit(tx, ctx, "member.left", { type: "user", id: userId }, { role: member.role });
  });
}

const pending = (now: Date) =>
  and(isNull(invitations.acceptedAt), isNull(invitations.revokedAt), gt(invitations.expiresAt, now));

/** Invitations not yet accepted or revoked, newest first; expired ones are included (flagged) so they can be resent. */
export async function listInvitations(ctx: TenantContext, now = new Date()) {
  assertCan(ctx, "members.manage");
  const rows = await ctx.db
    .select({
      id: invitations.id,
      email: invitations.email,
      role: invitations.role,
      clientId: invitations.clientId,
      clientName: clients.name,
      expiresAt: invitations.expiresAt,
      createdAt: invitations.createdAt,
      invitedByName: users.name,
    })
    .from(invitations)
    .leftJoin(users, eq(users.id, invitations.invitedBy))
    .leftJoin(clients, and(eq(clients.orgId, invitations.orgId), eq(clients.id, invitations.clientId)))
    .where(and(eq(invitations.orgId, ctx.orgId), isNull(invitations.acceptedAt), isNull(invitations.revokedAt)))
    .orderBy(desc(invitations.createdAt));
  return rows.map((row) => ({ ...row, expired: row.expiresAt.getTime() <= now.getTime() }));
}

async function sendInvitationMail(
  ctx: TenantContext,
  invitation: { email: string; role: Role },
  token: string,
  locale: Locale,
) {
  const [org] = await ctx.db.select({ name: orgs.name }).from(orgs).where(eq(orgs.id, ctx.orgId)).limit(1);
  const [inviter] =
    ctx.actor.type === "user"
      ? await ctx.db.select({ name: users.name }).from(users).where(eq(users.id, ctx.actor.id)).limit(1)
      : [];
  const t = getTranslator(locale, "members");
  const values = { org: org.name, role: t(`roles.${invitation.role}`), inviter: inviter?.name ?? t("someone") };
  await sendMail(
    ctx.db,
    composeMail(
      invitation.email,
      t("inviteMailSubject", values),
      [t("inviteMailText", values), t("inviteMailExpiry")],
      { label: t("inviteMailAction"), url: appUrl(`/invite/${token}`) },
      t("inviteMailFooter"),
    ),
  );
}

/**
 * Invites someone by e-mail with a role (owners and admins; only owners invite owners). A pending invitation to
 * the same address is replaced, so the newest e-mail is the one that works. Returns the link's token, which is
 * e-mailed in `locale` and stored only as its hash.
 */
export async function inviteMember(ctx: TenantContext, input: InviteInput, options: { locale: Locale; now?: Date }) {
  assertCan(ctx, "members.manage");
  const data = parseInput(inviteInput, input);
  assertMayTouchOwners(ctx, data.role);
  const clientId = await resolveScope(ctx, data.role, data.clientId);
  const now = options.now ?? new Date();
  const [member] = await ctx.db
    .select({ userId: memberships.userId })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.orgId, ctx.orgId), sql`lower(${users.email}) = ${data.email}`))
    .limit(1);
  if (member) throw new AppError("conflict", { messageKey: "alreadyMember", fields: { email: "alreadyMember" } });
  const token = newToken();
  const invitation = await ctx.db.transaction(async (tx) => {
    const replaced = await tx
      .update(invitations)
      .set({ revokedAt: now })
      .where(and(eq(invitations.orgId, ctx.orgId), sql`lower(${invitations.email}) = ${data.email}`, pending(now)))
      .returning({ id: invitations.id });
    const [created] = await tx
      .insert(invitations)
      .values({
        orgId: ctx.orgId,
        email: data.email,
        role: data.role,
        clientId,
        tokenHash: hashToken(token),
        invitedBy: ctx.actor.type === "user" ? ctx.actor.id : null,
        expiresAt: new Date(now.getTime() + INVITATION_TTL_MS),
        createdAt: now,
      })
      .returning();
    await recordAudit(tx, ctx, "invitation.created", { type: "invitation", id: created.id }, {
      email: data.email,
      role: data.role,
      ...(clientId ? { clientId } : {}),
      ...(replaced.length ? { replaced: replaced.map((r) => r.id) } : {}),
    });
    return created;
  });
  // Sent after the commit: a failed delivery is reported (and recorded in the outbox) and the invitation can be
  // resent, instead of an e-mail pointing at an invitation that was rolled back.
  await sendInvitationMail(ctx, invitation, token, options.locale);
  return { invitation, token };
}

async function getOpenInvitationInOrg(tx: Tx | Db, ctx: TenantContext, id: string) {
  if (!isUuid(id)) throw new AppError("not_found");
  const [invitation] = await tx
    .select()
    .from(invitations)
    .where(
      and(eq(invitations.orgId, ctx.orgId), eq(invitations.id, id), isNull(invitations.acceptedAt), isNull(invitations.revokedAt)),
    )
    .limit(1);
  if (!invitation) throw new AppError("not_found");
  assertMayTouchOwners(ctx, invitation.role);
  return invitation;
}

/**
 * Sends a pending (or expired) invitation again with a fresh link valid for another week; the old link stops
 * working, since only the new token's hash is kept.
 */
export async function resendInvitation(ctx: TenantContext, id: string, options: { locale: Locale; now?: Date }) {
  assertCan(ctx, "members.manage");
  const now = options.now ?? new Date();
  const token = newToken();
  const invitation = await ctx.db.transaction(async (tx) => {
    await getOpenInvitationInOrg(tx, ctx, id);
    const [updated] = await tx
      .update(invitations)
      .set({ tokenHash: hashToken(token), expiresAt: new Date(now.getTime() + INVITATION_TTL_MS) })
      .where(and(eq(invitations.orgId, ctx.orgId), eq(invitations.id, id)))
      .returning();
    await recordAudit(tx, ctx, "invitation.resent", { type: "invitation", id }, { email: updated.email, role: updated.role });
    return updated;
  });
  await sendInvitationMail(ctx, invitation, token, options.locale);
  return { invitation, token };
}

/** Revokes a pending invitation: its link stops working at once. */
export async function revokeInvitation(ctx: TenantContext, id: string, now = new Date()) {
  assertCan(ctx, "members.manage");
  await ctx.db.transaction(async (tx) => {
    const invitation = await getOpenInvitationInOrg(tx, ctx, id);
    await tx
      .update(invitations)
      .set({ revokedAt: now })
      .where(and(eq(invitations.orgId, ctx.orgId), eq(invitations.id, id)));
    await recordAudit(tx, ctx, "invitation.revoked", { type: "invitation", id }, { email: invitation.email, role: invitation.role });
  });
}

export type InvitationState = "valid" | "expired" | "accepted" | "revoked";

function invitationState(invitation: { acceptedAt: Date | null; revokedAt: Date | null; expiresAt: Date }, now: Date): InvitationState {
  if (invitation.acceptedAt) return "accepted";
  if (invitation.revokedAt) return "revoked";
  if (invitation.expiresAt.getTime() <= now.getTime()) return "expired";
  return "valid";
}

/**
 * What an invitation link leads to, for the public invitation page: the org, the role and the invited address,
 * and whether it can still be accepted. `null` for a token that matches nothing. The token is the secret, so
 * whoever holds it may see this.
 */
export async function describeInvitation(db: Db, token: string, now = new Date()) {
  if (!token || token.length > 200) return null;
  const [row] = await db
    .select({
      orgId: invitations.orgId,
      orgName: orgs.name,
      email: invitations.email,
      role: invitations.role,
      clientName: clients.name,
      inviterName: users.name,
      expiresAt: invitations.expiresAt,
      acceptedAt: invitations.acceptedAt,
      revokedAt: invitations.revokedAt,
    })
    .from(invitations)
    .innerJoin(orgs, eq(orgs.id, invitations.orgId))
    .leftJoin(users, eq(users.id, invitations.invitedBy))
    .leftJoin(clients, and(eq(clients.orgId, invitations.orgId), eq(clients.id, invitations.clientId)))
    .where(eq(invitations.tokenHash, hashToken(token)))
    .limit(1);
  if (!row) return null;
  return { ...row, state: invitationState(row, now) };
}

const GONE_KEYS: Record<Exclude<InvitationState, "valid">, string> = {
  expired: "invitationExpired",
  accepted: "invitationUsed",
  revoked: "invitationRevoked",
};

/**
 * Accepts an invitation for the signed-in user: adds the membership with the invited role and makes the org their
 * active one. The link works once: claiming it is a single conditional update, so two clicks cannot both succeed.
 * An expired, used or revoked link is `gone` (unknown: `not_found`), and nothing changes.
 *
 * The account's e-mail need not match the invited address: the link is the secret (it went to that mailbox), and
 * people often read work mail on one address and sign in with another. The invitation page shows the invited
 * address so the user can tell, and the audit entry records both.
 *
 * Someone who is already a member keeps their current role; the invitation then just takes them to the org.
 */
export async function acceptInvitation(db: Db, token: string, userId: string, now = new Date()) {
  return db.transaction(async (tx) => {
    const [invitation] = await tx
      .update(invitations)
      .set({ acceptedAt: now, acceptedBy: userId })
      .where(and(eq(invitations.tokenHash, hashToken(token)), pending(now)))
      .returning();
    if (!invitation) {
      const [existing] = await tx.select().from(invitations).where(eq(invitations.tokenHash, hashToken(token))).limit(1);
      if (!existing) throw new AppError("not_found", { messageKey: "invitationUnknown" });
      const state = invitationState(existing, now);
      throw new AppError("gone", { messageKey: GONE_KEYS[state === "valid" ? "accepted" : state] });
    }
    await lockOrg(tx, invitation.orgId);
    const [user] = await tx.select({ email: users.email }).from(users).where(eq(users.id, userId)).limit(1);
    if (!user) throw new AppError("unauthorized");
    const [existing] = await tx
      .select({ role: memberships.role })
      .from(memberships)
      .where(and(eq(memberships.orgId, invitation.orgId), eq(memberships.userId, userId)))
      .limit(1);
    if (!existing) {
      await tx
        .insert(memberships)
        .values({ orgId: invitation.orgId, userId, role: invitation.role, clientId: invitation.clientId, createdAt: now });
    }
    await tx.update(users).set({ activeOrgId: invitation.orgId }).where(eq(users.id, userId));
    await recordAudit(
      tx,
      { orgId: invitation.orgId, actor: { type: "user", id: userId } },
      existing ? "invitation.accepted_by_member" : "member.joined",
      { type: "user", id: userId },
      {
        invitationId: invitation.id,
        role: existing ? existing.role : invitation.role,
        invitedEmail: invitation.email,
        accountEmail: user.email,
      },
    );
    return { orgId: invitation.orgId, role: existing?.role ?? invitation.role, alreadyMember: Boolean(existing) };
  });
}
