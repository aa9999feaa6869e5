/**
 * `npm run db:migrate`: applies the committed migrations to the app's database (DATABASE_URL, else the embedded
 * one) and exits. The web and worker processes also apply them at start; this runs them ahead of a deployment.
 */
import { getDatabase } from "@/db";

const database = await getDatabase();
console.log(`[migrate] ${database.kind === "postgres" ? "PostgreSQL" : "embedded database"} is up to date`);
await database.close();
