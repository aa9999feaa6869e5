import type { SyncRunJson, SyncStatusJson } from "@/components/sync/types";
import { getClientSyncStatus, type SyncRunView } from "@/lib/server/services/syncs";
import type { TenantContext } from "@/lib/server/tenant";

const iso = (d: Date | null) => (d ? d.toISOString() : null);

function runJson(run: SyncRunView): SyncRunJson {
  return {
    id: run.id,
    kind: run.kind,
    status: run.status,
    reason: run.reason,
    queuedAt: run.queuedAt.toISOString(),
    startedAt: iso(run.startedAt),
    finishedAt: iso(run.finishedAt),
    attempts: run.attempts,
    errorCode: run.errorCode,
    error: run.error,
    entities: run.entities.map((e) => ({
      entity: e.entity,
      status: e.status,
      phase: e.phase,
      rowsFetched: e.rowsFetched,
      rowsTotal: e.rowsTotal,
      rowsDeleted: e.rowsDeleted,
      requests: e.requests,
      rate: e.rate,
      etaSeconds: e.etaSeconds,
      startedAt: iso(e.startedAt),
      finishedAt: iso(e.finishedAt),
      error: e.error,
    })),
  };
}

/** A client's sync status as the live panel reads it (tenant-checked by the service). */
export async function clientSyncStatusJson(ctx: TenantContext, clientId: string): Promise<SyncStatusJson> {
  const status = await getClientSyncStatus(ctx, clientId, { limit: 10 });
  return {
    connection: status.connection ? { status: status.connection.status, lastSyncedAt: iso(status.connection.lastSyncedAt) } : null,
    current: status.current ? runJson(status.current) : null,
    recent: status.recent.map(runJson),
  };
}
