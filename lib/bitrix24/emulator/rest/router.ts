/**
 * A portal's REST endpoint, `{client_endpoint}{method}[.json]`: the checks Bitrix24 applies before a method
 * runs (deleted portal, injected faults, the rate limit, auth), then the method or the batch, then the answer.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Engine } from "../engine";
import { BadRequest, readBody, requestParams, sendHtml, sendJson, sendText, sleep } from "../http";
import type { Portal } from "../portal";
import { runBatch } from "./batch";
import { invoke, timeBlock } from "./call";
import type { CallContext } from "./context";
import { RestError, restErrors } from "./errors";

/** `crm.deal.list.json/` → `crm.deal.list` (method names are case-insensitive). */
export function methodFromPath(path: string): string {
  return decodeURIComponent(path).replace(/\/+$/, "").replace(/\.json$/i, "").toLowerCase();
}

const HTML_ERROR = `<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1><hr><center>nginx</center></body></html>`;

/** Handles one REST request to `portal`; `hang` requests are left unanswered on purpose. */
export async function handleRest(engine: Engine, portal: Portal, method: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  engine.counters.http(portal.name, method);
  const fail = (e: RestError) => {
    engine.counters.error(portal.name, e.counterKey);
    sendJson(res, e.status, e.body());
  };

  if (portal.deleted) return fail(restErrors.portalDeleted());

  const fault = portal.faults.decide(method);
  if (fault.delayMs > 0) await sleep(fault.delayMs);
  switch (fault.kind) {
    case "hang":
      engine.counters.error(portal.name, "(fault) hang");
      return;
    case "error500":
      return fail(restErrors.internal());
    case "overload503":
      return fail(restErrors.queryLimit());
    case "htmlError":
      engine.counters.error(portal.name, "(fault) html");
      return sendHtml(res, 502, HTML_ERROR);
  }

  if (!portal.bucket.tryTake(engine.clock.now())) return fail(restErrors.queryLimit());

  let params: Record<string, unknown>;
  try {
    params = requestParams(req, await readBody(req));
  } catch (e) {
    if (e instanceof BadRequest) return fail(new RestError(400, "INVALID_REQUEST", e.message));
    throw e;
  }

  try {
    const token = params.auth;
    if (typeof token !== "string" || token === "") throw restErrors.noAuth();
    const auth = engine.authenticate(token, portal);
    if (!auth.ok) throw auth.reason === "expired" ? restErrors.expiredToken() : restErrors.invalidToken();
    if (portal.paymentRequired) throw restErrors.paymentRequired();
    delete params.auth;

    const nowMs = engine.clock.now();
    const ctx: CallContext = { engine, portal, app: auth.app, appIndex: auth.appIndex, userId: auth.claims.userId, nowMs };
    let body: Record<string, unknown>;
    let seconds: number;
    if (method === "batch") {
      const batch = runBatch(ctx, params);
      seconds = batch.seconds;
      body = { result: batch.result, time: timeBlock(nowMs, seconds, portal.timeZone, portal.operating.state(`${auth.app.clientId}:batch`, nowMs)) };
    } else {
      const call = invoke(ctx, method, params);
      seconds = call.seconds;
      body = { result: call.output.result };
      if (call.output.next !== undefined) body.next = call.output.next;
      if (call.output.total !== undefined) body.total = call.output.total;
      body.time = call.time;
    }
    if (engine.latencyScale > 0) await sleep(seconds * engine.latencyScale * 1000);
    if (fault.kind === "malformedJson") {
      engine.counters.error(portal.name, "(fault) malformed");
      const text = JSON.stringify(body);
      return sendText(res, 200, text.slice(0, Math.max(1, Math.floor(text.length / 2))), "application/json; charset=utf-8");
    }
    sendJson(res, 200, body);
  } catch (e) {
    if (e instanceof RestError) return fail(e);
    throw e;
  }
}
