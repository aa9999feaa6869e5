import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, testDbKind } from "@/db/testing";
import type { Database } from "@/db";

const run = promisify(execFile);

/**
 * The operator CLI as operators run it: a separate process (`tsx scripts/cli.ts`) on the embedded database in a
 * temporary IMPACT24_DATA_DIR, or on a fresh PostgreSQL database through DATABASE_URL.
 */
describe(`operator CLI (${testDbKind})`, () => {
  let dataDir: string;
  let database: Database | undefined;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "impact24-cli-"));
    env = { ...process.env, IMPACT24_DATA_DIR: dataDir, BCRYPT_COST: "4", LANG: "en_US.UTF-8", LC_ALL: "" };
    delete env.DATABASE_URL;
    if (testDbKind === "postgres") {
      database = await createTestDatabase();
      env.DATABASE_URL = database.url;
    }
  });
  afterAll(async () => {
    await database?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const cli = async (...args: string[]) => {
    try {
      const { stdout, stderr } = await run(process.execPath, ["--import", "tsx", "scripts/cli.ts", ...args], { env, timeout: 240_000 });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failed = error as { code?: number; stdout: string; stderr: string };
      return { code: failed.code ?? -1, stdout: failed.stdout, stderr: failed.stderr };
    }
  };

  it("explains itself and refuses unknown commands and options with exit code 2", async () => {
    const help = await cli("--help");
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("user:create");
    expect(help.stdout).toContain("org:list");
    const unknown = await cli("org:lst");
    expect(unknown).toMatchObject({ code: 2 });
    expect(unknown.stderr).toContain('Unknown command "org:lst"');
    expect(await cli("org:list", "--bogus")).toMatchObject({ code: 2 });
    const missing = await cli("user:create", "--email", "a@example.test");
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("Missing --password, --org");
  }, 300_000);

  it("validates with the app's rules and messages, exit code 1, before touching the database", async () => {
    const invalid = await cli("user:create", "--email", "not-an-email", "--password", "short", "--org", "Acme");
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toContain("--email: Enter a valid e-mail address.");
    expect(invalid.stderr).toContain("--password: The password must be at least 10 characters long.");
    expect(fs.existsSync(path.join(dataDir, "pglite"))).toBe(false);
  }, 300_000);

  it("creates a user who owns a new org, refuses a duplicate e-mail, and lists orgs", async () => {
    const created = await cli("user:create", "--email", "Ann@Example.test", "--password", "a long password", "--org", "Acme Integrators");
    expect(created.stderr).toBe("");
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/Created user ann@example\.test \([0-9a-f-]{36}\), owner of "Acme Integrators"/);

    const duplicate = await cli("user:create", "--email", "ann@example.test", "--password", "another long one", "--org", "Second");
    expect(duplicate.code).toBe(1);
    expect(duplicate.stderr).toContain("An account with this e-mail already exists.");

    const listed = await cli("org:list", "--json");
    expect(listed.code).toBe(0);
    const orgs = JSON.parse(listed.stdout) as Array<{ name: string; members: number; clients: number }>;
    expect(orgs).toEqual([expect.objectContaining({ name: "Acme Integrators", members: 1, clients: 0 })]);
  }, 600_000);
});
