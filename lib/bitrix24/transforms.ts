/**
 * Wire rows → typed records. Legacy CRM methods send every scalar as a string ("37", "1000.00", "Y"), date-times
 * as ISO 8601 with the portal's offset, and leave unselected fields out; newer ones (stage history, categories,
 * user.get) mix numbers and booleans in. Each schema here accepts both spellings and produces one shape:
 * integers, decimals, booleans, epoch milliseconds for instants, "YYYY-MM-DD" for calendar dates, and null for
 * anything empty or not selected. References to other records use null for "none" (Bitrix24 sends "0").
 *
 * Field lists follow the emulator's ENTITY_FIELDS (lib/bitrix24/emulator/types.ts) and the official examples.
 */
import { z } from "zod";
import { Bitrix24Error } from "./errors";
import {
  wireBool,
  wireCode,
  wireDate,
  wireId,
  wireInstant,
  wireInt,
  wireLooseInstant,
  wireNumber,
  wireRef,
  wireString,
} from "./schemas";

/** Values of UF_* (custom) fields, kept as sent: their types come from the user-field definitions. */
export type UserFieldValues = Record<string, unknown>;

function userFields(row: Record<string, unknown>): UserFieldValues {
  const out: UserFieldValues = {};
  for (const [k, v] of Object.entries(row)) if (k.startsWith("UF_")) out[k] = v;
  return out;
}

const multiField = z
  .union([
    z.array(z.looseObject({ VALUE: z.unknown().optional(), VALUE_TYPE: z.unknown().optional() })),
    z.null(),
    z.literal(""),
  ])
  .optional()
  .transform((v) =>
    Array.isArray(v) ? v.map((x) => (x.VALUE === undefined || x.VALUE === null ? "" : String(x.VALUE))).filter(Boolean) : null,
  );

const semantic = wireCode.transform((v) => (v === "P" || v === "S" || v === "F" ? v : null));

/** P in progress, S success, F failure. */
export type StageSemantic = "P" | "S" | "F";

// ---------------------------------------------------------------------------------------------------------------
// Deals
// ---------------------------------------------------------------------------------------------------------------

export const dealRecord = z
  .looseObject({
    ID: wireId,
    TITLE: wireString,
    TYPE_ID: wireCode,
    CATEGORY_ID: wireInt,
    STAGE_ID: wireCode,
    STAGE_SEMANTIC_ID: semantic,
    CLOSED: wireBool,
    PROBABILITY: wireInt,
    OPPORTUNITY: wireNumber,
    CURRENCY_ID: wireCode,
    IS_MANUAL_OPPORTUNITY: wireBool,
    LEAD_ID: wireRef,
    CONTACT_ID: wireRef,
    COMPANY_ID: wireRef,
    BEGINDATE: wireDate,
    CLOSEDATE: wireDate,
    DATE_CREATE: wireInstant,
    DATE_MODIFY: wireInstant,
    MOVED_TIME: wireInstant,
    MOVED_BY_ID: wireRef,
    ASSIGNED_BY_ID: wireRef,
    CREATED_BY_ID: wireRef,
    MODIFY_BY_ID: wireRef,
    OPENED: wireBool,
    IS_NEW: wireBool,
    IS_RETURN_CUSTOMER: wireBool,
    IS_REPEATED_APPROACH: wireBool,
    IS_RECURRING: wireBool,
    SOURCE_ID: wireCode,
    UTM_SOURCE: wireString,
    UTM_MEDIUM: wireString,
    UTM_CAMPAIGN: wireString,
    LAST_ACTIVITY_TIME: wireInstant,
  })
  .transform((r) => ({
    id: r.ID,
    title: r.TITLE,
    typeId: r.TYPE_ID,
    categoryId: r.CATEGORY_ID,
    stageId: r.STAGE_ID,
    stageSemantic: r.STAGE_SEMANTIC_ID as StageSemantic | null,
    closed: r.CLOSED,
    probability: r.PROBABILITY,
    opportunity: r.OPPORTUNITY,
    currencyId: r.CURRENCY_ID,
    isManualOpportunity: r.IS_MANUAL_OPPORTUNITY,
    leadId: r.LEAD_ID,
    contactId: r.CONTACT_ID,
    companyId: r.COMPANY_ID,
    beginDate: r.BEGINDATE,
    closeDate: r.CLOSEDATE,
    createdAt: r.DATE_CREATE,
    modifiedAt: r.DATE_MODIFY,
    movedAt: r.MOVED_TIME,
    movedById: r.MOVED_BY_ID,
    assignedById: r.ASSIGNED_BY_ID,
    createdById: r.CREATED_BY_ID,
    modifiedById: r.MODIFY_BY_ID,
    opened: r.OPENED,
    isNew: r.IS_NEW,
    isReturnCustomer: r.IS_RETURN_CUSTOMER,
    isRepeatedApproach: r.IS_REPEATED_APPROACH,
    isRecurring: r.IS_RECURRING,
    sourceId: r.SOURCE_ID,
    utmSource: r.UTM_SOURCE,
    utmMedium: r.UTM_MEDIUM,
    utmCampaign: r.UTM_CAMPAIGN,
    lastActivityAt: r.LAST_ACTIVITY_TIME,
    userFields: userFields(r),
  }));

export type Deal = z.output<typeof dealRecord>;

// ---------------------------------------------------------------------------------------------------------------
// Leads
// ---------------------------------------------------------------------------------------------------------------

export const leadRecord = z
  .looseObject({
    ID: wireId,
    TITLE: wireString,
    NAME: wireString,
    LAST_NAME: wireString,
    COMPANY_TITLE: wireString,
    STATUS_ID: wireCode,
    STATUS_SEMANTIC_ID: semantic,
    SOURCE_ID: wireCode,
    OPPORTUNITY: wireNumber,
    CURRENCY_ID: wireCode,
    ASSIGNED_BY_ID: wireRef,
    CREATED_BY_ID: wireRef,
    MODIFY_BY_ID: wireRef,
    MOVED_BY_ID: wireRef,
    DATE_CREATE: wireInstant,
    DATE_MODIFY: wireInstant,
    DATE_CLOSED: wireInstant,
    MOVED_TIME: wireInstant,
    CONTACT_ID: wireRef,
    COMPANY_ID: wireRef,
    IS_RETURN_CUSTOMER: wireBool,
    HAS_PHONE: wireBool,
    HAS_EMAIL: wireBool,
    HAS_IMOL: wireBool,
    OPENED: wireBool,
    UTM_SOURCE: wireString,
    UTM_MEDIUM: wireString,
    UTM_CAMPAIGN: wireString,
    LAST_ACTIVITY_TIME: wireInstant,
    PHONE: multiField,
    EMAIL: multiField,
  })
  .transform((r) => ({
    id: r.ID,
    title: r.TITLE,
    name: r.NAME,
    lastName: r.LAST_NAME,
    companyTitle: r.COMPANY_TITLE,
    statusId: r.STATUS_ID,
    statusSemantic: r.STATUS_SEMANTIC_ID as StageSemantic | null,
    sourceId: r.SOURCE_ID,
    opportunity: r.OPPORTUNITY,
    currencyId: r.CURRENCY_ID,
    assignedById: r.ASSIGNED_BY_ID,
    createdById: r.CREATED_BY_ID,
    modifiedById: r.MODIFY_BY_ID,
    movedById: r.MOVED_BY_ID,
    createdAt: r.DATE_CREATE,
    modifiedAt: r.DATE_MODIFY,
    closedAt: r.DATE_CLOSED,
    movedAt: r.MOVED_TIME,
    contactId: r.CONTACT_ID,
    companyId: r.COMPANY_ID,
    isReturnCustomer: r.IS_RETURN_CUSTOMER,
    hasPhone: r.HAS_PHONE,
    hasEmail: r.HAS_EMAIL,
    hasImol: r.HAS_IMOL,
    opened: r.OPENED,
    utmSource: r.UTM_SOURCE,
    utmMedium: r.UTM_MEDIUM,
    utmCampaign: r.UTM_CAMPAIGN,
    lastActivityAt: r.LAST_ACTIVITY_TIME,
    phones: r.PHONE,
    emails: r.EMAIL,
    userFields: userFields(r),
  }));

export type Lead = z.output<typeof leadRecord>;

// ---------------------------------------------------------------------------------------------------------------
// Contacts and companies
// ---------------------------------------------------------------------------------------------------------------

export const contactRecord = z
  .looseObject({
    ID: wireId,
    NAME: wireString,
    LAST_NAME: wireString,
    TYPE_ID: wireCode,
    SOURCE_ID: wireCode,
    COMPANY_ID: wireRef,
    ASSIGNED_BY_ID: wireRef,
    CREATED_BY_ID: wireRef,
    DATE_CREATE: wireInstant,
    DATE_MODIFY: wireInstant,
    HAS_PHONE: wireBool,
    HAS_EMAIL: wireBool,
    OPENED: wireBool,
    EXPORT: wireBool,
    PHONE: multiField,
    EMAIL: multiField,
  })
  .transform((r) => ({
    id: r.ID,
    name: r.NAME,
    lastName: r.LAST_NAME,
    typeId: r.TYPE_ID,
    sourceId: r.SOURCE_ID,
    companyId: r.COMPANY_ID,
    assignedById: r.ASSIGNED_BY_ID,
    createdById: r.CREATED_BY_ID,
    createdAt: r.DATE_CREATE,
    modifiedAt: r.DATE_MODIFY,
    hasPhone: r.HAS_PHONE,
    hasEmail: r.HAS_EMAIL,
    opened: r.OPENED,
    export: r.EXPORT,
    phones: r.PHONE,
    emails: r.EMAIL,
    userFields: userFields(r),
  }));

export type Contact = z.output<typeof contactRecord>;

export const companyRecord = z
  .looseObject({
    ID: wireId,
    TITLE: wireString,
    COMPANY_TYPE: wireCode,
    INDUSTRY: wireCode,
    ASSIGNED_BY_ID: wireRef,
    CREATED_BY_ID: wireRef,
    DATE_CREATE: wireInstant,
    DATE_MODIFY: wireInstant,
    HAS_PHONE: wireBool,
    HAS_EMAIL: wireBool,
    OPENED: wireBool,
    PHONE: multiField,
    EMAIL: multiField,
  })
  .transform((r) => ({
    id: r.ID,
    title: r.TITLE,
    companyType: r.COMPANY_TYPE,
    industry: r.INDUSTRY,
    assignedById: r.ASSIGNED_BY_ID,
    createdById: r.CREATED_BY_ID,
    createdAt: r.DATE_CREATE,
    modifiedAt: r.DATE_MODIFY,
    hasPhone: r.HAS_PHONE,
    hasEmail: r.HAS_EMAIL,
    opened: r.OPENED,
    phones: r.PHONE,
    emails: r.EMAIL,
    userFields: userFields(r),
  }));

export type Company = z.output<typeof companyRecord>;

// ---------------------------------------------------------------------------------------------------------------
// Activities
// ---------------------------------------------------------------------------------------------------------------

export const activityRecord = z
  .looseObject({
    ID: wireId,
    OWNER_ID: wireRef,
    OWNER_TYPE_ID: wireInt,
    TYPE_ID: wireInt,
    PROVIDER_ID: wireCode,
    PROVIDER_TYPE_ID: wireCode,
    SUBJECT: wireString,
    CREATED: wireInstant,
    LAST_UPDATED: wireInstant,
    START_TIME: wireInstant,
    END_TIME: wireInstant,
    DEADLINE: wireInstant,
    COMPLETED: wireBool,
    STATUS: wireInt,
    DIRECTION: wireInt,
    PRIORITY: wireInt,
    RESPONSIBLE_ID: wireRef,
    AUTHOR_ID: wireRef,
    EDITOR_ID: wireRef,
    AUTOCOMPLETE_RULE: wireInt,
  })
  .transform((r) => ({
    id: r.ID,
    ownerId: r.OWNER_ID,
    /** 1 lead, 2 deal, 3 contact, 4 company. */
    ownerTypeId: r.OWNER_TYPE_ID,
    /** 1 meeting, 2 call, 3 task, 4 email, 6 provider. */
    typeId: r.TYPE_ID,
    providerId: r.PROVIDER_ID,
    providerTypeId: r.PROVIDER_TYPE_ID,
    subject: r.SUBJECT,
    createdAt: r.CREATED,
    lastUpdatedAt: r.LAST_UPDATED,
    startAt: r.START_TIME,
    endAt: r.END_TIME,
    deadlineAt: r.DEADLINE,
    completed: r.COMPLETED,
    /** 1 pending, 2 done, 3 auto-completed. */
    status: r.STATUS,
    /** 0 none, 1 incoming, 2 outgoing. */
    direction: r.DIRECTION,
    priority: r.PRIORITY,
    responsibleId: r.RESPONSIBLE_ID,
    authorId: r.AUTHOR_ID,
    editorId: r.EDITOR_ID,
    autocompleteRule: r.AUTOCOMPLETE_RULE,
  }));

export type Activity = z.output<typeof activityRecord>;

// ---------------------------------------------------------------------------------------------------------------
// Stage history (crm.stagehistory.list, integers on the wire)
// ---------------------------------------------------------------------------------------------------------------

/**
 * One stage-history row for a lead (entityTypeId 1: STATUS_ID) or a deal (entityTypeId 2: CATEGORY_ID,
 * STAGE_ID). `stageId` holds the lead status or the deal stage so both read the same way.
 */
export const stageHistoryRecord = z
  .looseObject({
    ID: wireId,
    TYPE_ID: wireInt,
    OWNER_ID: wireId,
    CREATED_TIME: wireInstant,
    CATEGORY_ID: wireInt,
    STAGE_ID: wireCode,
    STAGE_SEMANTIC_ID: semantic,
    STATUS_ID: wireCode,
    STATUS_SEMANTIC_ID: semantic,
  })
  .transform((r) => ({
    id: r.ID,
    /** 1 created, 2 intermediate stage, 3 final stage, 5 pipeline change. */
    typeId: r.TYPE_ID,
    ownerId: r.OWNER_ID,
    createdAt: r.CREATED_TIME,
    categoryId: r.CATEGORY_ID,
    stageId: r.STAGE_ID ?? r.STATUS_ID,
    stageSemantic: (r.STAGE_SEMANTIC_ID ?? r.STATUS_SEMANTIC_ID) as StageSemantic | null,
  }));

export type StageHistory = z.output<typeof stageHistoryRecord>;

// ---------------------------------------------------------------------------------------------------------------
// Users
// ---------------------------------------------------------------------------------------------------------------

export const userRecord = z
  .looseObject({
    ID: wireId,
    ACTIVE: wireBool,
    NAME: wireString,
    LAST_NAME: wireString,
    EMAIL: wireString,
    WORK_POSITION: wireString,
    DATE_REGISTER: wireLooseInstant,
    LAST_LOGIN: wireLooseInstant,
    IS_ONLINE: wireBool,
    UF_DEPARTMENT: z
      .union([z.array(z.union([z.number(), z.string()])), z.number(), z.string(), z.null(), z.literal(false)])
      .optional()
      .transform((v) =>
        (Array.isArray(v) ? v : v === null || v === undefined || v === false || v === "" ? [] : [v])
          .map(Number)
          .filter(Number.isSafeInteger),
      ),
    USER_TYPE: wireCode,
  })
  .transform((r) => ({
    id: r.ID,
    active: r.ACTIVE,
    name: r.NAME,
    lastName: r.LAST_NAME,
    email: r.EMAIL,
    workPosition: r.WORK_POSITION,
    registeredAt: r.DATE_REGISTER,
    lastLoginAt: r.LAST_LOGIN,
    isOnline: r.IS_ONLINE,
    departmentIds: r.UF_DEPARTMENT,
    /** employee, extranet, email… */
    userType: r.USER_TYPE,
  }));

export type User = z.output<typeof userRecord>;

// ---------------------------------------------------------------------------------------------------------------
// Directories and settings
// ---------------------------------------------------------------------------------------------------------------

export type StatusSemantics = "process" | "success" | "failure" | "apology";

function statusSemantics(extra: unknown, semantics: string | null): StatusSemantics | null {
  const e = (extra as { SEMANTICS?: unknown } | null | undefined)?.SEMANTICS;
  if (e === "process" || e === "success" || e === "failure" || e === "apology") return e;
  if (semantics === "S" || semantics === "success") return "success";
  if (semantics === "F" || semantics === "failure") return "failure";
  if (semantics === "process" || semantics === "apology") return semantics;
  return null;
}

/**
 * A crm.status.list entry. `semantics` comes from EXTRA.SEMANTICS where Bitrix24 has it (leads, deals, quotes:
 * process / success / failure / apology), else from SEMANTICS (S / F, null for in-progress stages of other types).
 */
export const statusRecord = z
  .looseObject({
    ID: wireId,
    ENTITY_ID: z.string(),
    STATUS_ID: z.string(),
    NAME: wireString,
    NAME_INIT: wireString,
    SORT: wireInt,
    SYSTEM: wireBool,
    CATEGORY_ID: wireInt,
    COLOR: wireString,
    SEMANTICS: wireCode,
    EXTRA: z.unknown().optional(),
  })
  .transform((r) => ({
    id: r.ID,
    /** STATUS (lead statuses), DEAL_STAGE, DEAL_STAGE_{cat}, SOURCE, DEAL_TYPE… */
    entityId: r.ENTITY_ID,
    statusId: r.STATUS_ID,
    name: r.NAME ?? "",
    nameInit: r.NAME_INIT,
    sort: r.SORT,
    system: r.SYSTEM,
    categoryId: r.CATEGORY_ID,
    color: r.COLOR,
    semantics: statusSemantics(r.EXTRA, r.SEMANTICS),
  }));

export type Status = z.output<typeof statusRecord>;

/** A pipeline from crm.category.list (numbers on the wire, isDefault "Y"/"N"). */
export const categoryRecord = z
  .looseObject({
    id: wireId,
    name: wireString,
    sort: wireInt,
    entityTypeId: wireInt,
    isDefault: wireBool,
  })
  .transform((r) => ({
    id: r.id,
    name: r.name ?? "",
    sort: r.sort,
    entityTypeId: r.entityTypeId,
    isDefault: r.isDefault ?? false,
  }));

export type Category = z.output<typeof categoryRecord>;

/** crm.currency.list: AMOUNT_CNT units of the currency = AMOUNT of the base currency. */
export const currencyRecord = z
  .looseObject({
    CURRENCY: z.string(),
    AMOUNT_CNT: wireNumber,
    AMOUNT: wireNumber,
    BASE: wireBool,
    SORT: wireInt,
    FULL_NAME: wireString,
  })
  .transform((r) => ({
    currency: r.CURRENCY,
    amountCnt: r.AMOUNT_CNT ?? 1,
    amount: r.AMOUNT,
    base: r.BASE ?? false,
    sort: r.SORT,
    fullName: r.FULL_NAME,
  }));

export type Currency = z.output<typeof currencyRecord>;

/**
 * Rate to the base currency per unit, from a currency list. The docs' own example lists USD twice (once as the
 * base), so the base entry wins and the rest keep their first occurrence.
 */
export function currencyRates(currencies: Currency[]): Map<string, number> {
  const rates = new Map<string, number>();
  for (const c of currencies) if (c.base) rates.set(c.currency, 1);
  for (const c of currencies) {
    if (rates.has(c.currency) || c.amount === null || !c.amountCnt) continue;
    rates.set(c.currency, c.amount / c.amountCnt);
  }
  return rates;
}

/** bizproc.workflow.template.list; only selected fields are present. */
export const workflowTemplateRecord = z
  .looseObject({
    ID: wireId,
    MODULE_ID: wireCode,
    ENTITY: wireCode,
    DOCUMENT_TYPE: z
      .union([z.array(z.string()), z.null()])
      .optional()
      .transform((v) => v ?? null),
    AUTO_EXECUTE: wireInt,
    NAME: wireString,
    MODIFIED: wireLooseInstant,
    USER_ID: wireRef,
    SYSTEM_CODE: wireCode,
  })
  .transform((r) => ({
    id: r.ID,
    moduleId: r.MODULE_ID,
    entity: r.ENTITY,
    documentType: r.DOCUMENT_TYPE,
    /** 0 none, 1 on create, 2 on update, 3 both. */
    autoExecute: r.AUTO_EXECUTE,
    name: r.NAME,
    modifiedAt: r.MODIFIED,
    userId: r.USER_ID,
    systemCode: r.SYSTEM_CODE,
  }));

export type WorkflowTemplate = z.output<typeof workflowTemplateRecord>;

/** A label that may be a plain string or a per-language map ({en: "…", ru: "…"}). */
const label = z
  .union([z.string(), z.record(z.string(), z.union([z.string(), z.null()])), z.array(z.never()), z.null()])
  .optional()
  .transform((v): Record<string, string> | string | null => {
    if (v === null || v === undefined || Array.isArray(v)) return null;
    if (typeof v === "string") return v === "" ? null : v;
    const out: Record<string, string> = {};
    for (const [k, s] of Object.entries(v)) if (s) out[k] = s;
    return Object.keys(out).length ? out : null;
  });

/** A custom field definition (crm.deal.userfield.list and friends). */
export const userFieldRecord = z
  .looseObject({
    ID: wireId,
    ENTITY_ID: wireCode,
    FIELD_NAME: z.string(),
    USER_TYPE_ID: wireCode,
    MULTIPLE: wireBool,
    MANDATORY: wireBool,
    SORT: wireInt,
    LABEL: label,
    EDIT_FORM_LABEL: label,
    LIST_COLUMN_LABEL: label,
  })
  .transform((r) => ({
    id: r.ID,
    /** CRM_DEAL, CRM_LEAD, CRM_CONTACT, CRM_COMPANY. */
    entityId: r.ENTITY_ID,
    fieldName: r.FIELD_NAME,
    /** string, double, enumeration, date, boolean, crm_status… */
    userTypeId: r.USER_TYPE_ID,
    multiple: r.MULTIPLE ?? false,
    mandatory: r.MANDATORY ?? false,
    sort: r.SORT,
    label: r.EDIT_FORM_LABEL ?? r.LIST_COLUMN_LABEL ?? r.LABEL,
  }));

export type UserField = z.output<typeof userFieldRecord>;

/** One entry of crm.deal.fields / crm.lead.fields (keyed by field name on the wire). */
export const fieldDescriptor = z.looseObject({
  type: z.string(),
  isRequired: z.boolean().optional(),
  isReadOnly: z.boolean().optional(),
  isImmutable: z.boolean().optional(),
  isMultiple: z.boolean().optional(),
  isDynamic: z.boolean().optional(),
  isDeprecated: z.boolean().optional(),
  title: z.string().optional(),
  statusType: z.string().optional(),
  listLabel: z.string().optional(),
  formLabel: z.string().optional(),
});

export const entityFields = z.record(z.string(), fieldDescriptor).transform((fields) =>
  Object.entries(fields).map(([name, f]) => ({
    name,
    type: f.type,
    title: f.formLabel ?? f.listLabel ?? f.title ?? name,
    isRequired: f.isRequired ?? false,
    isReadOnly: f.isReadOnly ?? false,
    isMultiple: f.isMultiple ?? false,
    isDeprecated: f.isDeprecated ?? false,
    /** UF_CRM_… fields are the portal's own; isDynamic marks them too. */
    isUserField: name.startsWith("UF_") || (f.isDynamic ?? false),
    statusType: f.statusType ?? null,
  })),
);

export type EntityField = z.output<typeof entityFields>[number];

/** Parses every row with `schema`; a bad row is a `malformed` error naming its position and field. */
export function parseRows<S extends z.ZodType>(schema: S, rows: unknown[]): z.output<S>[] {
  return rows.map((row, i) => {
    const parsed = schema.safeParse(row);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new Bitrix24Error({
        kind: "malformed",
        code: "UNEXPECTED_ROW",
        description: `row ${i}: ${issue.path.join(".")}: ${issue.message}`,
        cause: parsed.error,
      });
    }
    return parsed.data;
  });
}
