/**
 * Sync orchestration for one portal: dictionaries first, then every CRM list in parallel (separate methods have
 * separate operating budgets; the portal's request budget is shared through the limiter behind the client).
 *
 * Per list:
 * 1. backfill — the whole history by ID cursor, 2,500 rows per request, each page stored with its cursor;
 * 2. incremental — rows modified since the watermark (minus an overlap), by the same cursor inside that window;
 *    append-only lists (stage history) simply continue after their highest ID;
 * 3. deletions — DELETE events received before the pass started, then an ID reconciliation when the counts
 *    disagree, when the run is a full one, or when the last one is older than the reconciliation interval.
 *
 * Limits slow a run down and never fail it: a rate-limit or operating-limit error that the client gives up on is
 * waited out here and the list resumes from its stored cursor. Transient failures are retried a bounded number of
 * times without progress. Anything else stops that list; a connection-level failure (tokens revoked, portal deleted)
 * stops the whole run.
 *
 * Pure: talks to a Bitrix24Client and a SyncStore, nothing else.
 */
import type { Bitrix24Client } from "@/lib/bitrix24/client";
import { Bitrix24Error, isBitrix24Error, type Bitrix24ErrorKind } from "@/lib/bitrix24/errors";
import { backoffDelay } from "@/lib/bitrix24/http";
import {
  getCrmMode,
  listCategories,
  listCurrencies,
  listStatuses,
  listUserFields,
  listUsers,
  listWorkflowTemplates,
} from "@/lib/bitrix24/methods";
import { parseInstant } from "@/lib/bitrix24/schemas";
import {
  RECORD_ENTITIES,
  RECORD_SPECS,
  categoryRow,
  currencyRow,
  statusRow,
  userFieldRow,
  userRow,
  workflowTemplateRow,
  type DictionaryEntity,
  type MirrorRow,
  type RecordEntity,
  type RecordEntitySpec,
} from "./entities";
import { progressFigures } from "./progress";
import type { EntityCursor, SyncStore } from "./store";

export interface SyncOptions {
  /** full: every list is downloaded again from ID 0 and reconciled. */
  kind: "full" | "incremental";
  store: SyncStore;
  /** One client per list (each counts its own HTTP requests); they share the portal's limiter and tokens. */
  clientFor(entity: RecordEntity | "dictionaries"): CountingClient;
  signal: AbortSignal;
  /** Seconds subtracted from the watermark of each incremental pass (clock skew, late commits). Default 300. */
  overlapSeconds?: number;
  /** Reconcile IDs at least this often even when counts agree. Default 24 h. */
  reconcileIntervalMs?: number;
  /** Transient failures in a row without progress before a list gives up. Default 6. */
  maxTransientFailures?: number;
  /** Lists to sync (default all). */
  entities?: readonly RecordEntity[];
  now?: () => number;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  log?: (message: string) => void;
}

/** A client that also reports how many HTTP requests it has sent. */
export interface CountingClient extends Bitrix24Client {
  readonly requests: number;
}

export interface EntityOutcome {
  entity: RecordEntity | DictionaryEntity;
  status: "done" | "failed" | "skipped";
  rows: number;
  deleted: number;
  requests: number;
  /** Rows in the portal when counted. */
  total: number | null;
  reconciled: boolean;
  ms: number;
  error?: { kind: string; message: string };
}

export interface SyncResult {
  status: "succeeded" | "failed";
  errorCode: string | null;
  error: string | null;
  /** A connection-level failure (needs re-authorisation, portal deleted…): the connection must change status. */
  connectionFailure: Bitrix24Error | null;
  entities: EntityOutcome[];
  requests: number;
  rows: number;
  deleted: number;
  ms: number;
}

/** Kinds that mean the portal cannot be served at all right now. */
const CONNECTION_KINDS: Bitrix24ErrorKind[] = [
  "needs_reauth",
  "portal_deleted",
  "payment_required",
  "app_not_installed",
  "overload",
];
/** `malformed` codes of answers that did not arrive whole (as opposed to whole answers with unexpected content). */
const GARBLED_CODES = ["INVALID_JSON", "EMPTY_BODY", "UNEXPECTED_BODY"];
/** Kinds that mean this list (or dictionary) is not readable with the rights granted. */
const ACCESS_KINDS: Bitrix24ErrorKind[] = ["access_denied", "insufficient_scope", "method_not_found"];

function defaultSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, Math.max(0, ms));
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

/** Errors that end the whole run at once (the store lost its right to write, say). */
function isFatal(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { fatal?: unknown }).fatal === true;
}

function describe(error: unknown): { kind: string; message: string } {
  if (error instanceof Bitrix24Error) return { kind: error.kind, message: error.message };
  if (error instanceof Error) return { kind: "internal", message: error.message };
  return { kind: "internal", message: String(error) };
}

/** Syncs one portal. Never throws for the portal's failures (they are in the result); throws when aborted. */
export async function runSync(options: SyncOptions): Promise<SyncResult> {
  const started = (options.now ?? Date.now)();
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? defaultSleep;
  const log = options.log ?? (() => {});
  const overlapSeconds = options.overlapSeconds ?? 300;
  const reconcileIntervalMs = options.reconcileIntervalMs ?? 24 * 3600 * 1000;
  const maxTransient = options.maxTransientFailures ?? 6;
  const { store, signal } = options;

  // A connection-level failure in one list stops the others at their next page.
  const runController = new AbortController();
  const onOuterAbort = () => runController.abort(signal.reason);
  signal.addEventListener("abort", onOuterAbort, { once: true });
  let connectionFailure: Bitrix24Error | null = null;
  const stopFor = (error: unknown) => {
    if (isBitrix24Error(error, ...CONNECTION_KINDS) && !connectionFailure) {
      connectionFailure = error;
      runController.abort(error);
    }
  };
  const checkStop = () => {
    if (signal.aborted) throw signal.reason;
    if (runController.signal.aborted) throw runController.signal.reason;
  };

  const outcomes: EntityOutcome[] = [];
  /** Answers in a row, across the run's lists, that arrived cut short or unreadable. */
  let garbledInRow = 0;
  const dictClient = options.clientFor("dictionaries");

  // The portal's clock: watermarks are compared with its DATE_MODIFY values, so passes start in its time.
  let skewMs = 0;
  const portalNow = () => now() + skewMs;

  try {
    try {
      const { result } = await dictClient.call<unknown>("server.time");
      const portalMs = parseInstant(result);
      if (portalMs !== null) skewMs = portalMs - now();
    } catch (error) {
      stopFor(error);
      checkStop();
      log(`server.time unavailable (${describe(error).message}); using the local clock`);
    }

    await syncDictionaries();
    checkStop();

    const entities = options.entities ?? RECORD_ENTITIES;
    await Promise.all(entities.map((entity) => syncEntity(RECORD_SPECS[entity])));
  } catch (error) {
    // A connection-level failure is the run's outcome, not an exception.
    if (signal.aborted || error !== connectionFailure) throw error;
  } finally {
    signal.removeEventListener("abort", onOuterAbort);
  }
  if (signal.aborted) throw signal.reason;

  const failed = outcomes.find((o) => o.status === "failed");
  const cf = connectionFailure as Bitrix24Error | null;
  const total = (f: (o: EntityOutcome) => number) => outcomes.reduce((s, o) => s + f(o), 0);
  return {
    status: failed || cf ? "failed" : "succeeded",
    errorCode: cf ? cf.kind : (failed?.error?.kind ?? null),
    error: cf ? cf.message : failed ? `${failed.entity}: ${failed.error?.message ?? "failed"}` : null,
    connectionFailure: cf,
    entities: outcomes,
    requests: total((o) => o.requests) + 0,
    rows: total((o) => o.rows),
    deleted: total((o) => o.deleted),
    ms: now() - started,
  };

  // -------------------------------------------------------------------------------------------------------------

  async function syncDictionaries(): Promise<void> {
    const client = dictClient;
    const steps: [DictionaryEntity, () => Promise<void>][] = [
      ["crmMode", async () => store.saveCrmMode(await getCrmMode(client))],
      ["currencies", async () => store.replaceDictionary("currencies", (await listCurrencies(client)).map(currencyRow))],
      ["categories", async () => store.replaceDictionary("categories", (await listCategories(client, 2)).map(categoryRow))],
      ["statuses", async () => store.replaceDictionary("statuses", (await listStatuses(client)).map(statusRow))],
      ["users", async () => store.replaceDictionary("users", (await listUsers(client)).map(userRow))],
      [
        "userFields",
        async () => {
          const rows: MirrorRow[] = [];
          for (const e of ["deal", "lead", "contact", "company"] as const) {
            rows.push(...(await listUserFields(client, e)).map(userFieldRow));
          }
          await store.replaceDictionary("userFields", rows);
        },
      ],
      [
        "workflowTemplates",
        async () => store.replaceDictionary("workflowTemplates", (await listWorkflowTemplates(client)).map(workflowTemplateRow)),
      ],
    ];
    for (const [entity, step] of steps) {
      checkStop();
      const t0 = now();
      const before = client.requests;
      await store.openEntity(entity, false);
      await store.setProgress(entity, { status: "running", phase: "dictionary" });
      try {
        await retrying(step, () => {});
        await store.setProgress(entity, { status: "done", requests: client.requests - before, finished: true });
        outcomes.push({ entity, status: "done", rows: 0, deleted: 0, requests: client.requests - before, total: null, reconciled: false, ms: now() - t0 });
      } catch (error) {
        if (signal.aborted || isFatal(error)) throw error;
        stopFor(error);
        const skipped = isBitrix24Error(error, ...ACCESS_KINDS);
        const info = describe(error);
        await store.setProgress(entity, {
          status: skipped ? "skipped" : "failed",
          requests: client.requests - before,
          error: info.message,
          finished: true,
        });
        outcomes.push({
          entity,
          status: skipped ? "skipped" : "failed",
          rows: 0,
          deleted: 0,
          requests: client.requests - before,
          total: null,
          reconciled: false,
          ms: now() - t0,
          error: info,
        });
        if (connectionFailure) return;
        // A dictionary that cannot be read for lack of rights is skipped; the lists can still be synced.
      }
    }
  }

  /**
   * Runs `attempt` until it completes: limit errors are waited out (never counted as failures), transient errors
   * are retried with backoff up to `maxTransient` times in a row; `progressed` resets that count.
   */
  async function retrying<T>(attempt: (progressed: () => void) => Promise<T>, onProgressReset: () => void): Promise<T> {
    let failures = 0;
    const progressed = () => {
      failures = 0;
      garbledInRow = 0;
      onProgressReset();
    };
    for (;;) {
      checkStop();
      try {
        const result = await attempt(progressed);
        garbledInRow = 0;
        return result;
      } catch (error) {
        checkStop();
        if (isBitrix24Error(error, "operating_limit")) {
          const until = error.operatingResetAt ? error.operatingResetAt * 1000 : now() + 60_000;
          log(`${error.method ?? "method"} paused by the operating limit until ${new Date(until).toISOString()}`);
          await sleep(Math.max(1000, until - now()), runController.signal);
          continue;
        }
        if (isBitrix24Error(error, "rate_limited")) {
          await sleep(backoffDelay(3, Math.random, { baseMs: 2000 }), runController.signal);
          continue;
        }
        if (isBitrix24Error(error, "transient", "expired_token") && failures < maxTransient) {
          failures++;
          await sleep(backoffDelay(failures, Math.random, { baseMs: 1000 }), runController.signal);
          continue;
        }
        // A body cut short or not JSON at all is a transport accident as often as not: a few more tries. Rows that
        // arrive whole but do not parse are the portal's data and fail at once.
        // The count is the run's, not the list's: a portal that garbles everything fails fast.
        if (isBitrix24Error(error, "malformed") && GARBLED_CODES.includes(error.code) && garbledInRow < 3) {
          garbledInRow++;
          await sleep(backoffDelay(garbledInRow, Math.random, { baseMs: 1000 }), runController.signal);
          continue;
        }
        throw error;
      }
    }
  }

  async function syncEntity(spec: RecordEntitySpec): Promise<void> {
    const entity = spec.entity;
    const client = options.clientFor(entity);
    const t0 = now();
    let outcomeStatus: EntityOutcome["status"] = "done";
    let errorInfo: EntityOutcome["error"];
    let total: number | null = null;
    let reconciled = false;

    const opened = await store.openEntity(entity, options.kind === "full");
    if (opened.progress.status === "done") {
      // A resumed run: this list was finished before the interruption.
      outcomes.push({
        entity,
        status: "done",
        rows: opened.progress.rowsFetched,
        deleted: opened.progress.rowsDeleted,
        requests: opened.progress.requests,
        total: opened.progress.rowsTotal,
        reconciled: false,
        ms: 0,
      });
      return;
    }
    let cursor: EntityCursor = opened.cursor;
    let rowsFetched = opened.progress.rowsFetched;
    let rowsDeleted = opened.progress.rowsDeleted;
    const requestsBase = opened.progress.requests - client.requests;
    const requests = () => requestsBase + client.requests;
    const attemptStart = now();
    const attemptRowsBase = rowsFetched;

    const progress = (extra: { phase?: "backfill" | "incremental" | "events" | "reconcile" } = {}) => {
      const figures = progressFigures({
        rowsFetched,
        rowsThisAttempt: rowsFetched - attemptRowsBase,
        elapsedMs: now() - attemptStart,
        total: cursor.backfillDoneAt === null ? total : null,
      });
      return { ...extra, status: "running" as const, rowsFetched, rowsDeleted, requests: requests(), rowsTotal: total, ...figures };
    };

    const store_ = {
      page: async (rows: MirrorRow[], patch: Partial<EntityCursor>, phase: "backfill" | "incremental" | "reconcile") => {
        rowsFetched += rows.length;
        cursor = { ...cursor, ...patch };
        await store.savePage(entity, rows, patch, progress({ phase }));
      },
      cursor: async (patch: Partial<EntityCursor>) => {
        cursor = { ...cursor, ...patch };
        await store.saveCursor(entity, patch, progress());
      },
    };

    const exportOptions = {
      method: spec.method,
      select: spec.select,
      params: spec.params,
    };

    try {
      await store.setProgress(entity, { status: "running", phase: cursor.backfillDoneAt === null ? "backfill" : "incremental" });

      // 1. Backfill.
      if (cursor.backfillDoneAt === null) {
        total = await countPortal(client, spec).catch((error) => {
          stopFor(error);
          checkStop();
          return null;
        });
        if (cursor.backfillStartedAt === null) await store_.cursor({ backfillStartedAt: portalNow() });
        const horizon = spec.eventEntity ? await store.eventHorizon() : 0;
        await retrying(async (progressed) => {
          for await (const page of ahead(client.exportList({ ...exportOptions, afterId: cursor.backfillLastId }))) {
            checkStop();
            await store_.page(page.rows.map((r) => spec.toRow(r)), { backfillLastId: page.lastId }, "backfill");
            progressed();
          }
        }, () => {});
        await store_.cursor({ backfillDoneAt: portalNow(), watermark: cursor.backfillStartedAt });
        if (spec.eventEntity) await applyEvents(spec, horizon);
      } else {
        // 2. Incremental.
        const horizon = spec.eventEntity ? await store.eventHorizon() : 0;
        if (spec.dateField === null) {
          await retrying(async (progressed) => {
            for await (const page of ahead(client.exportList({ ...exportOptions, afterId: cursor.backfillLastId }))) {
              checkStop();
              await store_.page(page.rows.map((r) => spec.toRow(r)), { backfillLastId: page.lastId }, "incremental");
              progressed();
            }
          }, () => {});
        } else {
          if (cursor.windowStart === null) await store_.cursor({ windowStart: portalNow(), windowLastId: 0 });
          await retrying(async (progressed) => {
            for await (const page of ahead(
              client.changedSince({
                ...exportOptions,
                dateField: spec.dateField,
                since: cursor.watermark ?? 0,
                overlapSeconds,
                afterId: cursor.windowLastId ?? 0,
              }),
            )) {
              checkStop();
              await store_.page(page.rows.map((r) => spec.toRow(r)), { windowLastId: page.lastId }, "incremental");
              progressed();
            }
          }, () => {});
          await store_.cursor({ watermark: cursor.windowStart, windowStart: null, windowLastId: null });
        }
        if (spec.eventEntity) await applyEvents(spec, horizon);
      }

      // 3. Deletions the events did not bring: the mirror holding more rows than the portal means some went
      // unnoticed. Fewer is normal (records created since the pass) and left to the next pass.
      total = await retrying(() => countPortal(client, spec), () => {});
      const mirrorCount = await store.countRows(entity);
      const due =
        cursor.reconcileLastId !== null ||
        (total !== null && mirrorCount > total) ||
        (total === null && cursor.reconciledAt === null) ||
        (cursor.reconciledAt !== null && now() - cursor.reconciledAt > reconcileIntervalMs);
      if (due) {
        await reconcile(spec, client);
        reconciled = true;
        total = await retrying(() => countPortal(client, spec), () => {});
      } else if (cursor.reconciledAt === null) {
        // A fresh backfill whose count matches the portal's is as good as a reconciliation.
        await store_.cursor({ reconciledAt: now() });
      }
      await store.setProgress(entity, {
        ...progress(),
        status: "done",
        rowsTotal: total,
        etaSeconds: 0,
        finished: true,
      });
    } catch (error) {
      if (signal.aborted) throw error;
      if (isFatal(error)) {
        runController.abort(error);
        throw error;
      }
      stopFor(error);
      outcomeStatus = "failed";
      errorInfo = describe(error);
      await store
        .setProgress(entity, { ...progress(), status: "failed", error: errorInfo.message, finished: true })
        .catch(() => {});
    }
    outcomes.push({
      entity,
      status: outcomeStatus,
      rows: rowsFetched,
      deleted: rowsDeleted,
      requests: requests(),
      total,
      reconciled,
      ms: now() - t0,
      error: errorInfo,
    });

    async function applyEvents(s: RecordEntitySpec, horizon: number): Promise<void> {
      for (;;) {
        checkStop();
        const events = await store.pendingEvents(s.eventEntity!, horizon, 500);
        if (events.length === 0) return;
        const deleteIds = events.filter((e) => e.action === "delete" && e.recordId !== null).map((e) => e.recordId!);
        rowsDeleted += await store.applyEvents(entity, deleteIds, events.map((e) => e.eventId));
        if (events.length < 500) return;
      }
    }

    async function reconcile(s: RecordEntitySpec, c: CountingClient): Promise<void> {
      await retrying(async (progressed) => {
        let after = cursor.reconcileLastId ?? 0;
        for await (const page of c.listIds({ method: s.method, params: s.params, afterId: after })) {
          checkStop();
          const { deleted, missing } = await store.reconcileRange(entity, after, page.lastId, page.ids);
          rowsDeleted += deleted;
          cursor = { ...cursor, reconcileLastId: page.lastId };
          if (missing.length > 0) await fetchMissing(s, c, missing);
          after = page.lastId;
          progressed();
          await store.setProgress(entity, progress({ phase: "reconcile" }));
        }
        const { deleted } = await store.reconcileRange(entity, after, null, []);
        rowsDeleted += deleted;
      }, () => {});
      await store_.cursor({ reconciledAt: now(), reconcileLastId: null });
    }

    /** Records the portal has and the mirror lacks (should not happen; heals the mirror if it does). */
    async function fetchMissing(s: RecordEntitySpec, c: CountingClient, ids: number[]): Promise<void> {
      for (let i = 0; i < ids.length; i += 500) {
        const chunk = ids.slice(i, i + 500);
        for await (const page of c.exportList({ ...exportOptions, filter: { "@ID": chunk }, afterId: chunk[0] - 1 })) {
          const rows = page.rows.map((r) => s.toRow(r));
          rowsFetched += rows.length;
          await store.savePage(entity, rows, {}, progress({ phase: "reconcile" }));
        }
      }
    }
  }
}

/**
 * Iterates `source` one page ahead: the next request is in flight while the caller stores the current page, so a
 * list's time per page is the longer of the two rather than their sum. At most two pages are held. Cursors are
 * unaffected: they move only when a page is stored.
 */
export async function* ahead<T>(source: AsyncGenerator<T>): AsyncGenerator<T> {
  let next = source.next();
  // A rejection of the page fetched ahead surfaces when it is awaited, not as an unhandled rejection meanwhile.
  next.catch(() => {});
  try {
    for (;;) {
      const current = await next;
      if (current.done) return;
      next = source.next();
      next.catch(() => {});
      yield current.value;
    }
  } finally {
    // Stopping early (an error while storing, an abort): let the fetch in flight settle, then close the source.
    await next.catch(() => undefined);
    await source.return(undefined as never).catch(() => undefined);
  }
}

/** The number of records in the portal: one list call with a COUNT (start=0). */
async function countPortal(client: Bitrix24Client, spec: RecordEntitySpec): Promise<number | null> {
  const res = await client.call<unknown>(spec.method, { ...spec.params, select: ["ID"], order: { ID: "ASC" }, filter: {}, start: 0 });
  return typeof res.total === "number" && Number.isFinite(res.total) ? res.total : null;
}
