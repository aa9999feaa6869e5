/** System and user methods: profile, app.info, scope, server.time, user.get, user.current. */
import { offsetMinutes, formatIso } from "../../time-zone";
import type { FieldType } from "../../types";
import type { CallContext, MethodDef, MethodTable } from "../context";
import { restErrors } from "../errors";
import { compileFilter } from "../filters";
import { listTable, parseOrder } from "../list";
import { objectParam, param, startParam, type Params } from "../params";
import { renderUser } from "../render";

const USER_SCOPE = ["user", "user_brief", "user_basic"];

/** Every scope name `scope {full: true}` lists. */
const ALL_SCOPES = ["bizproc", "calendar", "crm", "department", "disk", "entity", "im", "imopenlines", "lists", "log", "placement", "sonet_group", "task", "telephony", "user", "user_basic", "user_brief"];

function licenseOf(ctx: CallContext) {
  const lang = ctx.portal.languageId;
  return ctx.portal.plan === "enterprise"
    ? { LICENSE: `${lang}_ent250`, LICENSE_TYPE: "ent250", LICENSE_FAMILY: "ent" }
    : { LICENSE: `${lang}_std`, LICENSE_TYPE: "std", LICENSE_FAMILY: "std" };
}

/** app.info: shaped like fixtures/app-info.json. */
export const appInfo: MethodDef = {
  run: (ctx) => ({
    result: {
      ID: ctx.appIndex + 1,
      CODE: ctx.app.code,
      VERSION: ctx.app.version,
      STATUS: ctx.app.status,
      INSTALLED: ctx.portal.isInstalled(ctx.appIndex),
      PAYMENT_EXPIRED: ctx.portal.paymentRequired ? "Y" : "N",
      DAYS: null,
      LANGUAGE_ID: ctx.portal.languageId,
      ...licenseOf(ctx),
    },
  }),
};

function userById(ctx: CallContext, id: number) {
  const table = ctx.portal.data.tables.user;
  const pos = table.positionOf(id);
  return pos < 0 ? null : { table, pos };
}

function renderUserRow(ctx: CallContext, pos: number): Record<string, unknown> {
  const table = ctx.portal.data.tables.user;
  const row: Record<string, unknown> = {};
  for (const [field, type] of table.fieldTypes()) row[field] = renderUser(field, table.valueAt(pos, field), type, ctx.portal.timeZone);
  return row;
}

/** Parameters of user.get that are not filter fields when given at the top level. */
const USER_GET_PARAMS = new Set(["SORT", "ORDER", "FILTER", "START", "ADMIN_MODE", "AUTH"]);

const userGet: MethodDef = {
  scope: USER_SCOPE,
  run(ctx, params: Params) {
    const table = ctx.portal.data.tables.user;
    const types = new Map<string, FieldType>(table.fieldTypes());
    // user.get takes its filter either as `filter` or as top-level fields (user-get.md).
    const filterObj: Record<string, unknown> = { ...objectParam(params, "filter") };
    for (const [k, v] of Object.entries(params)) if (!USER_GET_PARAMS.has(k.toUpperCase())) filterObj[k] = v;
    const filter = compileFilter<number>(filterObj, types, ctx.portal.timeZone, (pos, f) => table.valueAt(pos, f), { upperCase: true });
    const sort = param(params, "sort");
    const dir = param(params, "order");
    const order = typeof sort === "string" ? parseOrder({ [sort]: typeof dir === "string" ? dir : "ASC" }, types, true) : [];
    const start = startParam(params);
    const page = listTable(table, filter, order, start);
    return {
      result: page.rows.map((pos) => renderUserRow(ctx, pos)),
      total: start === -1 ? 0 : page.total,
      next: page.next,
      scanned: page.scanned,
    };
  },
};

const userCurrent: MethodDef = {
  scope: USER_SCOPE,
  run(ctx) {
    const found = userById(ctx, ctx.userId);
    if (!found) throw restErrors.notFound();
    return { result: renderUserRow(ctx, found.pos) };
  },
};

const profile: MethodDef = {
  run(ctx) {
    const found = userById(ctx, ctx.userId);
    const name = found ? found.table.valueAt(found.pos, "NAME") : "";
    const last = found ? found.table.valueAt(found.pos, "LAST_NAME") : "";
    return {
      result: {
        ID: String(ctx.userId),
        ADMIN: ctx.userId === 1,
        NAME: name ?? "",
        LAST_NAME: last ?? "",
        PERSONAL_GENDER: "",
        TIME_ZONE: ctx.portal.timeZone,
        TIME_ZONE_OFFSET: offsetMinutes(ctx.nowMs, ctx.portal.timeZone) * 60,
      },
    };
  },
};

export const commonMethods: MethodTable = {
  "app.info": appInfo,
  profile,
  scope: {
    run: (ctx, params) => {
      const full = param(params, "full");
      return { result: full === true || full === "true" || full === "1" || full === "Y" ? ALL_SCOPES : ctx.app.scope };
    },
  },
  "server.time": { run: (ctx) => ({ result: formatIso(ctx.nowMs, ctx.portal.timeZone) }) },
  "user.get": userGet,
  "user.current": userCurrent,
};
