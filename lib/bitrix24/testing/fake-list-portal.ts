/**
 * A minimal stand-in for a portal's list methods and `batch`, for export tests on the canned server. It resolves
 * `$result[…]` references the way Bitrix24 does (CRestUtil::processBatchStructure): a path that cannot be
 * followed leaves the deepest value reached — a whole page, or the whole result map — in place of the reference,
 * and a filter value that is not a number then matches from the start. That is the trap the exporter must avoid.
 */
import type { CannedHandler, CannedResponse, RecordedRequest } from "./canned-server";

type Tree = { [key: string]: Tree | string };

/** PHP's parse_str, enough for batch command strings. */
export function parsePhpQuery(query: string): Record<string, unknown> {
  const root: Tree = {};
  for (const part of query.split("&")) {
    if (!part) continue;
    const eq = part.indexOf("=");
    const key = decodeURIComponent((eq < 0 ? part : part.slice(0, eq)).replace(/\+/g, " "));
    const value = eq < 0 ? "" : decodeURIComponent(part.slice(eq + 1).replace(/\+/g, " "));
    const segments = key.match(/^[^[]+|\[[^\]]*\]/g)?.map((s) => s.replace(/^\[|\]$/g, "")) ?? [key];
    let node = root;
    segments.forEach((seg, i) => {
      if (i === segments.length - 1) node[seg] = value;
      else node = (typeof node[seg] === "object" ? node[seg] : (node[seg] = {})) as Tree;
    });
  }
  return root;
}

export interface FakeListOptions {
  /** IDs present, ascending. */
  ids: number[];
  /** Rows sit in result.items (crm.stagehistory.list) and IDs are numbers. */
  items?: boolean;
  idField?: string;
  /** Seconds of server time reported per page. */
  pageSeconds?: number;
  /**
   * Per HTTP request (0-based) and command index: make that command fail with this error. With halt the rest of
   * the batch is not run; without it (haltIgnored) later commands run with unresolvable references.
   */
  failures?: Array<{ request: number; command: number; error: string; description?: string }>;
  /** Per request and command: resolve that command's reference to the whole result map, as a broken path would. */
  brokenReferences?: Array<{ request: number; command: number }>;
  /** Run every command even after a failure, as a batch with halt=0 would. */
  haltIgnored?: boolean;
  /** Whole-request answers to send instead, keyed by request index (500s, timeouts, 401…). */
  overrides?: Record<number, CannedResponse>;
}

export interface FakeListPortal {
  handler: CannedHandler;
  /** HTTP requests that reached the list logic (overrides excluded). */
  batches: number;
  /** Commands per batch request, in order. */
  commandCounts: number[];
}

function resolveRef(value: string, results: Record<string, unknown>): unknown {
  const m = /^\$result((?:\[[^\]]+\])+)$/.exec(value);
  if (!m) return value;
  const path = [...m[1].matchAll(/\[([^\]]+)\]/g)].map((x) => x[1]);
  let r: unknown = results;
  for (const key of path) {
    if (r !== null && typeof r === "object" && key in (r as Record<string, unknown>)) {
      r = (r as Record<string, unknown>)[key];
    } else {
      break;
    }
  }
  return r;
}

function resolveAll(node: unknown, results: Record<string, unknown>): unknown {
  if (typeof node === "string") return resolveRef(node, results);
  if (node && typeof node === "object") {
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, resolveAll(v, results)]));
  }
  return node;
}

/** Builds the handler. */
export function createFakeListPortal(opts: FakeListOptions): FakeListPortal {
  const idField = opts.idField ?? "ID";
  const portal: FakeListPortal = { handler: () => ({}), batches: 0, commandCounts: [] };
  let requestIndex = -1;

  const page = (params: Record<string, unknown>) => {
    const filter = (params.filter ?? {}) as Record<string, unknown>;
    const raw = filter[`>${idField}`];
    const after = typeof raw === "string" && /^\d+$/.test(raw) ? Number(raw) : typeof raw === "number" ? raw : 0;
    const select = params.select ? Object.values(params.select as Record<string, string>) : undefined;
    const rows = opts.ids
      .filter((id) => id > after)
      .slice(0, 50)
      .map((id) => {
        const row: Record<string, unknown> = {
          [idField]: opts.items ? id : String(id),
          TITLE: `Row ${id}`,
          DATE_MODIFY: "2026-01-01T10:00:00+03:00",
        };
        return select ? Object.fromEntries(select.map((f) => [f, row[f] ?? null])) : row;
      });
    return opts.items ? { items: rows } : rows;
  };

  portal.handler = (req: RecordedRequest) => {
    requestIndex++;
    const override = opts.overrides?.[requestIndex];
    if (override) return override;
    portal.batches++;
    const cmd = (req.json?.cmd ?? {}) as Record<string, string>;
    const halt = req.json?.halt === 1 && !opts.haltIgnored;
    portal.commandCounts.push(Object.keys(cmd).length);
    const result: Record<string, unknown> = {};
    const resultError: Record<string, unknown> = {};
    const resultTime: Record<string, unknown> = {};
    const resultTotal: Record<string, number> = {};
    const keys = Object.keys(cmd);
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i];
      const failure = opts.failures?.find((f) => f.request === requestIndex && f.command === i);
      if (failure) {
        resultError[key] = { error: failure.error, error_description: failure.description ?? "" };
        if (halt) break;
        continue;
      }
      const q = cmd[key].indexOf("?");
      // References are walked from the results so far: `$result[p0][49][ID]` → result.p0[49].ID.
      const broken = opts.brokenReferences?.some((b) => b.request === requestIndex && b.command === i);
      const params = resolveAll(parsePhpQuery(q < 0 ? "" : cmd[key].slice(q + 1)), broken ? { result } : result);
      result[key] = page(params as Record<string, unknown>);
      resultTotal[key] = 0;
      resultTime[key] = {
        start: 1,
        finish: 1 + (opts.pageSeconds ?? 0.05),
        duration: opts.pageSeconds ?? 0.05,
        processing: opts.pageSeconds ?? 0.05,
        operating: 0,
      };
    }
    return {
      body: {
        result: {
          result: Object.keys(result).length ? result : [],
          result_error: Object.keys(resultError).length ? resultError : [],
          result_total: resultTotal,
          result_next: [],
          result_time: resultTime,
        },
        time: { start: 1, finish: 2, duration: 1, processing: 1 },
      },
    };
  };
  return portal;
}
