/**
 * Fast list export (settings/performance/huge-data.md; SYNC.md §1.5): `order {ID: ASC}`, `filter {">ID": last}`,
 * `start: -1` (no COUNT), and up to 50 such pages chained inside one batch, each filtering on the previous
 * page's 50th ID through `$result[prev][49][ID]` — up to 2,500 rows per HTTP request.
 *
 * Correctness rules, since the server resolves references blindly (CRestUtil::processBatchStructure leaves an
 * unresolvable `$result[…]` as the literal text or as the whole previous result):
 * - pages are consumed in order and consumption stops at the first page shorter than 50 (end of data), at the
 *   first failed or skipped command, and at the first page whose IDs are not strictly ascending above the
 *   cursor (a reference that resolved to the wrong thing). Everything after such a point is discarded and the
 *   next request restarts from the last accepted ID, so no row is lost or yielded twice;
 * - each yielded page carries `lastId`, so the caller can upsert the rows and store the cursor in one
 *   transaction and resume from it after a crash.
 */
import type { z } from "zod";
import { Bitrix24Error, isBitrix24Error } from "./errors";
import { backoffDelay, type Runtime } from "./http";
import type { BatchCommand, BatchResponse } from "./client";

/** Rows per page of every Bitrix24 list method. */
export const PAGE_SIZE = 50;

/** Consecutive operating-limit pauses without progress before the export gives up. */
const MAX_OPERATING_ROUNDS = 12;

/** What the export needs from a client. */
export interface BatchRunner {
  batch(commands: Record<string, BatchCommand>, opts?: { halt?: boolean }): Promise<BatchResponse>;
}

export interface ExportListOptions<T = Record<string, unknown>> {
  /**
   * A list method that honours `order`, `filter[>ID]` and `start=-1`: crm.deal/lead/contact/company/activity.list,
   * crm.stagehistory.list, crm.item.list. (user.get pages differently: use listUsers for it.)
   */
  method: string;
  /** Fields to fetch; the ID field is added when missing. Keep it minimal: every field costs server time. */
  select?: string[];
  filter?: Record<string, unknown>;
  /** Other params sent with every page (entityTypeId for crm.stagehistory.list / crm.item.list). */
  params?: Record<string, unknown>;
  /** Default "ID"; "id" for crm.item.list. */
  idField?: string;
  /** Exclusive lower bound: resume after this ID. Default 0. */
  afterId?: number;
  /**
   * Where the rows sit inside each result: "items" for crm.stagehistory.list and crm.item.list (the default for
   * those two), none for legacy lists whose result is the array itself.
   */
  resultPath?: string;
  /** Commands per batch, at most 50. */
  maxCommands?: number;
  /**
   * Budget for the summed server time of one batch, in seconds (Bitrix24 cuts a request at 60 s). The batch
   * length is adapted after each request from the slowest page seen. Default 20.
   */
  targetBatchSeconds?: number;
  /** Parses each row; without it rows are returned as plain objects. */
  schema?: z.ZodType<T>;
  /** Consecutive failed rounds without progress before giving up. Default 4. */
  retries?: number;
}

export interface ExportPage<T> {
  /** Rows from one HTTP request, in ascending ID order. */
  rows: T[];
  /** ID of the last row: store it with the rows and pass it as `afterId` to resume. */
  lastId: number;
}

export interface ChangedSinceOptions<T = Record<string, unknown>> extends ExportListOptions<T> {
  /**
   * Modification date field: "DATE_MODIFY" (default; deals, leads, contacts, companies), "LAST_UPDATED"
   * (activities), "updatedTime" (crm.item.list), or null for append-only lists such as crm.stagehistory.list,
   * which are read by `>ID` only.
   */
  dateField?: string | null;
  /** Lower bound of the window: epoch ms or Date (the time the previous run started). Required with a dateField. */
  since?: number | Date;
  /** Subtracted from `since` to cover clock skew and transactions committed late. Default 300. */
  overlapSeconds?: number;
}

export interface ListIdsOptions {
  method: string;
  idField?: string;
  filter?: Record<string, unknown>;
  params?: Record<string, unknown>;
  resultPath?: string;
  afterId?: number;
  maxCommands?: number;
}

export interface IdPage {
  ids: number[];
  lastId: number;
}

const ITEMS_METHODS = new Set(["crm.stagehistory.list", "crm.item.list"]);

function rowsOf(result: unknown, resultPath: string | undefined, method: string, key: string): unknown[] {
  let value = result;
  if (resultPath) {
    value = typeof value === "object" && value !== null ? (value as Record<string, unknown>)[resultPath] : undefined;
  }
  if (!Array.isArray(value)) {
    throw new Bitrix24Error({
      kind: "malformed",
      code: "NOT_A_LIST",
      description: `expected ${resultPath ? `result.${resultPath}` : "result"} to be an array`,
      method,
      command: key,
    });
  }
  return value;
}

function idOf(row: unknown, idField: string): number {
  const v = typeof row === "object" && row !== null ? (row as Record<string, unknown>)[idField] : undefined;
  const n = typeof v === "number" ? v : typeof v === "string" && /^\d+$/.test(v) ? Number(v) : NaN;
  return Number.isSafeInteger(n) ? n : NaN;
}

/** One page per HTTP request of up to 50 chained list calls. See the file comment for the rules. */
export async function* exportList<T = Record<string, unknown>>(
  runner: BatchRunner,
  runtime: Pick<Runtime, "sleep" | "random">,
  opts: ExportListOptions<T>,
): AsyncGenerator<ExportPage<T>> {
  const idField = opts.idField ?? "ID";
  const resultPath = opts.resultPath ?? (ITEMS_METHODS.has(opts.method) ? "items" : undefined);
  const maxCommands = Math.min(Math.max(1, opts.maxCommands ?? PAGE_SIZE), 50);
  const target = opts.targetBatchSeconds ?? 20;
  const retries = opts.retries ?? 4;
  const select = opts.select && !opts.select.includes(idField) ? [idField, ...opts.select] : opts.select;
  const ref = (key: string) => `$result[${key}]${resultPath ? `[${resultPath}]` : ""}[${PAGE_SIZE - 1}][${idField}]`;

  let lastId = opts.afterId ?? 0;
  let length = maxCommands;
  let failures = 0;
  let operatingRounds = 0;

  for (;;) {
    const commands: Record<string, BatchCommand> = {};
    for (let i = 0; i < length; i++) {
      commands[`p${i}`] = {
        method: opts.method,
        params: {
          ...opts.params,
          order: { [idField]: "ASC" },
          filter: { ...opts.filter, [`>${idField}`]: i === 0 ? lastId : ref(`p${i - 1}`) },
          ...(select ? { select } : {}),
          start: -1,
        },
      };
    }

    let response: BatchResponse;
    try {
      response = await runner.batch(commands, { halt: true });
    } catch (err) {
      // A batch that keeps failing as a whole may be too slow for the 60 s cap: retry shorter. An unparseable
      // answer is retried too: every command is a read and the cursor has not moved.
      if (isBitrix24Error(err, "transient", "malformed") && failures < retries) {
        failures++;
        length = Math.max(1, Math.floor(length / 2));
        continue;
      }
      throw err;
    }

    const rows: T[] = [];
    let done = false;
    let stoppedBy: Bitrix24Error | undefined;
    let slowestPage = 0;
    let cursor = lastId;

    for (let i = 0; i < length; i++) {
      const key = `p${i}`;
      const r = response.results[key];
      if (!r || r.status === "skipped") break;
      if (r.status === "error") {
        stoppedBy = r.error;
        break;
      }
      slowestPage = Math.max(slowestPage, r.time?.duration ?? r.time?.processing ?? 0);
      const page = rowsOf(r.result, resultPath, opts.method, key);
      const ids = page.map((row) => idOf(row, idField));
      let prev = cursor;
      const inOrder = ids.every((id) => {
        const ok = id > prev;
        prev = id;
        return ok;
      });
      if (!inOrder) {
        if (i === 0) {
          throw new Bitrix24Error({
            kind: "malformed",
            code: "CURSOR_NOT_HONOURED",
            description: `rows not in ascending ${idField} order after ${cursor}`,
            method: opts.method,
            command: key,
          });
        }
        break;
      }
      for (const row of page) rows.push(opts.schema ? parseRow(opts.schema, row, opts.method) : (row as T));
      if (ids.length > 0) cursor = ids[ids.length - 1];
      if (page.length < PAGE_SIZE) {
        done = true;
        break;
      }
    }

    if (rows.length > 0) {
      lastId = cursor;
      failures = 0;
      operatingRounds = 0;
      yield { rows, lastId };
    }
    if (done) return;

    if (rows.length === 0 && stoppedBy) {
      // No progress: the first command itself failed.
      if (stoppedBy.kind === "operating_limit") {
        // batch() has paused the method; the next round waits for it in methodReady. The budget is a sliding
        // window of ten one-minute buckets, so a few rounds may be needed before it lets the method through.
        if (operatingRounds++ >= MAX_OPERATING_ROUNDS) throw stoppedBy;
      } else if (stoppedBy.kind === "transient" || stoppedBy.kind === "rate_limited") {
        if (failures++ >= retries) throw stoppedBy;
        await runtime.sleep(backoffDelay(failures, runtime.random));
      } else {
        throw stoppedBy;
      }
    } else if (rows.length === 0) {
      throw new Bitrix24Error({
        kind: "malformed",
        code: "NO_PROGRESS",
        description: "batch returned no usable page",
        method: opts.method,
      });
    }

    if (slowestPage > 0) {
      length = Math.min(maxCommands, Math.max(1, Math.floor(target / slowestPage)));
    }
  }
}

function parseRow<T>(schema: z.ZodType<T>, row: unknown, method: string): T {
  const parsed = schema.safeParse(row);
  if (!parsed.success) {
    throw new Bitrix24Error({
      kind: "malformed",
      code: "UNEXPECTED_ROW",
      description: parsed.error.issues
        .slice(0, 5)
        .map((i) => `${i.path.join(".")}: ${i.message}`)
        .join("; "),
      method,
      cause: parsed.error,
    });
  }
  return parsed.data;
}

/** Formats an instant for a Bitrix24 filter: ISO 8601 with an explicit offset, which the server converts. */
export function formatFilterInstant(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "+00:00");
}

/**
 * Rows changed since `since − overlap`: the export cursor inside a `>=dateField` window (or `>ID` alone when
 * dateField is null). Overlap means some rows come again; upserts make that harmless.
 */
export function changedSince<T = Record<string, unknown>>(
  runner: BatchRunner,
  runtime: Pick<Runtime, "sleep" | "random">,
  opts: ChangedSinceOptions<T>,
): AsyncGenerator<ExportPage<T>> {
  const dateField = opts.dateField === undefined ? "DATE_MODIFY" : opts.dateField;
  if (dateField && opts.since === undefined) {
    throw new Bitrix24Error({ kind: "method_error", code: "MISSING_SINCE", description: "since is required", method: opts.method });
  }
  const overlapMs = (opts.overlapSeconds ?? 300) * 1000;
  const sinceMs = opts.since === undefined ? 0 : typeof opts.since === "number" ? opts.since : opts.since.getTime();
  const filter = dateField
    ? { ...opts.filter, [`>=${dateField}`]: formatFilterInstant(sinceMs - overlapMs) }
    : opts.filter;
  return exportList(runner, runtime, { ...opts, filter });
}

/** Streams every ID of a list, selecting only the ID (about 400 requests per million rows). */
export async function* listIds(
  runner: BatchRunner,
  runtime: Pick<Runtime, "sleep" | "random">,
  opts: ListIdsOptions,
): AsyncGenerator<IdPage> {
  const idField = opts.idField ?? "ID";
  for await (const page of exportList(runner, runtime, { ...opts, idField, select: [idField] })) {
    yield { ids: page.rows.map((row) => idOf(row, idField)), lastId: page.lastId };
  }
}
