import fs from "node:fs";
import path from "node:path";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import type { SQL } from "drizzle-orm";
import * as schema from "./schema";

/** The drizzle database, whichever driver is underneath. */
export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;
/** A transaction handle: same API as Db. */
export type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];

/** Runs raw SQL through the driver underneath (pg-boss and bulk statements need it). */
export type ExecuteSql = (text: string, values?: unknown[]) => Promise<{ rows: Record<string, unknown>[] }>;

export interface Database {
  kind: "pglite" | "postgres";
  db: Db;
  executeSql: ExecuteSql;
  /** Connection string when the database is a PostgreSQL server (for other processes and pg-boss). */
  url?: string;
  close(): Promise<void>;
}

const MIGRATION_LOCK = 7_240_024;

/** Resolved from the working directory: bundlers rewrite module paths, and every entry point runs from the repo root. */
export const MIGRATIONS_DIR = path.join(process.cwd(), "db", "migrations");

export interface OpenOptions {
  /** PostgreSQL connection string; PGlite when absent. */
  url?: string;
  /** PGlite data directory; in memory when absent. */
  dataDir?: string;
  /** Connection pool size for PostgreSQL. */
  max?: number;
}

/** Opens a database and applies the committed migrations. */
export async function openDatabase(options: OpenOptions = {}): Promise<Database> {
  const database = options.url ? await openPostgres(options.url, options.max) : await openPglite(options.dataDir);
  await migrateDatabase(database);
  return database;
}

/** Databases whose queries outside a transaction run on other connections than the transaction's. */
const pooled = new WeakSet<Db>();

/**
 * Whether `db` can run a query while one of its transactions is open (a PostgreSQL pool), so that independent
 * reads may go in parallel. PGlite has one connection: a second query would wait for the transaction to end.
 */
export function hasConnectionPool(db: Db): boolean {
  return pooled.has(db);
}

async function openPostgres(url: string, max = 10): Promise<Database> {
  const { default: postgres } = await import("postgres");
  const { drizzle } = await import("drizzle-orm/postgres-js");
  const client = postgres(url, { max, onnotice: () => {}, prepare: true });
  const db = drizzle(client, { schema, casing: "snake_case" }) as unknown as Db;
  if (max > 1) pooled.add(db);
  return {
    kind: "postgres",
    db,
    url,
    executeSql: async (text, values = []) => ({
      rows: (await client.unsafe(text, values as never[])) as unknown as Record<string, unknown>[],
    }),
    close: () => client.end({ timeout: 5 }),
  };
}

async function openPglite(dataDir?: string): Promise<Database> {
  const { PGlite } = await import("@electric-sql/pglite");
  const { drizzle } = await import("drizzle-orm/pglite");
  if (dataDir) fs.mkdirSync(dataDir, { recursive: true });
  const client = await PGlite.create(dataDir);
  const db = drizzle(client, { schema, casing: "snake_case" }) as unknown as Db;
  return {
    kind: "pglite",
    db,
    executeSql: async (text, values = []) => {
      const result = await client.query<Record<string, unknown>>(text, values);
      return { rows: result.rows };
    },
    close: () => client.close(),
  };
}

/** Applies pending migrations; safe to call at every start, from several processes at once. */
export async function migrateDatabase(database: Database): Promise<void> {
  if (database.kind === "postgres") {
    // Web and worker processes may start together: one connection holds an advisory lock while it migrates.
    const { default: postgres } = await import("postgres");
    const { drizzle } = await import("drizzle-orm/postgres-js");
    const { migrate } = await import("drizzle-orm/postgres-js/migrator");
    const client = postgres(database.url!, { max: 1, onnotice: () => {} });
    try {
      await client`select pg_advisory_lock(${MIGRATION_LOCK})`;
      await migrate(drizzle(client), { migrationsFolder: MIGRATIONS_DIR });
      await client`select pg_advisory_unlock(${MIGRATION_LOCK})`;
    } finally {
      await client.end({ timeout: 5 });
    }
  } else {
    const { migrate } = await import("drizzle-orm/pglite/migrator");
    await migrate(database.db as never, { migrationsFolder: MIGRATIONS_DIR });
  }
}

/** Rows of a raw `db.execute(sql…)` whatever the driver (postgres-js returns an array, PGlite `{ rows }`). */
export async function queryRows<T = Record<string, unknown>>(db: Db | Tx, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown;
  if (Array.isArray(result)) return result as T[];
  return ((result as { rows?: T[] }).rows ?? []) as T[];
}
