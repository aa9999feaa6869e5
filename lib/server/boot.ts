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
  })();
  return globalForBoot.__impact24Booted;
}
