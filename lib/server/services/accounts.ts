import { and, eq, gt, isNull, sql } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "@/db";
import { memberships, orgs, passwordResets, users, type Locale } from "@/db/schema";
import { emailAddress, newPassword, requiredText } from "@/lib/validation";
import { recordAudit } from "../audit-log";
import { AppError } from "../errors";
import { parseInput } from "../parse-input";
import { DUMMY_HASH, hashPassword, verifyPassword } from "../passwords";
import { hashToken, newToken } from "../tokens";

export const signUpInput = z.object({
  name: requiredText(100),
  email: emailAddress(),
  password: newPassword(),
  orgName: requiredText(100),
});
export type SignUpInput = z.infer<typeof signUpInput>;

/**
 * Sign-up on the way to accepting an invitation: the person joins an existing org, so no org of their own is
 * created (they can create one later).
 */
export const inviteeSignUpInput = signUpInput.omit({ orgName: true });
export type InviteeSignUpInput = z.infer<typeof inviteeSignUpInput>;

/** Finds a user by e-mail, case-insensitively. */
export async function findUserByEmail(db: Db, email: string) {
  const [user] = await db
    .select()
    .from(users)
    .where(sql`lower(${users.email}) = ${email.trim().toLowerCase()}`)
    .limit(1);
  return user;
}

/**
 * Creates a user and the org they own (no org for `inviteeSignUpInput`). A taken e-mail is a `conflict` on the
 * email field, and nothing is written.
 */
export async function signUp(db: Db, input: SignUpInput | InviteeSignUpInput, locale?: Locale) {
  const data: InviteeSignUpInput & { orgName?: string } =
    "orgName" in input ? parseInput(signUpInput, input) : parseInput(inviteeSignUpInput, input);
  if (await findUserByEmail(db, data.email)) {
    throw new AppError("conflict", { messageKey: "emailTaken", fields: { email: "emailTaken" } });
  }
  const passwordHash = await hashPassword(data.password);
  try {
    return await db.transaction(async (tx) => {
      const [org] = data.orgName ? await tx.insert(orgs).values({ name: data.orgName }).returning() : [null];
      const [user] = await tx
        .insert(users)
        .values({ email: data.email, name: data.name, passwordHash, locale: locale ?? null, activeOrgId: org?.id ?? null })
        .returning();
      if (org) {
        await tx.insert(memberships).values({ orgId: org.id, userId: user.id, role: "owner" });
        await recordAudit(
          tx,
          { orgId: org.id, actor: { type: "user", id: user.id } },
          "org.created",
          { type: "org", id: org.id },
          { name: org.name },
        );
      }
      return { user, org };
    });
  } catch (error) {
    // Two sign-ups racing for one address: the unique index decides.
    if (String((error as { cause?: unknown })?.cause ?? error).includes("users_email_key")) {
      throw new AppError("conflict", { messageKey: "emailTaken", fields: { email: "emailTaken" } });
    }
    throw error;
  }
}

/**
 * The account for an e-mail and password, or null when either is wrong. An unknown address costs a full bcrypt
 * comparison too, so timing reveals nothing about which accounts exist.
 */
export async function verifyCredentials(db: Db, email: string, password: string) {
  const user = await findUserByEmail(db, email);
  const ok = await verifyPassword(password, user?.passwordHash ?? DUMMY_HASH);
  return user && ok ? user : null;
}

/** Password reset links live one hour and work once. */
export const RESET_TTL_MS = 60 * 60 * 1000;

/**
 * Starts a password reset: returns the token to e-mail, or null for an unknown address (the caller answers the
 * same either way, so the form reveals nothing about which accounts exist).
 */
export async function createPasswordReset(db: Db, email: string, now = new Date()) {
  const user = await findUserByEmail(db, email);
  if (!user) return null;
  const token = newToken();
  await db.insert(passwordResets).values({
    tokenHash: hashToken(token),
    userId: user.id,
    expiresAt: new Date(now.getTime() + RESET_TTL_MS),
  });
  return { token, user };
}

/** Whether a reset token can still be used (known, unused, unexpired): the reset page says so before asking. */
export async function isPasswordResetUsable(db: Db, token: string, now = new Date()) {
  if (!token || token.length > 200) return false;
  const [reset] = await db
    .select({ userId: passwordResets.userId })
    .from(passwordResets)
    .where(and(eq(passwordResets.tokenHash, hashToken(token)), isNull(passwordResets.usedAt), gt(passwordResets.expiresAt, now)))
    .limit(1);
  return Boolean(reset);
}

/** Sets a new password with a reset token; an unknown, used or expired token is `gone`. */
export async function resetPassword(db: Db, token: string, password: string, now = new Date()) {
  const parsed = newPassword().safeParse(password);
  if (!parsed.success) throw new AppError("validation", { fields: { password: "passwordTooShort" } });
  const passwordHash = await hashPassword(password);
  return db.transaction(async (tx) => {
    const [reset] = await tx
      .update(passwordResets)
      .set({ usedAt: now })
      .where(
        and(
          eq(passwordResets.tokenHash, hashToken(token)),
          isNull(passwordResets.usedAt),
          gt(passwordResets.expiresAt, now),
        ),
      )
      .returning();
    if (!reset) throw new AppError("gone", { messageKey: "resetLinkInvalid" });
    await tx.update(users).set({ passwordHash, updatedAt: now }).where(eq(users.id, reset.userId));
    return reset.userId;
  });
}

/** Saves the user's language. */
export async function setUserLocale(db: Db, userId: string, locale: Locale) {
  await db.update(users).set({ locale }).where(eq(users.id, userId));
}
