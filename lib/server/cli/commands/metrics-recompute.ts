import { and, eq } from "drizzle-orm";
import { clientMetricStates } from "@/db/schema";
import { isMonthKey } from "@/lib/metrics";
import { recomputeClientMetrics } from "@/lib/server/metrics/recompute";
import { claimPendingRecompute, earlierMonth } from "@/lib/server/metrics/requests";
import { systemContext } from "@/lib/server/tenant";
import { findClientForCli } from "../clients";
import { reportError } from "../report";
import { EXIT, type CliCommand } from "../types";

/**
 * `metrics:recompute --client <id> [--from YYYY-MM]`: recomputes a client's metric snapshots here and now — the
 * whole history, or from a month on — taking over any recompute the client had waiting.
 */
export const metricsRecompute: CliCommand = {
  name: "metrics:recompute",
  summary: "Recompute a client's monthly metrics from the mirrored CRM data.",
  options: {
    client: { type: "string", required: true, placeholder: "client id", description: "the client whose metrics to recompute" },
    from: { type: "string", placeholder: "YYYY-MM", description: "recompute from this month on instead of the whole history" },
    json: { type: "boolean", description: "print the outcome as JSON" },
  },
  notes: ["Example: npm run cli -- metrics:recompute --client 6f1d… --from 2024-01"],
  async run(values, io) {
    const clientId = String(values.client ?? "");
    const from = values.from === undefined ? null : String(values.from);
    if (from !== null && !isMonthKey(from)) {
      io.err(`--from: ${io.t("validation")("month")}`);
      return EXIT.failed;
    }
    const database = await io.database();
    const client = await findClientForCli(database.db, clientId, io);
    if (!client) return EXIT.failed;
    try {
      // Waiting work is done by this recompute: a whole-history one covers everything, a partial one its months.
      const claimed = await claimPendingRecompute(database.db, client.orgId, clientId);
      const fromMonth = claimed?.full ? null : from && claimed?.fromMonth ? earlierMonth(from, claimed.fromMonth) : from;
      const summary = await recomputeClientMetrics(systemContext(database.db, client.orgId, "cli"), clientId, { fromMonth });
      await database.db
        .update(clientMetricStates)
        .set({ runningSince: null })
        .where(and(eq(clientMetricStates.orgId, client.orgId), eq(clientMetricStates.clientId, clientId)));
      if (values.json) io.out(JSON.stringify(summary));
      else if (summary.months === 0) io.out(`"${client.name}" has no synced CRM data yet: nothing to compute.`);
      else
        io.out(
          `Recomputed ${summary.snapshots} snapshots of "${client.name}" for ${summary.months} months (${summary.fromMonth ?? summary.firstMonth} – ${summary.lastMonth}) in ${(summary.durationMs / 1000).toFixed(1)} s.`,
        );
      return EXIT.ok;
    } catch (error) {
      return reportError(error, io);
    }
  },
};
