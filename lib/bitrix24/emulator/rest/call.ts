/**
 * Running one REST method as Bitrix24 does around it: scope check, the per-app per-method operating
 * budget (429 OPERATION_TIME_LIMIT), the simulated server time of the call, and the `time` block.
 */
import type { OperatingState } from "../limits";
import { formatIso } from "../time-zone";
import type { CallContext, MethodOutput } from "./context";
import { restErrors } from "./errors";
import { METHODS } from "./methods";
import type { Params } from "./params";

export interface TimeBlock {
  start: number;
  finish: number;
  duration: number;
  processing: number;
  date_start: string;
  date_finish: string;
  operating_reset_at: number;
  operating: number;
}

/** `time` as in every answer (`api-reference/data-types.md#time`). */
export function timeBlock(startMs: number, processing: number, zone: string, op: OperatingState): TimeBlock {
  const round = (x: number) => Math.round(x * 1e6) / 1e6;
  const start = startMs / 1000;
  const duration = round(processing + 0.0004);
  const finish = round(start + duration);
  return {
    start,
    finish,
    duration,
    processing: round(processing),
    date_start: formatIso(startMs, zone),
    date_finish: formatIso(finish * 1000, zone),
    operating_reset_at: op.resetAt,
    operating: round(op.operating),
  };
}

export interface Invocation {
  output: MethodOutput;
  time: TimeBlock;
  /** Simulated server seconds. */
  seconds: number;
}

/** Runs `method`; throws RestError for errors. `startMs` is the simulated start of the call. */
export function invoke(ctx: CallContext, method: string, params: Params, startMs = ctx.nowMs): Invocation {
  const def = Object.hasOwn(METHODS, method) ? METHODS[method] : undefined;
  if (!def) throw restErrors.methodNotFound();
  if (def.scope && !def.scope.some((s) => ctx.app.scope.includes(s))) throw restErrors.insufficientScope();

  const { portal, engine } = ctx;
  const key = `${ctx.app.clientId}:${method}`;
  const before = portal.operating.state(key, ctx.nowMs);
  if (before.blocked) {
    throw restErrors.operationTimeLimit({ time: timeBlock(startMs, 0, portal.timeZone, before) });
  }
  const output = def.run(ctx, params);
  const returned = output.returned ?? (Array.isArray(output.result) ? output.result.length : 1);
  const seconds = engine.cost.baseSeconds + engine.cost.perRowSeconds * returned + engine.cost.perScannedRowSeconds * (output.scanned ?? 0);
  portal.operating.add(key, ctx.nowMs, seconds);
  const after = portal.operating.state(key, ctx.nowMs);
  return { output, seconds, time: timeBlock(startMs, seconds, portal.timeZone, after) };
}
