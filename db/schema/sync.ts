import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  doublePrecision,
  foreignKey,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { orgs, users } from "./core";
import { portalConnections } from "./portals";

/**
 * Sync bookkeeping: runs and their per-entity progress (shown live in the UI, kept as history), the per-entity
 * cursors that make a run resumable after a crash, the per-portal run lease that keeps one sync per portal, and the
 * shared rate-limiter state that keeps all workers together inside a portal's request budget.
 */

export const SYNC_KINDS = ["full", "incremental"] as const;
export type SyncKind = (typeof SYNC_KINDS)[number];
export const syncKindEnum = pgEnum("sync_kind", SYNC_KINDS);

export const SYNC_RUN_STATUSES = ["queued", "running", "succeeded", "failed", "cancelled"] as const;
export type SyncRunStatus = (typeof SYNC_RUN_STATUSES)[number];
export const syncRunStatusEnum = pgEnum("sync_run_status", SYNC_RUN_STATUSES);

export const SYNC_ENTITY_STATUSES = ["pending", "running", "done", "failed", "skipped"] as const;
export type SyncEntityStatus = (typeof SYNC_ENTITY_STATUSES)[number];

/**
 * One sync of one portal. Queued by requestPortalSync (schedule, "Sync now", onboarding, CLI, API); a worker moves it
 * to running and to a final state. A run that a crashed worker left running is resumed from the cursors by the next
 * worker (`attempts` counts the starts). `error_code` is machine-readable (a Bitrix24 error kind or a sync code such
 * as "connection_needs_reauth"); `error` the human-readable detail.
 */
export const syncRuns = pgTable(
  "sync_runs",
  {
    orgId: uuid("org_id")
      .notNull()
      .references(() => orgs.id, { onDelete: "cascade" }),
    id: uuid("id").notNull().defaultRandom(),
    connectionId: uuid("connection_id").notNull(),
    kind: syncKindEnum("kind").notNull(),
    status: syncRunStatusEnum("status").notNull().default("queued"),
    /** Why it was requested: "schedule", "manual", "connected", "cli", "api", "recovery"… */
    reason: text("reason").notNull(),
    requestedBy: uuid("requested_by").references(() => users.id, { onDelete: "set null" }),
    queuedAt: timestamp("queued_at", { withTimezone: true }).notNull().defaultNow(),
    startedAt: timestamp("started_at", { withTimezone: true }),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
    /** Starts of this run; more than one means it was resumed after a crash or a retry. */
    attempts: integer("attempts").notNull().default(0),
    errorCode: text("error_code"),
    error: text("error"),
    /** Totals at the end: { rows, deleted, requests, entities: { deal: { rows, requests, … } } }. */
    stats: jsonb("stats").$type<Record<string, unknown>>().notNull().default({}),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    uniqueIndex("sync_runs_id_key").on(t.id),
    index("sync_runs_connection_idx").on(t.orgId, t.connectionId, t.queuedAt),
    // At most one queued run per portal: later requests join it.
    uniqueIndex("sync_runs_one_queued_key")
      .on(t.orgId, t.connectionId)
      .where(sql`${t.status} = 'queued'`),
    index("sync_runs_status_idx").on(t.status),
    foreignKey({
      columns: [t.orgId, t.connectionId],
      foreignColumns: [portalConnections.orgId, portalConnections.id],
    }).onDelete("cascade"),
  ],
);

/**
 * Progress of one entity within one run, updated in the same transaction as each page it lands: rows fetched so
 * far, total when known, HTTP requests, rows/s and ETA. `phase` is backfill, incremental, events, reconcile or
 * dictionary.
 */
export const syncProgress = pgTable(
  "sync_progress",
  {
    orgId: uuid("org_id").notNull(),
    runId: uuid("run_id").notNull(),
    entity: text("entity").notNull(),
    status: text("status").$type<SyncEntityStatus>().notNull().default("pending"),
    phase: text("phase"),
    rowsFetched: bigint("rows_fetched", { mode: "number" }).notNull().default(0),
    rowsTotal: bigint("rows_total", { mode: "number" }),
    rowsDeleted: bigint("rows_deleted", { mode: "number" }).notNull().default(0),
    requests: integer("requests").notNull().default(0),
    /** Rows per second over this entity's run so far. */
    rate: doublePrecision("rate"),
    etaSeconds: integer("eta_seconds"),
    startedAt: timestamp("started_at", { withTimezone: true }),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
    error: text("error"),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.runId, t.entity] }),
    foreignKey({ columns: [t.orgId, t.runId], foreignColumns: [syncRuns.orgId, syncRuns.id] }).onDelete("cascade"),
  ],
);

/**
 * Where each entity of a portal stands, committed with every page:
 * - backfill: `backfill_last_id` = highest ID stored so far; `backfill_done_at` set once the whole history is in;
 * - incremental: `watermark` = records modified at or after it (minus an overlap) are fetched next time;
 *   `window_start` (the pass's start on the portal's clock, its next watermark) and `window_last_id` (the ID cursor
 *   inside the modified-since window) checkpoint a pass in progress;
 * - deletions: `events_read_to` = last portal_events id applied, `reconciled_at` = last full ID reconciliation.
 */
export const syncCursors = pgTable(
  "sync_cursors",
  {
    orgId: uuid("org_id").notNull(),
    connectionId: uuid("connection_id").notNull(),
    entity: text("entity").notNull(),
    backfillLastId: bigint("backfill_last_id", { mode: "number" }).notNull().default(0),
    backfillStartedAt: timestamp("backfill_started_at", { withTimezone: true }),
    backfillDoneAt: timestamp("backfill_done_at", { withTimezone: true }),
    watermark: timestamp("watermark", { withTimezone: true }),
    windowStart: timestamp("window_start", { withTimezone: true }),
    windowLastId: bigint("window_last_id", { mode: "number" }),
    reconciledAt: timestamp("reconciled_at", { withTimezone: true }),
    /** Reconciliation in progress: IDs up to here are checked. */
    reconcileLastId: bigint("reconcile_last_id", { mode: "number" }),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.connectionId, t.entity] }),
    foreignKey({
      columns: [t.orgId, t.connectionId],
      foreignColumns: [portalConnections.orgId, portalConnections.id],
    }).onDelete("cascade"),
  ],
);

/**
 * The per-portal run lease: a worker holds it while it runs a sync and renews it; a crashed worker's lease
 * expires and the next worker takes the run over. This, not the job queue, is what guarantees one running sync
 * per portal.
 */
export const syncLeases = pgTable(
  "sync_leases",
  {
    orgId: uuid("org_id").notNull(),
    connectionId: uuid("connection_id").notNull(),
    runId: uuid("run_id"),
    holder: text("holder"),
    expiresAt: timestamp("expires_at", { withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.connectionId] }),
    index("sync_leases_expires_idx").on(t.expiresAt),
    foreignKey({
      columns: [t.orgId, t.connectionId],
      foreignColumns: [portalConnections.orgId, portalConnections.id],
    }).onDelete("cascade"),
  ],
);

/** Per-org sync settings: the default incremental interval (a connection's sync_interval_minutes overrides it). */
export const orgSyncSettings = pgTable("org_sync_settings", {
  orgId: uuid("org_id")
    .primaryKey()
    .references(() => orgs.id, { onDelete: "cascade" }),
  intervalMinutes: integer("interval_minutes").notNull().default(60),
  /** Scheduled syncs on/off for the whole org ("Sync now" always works). */
  scheduleEnabled: boolean("schedule_enabled").notNull().default(true),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

/**
 * The shared leaky bucket of one portal (key = the portal's member_id: Bitrix24 counts requests per portal, so two
 * orgs connected to the same portal share it). `level` drains at `drain_per_second` since `drained_at`; the
 * database clock is the only clock, so workers on different hosts agree. Not tenant data. UNLOGGED (migration
 * 0006): written on every request and worthless after a crash, so not worth a WAL flush.
 */
export const portalRateBuckets = pgTable("portal_rate_buckets", {
  portalKey: text("portal_key").primaryKey(),
  level: doublePrecision("level").notNull().default(0),
  drainedAt: timestamp("drained_at", { withTimezone: true }).notNull().defaultNow(),
  backoffUntil: timestamp("backoff_until", { withTimezone: true }).notNull().defaultNow(),
  /** Requests granted through this row (diagnostics and tests). */
  granted: bigint("granted", { mode: "number" }).notNull().default(0),
});

/**
 * Per-method operating time of one portal, from each answer's `time.operating`: a method whose budget is nearly
 * spent, or that got 429 OPERATION_TIME_LIMIT, is paused for every worker until `paused_until`. UNLOGGED like
 * the bucket.
 */
export const portalMethodBudgets = pgTable(
  "portal_method_budgets",
  {
    portalKey: text("portal_key").notNull(),
    method: text("method").notNull(),
    operating: doublePrecision("operating"),
    operatingResetAt: timestamp("operating_reset_at", { withTimezone: true }),
    pausedUntil: timestamp("paused_until", { withTimezone: true }),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.portalKey, t.method] })],
);
