import { getTableColumns, getTableName, sql, type SQL } from "drizzle-orm";
import type { PgTable } from "drizzle-orm/pg-core";
import type { Db, Tx } from "@/db";
import { queryRows } from "@/db";
import {
  mirrorActivities,
  mirrorCategories,
  mirrorCompanies,
  mirrorContacts,
  mirrorCurrencies,
  mirrorDealStageHistory,
  mirrorDeals,
  mirrorLeadStageHistory,
  mirrorLeads,
  mirrorStatuses,
  mirrorUserFields,
  mirrorUsers,
  mirrorWorkflowTemplates,
} from "@/db/schema";
import { markPortalEventsProcessed } from "@/lib/server/portal-events";
import type { DictionaryEntity, MirrorRow, RecordEntity, SyncEntity } from "@/lib/sync/entities";
import { EMPTY_CURSOR, type EntityCursor, type PendingEvent, type ProgressUpdate, type StoredProgress, type SyncStore } from "@/lib/sync/store";

/**
 * The SyncStore on PostgreSQL / PGlite. Pages are written with one INSERT … SELECT FROM json_to_recordset(…)
 * ON CONFLICT DO UPDATE per page (one parameter however many rows, so 2,500-row pages stay far from the 65,535
 * parameter limit), and rows whose values did not change are not rewritten (their `synced_at` keeps telling when
 * they last changed).
 */

interface TableInfo {
  table: PgTable;
  name: string;
  /** Conflict key columns after org_id, connection_id. */
  key: string[];
  /** Data columns (everything but org_id, connection_id, synced_at) with their SQL types. */
  columns: { name: string; type: string }[];
}

function info(table: PgTable, key: string[]): TableInfo {
  const columns = Object.values(getTableColumns(table))
    .filter((c) => !["org_id", "connection_id", "synced_at"].includes(c.name))
    .map((c) => ({ name: c.name, type: c.getSQLType() }));
  return { table, name: getTableName(table), key, columns };
}

const TABLES: Record<RecordEntity | Exclude<DictionaryEntity, "crmMode">, TableInfo> = {
  lead: info(mirrorLeads, ["id"]),
  deal: info(mirrorDeals, ["id"]),
  contact: info(mirrorContacts, ["id"]),
  company: info(mirrorCompanies, ["id"]),
  activity: info(mirrorActivities, ["id"]),
  leadStageHistory: info(mirrorLeadStageHistory, ["id"]),
  dealStageHistory: info(mirrorDealStageHistory, ["id"]),
  currencies: info(mirrorCurrencies, ["currency"]),
  categories: info(mirrorCategories, ["entity_type_id", "id"]),
  statuses: info(mirrorStatuses, ["id"]),
  users: info(mirrorUsers, ["id"]),
  userFields: info(mirrorUserFields, ["id"]),
  workflowTemplates: info(mirrorWorkflowTemplates, ["id"]),
};

/** The mirror table of an entity (for tests, tools and the metrics' documentation). */
export function mirrorTableName(entity: RecordEntity | Exclude<DictionaryEntity, "crmMode">): string {
  return TABLES[entity].name;
}

const q = (name: string) => `"${name}"`;

/** INSERT … SELECT FROM json_to_recordset … ON CONFLICT DO UPDATE (only rows that changed). */
function upsertStatement(t: TableInfo, orgId: string, connectionId: string, json: string): SQL {
  const cols = t.columns.map((c) => q(c.name)).join(", ");
  const defs = t.columns.map((c) => `${q(c.name)} ${c.type}`).join(", ");
  const rest = t.columns.filter((c) => !t.key.includes(c.name)).map((c) => q(c.name));
  const set = rest.map((c) => `${c} = excluded.${c}`).join(", ");
  const changed = `(${rest.map((c) => `t.${c}`).join(", ")}) is distinct from (${rest.map((c) => `excluded.${c}`).join(", ")})`;
  return sql.join(
    [
      sql.raw(`insert into ${q(t.name)} as t (org_id, connection_id, ${cols}, synced_at) select `),
      sql`${orgId}::uuid, ${connectionId}::uuid, `,
      sql.raw(`${cols}, clock_timestamp() from json_to_recordset(`),
      sql`${json}::json`,
      sql.raw(
        `) as r(${defs}) on conflict (org_id, connection_id, ${t.key.map(q).join(", ")}) do update set ${set}, ` +
          `synced_at = excluded.synced_at where ${changed}`,
      ),
    ],
    sql.raw(""),
  );
}

const intArray = (ids: number[]) => `{${ids.map((n) => Math.trunc(n)).join(",")}}`;
const toDate = (ms: number | null | undefined) => (ms === null || ms === undefined ? null : new Date(ms).toISOString());
const toMs = (v: unknown) => (v === null || v === undefined ? null : new Date(v as string).getTime());

const CURSOR_COLUMNS: Record<keyof EntityCursor, { column: string; kind: "id" | "time" }> = {
  backfillLastId: { column: "backfill_last_id", kind: "id" },
  backfillStartedAt: { column: "backfill_started_at", kind: "time" },
  backfillDoneAt: { column: "backfill_done_at", kind: "time" },
  watermark: { column: "watermark", kind: "time" },
  windowStart: { column: "window_start", kind: "time" },
  windowLastId: { column: "window_last_id", kind: "id" },
  reconciledAt: { column: "reconciled_at", kind: "time" },
  reconcileLastId: { column: "reconcile_last_id", kind: "id" },
};

export interface PgSyncStoreRef {
  orgId: string;
  connectionId: string;
  runId: string;
  /**
   * The lease this run holds. Every write transaction first checks (and extends) it, so a worker that was presumed
   * dead and replaced cannot write a page after its successor took over: its transaction fails with LeaseLostError.
   */
  lease?: { holder: string; seconds: number };
}

/** The run's lease now belongs to another worker: stop without writing. */
export class LeaseLostError extends Error {
  /** Tells the sync orchestration to stop the whole run, not just one list. */
  readonly fatal = true;
  constructor() {
    super("the sync lease was taken over by another worker");
    this.name = "LeaseLostError";
  }
}

/** The store of one run of one portal. */
export function createPgSyncStore(db: Db, ref: PgSyncStoreRef): SyncStore {
  const { orgId, connectionId, runId } = ref;

  /** Fencing: the write transaction goes on only while this run still holds the portal's lease. */
  const fence = async (tx: Db | Tx) => {
    if (!ref.lease) return;
    const held = await queryRows(
      tx,
      sql`update sync_leases set expires_at = greatest(expires_at, clock_timestamp() + make_interval(secs => ${ref.lease.seconds}))
          where org_id = ${orgId} and connection_id = ${connectionId} and run_id = ${runId} and holder = ${ref.lease.holder}
          returning 1`,
    );
    if (held.length === 0) throw new LeaseLostError();
  };

  const cursorUpdate = async (tx: Db | Tx, entity: string, patch: Partial<EntityCursor>) => {
    const entries = Object.entries(patch) as [keyof EntityCursor, number | null][];
    if (entries.length === 0) return;
    const sets = entries.map(([k, v]) => {
      const c = CURSOR_COLUMNS[k];
      return sql.join([sql.raw(`${q(c.column)} = `), c.kind === "time" ? sql`${toDate(v)}::timestamptz` : sql`${v}::bigint`], sql.raw(""));
    });
    await tx.execute(
      sql`insert into sync_cursors (org_id, connection_id, entity) values (${orgId}, ${connectionId}, ${entity})
          on conflict (org_id, connection_id, entity) do update set ${sql.join(sets, sql.raw(", "))}, updated_at = clock_timestamp()`,
    );
  };

  const progressUpdate = async (tx: Db | Tx, entity: string, p: ProgressUpdate) => {
    const sets: SQL[] = [sql`updated_at = clock_timestamp()`];
    if (p.status !== undefined) sets.push(sql`status = ${p.status}`);
    if (p.phase !== undefined) sets.push(sql`phase = ${p.phase}`);
    if (p.rowsFetched !== undefined) sets.push(sql`rows_fetched = ${p.rowsFetched}`);
    if (p.rowsTotal !== undefined) sets.push(sql`rows_total = ${p.rowsTotal}`);
    if (p.rowsDeleted !== undefined) sets.push(sql`rows_deleted = ${p.rowsDeleted}`);
    if (p.requests !== undefined) sets.push(sql`requests = ${p.requests}`);
    if (p.rate !== undefined) sets.push(sql`rate = ${p.rate}`);
    if (p.etaSeconds !== undefined) sets.push(sql`eta_seconds = ${p.etaSeconds}`);
    if (p.error !== undefined) sets.push(sql`error = ${p.error}`);
    if (p.status === "running") sets.push(sql`started_at = coalesce(started_at, clock_timestamp()), finished_at = null`);
    if (p.finished) sets.push(sql`finished_at = clock_timestamp()`);
    await tx.execute(
      sql`update sync_progress set ${sql.join(sets, sql.raw(", "))}
          where org_id = ${orgId} and run_id = ${runId} and entity = ${entity}`,
    );
  };

  const upsert = async (tx: Db | Tx, t: TableInfo, rows: MirrorRow[]) => {
    if (rows.length === 0) return;
    await tx.execute(upsertStatement(t, orgId, connectionId, JSON.stringify(rows)));
  };

  return {
    async openEntity(entity: SyncEntity, restart: boolean) {
      return db.transaction(async (tx) => {
        await fence(tx);
        const inserted = await queryRows(
          tx,
          sql`insert into sync_progress (org_id, run_id, entity) values (${orgId}, ${runId}, ${entity})
              on conflict do nothing returning 1`,
        );
        const firstTime = inserted.length > 0;
        if (firstTime && restart) {
          await tx.execute(
            sql`delete from sync_cursors where org_id = ${orgId} and connection_id = ${connectionId} and entity = ${entity}`,
          );
        }
        const [c] = await queryRows<Record<string, unknown>>(
          tx,
          sql`select * from sync_cursors where org_id = ${orgId} and connection_id = ${connectionId} and entity = ${entity}`,
        );
        const cursor: EntityCursor = c
          ? {
              backfillLastId: Number(c.backfill_last_id),
              backfillStartedAt: toMs(c.backfill_started_at),
              backfillDoneAt: toMs(c.backfill_done_at),
              watermark: toMs(c.watermark),
              windowStart: toMs(c.window_start),
              windowLastId: c.window_last_id === null ? null : Number(c.window_last_id),
              reconciledAt: toMs(c.reconciled_at),
              reconcileLastId: c.reconcile_last_id === null ? null : Number(c.reconcile_last_id),
            }
          : { ...EMPTY_CURSOR };
        const [p] = await queryRows<Record<string, unknown>>(
          tx,
          sql`select status, rows_fetched, rows_total, rows_deleted, requests from sync_progress
              where org_id = ${orgId} and run_id = ${runId} and entity = ${entity}`,
        );
        const progress: StoredProgress = {
          status: p.status as StoredProgress["status"],
          rowsFetched: Number(p.rows_fetched),
          rowsTotal: p.rows_total === null ? null : Number(p.rows_total),
          rowsDeleted: Number(p.rows_deleted),
          requests: Number(p.requests),
          resumed: !firstTime,
        };
        return { cursor, progress };
      });
    },

    async savePage(entity, rows, cursor, progress) {
      await db.transaction(async (tx) => {
        await fence(tx);
        await upsert(tx, TABLES[entity], rows);
        await cursorUpdate(tx, entity, cursor);
        await progressUpdate(tx, entity, progress);
      });
    },

    async saveCursor(entity, cursor, progress) {
      await db.transaction(async (tx) => {
        await fence(tx);
        await cursorUpdate(tx, entity, cursor);
        if (progress) await progressUpdate(tx, entity, progress);
      });
    },

    async setProgress(entity, progress) {
      await db.transaction(async (tx) => {
        await fence(tx);
        await progressUpdate(tx, entity, progress);
      });
    },

    async countRows(entity) {
      const t = TABLES[entity];
      const [row] = await queryRows<{ n: number | string }>(
        db,
        sql`select count(*) as n from ${sql.raw(q(t.name))} where org_id = ${orgId} and connection_id = ${connectionId}`,
      );
      return Number(row.n);
    },

    async reconcileRange(entity, afterId, upToId, portalIds) {
      const t = sql.raw(q(TABLES[entity].name));
      return db.transaction(async (tx) => {
        await fence(tx);
        const upper = upToId === null ? sql`` : sql` and id <= ${upToId}`;
        const deleted = await queryRows(
          tx,
          sql`delete from ${t} where org_id = ${orgId} and connection_id = ${connectionId} and id > ${afterId}${upper}
              and not (id = any(${intArray(portalIds)}::int[])) returning 1`,
        );
        let missing: number[] = [];
        if (portalIds.length > 0) {
          const rows = await queryRows<{ id: number }>(
            tx,
            sql`select p.id from unnest(${intArray(portalIds)}::int[]) as p(id)
                where not exists (select 1 from ${t} m where m.org_id = ${orgId} and m.connection_id = ${connectionId} and m.id = p.id)
                order by p.id`,
          );
          missing = rows.map((r) => Number(r.id));
        }
        if (upToId !== null) await cursorUpdate(tx, entity, { reconcileLastId: upToId });
        return { deleted: deleted.length, missing };
      });
    },

    async eventHorizon() {
      const [row] = await queryRows<{ n: number | string | null }>(
        db,
        sql`select max(id) as n from portal_events where org_id = ${orgId} and connection_id = ${connectionId}`,
      );
      return row?.n === null || row?.n === undefined ? 0 : Number(row.n);
    },

    async pendingEvents(eventEntity, horizon, limit): Promise<PendingEvent[]> {
      const rows = await queryRows<{ id: number | string; entity_id: string; action: string }>(
        db,
        sql`select id, entity_id, action from portal_events
            where org_id = ${orgId} and connection_id = ${connectionId} and entity = ${eventEntity}
              and processed_at is null and id <= ${horizon}
            order by id limit ${limit}`,
      );
      return rows.map((r) => ({
        eventId: Number(r.id),
        recordId: /^\d+$/.test(r.entity_id) ? Number(r.entity_id) : null,
        action: r.action,
      }));
    },

    async applyEvents(entity, deleteIds, eventIds) {
      const t = sql.raw(q(TABLES[entity].name));
      return db.transaction(async (tx) => {
        await fence(tx);
        let deleted = 0;
        if (deleteIds.length > 0) {
          const rows = await queryRows(
            tx,
            sql`delete from ${t} where org_id = ${orgId} and connection_id = ${connectionId}
                and id = any(${intArray(deleteIds)}::int[]) returning 1`,
          );
          deleted = rows.length;
        }
        await markPortalEventsProcessed(tx, orgId, eventIds);
        return deleted;
      });
    },

    async replaceDictionary(entity, rows) {
      const t = TABLES[entity];
      const json = JSON.stringify(rows);
      await db.transaction(async (tx) => {
        await fence(tx);
        await upsert(tx, t, rows);
        const keyDefs = t.key.map((k) => `${q(k)} ${t.columns.find((c) => c.name === k)!.type}`).join(", ");
        const match = t.key.map((k) => `r.${q(k)} = m.${q(k)}`).join(" and ");
        await tx.execute(
          sql.join(
            [
              sql.raw(`delete from ${q(t.name)} m where `),
              sql`m.org_id = ${orgId} and m.connection_id = ${connectionId} and not exists (select 1 from json_to_recordset(${json}::json)`,
              sql.raw(` as r(${keyDefs}) where ${match})`),
            ],
            sql.raw(""),
          ),
        );
      });
    },

    async saveCrmMode(mode) {
      await db.execute(
        sql`update portal_connections set crm_mode = ${mode} where org_id = ${orgId} and id = ${connectionId}`,
      );
    },
  };
}
