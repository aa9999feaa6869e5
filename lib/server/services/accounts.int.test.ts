import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { eq } from "drizzle-orm";
import { createTestDatabase, testDbKind } from "@/db/testing";
import type { Database } from "@/db";
import { auditLog, memberships, orgs, passwordResets, users } from "@/db/schema";

vi.hoisted(() => {
  // Real bcrypt, cheap rounds: the tests are about the flows, not the hash's cost.
  process.env.BCRYPT_COST = "4";
});

import {
  RESET_TTL_MS,
  createPasswordReset,
  isPasswordResetUsable,
  resetPassword,
  signUp,
  verifyCredentials,
} from "./accounts";

describe(`accounts (${testDbKind})`, () => {
  let database: Database;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database?.close();
  });
  const count = async (table: typeof users | typeof orgs | typeof memberships | typeof auditLog) =>
    (await database.db.select().from(table)).length;

  it("signs up a user with an org they own, and records it", async () => {
    const { user, org } = await signUp(database.db, {
      name: "Ann",
      email: "  Ann@Example.test ",
      password: "correct horse battery",
      orgName: "Acme Integrators",
    }, "ru");
    expect(user.email).toBe("ann@example.test");
    expect(user.locale).toBe("ru");
    expect(user.activeOrgId).toBe(org!.id);
    const [membership] = await database.db.select().from(memberships).where(eq(memberships.userId, user.id));
    expect(membership).toMatchObject({ orgId: org!.id, role: "owner" });
    const [entry] = await database.db.select().from(auditLog).where(eq(auditLog.orgId, org!.id));
    expect(entry).toMatchObject({ action: "org.created", actorId: user.id, targetId: org!.id });
  });

  it("refuses a taken e-mail in any letter case as a conflict on the field, writing nothing", async () => {
    const before = await Promise.all([count(users), count(orgs), count(memberships), count(auditLog)]);
    const attempt = signUp(database.db, { name: "Ann 2", email: "ANN@example.TEST", password: "another password", orgName: "Other" });
    await expect(attempt).rejects.toMatchObject({ code: "conflict", messageKey: "emailTaken", fields: { email: "emailTaken" } });
    expect(await Promise.all([count(users), count(orgs), count(memberships), count(auditLog)])).toEqual(before);
  });

  it("refuses invalid input with field errors, writing nothing", async () => {
    const before = await count(users);
    await expect(
      signUp(database.db, { name: "", email: "not-an-email", password: "short", orgName: "X" }),
    ).rejects.toMatchObject({ code: "validation", fields: { name: "required", email: "email", password: "passwordTooShort" } });
    expect(await count(users)).toBe(before);
  });

  it("signs up an invitee without creating an org", async () => {
    const orgsBefore = await count(orgs);
    const { user, org } = await signUp(database.db, { name: "Bob", email: "bob@example.test", password: "bobs long password" });
    expect(org).toBeNull();
    expect(user.activeOrgId).toBeNull();
    expect(await count(orgs)).toBe(orgsBefore);
  });

  it("accepts the right password and refuses a wrong one or an unknown address", async () => {
    expect(await verifyCredentials(database.db, "ann@example.test", "correct horse battery")).toMatchObject({ name: "Ann" });
    expect(await verifyCredentials(database.db, "ANN@example.test", "correct horse battery")).not.toBeNull();
    expect(await verifyCredentials(database.db, "ann@example.test", "wrong horse battery")).toBeNull();
    expect(await verifyCredentials(database.db, "nobody@example.test", "correct horse battery")).toBeNull();
  });

  it("resets a password once with a valid link", async () => {
    expect(await createPasswordReset(database.db, "nobody@example.test")).toBeNull();
    const reset = (await createPasswordReset(database.db, "Ann@example.test"))!;
    const [row] = await database.db.select().from(passwordResets).where(eq(passwordResets.userId, reset.user.id));
    expect(row.tokenHash).not.toBe(reset.token);
    expect(await isPasswordResetUsable(database.db, reset.token)).toBe(true);

    await resetPassword(database.db, reset.token, "brand new password");
    expect(await verifyCredentials(database.db, "ann@example.test", "brand new password")).not.toBeNull();
    expect(await verifyCredentials(database.db, "ann@example.test", "correct horse battery")).toBeNull();

    // Reused: gone, and the password stays what the first use set.
    expect(await isPasswordResetUsable(database.db, reset.token)).toBe(false);
    await expect(resetPassword(database.db, reset.token, "hijacked password")).rejects.toMatchObject({
      code: "gone",
      messageKey: "resetLinkInvalid",
    });
    expect(await verifyCredentials(database.db, "ann@example.test", "brand new password")).not.toBeNull();
    expect(await verifyCredentials(database.db, "ann@example.test", "hijacked password")).toBeNull();
  });

  it("refuses an expired or unknown reset link and leaves the password alone", async () => {
    const issued = new Date("2026-01-01T10:00:00Z");
    const reset = (await createPasswordReset(database.db, "ann@example.test", issued))!;
    const later = new Date(issued.getTime() + RESET_TTL_MS + 1000);
    expect(await isPasswordResetUsable(database.db, reset.token, later)).toBe(false);
    await expect(resetPassword(database.db, reset.token, "too late password", later)).rejects.toMatchObject({ code: "gone" });
    await expect(resetPassword(database.db, "no-such-token", "any long password")).rejects.toMatchObject({ code: "gone" });
    expect(await verifyCredentials(database.db, "ann@example.test", "brand new password")).not.toBeNull();
    expect(await verifyCredentials(database.db, "ann@example.test", "too late password")).toBeNull();
  });

  it("refuses a too short new password without using up the link", async () => {
    const reset = (await createPasswordReset(database.db, "ann@example.test"))!;
    await expect(resetPassword(database.db, reset.token, "short")).rejects.toMatchObject({ code: "validation" });
    expect(await isPasswordResetUsable(database.db, reset.token)).toBe(true);
  });
});
