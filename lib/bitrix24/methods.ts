/**
 * Typed wrappers for the non-list methods the sync needs, and for small directories read by offset paging.
 * Big lists (deals, leads, activities, stage history…) go through `client.exportList` / `changedSince` instead.
 */
import { z } from "zod";
import type { Bitrix24Client } from "./client";
import { Bitrix24Error } from "./errors";
import { wireBool, wireCode, wireInt, wireString } from "./schemas";
import {
  categoryRecord,
  currencyRecord,
  entityFields,
  parseRows,
  statusRecord,
  userFieldRecord,
  userRecord,
  workflowTemplateRecord,
  type Category,
  type Currency,
  type EntityField,
  type Status,
  type User,
  type UserField,
  type WorkflowTemplate,
} from "./transforms";

/** Safety stop for offset paging of directories (50 rows a page → 25,000 rows). */
const MAX_DIRECTORY_PAGES = 500;

/**
 * Reads every page of a small list by following `next` (offset paging). Fine for directories of tens or hundreds
 * of rows; each page costs a COUNT on the server, so never use it for CRM records.
 */
export async function listAllPages(
  client: Bitrix24Client,
  method: string,
  params: Record<string, unknown> = {},
  pick: (result: unknown) => unknown[] | undefined = (r) => (Array.isArray(r) ? r : undefined),
): Promise<unknown[]> {
  const rows: unknown[] = [];
  let start: number | undefined = 0;
  for (let page = 0; start !== undefined; page++) {
    if (page >= MAX_DIRECTORY_PAGES) {
      throw new Bitrix24Error({ kind: "method_error", code: "TOO_MANY_PAGES", method });
    }
    const res: { result: unknown; next?: number } = await client.call(method, { ...params, start });
    const pageRows = pick(res.result);
    if (!Array.isArray(pageRows)) {
      throw new Bitrix24Error({ kind: "malformed", code: "NOT_A_LIST", method });
    }
    rows.push(...pageRows);
    start = res.next !== undefined && res.next > start ? res.next : undefined;
  }
  return rows;
}

const profileWire = z.looseObject({
  ID: wireInt,
  ADMIN: wireBool,
  NAME: wireString,
  LAST_NAME: wireString,
  TIME_ZONE: wireString,
  TIME_ZONE_OFFSET: wireInt,
});

/** The authorizing user (`profile`): who granted access and whether they are a portal admin. */
export async function getProfile(client: Bitrix24Client) {
  const { result } = await client.call("profile", {}, profileWire);
  return {
    id: result.ID,
    admin: result.ADMIN ?? false,
    name: result.NAME,
    lastName: result.LAST_NAME,
    timeZone: result.TIME_ZONE || null,
    /** Seconds east of UTC. */
    timeZoneOffset: result.TIME_ZONE_OFFSET,
  };
}

const appInfoWire = z.looseObject({
  ID: wireInt,
  CODE: wireString,
  VERSION: wireInt,
  STATUS: wireCode,
  INSTALLED: wireBool,
  PAYMENT_EXPIRED: wireBool,
  DAYS: wireInt,
  LANGUAGE_ID: wireCode,
  LICENSE: wireCode,
  LICENSE_TYPE: wireCode,
  LICENSE_FAMILY: wireCode,
});

/** `app.info`: install state, app status (L/F/D/T/P), paid period and the portal's plan. */
export async function getAppInfo(client: Bitrix24Client) {
  const { result } = await client.call("app.info", {}, appInfoWire);
  return {
    id: result.ID,
    code: result.CODE,
    version: result.VERSION,
    status: result.STATUS,
    installed: result.INSTALLED ?? false,
    paymentExpired: result.PAYMENT_EXPIRED ?? false,
    days: result.DAYS,
    languageId: result.LANGUAGE_ID,
    license: result.LICENSE,
    licenseType: result.LICENSE_TYPE,
    licenseFamily: result.LICENSE_FAMILY,
  };
}

/** `crm.settings.mode.get`: 1 classic CRM (with leads), 2 simple (no leads). */
export async function getCrmMode(client: Bitrix24Client): Promise<1 | 2> {
  const { result } = await client.call("crm.settings.mode.get", {}, z.coerce.number().pipe(z.union([z.literal(1), z.literal(2)])));
  return result;
}

/** `scope`: the scopes granted to the app. */
export async function getScopes(client: Bitrix24Client): Promise<string[]> {
  return (await client.call("scope", {}, z.array(z.string()))).result;
}

/**
 * `crm.status.list`, optionally for one ENTITY_ID: STATUS (lead statuses), DEAL_STAGE (pipeline 0),
 * DEAL_STAGE_{cat}, SOURCE, DEAL_TYPE…
 */
export async function listStatuses(client: Bitrix24Client, entityId?: string): Promise<Status[]> {
  const rows = await listAllPages(client, "crm.status.list", {
    order: { SORT: "ASC" },
    ...(entityId ? { filter: { ENTITY_ID: entityId } } : {}),
  });
  return parseRows(statusRecord, rows);
}

/** `crm.category.list` (result.categories): deal pipelines for entityTypeId 2, the default one included. */
export async function listCategories(client: Bitrix24Client, entityTypeId = 2): Promise<Category[]> {
  const rows = await listAllPages(client, "crm.category.list", { entityTypeId }, (r) =>
    r && typeof r === "object" && Array.isArray((r as { categories?: unknown }).categories)
      ? (r as { categories: unknown[] }).categories
      : undefined,
  );
  return parseRows(categoryRecord, rows);
}

/** `crm.currency.list`: currencies with their current rate to the base currency (no history). */
export async function listCurrencies(client: Bitrix24Client): Promise<Currency[]> {
  return parseRows(currencyRecord, await listAllPages(client, "crm.currency.list"));
}

/** `user.get`: employees (ID, name, ACTIVE, departments). Includes inactive users unless filtered. */
export async function listUsers(client: Bitrix24Client, filter: Record<string, unknown> = {}): Promise<User[]> {
  const rows = await listAllPages(client, "user.get", { filter, sort: "ID", order: "ASC" });
  return parseRows(userRecord, rows);
}

/** Field descriptions of a CRM entity: `crm.deal.fields`, `crm.lead.fields`, `crm.contact.fields`… */
export async function getEntityFields(
  client: Bitrix24Client,
  entity: "deal" | "lead" | "contact" | "company" | "activity",
): Promise<EntityField[]> {
  return (await client.call(`crm.${entity}.fields`, {}, entityFields)).result;
}

/** Custom field definitions: `crm.deal.userfield.list` and its lead/contact/company siblings. */
export async function listUserFields(
  client: Bitrix24Client,
  entity: "deal" | "lead" | "contact" | "company",
): Promise<UserField[]> {
  const rows = await listAllPages(client, `crm.${entity}.userfield.list`, { order: { ID: "ASC" } });
  return parseRows(userFieldRecord, rows);
}

/** `bizproc.workflow.template.list` (admin only): templates with AUTO_EXECUTE and MODIFIED, for automation proxies. */
export async function listWorkflowTemplates(
  client: Bitrix24Client,
  opts: { filter?: Record<string, unknown>; select?: string[] } = {},
): Promise<WorkflowTemplate[]> {
  const rows = await listAllPages(client, "bizproc.workflow.template.list", {
    select: opts.select ?? ["ID", "MODULE_ID", "ENTITY", "DOCUMENT_TYPE", "AUTO_EXECUTE", "NAME", "MODIFIED", "USER_ID", "SYSTEM_CODE"],
    filter: opts.filter ?? {},
    order: { ID: "ASC" },
  });
  return parseRows(workflowTemplateRecord, rows);
}

export interface EventBinding {
  event: string;
  /** Empty for offline bindings. */
  handler: string;
  authType: number | null;
  offline: boolean;
}

const eventBindingWire = z
  .looseObject({ event: z.string(), handler: wireString, auth_type: wireInt, offline: wireBool })
  .transform(
    (r): EventBinding => ({ event: r.event, handler: r.handler ?? "", authType: r.auth_type, offline: r.offline ?? false }),
  );

/** `event.get`: this app's event bindings. */
export async function listEventBindings(client: Bitrix24Client): Promise<EventBinding[]> {
  return (await client.call("event.get", {}, z.array(eventBindingWire))).result;
}

/**
 * `event.bind`. Online bindings need a handler URL; offline ones (`eventType: "offline"`) go to the portal's queue
 * read with event.offline.get. Handlers are dropped on app update: bind again in every installer. Binding what is
 * already bound fails with ERROR_HANDLER_ALREADY_EXIST (`method_error`).
 */
export async function bindEvent(
  client: Bitrix24Client,
  opts: { event: string; handler?: string; eventType?: "online" | "offline"; authType?: number; options?: Record<string, unknown> },
): Promise<boolean> {
  const { result } = await client.call(
    "event.bind",
    {
      event: opts.event,
      ...(opts.handler ? { handler: opts.handler } : {}),
      ...(opts.eventType === "offline" ? { event_type: "offline" } : {}),
      ...(opts.authType !== undefined ? { auth_type: opts.authType } : {}),
      ...(opts.options ? { options: opts.options } : {}),
    },
    z.union([z.boolean(), z.literal(1), z.literal("1")]),
  );
  return result === true || result === 1 || result === "1";
}

/** `event.unbind`: returns how many bindings were removed. */
export async function unbindEvent(
  client: Bitrix24Client,
  opts: { event: string; handler?: string; eventType?: "online" | "offline"; authType?: number },
): Promise<number> {
  const { result } = await client.call(
    "event.unbind",
    {
      event: opts.event,
      ...(opts.handler ? { handler: opts.handler } : {}),
      ...(opts.eventType === "offline" ? { event_type: "offline" } : {}),
      ...(opts.authType !== undefined ? { auth_type: opts.authType } : {}),
    },
    z.union([z.looseObject({ count: z.coerce.number() }), z.boolean()]),
  );
  return typeof result === "boolean" ? (result ? 1 : 0) : result.count;
}
