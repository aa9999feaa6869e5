import fs from "node:fs";
import path from "node:path";
import { openDatabase, type Database } from "./client";
import { DATA_DIR } from "./data-dir";

export * from "./client";

export { DATA_DIR };

const globalForDb = globalThis as unknown as { __impact24Db?: Promise<Database> };

/**
 * The process-wide database: PostgreSQL when DATABASE_URL is set, else PGlite under `.data/pglite`.
 * Kept on globalThis because Next.js may load this module more than once (instrumentation, routes), and a PGlite
 * directory must be opened by exactly one instance.
 */
export function getDatabase(): Promise<Database> {
  globalForDb.__impact24Db ??= openAppDatabase().catch((error) => {
    globalForDb.__impact24Db = undefined;
    throw error;
  });
  return globalForDb.__impact24Db;
}

/** Shorthand for the drizzle handle of the process-wide database. */
export async function getDb() {
  return (await getDatabase()).db;
}

async function openAppDatabase(): Promise<Database> {
  const url = process.env.DATABASE_URL;
  if (url) return openDatabase({ url });
  const dataDir = path.join(DATA_DIR, "pglite");
  claimEmbeddedDatabase();
  return openDatabase({ dataDir });
}

/**
 * PGlite files must never be opened by two processes. The owner writes its pid beside the data; a second process
 * (say, the CLI while the app runs) gets a clear error instead of a corrupted database.
 */
function claimEmbeddedDatabase() {
  fs.mkdirSync(DATA_DIR, { recursive: true });
  const lockFile = path.join(DATA_DIR, "pglite.pid");
  const existing = fs.existsSync(lockFile) ? Number(fs.readFileSync(lockFile, "utf8")) : 0;
  if (existing && existing !== process.pid && isRunning(existing)) {
    throw new Error(
      `The embedded database in ${DATA_DIR} is in use by process ${existing}. ` +
        "Stop the app first, or set DATABASE_URL to use PostgreSQL.",
    );
  }
  fs.writeFileSync(lockFile, String(process.pid));
  const release = () => {
    try {
      if (Number(fs.readFileSync(lockFile, "utf8")) === process.pid) fs.unlinkSync(lockFile);
    } catch {
      // already gone
    }
  };
  process.once("exit", release);
}

function isRunning(pid: number) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
