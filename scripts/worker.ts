/**
 * `npm run worker`: the background job worker of a production deployment (syncs, scheduled syncs, and every other
 * job declared in lib/server/jobs/definitions.ts). Runs against DATABASE_URL; start as many as needed. SIGTERM or
 * SIGINT stops it gracefully: running syncs commit their current page and are resumed by another worker.
 */
import { startAppWorker } from "@/lib/server/jobs/app-worker";
import { assertSecrets } from "@/lib/server/secrets";

if (!process.env.DATABASE_URL) {
  console.warn("[worker] DATABASE_URL is not set: using the embedded database (the app must not be running).");
}
assertSecrets();
const worker = await startAppWorker({ exclusive: !process.env.DATABASE_URL });
console.log(`[worker] ${worker.workerId} started`);

let stopping = false;
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.on(signal, () => {
    if (stopping) process.exit(1);
    stopping = true;
    console.log(`[worker] ${signal}: stopping`);
    worker
      .stop(Number(process.env.WORKER_STOP_TIMEOUT_MS) || 30_000)
      .then(() => process.exit(0))
      .catch((error) => {
        console.error("[worker] stop failed", error);
        process.exit(1);
      });
  });
}
