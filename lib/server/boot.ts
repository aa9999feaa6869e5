import { getDatabase } from "@/db";
import { assertSecrets } from "./secrets";

const globalForBoot = globalThis as unknown as { __impact24Booted?: Promise<void> };

/**
 * Start-up of a web process: fail early on missing production secrets, open (and migrate) the database, and in the
 * embedded default run the job worker and the demo inside this process.
 */
export function boot(): Promise<void> {
  globalForBoot.__impact24Booted ??= (async () => {
    assertSecrets();
    await getDatabase();
    // Embedded default: no separate worker process, so jobs (syncs…) run here.
    if (!process.env.DATABASE_URL && process.env.NEXT_PHASE !== "phase-production-build" && process.env.EMBEDDED_WORKER !== "0") {
      const { startAppWorker } = await import("./jobs/app-worker");
      await startAppWorker({ exclusive: true });
    }
    if (process.env.IMPACT24_DEMO === "1" && process.env.NEXT_PHASE !== "phase-production-build") {
      const { startDemo } = await import("./demo");
      await startDemo();
    }
  })();
  return globalForBoot.__impact24Booted;
}
