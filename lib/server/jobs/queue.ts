import { sql, type SQL } from "drizzle-orm";
import PgBoss from "pg-boss";
import type { Database, Db, Tx } from "@/db";
import { queryRows } from "@/db";
import { findJob } from "./definitions";

/**
 * The job queue is pg-boss 10 in the `pgboss` schema of the app's own database. Jobs are sent with plain SQL
 * through the caller's handle, so a job enqueued inside a transaction exists exactly when the transaction commits
 * (the run it refers to and the job cannot disagree), and no process needs a started pg-boss just to send.
 */

export const BOSS_SCHEMA = "pgboss";

/** pg-boss's `db` option: runs its SQL text through a database handle. */
export interface BossDb {
  executeSql(text: string, values?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
}

/**
 * pg-boss's SQL for a drizzle handle (a transaction or the database): `$n` placeholders become bound parameters.
 * Objects are sent as JSON text, as node-postgres (pg-boss's own driver) would.
 */
export function bossDbFor(db: Db | Tx): BossDb {
  return {
    async executeSql(text, values = []) {
      const chunks: SQL[] = [];
      let last = 0;
      for (const match of text.matchAll(/\$(\d+)/g)) {
        chunks.push(sql.raw(text.slice(last, match.index)));
        const value = values[Number(match[1]) - 1];
        chunks.push(sql`${toParam(value)}`);
        last = match.index + match[0].length;
      }
      chunks.push(sql.raw(text.slice(last)));
      return { rows: await queryRows(db, sql.join(chunks, sql.raw(""))) };
    },
  };
}

function toParam(value: unknown): unknown {
  if (value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  if (value !== null && typeof value === "object") return JSON.stringify(value);
  return value;
}

/**
 * pg-boss's `db` option for a whole Database. PGlite runs pg-boss's multi-statement install scripts only through
 * `exec`, so statements without parameters go there; PostgreSQL workers use their own pg pool instead.
 */
export function bossDbForDatabase(database: Database): BossDb {
  if (database.kind === "pglite") {
    const client = (database.db as unknown as { $client: import("@electric-sql/pglite").PGlite }).$client;
    return {
      async executeSql(text, values) {
        if (values && values.length > 0) return { rows: (await client.query<Record<string, unknown>>(text, values)).rows };
        const results = await client.exec(text);
        return { rows: (results.at(-1)?.rows ?? []) as Record<string, unknown>[] };
      },
    };
  }
  return { executeSql: (text, values) => database.executeSql(text, values) };
}

/** Used only for its SQL plans (send); it never connects. */
const planner = new PgBoss({ db: { executeSql: async () => ({ rows: [] }) }, schema: BOSS_SCHEMA });

export interface SendJobOptions {
  /** With the queue's `short` policy: at most one waiting job per key (a second send returns null). */
  singletonKey?: string;
  /** Seconds to wait before the job may start. */
  startAfterSeconds?: number;
  priority?: number;
}

/**
 * Enqueues a job of a declared type, validating its payload. Returns the job id, or null when an identical waiting
 * job (same singleton key) already exists or the queue is not installed yet (no worker has ever started on this
 * database; workers sweep for work they missed when they start, so nothing is lost).
 */
export async function sendJob(
  db: Db | Tx,
  name: string,
  data: unknown,
  options: SendJobOptions = {},
): Promise<string | null> {
  const definition = findJob(name);
  if (!definition) throw new Error(`unknown job ${name}`);
  const payload = definition.schema.parse(data) as object;
  const [installed] = await queryRows<{ ok: boolean }>(
    db,
    sql`select exists (select 1 from information_schema.tables where table_schema = ${BOSS_SCHEMA} and table_name = 'queue') as ok`,
  );
  if (!installed?.ok) return null;
  const [queue] = await queryRows(db, sql`select 1 from ${sql.identifier(BOSS_SCHEMA)}.queue where name = ${name}`);
  if (!queue) return null;
  const sendOptions: PgBoss.SendOptions = { db: bossDbFor(db) as PgBoss.Db };
  if (options.singletonKey !== undefined) sendOptions.singletonKey = options.singletonKey;
  if (options.startAfterSeconds !== undefined) sendOptions.startAfter = options.startAfterSeconds;
  if (options.priority !== undefined) sendOptions.priority = options.priority;
  return planner.send(name, payload, sendOptions);
}
