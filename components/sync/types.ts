/** The JSON of GET /api/clients/{id}/sync, shared by the route and the live sync panel. */

export interface SyncEntityJson {
  entity: string;
  status: string;
  phase: string | null;
  rowsFetched: number;
  rowsTotal: number | null;
  rowsDeleted: number;
  requests: number;
  /** Rows per second. */
  rate: number | null;
  etaSeconds: number | null;
  startedAt: string | null;
  finishedAt: string | null;
  error: string | null;
}

export interface SyncRunJson {
  id: string;
  kind: "full" | "incremental";
  status: "queued" | "running" | "succeeded" | "failed" | "cancelled";
  reason: string;
  queuedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  attempts: number;
  errorCode: string | null;
  error: string | null;
  entities: SyncEntityJson[];
}

export interface SyncStatusJson {
  connection: { status: string; lastSyncedAt: string | null } | null;
  current: SyncRunJson | null;
  recent: SyncRunJson[];
}
