import crypto from "node:crypto";
import { sql } from "drizzle-orm";
import { queryRows } from "@/db";
import { startClientSync } from "@/lib/server/services/syncs";
import { syncPortal } from "@/lib/server/sync/engine";
import { claimRun, finishRun, leaseSeconds, renewLease } from "@/lib/server/sync/runs";
import { systemContext } from "@/lib/server/tenant";
import { findClientForCli } from "../clients";
import { reportError } from "../report";
import { EXIT, type CliCommand, type CliIo } from "../types";

/**
 * `portal:sync --client <id>`: queues a sync of a client's portal, like "Sync now" on its page. With --wait the
 * command also sees it through: it runs the sync itself when no worker has taken it (the embedded set-up has no
 * worker while the app is stopped), or follows the worker that has, printing each list as it finishes.
 */

interface RunRow {
  status: string;
  error_code: string | null;
  error: string | null;
  stats: Record<string, unknown> | null;
}

async function readRun(io: CliIo, runId: string): Promise<RunRow> {
  const [row] = await queryRows<RunRow>(
    (await io.database()).db,
    sql`select status, error_code, error, stats from sync_runs where id = ${runId}`,
  );
  return row;
}

async function progressLines(io: CliIo, runId: string, printed: Set<string>) {
  const rows = await queryRows<{ entity: string; status: string; rows_fetched: number | string; rows_total: number | string | null; requests: number }>(
    (await io.database()).db,
    sql`select entity, status, rows_fetched, rows_total, requests from sync_progress
        where run_id = ${runId} and status in ('done', 'failed', 'skipped') order by finished_at`,
  );
  for (const row of rows) {
    if (printed.has(row.entity)) continue;
    printed.add(row.entity);
    const total = row.rows_total === null ? "" : ` of ${row.rows_total}`;
    io.out(`  ${row.entity.padEnd(18)} ${row.status.padEnd(8)} ${String(row.rows_fetched).padStart(9)} rows${total}, ${row.requests} requests`);
  }
}

export const portalSync: CliCommand = {
  name: "portal:sync",
  summary: "Sync a client's Bitrix24 portal now (incremental, or --full).",
  options: {
    client: { type: "string", required: true, placeholder: "client id", description: "the client whose portal to sync" },
    full: { type: "boolean", description: "download everything again instead of the changes since the last sync" },
    wait: { type: "boolean", description: "wait for the sync to finish (runs it here when no worker takes it)" },
    json: { type: "boolean", description: "print the outcome as JSON" },
  },
  notes: [
    "Example: npm run cli -- portal:sync --client 6f1d… --wait",
    "Without --wait the sync is queued for the worker (npm run worker, or the app itself in the embedded set-up).",
  ],
  async run(values, io) {
    const clientId = String(values.client ?? "");
    const database = await io.database();
    const client = await findClientForCli(database.db, clientId, io);
    if (!client) return EXIT.failed;
    const ctx = systemContext(database.db, client.orgId, "cli");
    let run: Awaited<ReturnType<typeof startClientSync>>["run"];
    let created: boolean;
    try {
      ({ run, created } = await startClientSync(ctx, clientId, { kind: values.full ? "full" : "incremental" }));
    } catch (error) {
      return reportError(error, io);
    }
    if (!values.wait) {
      if (values.json) io.out(JSON.stringify({ runId: run.id, kind: run.kind, status: run.status, created }));
      else io.out(`${created ? "Queued" : "Joined"} ${run.kind === "full" ? "a full" : "an incremental"} sync of "${client.name}" (run ${run.id}).`);
      return EXIT.ok;
    }

    if (!values.json) io.out(`Syncing "${client.name}" (${run.kind}, run ${run.id})…`);
    const printed = new Set<string>();
    const connectionId = (await queryRows<{ connection_id: string }>(database.db, sql`select connection_id from sync_runs where id = ${run.id}`))[0]
      .connection_id;
    const holder = `cli:${process.pid}:${crypto.randomBytes(3).toString("hex")}`;
    for (;;) {
      const state = await readRun(io, run.id);
      if (["succeeded", "failed", "cancelled"].includes(state.status)) break;
      const claimed = await claimRun(database.db, { orgId: client.orgId, connectionId }, holder);
      if (claimed) {
        // Nobody had taken it: run it here, keeping the lease alive, then see whether it was ours.
        const controller = new AbortController();
        const beat = setInterval(() => {
          renewLease(database.db, claimed, holder).then(
            (s) => !s.held && controller.abort(new Error("lease lost")),
            () => {},
          );
        }, (leaseSeconds() * 1000) / 4);
        const ticker = setInterval(() => void progressLines(io, claimed.runId, printed).catch(() => {}), 2000);
        try {
          const outcome = await syncPortal({ database, run: claimed, signal: controller.signal, holder });
          await finishRun(database.db, claimed, holder, outcome);
        } finally {
          clearInterval(beat);
          clearInterval(ticker);
        }
        if (claimed.runId !== run.id) continue;
      } else {
        await progressLines(io, run.id, printed);
        await new Promise((r) => setTimeout(r, 2000));
      }
    }
    await progressLines(io, run.id, printed);
    const final = await readRun(io, run.id);
    if (values.json) {
      io.out(JSON.stringify({ runId: run.id, status: final.status, errorCode: final.error_code, error: final.error, stats: final.stats }));
    } else if (final.status === "succeeded") {
      const stats = (final.stats ?? {}) as { rows?: number; requests?: number; ms?: number };
      io.out(`Done: ${stats.rows ?? 0} rows in ${stats.requests ?? 0} requests, ${Math.round((stats.ms ?? 0) / 1000)} s.`);
    } else {
      const te = io.t("sync");
      const key = `errors.${final.error_code ?? "unknown"}`;
      io.err(`${te.has(key) ? te(key) : te("errors.unknown")}${final.error ? ` (${final.error})` : ""}`);
    }
    return final.status === "succeeded" ? EXIT.ok : EXIT.failed;
  },
};
