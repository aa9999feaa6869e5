import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { createTestDatabase, testDbKind } from "./testing";
import { orgs, users } from "./schema";
import type { Database } from "./client";

describe(`test databases (${testDbKind})`, () => {
  let a: Database;
  let b: Database;
  beforeAll(async () => {
    [a, b] = await Promise.all([createTestDatabase(), createTestDatabase()]);
  });
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
  });

  it("are migrated and independent of each other", async () => {
    const [org] = await a.db.insert(orgs).values({ name: "Acme" }).returning();
    expect(org.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(await a.db.select().from(orgs)).toHaveLength(1);
    expect(await b.db.select().from(orgs)).toHaveLength(0);
  });

  it("enforce a case-insensitive unique e-mail", async () => {
    await a.db.insert(users).values({ email: "Ann@example.com", name: "Ann", passwordHash: "x" });
    await expect(
      a.db.insert(users).values({ email: "ann@EXAMPLE.com", name: "Ann 2", passwordHash: "x" }),
    ).rejects.toThrow();
    expect(await a.db.select().from(users).where(eq(users.name, "Ann"))).toHaveLength(1);
  });
});
