/**
 * `batch` (`settings/how-to-call-rest-api/batch.md`): up to 50 commands run one after another; a command
 * may use earlier outputs through `$result[cmd][path…]` (also `$error`, `$total`, `$next`, `$time`); each command counts
 * against its own method's operating budget while the batch counts once against the rate limit.
 */
import type { CallContext } from "./context";
import { RestError, restErrors } from "./errors";
import { invoke, type TimeBlock } from "./call";
import { param, type Params } from "./params";
import { parsePhpQuery } from "./php-query";
import { phpObject } from "./render";

export const MAX_BATCH = 50;

export interface BatchOutcome {
  result: {
    result: Record<string, unknown> | unknown[];
    result_error: Record<string, unknown> | unknown[];
    result_total: Record<string, unknown> | unknown[];
    result_next: Record<string, unknown> | unknown[];
    result_time: Record<string, unknown> | unknown[];
  };
  seconds: number;
}

/** json_encode prints a PHP array with keys 0..n-1 as a JSON list. */
function phpArray(record: Record<string, unknown>): Record<string, unknown> | unknown[] {
  const keys = Object.keys(record);
  if (keys.length > 0 && keys.every((k, i) => k === String(i))) return keys.map((k) => record[k]);
  return phpObject(record);
}

/** What later commands can refer to: `$result[cmd]…`, `$error[cmd]…`, `$total[cmd]`, `$next[cmd]`, `$time[cmd]…`. */
type Outputs = Record<"result" | "error" | "total" | "next" | "time", Record<string, unknown>>;

const REFERENCE = /\$(result|error|total|next|time)((?:\[[^\]]+\])+)/gi;

/**
 * Follows the path as Bitrix24 does (CRestUtil::processBatchElement): it descends while keys exist and stops
 * at the deepest node found, so a reference past the end of a short page resolves to the whole page.
 */
function resolve(outputs: Outputs, kind: string, path: string): unknown {
  let node: unknown = outputs[kind.toLowerCase() as keyof Outputs];
  for (const m of path.matchAll(/\[([^\]]+)\]/g)) {
    const next = node !== null && typeof node === "object" ? (node as Record<string, unknown>)[m[1]] : undefined;
    if (next === undefined || next === null) break;
    node = next;
  }
  return node;
}

/**
 * Replaces references in every string of `value`: a string that is one whole reference takes the referenced
 * value itself (of any type); a reference inside a longer string is replaced only by a string value.
 */
function substitute(value: unknown, outputs: Outputs): unknown {
  if (typeof value === "string") {
    if (!value.includes("$")) return value;
    const whole = new RegExp(`^${REFERENCE.source}$`, "i").exec(value);
    if (whole) return resolve(outputs, whole[1], whole[2]);
    return value.replace(REFERENCE, (match, kind: string, path: string) => {
      const v = resolve(outputs, kind, path);
      return typeof v === "string" ? v : match;
    });
  }
  if (Array.isArray(value)) return value.map((v) => substitute(v, outputs));
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, outputs)]));
  }
  return value;
}

function commands(params: Params): [string, string][] {
  const cmd = param(params, "cmd");
  if (Array.isArray(cmd)) return cmd.map((c, i) => [String(i), String(c)]);
  if (cmd && typeof cmd === "object") return Object.entries(cmd).map(([k, c]) => [k, String(c)]);
  return [];
}

const truthy = (v: unknown) => v === true || v === 1 || v === "1" || v === "true" || v === "Y" || v === "y";

/** Runs a batch; throws ERROR_BATCH_LENGTH_EXCEEDED for more than 50 commands. */
export function runBatch(ctx: CallContext, params: Params): BatchOutcome {
  const list = commands(params);
  if (list.length > MAX_BATCH) throw restErrors.batchLength();
  const halt = truthy(param(params, "halt"));
  const results: Record<string, unknown> = {};
  const errors: Record<string, unknown> = {};
  const totals: Record<string, unknown> = {};
  const nexts: Record<string, unknown> = {};
  const times: Record<string, TimeBlock> = {};
  let seconds = 0;

  for (const [key, command] of list) {
    const q = command.indexOf("?");
    const method = (q < 0 ? command : command.slice(0, q)).trim().toLowerCase().replace(/\.json$/, "");
    ctx.engine.counters.batchCall(ctx.portal.name, method);
    try {
      if (method === "batch") throw restErrors.batchMethodNotAllowed();
      const subParams = substitute(parsePhpQuery(q < 0 ? "" : command.slice(q + 1)), { result: results, error: errors, total: totals, next: nexts, time: times }) as Params;
      const nowMs = ctx.engine.clock.now();
      const call = invoke({ ...ctx, nowMs }, method, subParams, nowMs + seconds * 1000);
      seconds += call.seconds;
      results[key] = call.output.result;
      if (call.output.total !== undefined) totals[key] = call.output.total;
      if (call.output.next !== undefined) nexts[key] = call.output.next;
      times[key] = call.time;
    } catch (e) {
      if (!(e instanceof RestError)) throw e;
      ctx.engine.counters.error(ctx.portal.name, e.counterKey);
      errors[key] = { error: e.code, error_description: e.description };
      if (halt) break;
    }
  }

  return {
    result: {
      result: phpArray(results),
      result_error: phpArray(errors),
      result_total: phpArray(totals),
      result_next: phpArray(nexts),
      result_time: phpArray(times),
    },
    seconds,
  };
}
