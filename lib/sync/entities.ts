/**
 * What the sync mirrors, declared as data: for each CRM list, the Bitrix24 method and fields to read, how changes
 * are found (a modification date, or `>ID` for append-only lists), which CRM events delete its records, and how a
 * wire row becomes a mirror row (column name → JSON value, ready for json_to_recordset).
 *
 * Pure: no database, no HTTP. Row parsing uses the client's zod transforms (lib/bitrix24/transforms.ts).
 */
import type { z } from "zod";
import {
  activityRecord,
  companyRecord,
  contactRecord,
  dealRecord,
  leadRecord,
  stageHistoryRecord,
  type Category,
  type Currency,
  type Status,
  type User,
  type UserField,
  type WorkflowTemplate,
} from "@/lib/bitrix24/transforms";
import { normaliseAll, normaliseEmail, normalisePhone } from "./normalise";

/** A mirror row: column name (snake_case) → value as JSON (instants as ISO strings, dates as YYYY-MM-DD). */
export type MirrorRow = Record<string, unknown>;

export const RECORD_ENTITIES = [
  "lead",
  "deal",
  "contact",
  "company",
  "activity",
  "leadStageHistory",
  "dealStageHistory",
] as const;
export type RecordEntity = (typeof RECORD_ENTITIES)[number];

export const DICTIONARY_ENTITIES = [
  "crmMode",
  "currencies",
  "categories",
  "statuses",
  "users",
  "userFields",
  "workflowTemplates",
] as const;
export type DictionaryEntity = (typeof DICTIONARY_ENTITIES)[number];

export type SyncEntity = RecordEntity | DictionaryEntity;

export interface RecordEntitySpec {
  entity: RecordEntity;
  /** Mirror table. */
  table: string;
  method: string;
  /** Sent with every page (entityTypeId for crm.stagehistory.list). */
  params?: Record<string, unknown>;
  select: string[];
  /** Field whose `>=` filter finds changed rows; null for append-only lists (read by `>ID` only). */
  dateField: string | null;
  /** `entity` of portal_events whose deletions apply here. */
  eventEntity?: string;
  /** Wire row → mirror row. Throws (zod) on a row that does not parse. */
  toRow(raw: unknown): MirrorRow;
  /** The row's modification instant (epoch ms) for the incremental watermark. */
  modifiedAt(row: MirrorRow): number | null;
}

const iso = (ms: number | null | undefined): string | null => (ms === null || ms === undefined ? null : new Date(ms).toISOString());
const msOf = (value: unknown): number | null => (typeof value === "string" ? Date.parse(value) : null);

/**
 * UF_* values as sent, without the empty (null) ones Bitrix24 lists for every field of the entity; null when none
 * is set.
 */
function ufOf(values: Record<string, unknown>): Record<string, unknown> | null {
  const set = Object.entries(values).filter(([, v]) => v !== null && v !== undefined);
  return set.length > 0 ? Object.fromEntries(set) : null;
}

/** Text fields the client's transforms do not cover but the mirror keeps. */
function extraText(raw: unknown, field: string): string | null {
  const v = typeof raw === "object" && raw !== null ? (raw as Record<string, unknown>)[field] : undefined;
  return v === undefined || v === null || v === "" ? null : String(v);
}

function parse<S extends z.ZodType>(schema: S, raw: unknown): z.output<S> {
  return schema.parse(raw);
}

const DEAL_FIELDS = [
  "ID", "TITLE", "TYPE_ID", "CATEGORY_ID", "STAGE_ID", "STAGE_SEMANTIC_ID", "CLOSED", "PROBABILITY", "OPPORTUNITY",
  "CURRENCY_ID", "IS_MANUAL_OPPORTUNITY", "LEAD_ID", "CONTACT_ID", "COMPANY_ID", "BEGINDATE", "CLOSEDATE",
  "DATE_CREATE", "DATE_MODIFY", "MOVED_TIME", "MOVED_BY_ID", "ASSIGNED_BY_ID", "CREATED_BY_ID", "MODIFY_BY_ID",
  "OPENED", "IS_NEW", "IS_RETURN_CUSTOMER", "IS_REPEATED_APPROACH", "IS_RECURRING", "SOURCE_ID", "UTM_SOURCE",
  "UTM_MEDIUM", "UTM_CAMPAIGN", "UTM_CONTENT", "UTM_TERM", "LAST_ACTIVITY_TIME", "UF_*",
];

const LEAD_FIELDS = [
  "ID", "TITLE", "NAME", "LAST_NAME", "COMPANY_TITLE", "STATUS_ID", "STATUS_SEMANTIC_ID", "SOURCE_ID", "OPPORTUNITY",
  "CURRENCY_ID", "ASSIGNED_BY_ID", "CREATED_BY_ID", "MODIFY_BY_ID", "MOVED_BY_ID", "DATE_CREATE", "DATE_MODIFY",
  "DATE_CLOSED", "MOVED_TIME", "CONTACT_ID", "COMPANY_ID", "IS_RETURN_CUSTOMER", "HAS_PHONE", "HAS_EMAIL", "HAS_IMOL",
  "OPENED", "UTM_SOURCE", "UTM_MEDIUM", "UTM_CAMPAIGN", "UTM_CONTENT", "UTM_TERM", "LAST_ACTIVITY_TIME", "PHONE",
  "EMAIL", "UF_*",
];

const CONTACT_FIELDS = [
  "ID", "NAME", "LAST_NAME", "TYPE_ID", "SOURCE_ID", "COMPANY_ID", "ASSIGNED_BY_ID", "CREATED_BY_ID", "DATE_CREATE",
  "DATE_MODIFY", "HAS_PHONE", "HAS_EMAIL", "OPENED", "EXPORT", "PHONE", "EMAIL", "UF_*",
];

const COMPANY_FIELDS = [
  "ID", "TITLE", "COMPANY_TYPE", "INDUSTRY", "ASSIGNED_BY_ID", "CREATED_BY_ID", "DATE_CREATE", "DATE_MODIFY",
  "HAS_PHONE", "HAS_EMAIL", "OPENED", "PHONE", "EMAIL", "UF_*",
];

const ACTIVITY_FIELDS = [
  "ID", "OWNER_ID", "OWNER_TYPE_ID", "TYPE_ID", "PROVIDER_ID", "PROVIDER_TYPE_ID", "SUBJECT", "CREATED",
  "LAST_UPDATED", "START_TIME", "END_TIME", "DEADLINE", "COMPLETED", "STATUS", "DIRECTION", "PRIORITY",
  "RESPONSIBLE_ID", "AUTHOR_ID", "EDITOR_ID", "AUTOCOMPLETE_RULE",
];

export const RECORD_SPECS: Record<RecordEntity, RecordEntitySpec> = {
  lead: {
    entity: "lead",
    table: "mirror_leads",
    method: "crm.lead.list",
    select: LEAD_FIELDS,
    dateField: "DATE_MODIFY",
    eventEntity: "lead",
    toRow(raw) {
      const r = parse(leadRecord, raw);
      return {
        id: r.id,
        title: r.title,
        name: r.name,
        last_name: r.lastName,
        company_title: r.companyTitle,
        status_id: r.statusId,
        status_semantic_id: r.statusSemantic,
        source_id: r.sourceId,
        opportunity: r.opportunity,
        currency_id: r.currencyId,
        assigned_by_id: r.assignedById,
        created_by_id: r.createdById,
        modify_by_id: r.modifiedById,
        moved_by_id: r.movedById,
        date_create: iso(r.createdAt),
        date_modify: iso(r.modifiedAt),
        date_closed: iso(r.closedAt),
        moved_time: iso(r.movedAt),
        contact_id: r.contactId,
        company_id: r.companyId,
        is_return_customer: r.isReturnCustomer,
        has_phone: r.hasPhone,
        has_email: r.hasEmail,
        has_imol: r.hasImol,
        opened: r.opened,
        utm_source: r.utmSource,
        utm_medium: r.utmMedium,
        utm_campaign: r.utmCampaign,
        utm_content: extraText(raw, "UTM_CONTENT"),
        utm_term: extraText(raw, "UTM_TERM"),
        last_activity_time: iso(r.lastActivityAt),
        phones: normaliseAll(r.phones, normalisePhone),
        emails: normaliseAll(r.emails, normaliseEmail),
        uf: ufOf(r.userFields),
      };
    },
    modifiedAt: (row) => msOf(row.date_modify),
  },
  deal: {
    entity: "deal",
    table: "mirror_deals",
    method: "crm.deal.list",
    select: DEAL_FIELDS,
    dateField: "DATE_MODIFY",
    eventEntity: "deal",
    toRow(raw) {
      const r = parse(dealRecord, raw);
      return {
        id: r.id,
        title: r.title,
        type_id: r.typeId,
        category_id: r.categoryId,
        stage_id: r.stageId,
        stage_semantic_id: r.stageSemantic,
        closed: r.closed,
        probability: r.probability,
        opportunity: r.opportunity,
        currency_id: r.currencyId,
        is_manual_opportunity: r.isManualOpportunity,
        lead_id: r.leadId,
        contact_id: r.contactId,
        company_id: r.companyId,
        begin_date: r.beginDate,
        close_date: r.closeDate,
        date_create: iso(r.createdAt),
        date_modify: iso(r.modifiedAt),
        moved_time: iso(r.movedAt),
        moved_by_id: r.movedById,
        assigned_by_id: r.assignedById,
        created_by_id: r.createdById,
        modify_by_id: r.modifiedById,
        opened: r.opened,
        is_new: r.isNew,
        is_return_customer: r.isReturnCustomer,
        is_repeated_approach: r.isRepeatedApproach,
        is_recurring: r.isRecurring,
        source_id: r.sourceId,
        utm_source: r.utmSource,
        utm_medium: r.utmMedium,
        utm_campaign: r.utmCampaign,
        utm_content: extraText(raw, "UTM_CONTENT"),
        utm_term: extraText(raw, "UTM_TERM"),
        last_activity_time: iso(r.lastActivityAt),
        uf: ufOf(r.userFields),
      };
    },
    modifiedAt: (row) => msOf(row.date_modify),
  },
  contact: {
    entity: "contact",
    table: "mirror_contacts",
    method: "crm.contact.list",
    select: CONTACT_FIELDS,
    dateField: "DATE_MODIFY",
    eventEntity: "contact",
    toRow(raw) {
      const r = parse(contactRecord, raw);
      return {
        id: r.id,
        name: r.name,
        last_name: r.lastName,
        type_id: r.typeId,
        source_id: r.sourceId,
        company_id: r.companyId,
        assigned_by_id: r.assignedById,
        created_by_id: r.createdById,
        date_create: iso(r.createdAt),
        date_modify: iso(r.modifiedAt),
        has_phone: r.hasPhone,
        has_email: r.hasEmail,
        opened: r.opened,
        export: r.export,
        phones: normaliseAll(r.phones, normalisePhone),
        emails: normaliseAll(r.emails, normaliseEmail),
        uf: ufOf(r.userFields),
      };
    },
    modifiedAt: (row) => msOf(row.date_modify),
  },
  company: {
    entity: "company",
    table: "mirror_companies",
    method: "crm.company.list",
    select: COMPANY_FIELDS,
    dateField: "DATE_MODIFY",
    eventEntity: "company",
    toRow(raw) {
      const r = parse(companyRecord, raw);
      return {
        id: r.id,
        title: r.title,
        company_type: r.companyType,
        industry: r.industry,
        assigned_by_id: r.assignedById,
        created_by_id: r.createdById,
        date_create: iso(r.createdAt),
        date_modify: iso(r.modifiedAt),
        has_phone: r.hasPhone,
        has_email: r.hasEmail,
        opened: r.opened,
        phones: normaliseAll(r.phones, normalisePhone),
        emails: normaliseAll(r.emails, normaliseEmail),
        uf: ufOf(r.userFields),
      };
    },
    modifiedAt: (row) => msOf(row.date_modify),
  },
  activity: {
    entity: "activity",
    table: "mirror_activities",
    method: "crm.activity.list",
    select: ACTIVITY_FIELDS,
    dateField: "LAST_UPDATED",
    eventEntity: "activity",
    toRow(raw) {
      const r = parse(activityRecord, raw);
      return {
        id: r.id,
        owner_type_id: r.ownerTypeId,
        owner_id: r.ownerId,
        type_id: r.typeId,
        provider_id: r.providerId,
        provider_type_id: r.providerTypeId,
        subject: r.subject,
        created: iso(r.createdAt),
        last_updated: iso(r.lastUpdatedAt),
        start_time: iso(r.startAt),
        end_time: iso(r.endAt),
        deadline: iso(r.deadlineAt),
        completed: r.completed,
        status: r.status,
        direction: r.direction,
        priority: r.priority,
        responsible_id: r.responsibleId,
        author_id: r.authorId,
        editor_id: r.editorId,
        autocomplete_rule: r.autocompleteRule,
      };
    },
    modifiedAt: (row) => msOf(row.last_updated),
  },
  leadStageHistory: {
    entity: "leadStageHistory",
    table: "mirror_lead_stage_history",
    method: "crm.stagehistory.list",
    params: { entityTypeId: 1 },
    select: ["ID", "TYPE_ID", "OWNER_ID", "CREATED_TIME", "STATUS_ID", "STATUS_SEMANTIC_ID"],
    dateField: null,
    toRow(raw) {
      const r = parse(stageHistoryRecord, raw);
      return {
        id: r.id,
        type_id: r.typeId,
        owner_id: r.ownerId,
        created_time: iso(r.createdAt),
        status_id: r.stageId,
        status_semantic_id: r.stageSemantic,
      };
    },
    modifiedAt: () => null,
  },
  dealStageHistory: {
    entity: "dealStageHistory",
    table: "mirror_deal_stage_history",
    method: "crm.stagehistory.list",
    params: { entityTypeId: 2 },
    select: ["ID", "TYPE_ID", "OWNER_ID", "CREATED_TIME", "CATEGORY_ID", "STAGE_ID", "STAGE_SEMANTIC_ID"],
    dateField: null,
    toRow(raw) {
      const r = parse(stageHistoryRecord, raw);
      return {
        id: r.id,
        type_id: r.typeId,
        owner_id: r.ownerId,
        created_time: iso(r.createdAt),
        category_id: r.categoryId,
        stage_id: r.stageId,
        stage_semantic_id: r.stageSemantic,
      };
    },
    modifiedAt: () => null,
  },
};

// ---------------------------------------------------------------------------------------------------------------
// Dictionaries: small lists read whole every run and replaced in the mirror.
// ---------------------------------------------------------------------------------------------------------------

const SEMANTIC_LETTER: Record<string, string> = { process: "P", success: "S", failure: "F", apology: "F" };

export function statusRow(s: Status): MirrorRow {
  return {
    id: s.id,
    entity_id: s.entityId,
    status_id: s.statusId,
    name: s.name,
    name_init: s.nameInit,
    sort: s.sort,
    system: s.system,
    category_id: s.categoryId,
    color: s.color,
    semantics: s.semantics,
    semantic_id: s.semantics ? SEMANTIC_LETTER[s.semantics] : null,
  };
}

export function categoryRow(c: Category): MirrorRow {
  return { entity_type_id: c.entityTypeId ?? 2, id: c.id, name: c.name, sort: c.sort, is_default: c.isDefault };
}

export function currencyRow(c: Currency): MirrorRow {
  return {
    currency: c.currency,
    amount_cnt: c.amountCnt,
    amount: c.amount,
    base: c.base,
    sort: c.sort,
    full_name: c.fullName,
  };
}

export function userRow(u: User): MirrorRow {
  return {
    id: u.id,
    active: u.active,
    name: u.name,
    last_name: u.lastName,
    email: u.email,
    work_position: u.workPosition,
    user_type: u.userType,
    departments: u.departmentIds,
    date_register: iso(u.registeredAt),
    last_login: iso(u.lastLoginAt),
    is_online: u.isOnline,
  };
}

/** A label map ({en, ru, …}) reduced to one text: English, else Russian, else the first. */
function labelText(label: UserField["label"]): string | null {
  if (label === null || typeof label === "string") return label;
  return label.en ?? label.ru ?? Object.values(label)[0] ?? null;
}

export function userFieldRow(f: UserField): MirrorRow {
  return {
    id: f.id,
    entity_id: f.entityId ?? "",
    field_name: f.fieldName,
    user_type_id: f.userTypeId,
    mandatory: f.mandatory,
    label: labelText(f.label),
  };
}

export function workflowTemplateRow(t: WorkflowTemplate): MirrorRow {
  return {
    id: t.id,
    module_id: t.moduleId,
    entity: t.entity,
    document_type: t.documentType,
    auto_execute: t.autoExecute,
    name: t.name,
    modified: iso(t.modifiedAt),
    user_id: t.userId,
    system_code: t.systemCode,
  };
}
