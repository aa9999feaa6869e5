import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { MIGRATIONS_DIR, migrateDatabase, type Database } from "./client";
import * as schema from "./schema";

/**
 * Fresh, migrated databases for tests: PGlite (default) or PostgreSQL when TEST_DB=postgres (the server from
 * DATABASE_URL). Each call returns an empty database of its own; `close()` drops it.
 */
export async function createTestDatabase(): Promise<Database> {
  return process.env.TEST_DB === "postgres" ? createPostgresTestDatabase() : createPgliteTestDatabase();
}

/** The database kind tests run on, for test names. */
export const testDbKind = process.env.TEST_DB === "postgres" ? "postgres" : "pglite";

let pgliteSnapshot: Promise<Blob | File> | undefined;

async function createPgliteTestDatabase(): Promise<Database> {
  const { PGlite } = await import("@electric-sql/pglite");
  const { drizzle } = await import("drizzle-orm/pglite");
  // Migrating once per worker and cloning the data directory keeps each test database cheap.
  pgliteSnapshot ??= (async () => {
    const seed = await PGlite.create();
    const database = wrapPglite(seed, drizzle);
    await migrateDatabase(database);
    const dump = await seed.dumpDataDir("none");
    await seed.close();
    return dump;
  })();
  const client = await PGlite.create({ loadDataDir: await pgliteSnapshot });
  return wrapPglite(client, drizzle);
}

function wrapPglite(
  client: import("@electric-sql/pglite").PGlite,
  drizzle: typeof import("drizzle-orm/pglite").drizzle,
): Database {
  return {
    kind: "pglite",
    db: drizzle(client, { schema, casing: "snake_case" }) as never,
    executeSql: async (text, values = []) => ({
      rows: (await client.query<Record<string, unknown>>(text, values)).rows,
    }),
    close: () => client.close(),
  };
}

function migrationsHash() {
  const hash = crypto.createHash("sha256");
  for (const file of fs.readdirSync(MIGRATIONS_DIR).sort()) {
    if (file.endsWith(".sql")) hash.update(fs.readFileSync(path.join(MIGRATIONS_DIR, file)));
  }
  return hash.digest("hex").slice(0, 12);
}

let templateReady: Promise<string> | undefined;

async function createPostgresTestDatabase(): Promise<Database> {
  const adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) throw new Error("TEST_DB=postgres needs DATABASE_URL");
  const { default: postgres } = await import("postgres");
  const { drizzle } = await import("drizzle-orm/postgres-js");
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    templateReady ??= ensureTemplate(admin, adminUrl);
    const template = await templateReady;
    const name = `impact24_t_${crypto.randomBytes(6).toString("hex")}`;
    await admin.unsafe(`create database "${name}" template "${template}"`);
    const url = withDatabase(adminUrl, name);
    const client = postgres(url, { max: 10, onnotice: () => {} });
    return {
      kind: "postgres",
      url,
      db: drizzle(client, { schema, casing: "snake_case" }) as never,
      executeSql: async (text, values = []) => ({
        rows: (await client.unsafe(text, values as never[])) as unknown as Record<string, unknown>[],
      }),
      close: async () => {
        await client.end({ timeout: 5 });
        const dropper = postgres(adminUrl, { max: 1, onnotice: () => {} });
        await dropper.unsafe(`drop database if exists "${name}" with (force)`);
        await dropper.end({ timeout: 5 });
      },
    };
  } finally {
    await admin.end({ timeout: 5 });
  }
}

/** One migrated template per set of migrations, built under a lock so parallel workers share it. */
async function ensureTemplate(admin: import("postgres").Sql, adminUrl: string): Promise<string> {
  const template = `impact24_tmpl_${migrationsHash()}`;
  await admin`select pg_advisory_lock(7240025)`;
  try {
    const exists = await admin`select 1 from pg_database where datname = ${template}`;
    if (exists.length === 0) {
      const building = `${template}_build`;
      await admin.unsafe(`drop database if exists "${building}" with (force)`);
      await admin.unsafe(`create database "${building}"`);
      const { openDatabase } = await import("./client");
      const database = await openDatabase({ url: withDatabase(adminUrl, building), max: 1 });
      await database.close();
      await admin.unsafe(`alter database "${building}" rename to "${template}"`);
    }
  } finally {
    await admin`select pg_advisory_unlock(7240025)`;
  }
  return template;
}

function withDatabase(url: string, name: string) {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}
