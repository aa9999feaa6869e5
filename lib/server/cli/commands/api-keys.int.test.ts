import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import type { Database } from "@/db";
import { createTestDatabase, testDbKind } from "@/db/testing";
import { apiKeys, auditLog } from "@/db/schema";
import { getTranslator } from "@/lib/i18n/messages";
import { hashToken } from "@/lib/server/tokens";
import { loadApiKeyTenantContext } from "@/lib/server/tenant";
import { makeOrg } from "@/lib/server/services/test-helpers";
import { runCli } from "..";
import type { CliIo } from "../types";

describe(`apikey:* commands (${testDbKind})`, () => {
  let database: Database;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database?.close();
  });

  async function cli(...argv: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    const io: CliIo = {
      out: (line = "") => out.push(line),
      err: (line = "") => err.push(line),
      database: async () => database,
      t: (namespace) => getTranslator("en", namespace),
    };
    const code = await runCli(argv, io);
    return { code, out, err };
  }

  it("creates a working key, shown once, lists it by prefix and revokes it", async () => {
    const { org } = await makeOrg(database.db, "Scripted");
    const created = await cli("apikey:create", "--org", org.id, "--name", "Nightly export", "--scope", "read");
    expect(created.code).toBe(0);
    const key = created.out.find((line) => line.startsWith("i24_"))!;
    expect(key).toMatch(/^i24_[0-9A-Za-z]{40}$/);
    expect(created.out[0]).toContain('"Nightly export" (read');
    const [row] = await database.db.select().from(apiKeys).where(eq(apiKeys.keyHash, hashToken(key)));
    expect(row).toMatchObject({ orgId: org.id, name: "Nightly export", scope: "read", createdBy: null });
    expect((await loadApiKeyTenantContext(database.db, key)).orgId).toBe(org.id);
    const [audit] = await database.db.select().from(auditLog).where(and(eq(auditLog.orgId, org.id), eq(auditLog.action, "api_key.created")));
    expect(audit).toMatchObject({ orgId: org.id, actorType: "system", actorId: "cli" });

    const listed = await cli("apikey:list", "--org", org.id);
    expect(listed.code).toBe(0);
    expect(listed.out.join("\n")).toContain(`${key.slice(0, 12)}…`);
    expect(listed.out.join("\n")).not.toContain(key.slice(12));

    const revoked = await cli("apikey:revoke", "--org", org.id, "--id", row.id);
    expect(revoked.code).toBe(0);
    await expect(loadApiKeyTenantContext(database.db, key)).rejects.toMatchObject({ code: "unauthorized" });
    const json = JSON.parse((await cli("apikey:list", "--org", org.id, "--json")).out.join("\n"));
    expect(json).toEqual([expect.objectContaining({ id: row.id, revokedAt: expect.any(String) })]);
  });

  it("prints JSON with the key for scripts", async () => {
    const { org } = await makeOrg(database.db);
    const { code, out } = await cli("apikey:create", "--org", org.id, "--json");
    expect(code).toBe(0);
    const printed = JSON.parse(out.join(""));
    expect(printed).toMatchObject({ name: "Command line", scope: "write", key: expect.stringMatching(/^i24_/) });
    expect(printed.prefix).toBe(printed.key.slice(0, 12));
  });

  it("refuses unknown orgs, bad options and other orgs' keys, writing nothing", async () => {
    const a = await makeOrg(database.db);
    const b = await makeOrg(database.db);
    const count = async () => (await database.db.select().from(apiKeys)).length;
    const before = await count();
    const unknown = await cli("apikey:create", "--org", "00000000-0000-0000-0000-000000000000");
    expect(unknown.code).toBe(1);
    expect(unknown.err[0]).toContain("No organisation");
    expect((await cli("apikey:create", "--org", "acme")).code).toBe(1);
    const badScope = await cli("apikey:create", "--org", a.org.id, "--scope", "admin");
    expect(badScope.code).toBe(1);
    expect(badScope.err).toEqual(["--scope: Choose one of the options."]);
    expect((await cli("apikey:create")).code).toBe(2);
    expect(await count()).toBe(before);

    const created = JSON.parse((await cli("apikey:create", "--org", b.org.id, "--json")).out.join(""));
    const foreign = await cli("apikey:revoke", "--org", a.org.id, "--id", created.id);
    expect(foreign.code).toBe(1);
    expect(foreign.err).toEqual(["Not found."]);
    expect((await loadApiKeyTenantContext(database.db, created.key)).orgId).toBe(b.org.id);
  });
});
