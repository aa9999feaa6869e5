/**
 * event.bind / unbind / get and the offline queue (event.offline.get / clear / error / list), in app
 * context only (`api-reference/events/*.md`).
 */
import { randomCode } from "../../tokens";
import { formatIso } from "../../time-zone";
import type { OfflineEvent } from "../../portal";
import type { FieldType, FieldValue } from "../../types";
import type { CallContext, MethodDef, MethodTable } from "../context";
import { RestError } from "../errors";
import { compileFilter } from "../filters";
import { listArray, parseOrder } from "../list";
import { objectParam, param, startParam, type Params } from "../params";

const CRM_EVENTS = ["LEAD", "DEAL", "CONTACT", "COMPANY", "ACTIVITY"].flatMap((e) =>
  ["ADD", "UPDATE", "DELETE"].map((a) => `ONCRM${e}${a}`),
);

/** Events a handler can be bound to here. */
export const KNOWN_EVENTS = new Set([...CRM_EVENTS, "ONCRMDEALMOVETOCATEGORY", "ONAPPUNINSTALL", "ONAPPUPDATE", "ONAPPPAYMENT", "ONOFFLINEEVENT", "ONUSERADD"]);

function eventName(params: Params): string {
  const name = String(param(params, "event") ?? "").toUpperCase();
  if (!KNOWN_EVENTS.has(name)) throw new RestError(400, "ERROR_EVENT_NOT_FOUND", "Event not found");
  return name;
}

const isOffline = (params: Params) => String(param(params, "event_type") ?? "online").toLowerCase() === "offline";

const bind: MethodDef = {
  run(ctx, params) {
    const event = eventName(params);
    const offline = isOffline(params);
    const handler = offline ? "" : String(param(params, "handler") ?? "");
    if (!offline && !/^https?:\/\//.test(handler)) throw new RestError(400, "ERROR_HANDLER_URL", "Handler URL is required");
    const authType = Number(param(params, "auth_type") ?? 0) || 0;
    const exists = ctx.portal.handlers.some(
      (h) => h.appIndex === ctx.appIndex && h.event === event && h.handler === handler && h.authType === authType && h.offline === offline,
    );
    if (exists) throw new RestError(400, "ERROR_HANDLER_ALREADY_EXIST", "Handler already exists!");
    const options = param(params, "options");
    ctx.portal.handlers.push({
      id: ctx.portal.nextHandlerId++,
      appIndex: ctx.appIndex,
      event,
      handler,
      authType,
      offline,
      options: options && typeof options === "object" ? (options as Record<string, unknown>) : {},
    });
    return { result: true };
  },
};

const unbind: MethodDef = {
  run(ctx, params) {
    const event = eventName(params);
    const offline = isOffline(params);
    const handler = param(params, "handler");
    const authType = param(params, "auth_type");
    const before = ctx.portal.handlers.length;
    ctx.portal.handlers = ctx.portal.handlers.filter(
      (h) =>
        !(
          h.appIndex === ctx.appIndex &&
          h.event === event &&
          h.offline === offline &&
          (handler === undefined || h.handler === String(handler)) &&
          (authType === undefined || h.authType === Number(authType))
        ),
    );
    return { result: { count: before - ctx.portal.handlers.length } };
  },
};

const get: MethodDef = {
  run: (ctx) => ({
    result: ctx.portal.handlers
      .filter((h) => h.appIndex === ctx.appIndex)
      .map((h) => ({ event: h.event, handler: h.handler, auth_type: String(h.authType), offline: h.offline ? 1 : 0 })),
  }),
};

const OFFLINE_TYPES = new Map<string, FieldType>([
  ["ID", "int"],
  ["TIMESTAMP_X", "datetime"],
  ["EVENT_NAME", "string"],
  ["MESSAGE_ID", "string"],
  ["PROCESS_ID", "string"],
  ["ERROR", "int"],
]);

const readOffline = (e: OfflineEvent, f: string) => (e as unknown as Record<string, FieldValue>)[f] ?? null;

function renderOffline(ctx: CallContext, e: OfflineEvent, withProcess: boolean) {
  return {
    ID: String(e.ID),
    TIMESTAMP_X: formatIso(e.TIMESTAMP_X, ctx.portal.timeZone),
    EVENT_NAME: e.EVENT_NAME,
    EVENT_DATA: e.EVENT_DATA,
    EVENT_ADDITIONAL: false,
    MESSAGE_ID: e.MESSAGE_ID,
    ...(withProcess ? { PROCESS_ID: e.PROCESS_ID, ERROR: String(e.ERROR) } : {}),
  };
}

function queueOf(ctx: CallContext): OfflineEvent[] {
  let queue = ctx.portal.offlineQueues.get(ctx.appIndex);
  if (!queue) ctx.portal.offlineQueues.set(ctx.appIndex, (queue = []));
  return queue;
}

const ids = (v: unknown) => (v === undefined ? null : new Set((Array.isArray(v) ? v : [v]).map(String)));

const offlineGet: MethodDef = {
  run(ctx, params) {
    const queue = queueOf(ctx);
    const processId = param(params, "process_id");
    const clear = String(param(params, "clear") ?? "1") !== "0";
    const limit = Math.min(Math.max(Number(param(params, "limit") ?? 50) || 50, 1), 1000);
    let picked: OfflineEvent[];
    if (processId) {
      picked = queue.filter((e) => e.PROCESS_ID === String(processId)).slice(0, limit);
    } else {
      const error = Number(param(params, "error") ?? 0);
      const filter = compileFilter(objectParam(params, "filter"), OFFLINE_TYPES, ctx.portal.timeZone, readOffline, { upperCase: true });
      const order = parseOrder(objectParam(params, "order"), OFFLINE_TYPES, true);
      picked = listArray(queue, (e) => e.PROCESS_ID === "" && e.ERROR === error && filter.test(e), order.length ? order : [["ID", "ASC"]], 0, readOffline, limit).rows;
    }
    const result = picked.map((e) => renderOffline(ctx, e, false));
    let reservedBy: string | null = null;
    if (clear) {
      const gone = new Set(picked);
      ctx.portal.offlineQueues.set(ctx.appIndex, queue.filter((e) => !gone.has(e)));
    } else if (picked.length > 0) {
      reservedBy = processId ? String(processId) : randomCode();
      for (const e of picked) e.PROCESS_ID = reservedBy;
    }
    return { result: { process_id: reservedBy, events: result }, returned: result.length };
  },
};

const offlineClear: MethodDef = {
  run(ctx, params) {
    const processId = String(param(params, "process_id") ?? "");
    if (!processId) throw new RestError(400, "ERROR_PROCESS_ID", "process_id is required");
    const only = ids(param(params, "id"));
    const onlyMessages = ids(param(params, "message_id"));
    const queue = queueOf(ctx);
    const keep = queue.filter(
      (e) => !(e.PROCESS_ID === processId && (!only || only.has(String(e.ID))) && (!onlyMessages || onlyMessages.has(e.MESSAGE_ID))),
    );
    ctx.portal.offlineQueues.set(ctx.appIndex, keep);
    return { result: true };
  },
};

const offlineError: MethodDef = {
  run(ctx, params) {
    const processId = String(param(params, "process_id") ?? "");
    const messages = ids(param(params, "message_id"));
    for (const e of queueOf(ctx)) {
      if (e.PROCESS_ID === processId && (!messages || messages.has(e.MESSAGE_ID))) {
        e.ERROR = 1;
        e.PROCESS_ID = "";
      }
    }
    return { result: true };
  },
};

const offlineList: MethodDef = {
  run(ctx, params) {
    const filter = compileFilter(objectParam(params, "filter"), OFFLINE_TYPES, ctx.portal.timeZone, readOffline, { upperCase: true });
    const order = parseOrder(objectParam(params, "order"), OFFLINE_TYPES, true);
    const page = listArray(queueOf(ctx), filter.test, order, startParam(params), readOffline);
    return { result: page.rows.map((e) => renderOffline(ctx, e, true)), total: page.total, next: page.next };
  },
};

export const eventMethods: MethodTable = {
  "event.bind": bind,
  "event.unbind": unbind,
  "event.get": get,
  "event.offline.get": offlineGet,
  "event.offline.clear": offlineClear,
  "event.offline.error": offlineError,
  "event.offline.list": offlineList,
};
