/**
 * What the sync orchestration needs from storage, for one run of one portal. The PostgreSQL implementation is
 * lib/server/sync/pg-store.ts; every method that lands rows also moves the cursor in the same transaction, which
 * is what makes a crash at any point resumable with nothing lost or duplicated.
 */
import type { DictionaryEntity, MirrorRow, RecordEntity, SyncEntity } from "./entities";

/** Where one entity of one portal stands (times are epoch ms on the portal's clock unless noted). */
export interface EntityCursor {
  /** Highest ID stored by the backfill (and, for append-only lists, by later runs). */
  backfillLastId: number;
  backfillStartedAt: number | null;
  backfillDoneAt: number | null;
  /** Records modified at or after this (minus the overlap) are read by the next incremental pass. */
  watermark: number | null;
  /** Start of the incremental pass in progress (its next watermark); null between passes. */
  windowStart: number | null;
  /** ID cursor inside the pass in progress. */
  windowLastId: number | null;
  /** Last completed ID reconciliation (local clock). */
  reconciledAt: number | null;
  /** IDs up to here are reconciled in the reconciliation in progress; null between reconciliations. */
  reconcileLastId: number | null;
}

export const EMPTY_CURSOR: EntityCursor = {
  backfillLastId: 0,
  backfillStartedAt: null,
  backfillDoneAt: null,
  watermark: null,
  windowStart: null,
  windowLastId: null,
  reconciledAt: null,
  reconcileLastId: null,
};

export type EntityPhase = "dictionary" | "backfill" | "incremental" | "events" | "reconcile";

/** Progress of one entity in this run, as shown in the UI. Absolute values, not increments. */
export interface ProgressUpdate {
  status?: "pending" | "running" | "done" | "failed" | "skipped";
  phase?: EntityPhase;
  rowsFetched?: number;
  rowsTotal?: number | null;
  rowsDeleted?: number;
  requests?: number;
  rate?: number | null;
  etaSeconds?: number | null;
  error?: string | null;
  finished?: boolean;
}

export interface StoredProgress {
  /** Where this run left the entity ("pending" when new). */
  status: "pending" | "running" | "done" | "failed" | "skipped";
  rowsFetched: number;
  rowsTotal: number | null;
  rowsDeleted: number;
  requests: number;
  /** True when this run had already started this entity (a resumed run). */
  resumed: boolean;
}

export interface PendingEvent {
  eventId: number;
  recordId: number | null;
  action: string;
}

export interface SyncStore {
  /**
   * Opens the entity for this run: creates its progress row and reads its cursor. When `restart` is set and this run
   * has not touched the entity before, the cursor is reset first (a full sync downloads everything again).
   */
  openEntity(entity: SyncEntity, restart: boolean): Promise<{ cursor: EntityCursor; progress: StoredProgress }>;
  /** Upserts a page of rows, moves the cursor and updates the progress, in one transaction. */
  savePage(entity: RecordEntity, rows: MirrorRow[], cursor: Partial<EntityCursor>, progress: ProgressUpdate): Promise<void>;
  /** Moves the cursor (and the progress) without rows. */
  saveCursor(entity: RecordEntity, cursor: Partial<EntityCursor>, progress?: ProgressUpdate): Promise<void>;
  setProgress(entity: SyncEntity, progress: ProgressUpdate): Promise<void>;
  /** Rows of the entity in the mirror. */
  countRows(entity: RecordEntity): Promise<number>;
  /**
   * One step of an ID reconciliation: mirror rows with afterId < id ≤ upToId (no upper bound when null) whose ID is
   * not in `portalIds` are deleted, the reconciliation cursor moves to `upToId`, in one transaction. Returns how many
   * rows went and which of `portalIds` the mirror lacks.
   */
  reconcileRange(
    entity: RecordEntity,
    afterId: number,
    upToId: number | null,
    portalIds: number[],
  ): Promise<{ deleted: number; missing: number[] }>;
  /** Highest portal_events id of this connection now: events up to it are covered by a pass starting now. */
  eventHorizon(): Promise<number>;
  /** Pending events of one CRM entity up to `horizon`, oldest first, at most `limit`. */
  pendingEvents(eventEntity: string, horizon: number, limit: number): Promise<PendingEvent[]>;
  /** Deletes the records named by delete events and marks all the given events processed, in one transaction. */
  applyEvents(entity: RecordEntity, deleteIds: number[], eventIds: number[]): Promise<number>;
  /** Replaces a dictionary: upserts `rows`, deletes the rest, in one transaction. */
  replaceDictionary(entity: Exclude<DictionaryEntity, "crmMode">, rows: MirrorRow[]): Promise<void>;
  /** Stores the portal's CRM mode (1 classic, 2 simple). */
  saveCrmMode(mode: 1 | 2): Promise<void>;
}
