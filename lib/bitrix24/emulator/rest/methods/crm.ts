/**
 * CRM methods: the legacy entity methods (crm.{lead,deal,contact,company,activity}.list/get/fields),
 * crm.stagehistory.list, stages, pipelines, currencies, CRM mode and user fields. Sources:
 * `api-reference/crm/**` and fixtures/crm-*.json.
 */
import type { Portal } from "../../portal";
import type { ColumnarTable } from "../../store/columnar-table";
import { formatIso } from "../../time-zone";
import { ENTITY_FIELDS, type EntityName, type FieldType, type FieldValue, type StatusRecord, type UserFieldRecord } from "../../types";
import type { MethodDef, MethodTable } from "../context";
import { RestError, restErrors } from "../errors";
import { compileFilter } from "../filters";
import { listArray, listTable, parseOrder } from "../list";
import { idParam, listParam, objectParam, param, startParam } from "../params";
import { renderLegacy, renderTyped } from "../render";

type LegacyEntity = "lead" | "deal" | "contact" | "company" | "activity";

const USER_FIELD_ENTITY: Partial<Record<LegacyEntity, UserFieldRecord["ENTITY_ID"]>> = {
  lead: "CRM_LEAD",
  deal: "CRM_DEAL",
  contact: "CRM_CONTACT",
  company: "CRM_COMPANY",
};

const CRM_SCOPE = ["crm"];

/** Field types of an entity: its columns plus the portal's declared user fields. */
function fieldTypes(portal: Portal, entity: EntityName): Map<string, FieldType> {
  const types = new Map(portal.data.tables[entity].fieldTypes());
  const ufEntity = USER_FIELD_ENTITY[entity as LegacyEntity];
  if (ufEntity) for (const uf of portal.data.userFields) if (uf.ENTITY_ID === ufEntity && !types.has(uf.FIELD_NAME)) types.set(uf.FIELD_NAME, "json");
  return types;
}

/**
 * Which fields a `select` returns: `*` (or nothing) is every standard field, `UF_*` every user field,
 * multi-fields (PHONE, EMAIL) only when named; ID always.
 */
function selectedFields(select: string[], types: Map<string, FieldType>, explicitOnly: Set<string>): string[] {
  const names = select.map((s) => s.trim().toUpperCase()).filter(Boolean);
  const out = new Set<string>(["ID"]);
  const all = names.length === 0 || names.includes("*");
  for (const [name, type] of types) {
    const isUf = name.startsWith("UF_");
    if (all && !isUf && type !== "multi") out.add(name);
    if (names.includes("UF_*") && isUf) out.add(name);
  }
  for (const name of names) if (types.has(name) || explicitOnly.has(name)) out.add(name);
  return [...out];
}

/**
 * An activity's COMMUNICATIONS, derived from the client it is bound to: the owner itself when it is a lead,
 * contact or company, the deal's contact (or company) otherwise; phones for calls, e-mails for e-mails.
 */
function communications(portal: Portal, pos: number): unknown[] {
  const { tables } = portal.data;
  const activity = tables.activity;
  let ownerType = Number(activity.valueAt(pos, "OWNER_TYPE_ID"));
  let ownerId = Number(activity.valueAt(pos, "OWNER_ID"));
  if (ownerType === 2) {
    const deal = tables.deal.positionOf(ownerId);
    if (deal < 0) return [];
    const contact = tables.deal.valueAt(deal, "CONTACT_ID");
    const company = tables.deal.valueAt(deal, "COMPANY_ID");
    [ownerType, ownerId] = contact ? [3, Number(contact)] : company ? [4, Number(company)] : [0, 0];
  }
  const table = ownerType === 1 ? tables.lead : ownerType === 3 ? tables.contact : ownerType === 4 ? tables.company : null;
  const at = table ? table.positionOf(ownerId) : -1;
  if (!table || at < 0) return [];
  const kind = activity.valueAt(pos, "TYPE_ID") === 4 ? "EMAIL" : "PHONE";
  const values = (table.valueAt(at, kind) ?? []) as { ID?: string; VALUE: string }[];
  const text = (f: string) => (table.fieldTypes().has(f) ? ((table.valueAt(at, f) as string | null) ?? "") : "");
  return values.slice(0, 1).map((v) => ({
    ID: v.ID ?? "0",
    TYPE: kind,
    VALUE: v.VALUE,
    ENTITY_ID: String(ownerId),
    ENTITY_TYPE_ID: String(ownerType),
    ENTITY_SETTINGS: {
      HONORIFIC: "",
      NAME: text("NAME"),
      SECOND_NAME: "",
      LAST_NAME: text("LAST_NAME"),
      COMPANY_TITLE: ownerType === 4 ? text("TITLE") : text("COMPANY_TITLE"),
      COMPANY_ID: String(table.fieldTypes().has("COMPANY_ID") ? (table.valueAt(at, "COMPANY_ID") ?? "") : ownerType === 4 ? ownerId : ""),
    },
  }));
}

function renderRow(portal: Portal, table: ColumnarTable, pos: number, fields: string[], types: Map<string, FieldType>) {
  const zone = portal.timeZone;
  const row: Record<string, unknown> = {};
  for (const f of fields) {
    const type = types.get(f);
    if (!type) {
      if (f === "COMMUNICATIONS" && table.entity === "activity") row[f] = communications(portal, pos);
      continue;
    }
    const value = renderLegacy(table.valueAt(pos, f), type, zone);
    if (value !== undefined) row[f] = value;
  }
  return row;
}

/** crm.activity.list BINDINGS: [{OWNER_TYPE_ID, OWNER_ID?}] matches the activity's owner. */
function bindingsFilter(table: ColumnarTable) {
  return (value: unknown) => {
    const list = (Array.isArray(value) ? value : value && typeof value === "object" ? Object.values(value) : []) as Record<string, unknown>[];
    return (pos: number) =>
      list.some((b) => {
        const typeOk = b.OWNER_TYPE_ID === undefined || Number(b.OWNER_TYPE_ID) === table.valueAt(pos, "OWNER_TYPE_ID");
        const idOk = b.OWNER_ID === undefined || Number(b.OWNER_ID) === table.valueAt(pos, "OWNER_ID");
        return typeOk && idOk;
      });
  };
}

function legacyList(entity: LegacyEntity): MethodDef {
  return {
    scope: CRM_SCOPE,
    run(ctx, params) {
      const { portal } = ctx;
      const table = portal.data.tables[entity];
      const types = fieldTypes(portal, entity);
      const special = entity === "activity" ? { BINDINGS: bindingsFilter(table) } : undefined;
      const filter = compileFilter<number>(objectParam(params, "filter"), types, portal.timeZone, (pos, f) => table.valueAt(pos, f), {
        upperCase: true,
        special,
      });
      const order = parseOrder(objectParam(params, "order"), types, true);
      const start = startParam(params);
      const page = listTable(table, filter, order, start);
      const explicit = new Set(entity === "activity" ? ["COMMUNICATIONS"] : []);
      const fields = selectedFields(listParam(params, "select"), types, explicit);
      return {
        result: page.rows.map((pos) => renderRow(portal, table, pos, fields, types)),
        total: start === -1 ? 0 : page.total,
        next: page.next,
        scanned: page.scanned,
      };
    },
  };
}

function legacyGet(entity: LegacyEntity): MethodDef {
  return {
    scope: CRM_SCOPE,
    run(ctx, params) {
      const { portal } = ctx;
      const id = idParam(params);
      if (id === null) throw restErrors.crm("ID is not defined or invalid.");
      const table = portal.data.tables[entity];
      const pos = table.positionOf(id);
      if (pos < 0) throw restErrors.notFound();
      const types = fieldTypes(portal, entity);
      return { result: renderRow(portal, table, pos, [...types.keys()], types), returned: 1 };
    },
  };
}

const LINK_TYPES: Record<string, string> = {
  LEAD_ID: "crm_lead",
  CONTACT_ID: "crm_contact",
  COMPANY_ID: "crm_company",
  CATEGORY_ID: "crm_category",
  CURRENCY_ID: "crm_currency",
};
const PARENT_TYPE: Record<string, number> = { LEAD_ID: 1, COMPANY_ID: 4 };
const USER_LINKS = new Set(["ASSIGNED_BY_ID", "CREATED_BY_ID", "MODIFY_BY_ID", "MOVED_BY_ID", "RESPONSIBLE_ID", "AUTHOR_ID", "EDITOR_ID"]);
const READ_ONLY = new Set(["ID", "DATE_CREATE", "DATE_MODIFY", "CREATED_BY_ID", "MODIFY_BY_ID", "STAGE_SEMANTIC_ID", "STATUS_SEMANTIC_ID", "IS_NEW", "MOVED_BY_ID", "MOVED_TIME", "LAST_ACTIVITY_TIME", "HAS_PHONE", "HAS_EMAIL", "HAS_IMOL", "CREATED", "LAST_UPDATED"]);

function statusTypeOf(entity: LegacyEntity, field: string): string | undefined {
  if (field === "SOURCE_ID") return "SOURCE";
  if (entity === "lead" && field === "STATUS_ID") return "STATUS";
  if (entity === "deal" && field === "STAGE_ID") return "DEAL_STAGE";
  if (entity === "deal" && field === "TYPE_ID") return "DEAL_TYPE";
  if (entity === "contact" && field === "TYPE_ID") return "CONTACT_TYPE";
  if (entity === "company" && field === "COMPANY_TYPE") return "COMPANY_TYPE";
  if (entity === "company" && field === "INDUSTRY") return "INDUSTRY";
  return undefined;
}

const humanise = (name: string) => name.charAt(0) + name.slice(1).toLowerCase().replace(/_/g, " ");

/** crm.*.fields: the entity's field descriptions shaped like crm-deal-fields.json. */
function legacyFields(entity: LegacyEntity): MethodDef {
  return {
    scope: CRM_SCOPE,
    run(ctx) {
      const result: Record<string, unknown> = {};
      for (const { name, type } of ENTITY_FIELDS[entity]) {
        const statusType = statusTypeOf(entity, name);
        const wireType = statusType
          ? "crm_status"
          : (LINK_TYPES[name] ??
            (USER_LINKS.has(name)
              ? "user"
              : { id: "integer", int: "integer", money: "double", string: "string", bool: "char", datetime: "datetime", date: "date", multi: "crm_multifield", json: "string" }[type]));
        result[name] = {
          type: wireType,
          isRequired: false,
          isReadOnly: READ_ONLY.has(name),
          isImmutable: name === "CATEGORY_ID",
          isMultiple: type === "multi",
          isDynamic: false,
          ...(statusType ? { statusType } : {}),
          ...(entity === "deal" && name === "CONTACT_ID" ? { isDeprecated: true } : {}),
          title: humanise(name),
          ...(PARENT_TYPE[name] && entity !== "company" ? { settings: { parentEntityTypeId: PARENT_TYPE[name] } } : {}),
        };
      }
      const ufEntity = USER_FIELD_ENTITY[entity];
      for (const uf of ctx.portal.data.userFields) {
        if (uf.ENTITY_ID !== ufEntity) continue;
        result[uf.FIELD_NAME] = {
          type: uf.USER_TYPE_ID,
          isRequired: uf.MANDATORY,
          isReadOnly: false,
          isImmutable: false,
          isMultiple: false,
          isDynamic: true,
          title: uf.FIELD_NAME,
          listLabel: uf.LABEL,
          formLabel: uf.LABEL,
          filterLabel: uf.LABEL,
          settings: {},
        };
      }
      return { result };
    },
  };
}

function userFieldList(entity: LegacyEntity): MethodDef {
  return {
    scope: CRM_SCOPE,
    run(ctx, params) {
      const ufEntity = USER_FIELD_ENTITY[entity];
      const records = ctx.portal.data.userFields.filter((uf) => uf.ENTITY_ID === ufEntity);
      const types = new Map<string, FieldType>([
        ["ID", "int"],
        ["ENTITY_ID", "string"],
        ["FIELD_NAME", "string"],
        ["USER_TYPE_ID", "string"],
        ["MANDATORY", "bool"],
      ]);
      const read = (uf: UserFieldRecord, f: string) => (uf as unknown as Record<string, FieldValue>)[f] ?? null;
      const filter = compileFilter(objectParam(params, "filter"), types, ctx.portal.timeZone, read, { upperCase: true });
      const order = parseOrder(objectParam(params, "order"), types, true);
      const page = listArray(records, filter.test, order, 0, read, Number.MAX_SAFE_INTEGER);
      return {
        result: page.rows.map((uf) => ({
          ID: String(uf.ID),
          ENTITY_ID: uf.ENTITY_ID,
          FIELD_NAME: uf.FIELD_NAME,
          USER_TYPE_ID: uf.USER_TYPE_ID,
          XML_ID: null,
          SORT: "100",
          MULTIPLE: "N",
          MANDATORY: uf.MANDATORY ? "Y" : "N",
          SHOW_FILTER: "E",
          SHOW_IN_LIST: "Y",
          EDIT_IN_LIST: "Y",
          IS_SEARCHABLE: "N",
          SETTINGS: {},
          EDIT_FORM_LABEL: uf.LABEL,
          LIST_COLUMN_LABEL: uf.LABEL,
          LIST_FILTER_LABEL: uf.LABEL,
        })),
        total: page.rows.length,
      };
    },
  };
}

const ENTITY_TYPE_NAMES: Record<number, string> = { 3: "CONTACT", 4: "COMPANY", 7: "QUOTE", 31: "SMART_INVOICE" };

/** crm.stagehistory.list: `result.items`, integers, entityTypeId 1 (leads) or 2 (deals). */
const stageHistoryList: MethodDef = {
  scope: CRM_SCOPE,
  run(ctx, params) {
    const typeId = Number(param(params, "entityTypeId", true));
    if (typeId !== 1 && typeId !== 2) {
      // The docs show this error with a numeric 0 code (error-numeric-code-0.json).
      throw new RestError(400, 0, `${ENTITY_TYPE_NAMES[typeId] ?? `ENTITY_TYPE_${typeId}`} entity is not supported`);
    }
    const entity: EntityName = typeId === 1 ? "leadHistory" : "dealHistory";
    const { portal } = ctx;
    const table = portal.data.tables[entity];
    const types = new Map(table.fieldTypes());
    const filter = compileFilter<number>(objectParam(params, "filter", true), types, portal.timeZone, (pos, f) => table.valueAt(pos, f));
    const order = parseOrder(objectParam(params, "order", true), types, false);
    const start = startParam(params, true);
    const page = listTable(table, filter, order, start);
    const select = listParam(params, "select", true).filter((f) => types.has(f));
    const fields = select.length === 0 || select.includes("*") ? [...types.keys()] : ["ID", ...select.filter((f) => f !== "ID")];
    const items = page.rows.map((pos) => {
      const item: Record<string, unknown> = {};
      for (const f of fields) item[f] = renderTyped(table.valueAt(pos, f), types.get(f)!, portal.timeZone);
      return item;
    });
    return { result: { items }, total: start === -1 ? 0 : page.total, next: page.next, scanned: page.scanned, returned: items.length };
  },
};

const STAGE_ENTITY = /^(STATUS|DEAL_STAGE(_\d+)?|QUOTE_STATUS|INVOICE_STATUS|DYNAMIC_\d+_STAGE_\d+)$/;
const SEMANTIC_LETTER: Record<string, string | null> = { success: "S", failure: "F", apology: "F", process: null };

/** crm.status.list: every value a string, EXTRA {SEMANTICS, COLOR} on stage entities (crm-status-list.json). */
const statusList: MethodDef = {
  scope: CRM_SCOPE,
  run(ctx, params) {
    const types = new Map<string, FieldType>([
      ["ID", "int"],
      ["ENTITY_ID", "string"],
      ["STATUS_ID", "string"],
      ["NAME", "string"],
      ["SORT", "int"],
      ["SYSTEM", "bool"],
      ["CATEGORY_ID", "int"],
      ["SEMANTICS", "string"],
    ]);
    const read = (s: StatusRecord, f: string) => (s as unknown as Record<string, FieldValue>)[f] ?? null;
    const filter = compileFilter(objectParam(params, "filter"), types, ctx.portal.timeZone, read, { upperCase: true });
    const order = parseOrder(objectParam(params, "order"), types, true);
    const page = listArray(ctx.portal.data.statuses, filter.test, order.length ? order : [["SORT", "ASC"]], startParam(params), read);
    return {
      result: page.rows.map((s) => ({
        ID: String(s.ID),
        ENTITY_ID: s.ENTITY_ID,
        STATUS_ID: s.STATUS_ID,
        NAME: s.NAME,
        NAME_INIT: s.NAME_INIT,
        SORT: String(s.SORT),
        SYSTEM: s.SYSTEM ? "Y" : "N",
        CATEGORY_ID: s.CATEGORY_ID === null ? null : String(s.CATEGORY_ID),
        COLOR: s.COLOR,
        SEMANTICS: s.SEMANTICS ? SEMANTIC_LETTER[s.SEMANTICS] : null,
        ...(STAGE_ENTITY.test(s.ENTITY_ID) ? { EXTRA: { SEMANTICS: s.SEMANTICS ?? "process", COLOR: s.COLOR } } : {}),
      })),
      total: page.total,
      next: page.next,
    };
  },
};

/** crm.category.list entityTypeId=2: `result.categories`, camelCase, the default pipeline without origin keys. */
const categoryList: MethodDef = {
  scope: CRM_SCOPE,
  run(ctx, params) {
    const typeId = Number(param(params, "entityTypeId", true));
    if (typeId !== 2) throw new RestError(400, "NOT_FOUND", "Smart process not found");
    const categories = [...ctx.portal.data.categories].sort((a, b) => a.sort - b.sort || a.id - b.id);
    return {
      result: {
        categories: categories.map((c) => ({
          id: c.id,
          name: c.name,
          sort: c.sort,
          entityTypeId: 2,
          isDefault: c.isDefault ? "Y" : "N",
          ...(c.isDefault ? {} : { originId: "", originatorId: "" }),
        })),
      },
      total: categories.length,
    };
  },
};

/** crm.currency.list: strings, AMOUNT with four decimals, and `total` always 0 (crm-currency-list.json). */
const currencyList: MethodDef = {
  scope: CRM_SCOPE,
  run(ctx) {
    const { portal } = ctx;
    const updated = formatIso(ctx.nowMs, portal.timeZone);
    return {
      result: [...portal.data.currencies]
        .sort((a, b) => a.SORT - b.SORT)
        .map((c) => ({
          CURRENCY: c.CURRENCY,
          AMOUNT_CNT: String(c.AMOUNT_CNT),
          AMOUNT: c.AMOUNT.toFixed(4),
          SORT: String(c.SORT),
          BASE: c.BASE ? "Y" : "N",
          FULL_NAME: c.FULL_NAME,
          LID: portal.languageId,
          FORMAT_STRING: `# ${c.CURRENCY}`,
          DEC_POINT: ".",
          THOUSANDS_SEP: "&nbsp;",
          DECIMALS: "2",
          DATE_UPDATE: updated,
        })),
      total: 0,
    };
  },
};

const settingsModeGet: MethodDef = {
  scope: CRM_SCOPE,
  run: (ctx) => ({ result: ctx.portal.data.crmMode }),
};

export const crmMethods: MethodTable = {
  "crm.settings.mode.get": settingsModeGet,
  "crm.status.list": statusList,
  "crm.category.list": categoryList,
  "crm.currency.list": currencyList,
  "crm.stagehistory.list": stageHistoryList,
};

for (const entity of ["lead", "deal", "contact", "company", "activity"] as const) {
  crmMethods[`crm.${entity}.list`] = legacyList(entity);
  crmMethods[`crm.${entity}.get`] = legacyGet(entity);
  crmMethods[`crm.${entity}.fields`] = legacyFields(entity);
  if (entity !== "activity") crmMethods[`crm.${entity}.userfield.list`] = userFieldList(entity);
}
