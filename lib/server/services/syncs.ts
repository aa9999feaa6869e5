import { and, asc, desc, eq, inArray, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import { SYNC_KINDS, syncProgress, syncRuns } from "@/db/schema";
import { recordAudit } from "../audit-log";
import { AppError } from "../errors";
import { assertCan } from "../permissions";
import { requestPortalSync } from "../sync/requests";
import type { TenantContext } from "../tenant";
import { getClientConnection } from "./portals";

/**
 * Syncs as members and API users see them: start one for a client's portal, and read where its syncs stand. The
 * sync engine (lib/server/sync) does the work; this is the tenant-checked door to it.
 */

export const startSyncInput = z.object({
  kind: z.enum(SYNC_KINDS, { error: "syncKind" }).default("incremental"),
});
export type StartSyncInput = z.input<typeof startSyncInput>;

/** How many finished runs the status lists by default, and at most. */
export const RECENT_RUNS_DEFAULT = 10;
export const RECENT_RUNS_MAX = 50;

/**
 * Requests a sync of the client's portal (owners, admins, analysts, and API keys). While a run waits, the request
 * joins it; while one runs, one more is queued after it. A client without a connected portal is a `conflict`: a run
 * could only fail. The request and its audit entry are one transaction, so the queued job and the record agree.
 */
export async function startClientSync(ctx: TenantContext, clientId: string, input: StartSyncInput = {}) {
  assertCan(ctx, "portals.sync");
  const parsed = startSyncInput.safeParse(input);
  if (!parsed.success) throw new AppError("validation", { fields: { kind: "syncKind" } });
  const { kind } = parsed.data;
  const connection = await getClientConnection(ctx, clientId);
  if (!connection) throw new AppError("conflict", { messageKey: "syncNoPortal" });
  if (connection.status !== "connected") {
    throw new AppError("conflict", { messageKey: "syncPortalNotConnected" });
  }
  const reason = ctx.actor.type === "api_key" ? "api" : ctx.actor.type === "system" ? "system" : "manual";
  const requested = await ctx.db.transaction(async (tx) => {
    const result = await requestPortalSync(tx, {
      orgId: ctx.orgId,
      connectionId: connection.id,
      kind,
      reason,
      requestedBy: ctx.actor.type === "user" ? ctx.actor.id : null,
    });
    await recordAudit(tx, ctx, "sync.requested", { type: "client", id: clientId }, {
      kind,
      runId: result.runId,
      joined: !result.created,
      domain: connection.domain,
    });
    return result;
  });
  const [run] = await loadRuns(ctx, [eq(syncRuns.id, requested.runId)], 1);
  return { run, created: requested.created };
}

/**
 * Where a client's syncs stand: its connection (null when no portal is connected yet), the current run (the one
 * running, else the one waiting) and the last finished runs, newest first, each with per-entity progress.
 */
export async function getClientSyncStatus(ctx: TenantContext, clientId: string, options: { limit?: number } = {}) {
  const limit = Math.min(Math.max(options.limit ?? RECENT_RUNS_DEFAULT, 1), RECENT_RUNS_MAX);
  const connection = await getClientConnection(ctx, clientId);
  if (!connection) return { connection: null, current: null, recent: [] };
  const ofConnection = eq(syncRuns.connectionId, connection.id);
  const [active, recent] = await Promise.all([
    loadRuns(ctx, [ofConnection, inArray(syncRuns.status, ["running", "queued"])], 2, [
      // Running before waiting: at most one of each exists per portal.
      sql`(${syncRuns.status} = 'running') desc`,
      asc(syncRuns.queuedAt),
    ]),
    loadRuns(ctx, [ofConnection, inArray(syncRuns.status, ["succeeded", "failed", "cancelled"])], limit, [
      desc(sql`coalesce(${syncRuns.finishedAt}, ${syncRuns.queuedAt})`),
      desc(syncRuns.id),
    ]),
  ]);
  return { connection, current: active[0] ?? null, recent };
}

export type SyncRunView = Awaited<ReturnType<typeof loadRuns>>[number];

async function loadRuns(
  ctx: TenantContext,
  conditions: SQL[],
  limit: number,
  order: SQL[] = [desc(syncRuns.queuedAt)],
) {
  const runs = await ctx.db
    .select({
      id: syncRuns.id,
      kind: syncRuns.kind,
      status: syncRuns.status,
      reason: syncRuns.reason,
      queuedAt: syncRuns.queuedAt,
      startedAt: syncRuns.startedAt,
      finishedAt: syncRuns.finishedAt,
      attempts: syncRuns.attempts,
      errorCode: syncRuns.errorCode,
      error: syncRuns.error,
    })
    .from(syncRuns)
    .where(and(eq(syncRuns.orgId, ctx.orgId), ...conditions))
    .orderBy(...order)
    .limit(limit);
  if (runs.length === 0) return [];
  const progress = await ctx.db
    .select()
    .from(syncProgress)
    .where(
      and(
        eq(syncProgress.orgId, ctx.orgId),
        inArray(
          syncProgress.runId,
          runs.map((run) => run.id),
        ),
      ),
    )
    // Entities in the order the run reached them; not yet started ones last.
    .orderBy(sql`${syncProgress.startedAt} asc nulls last`, asc(syncProgress.entity));
  return runs.map((run) => ({ ...run, entities: progress.filter((row) => row.runId === run.id) }));
}

