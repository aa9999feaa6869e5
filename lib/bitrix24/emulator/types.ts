/**
 * The emulator's data model: which entities a portal holds, the fields of each with their wire type, and the
 * table interface the data generator writes into and the REST layer reads from.
 *
 * Values are held natively (numbers, epoch milliseconds, booleans) and rendered the way Bitrix24 renders them
 * only at the REST boundary: legacy list methods (crm.deal.list, crm.lead.list…) return every scalar as a
 * string and date-times as ISO 8601 with the portal's offset; crm.stagehistory.list returns integers.
 */

/** How a field is stored and rendered. */
export type FieldType =
  | "id" // integer key, never null
  | "int" // integer or null (foreign keys: CONTACT_ID, ASSIGNED_BY_ID…)
  | "money" // float, rendered "1000.00" by legacy methods
  | "string" // free or coded text, or null
  | "bool" // rendered "Y" / "N"
  | "datetime" // epoch ms or null, rendered ISO 8601 with the portal's UTC offset at that instant
  | "date" // epoch ms of local midnight or null; Bitrix24 renders dates as date-times too (…T00:00:00+03:00)
  | "multi" // PHONE / EMAIL / IM multi-fields: MultiFieldValue[]; only returned when selected explicitly
  | "json"; // anything else (UF_DEPARTMENT arrays, user fields of type list…)

export interface MultiFieldValue {
  ID?: string;
  VALUE_TYPE: string; // WORK, MOBILE, OTHER, OPENLINE…
  VALUE: string;
  TYPE_ID?: string; // PHONE, EMAIL, IM
}

export type FieldValue = number | string | boolean | null | MultiFieldValue[] | unknown[] | Record<string, unknown>;

/** A stored record: field name → native value. Missing fields read as null. Custom fields are `UF_CRM_…`. */
export type Row = Record<string, FieldValue>;

export interface FieldDef {
  name: string;
  type: FieldType;
}

/** Entities a portal holds. */
export type EntityName =
  | "user"
  | "lead"
  | "deal"
  | "contact"
  | "company"
  | "activity"
  | "leadHistory"
  | "dealHistory";

/**
 * Field lists per entity (Bitrix24 names). The generator fills these; the REST layer renders them.
 * Sources: fixtures crm-deal-get.json, crm-lead-get.json, crm-activity-list.json, crm-contact-list.json,
 * crm-stagehistory-list.json, user-get.json.
 */
export const ENTITY_FIELDS: Record<EntityName, FieldDef[]> = {
  user: [
    { name: "ID", type: "id" },
    { name: "ACTIVE", type: "bool" }, // user.get renders it as JSON true/false, not "Y"/"N"
    { name: "NAME", type: "string" },
    { name: "LAST_NAME", type: "string" },
    { name: "EMAIL", type: "string" },
    { name: "WORK_POSITION", type: "string" },
    { name: "DATE_REGISTER", type: "datetime" },
    { name: "LAST_LOGIN", type: "datetime" },
    { name: "IS_ONLINE", type: "bool" },
    { name: "UF_DEPARTMENT", type: "json" },
    { name: "USER_TYPE", type: "string" },
  ],
  lead: [
    { name: "ID", type: "id" },
    { name: "TITLE", type: "string" },
    { name: "NAME", type: "string" },
    { name: "LAST_NAME", type: "string" },
    { name: "COMPANY_TITLE", type: "string" },
    { name: "STATUS_ID", type: "string" },
    { name: "STATUS_SEMANTIC_ID", type: "string" }, // P / S / F
    { name: "SOURCE_ID", type: "string" },
    { name: "OPPORTUNITY", type: "money" },
    { name: "CURRENCY_ID", type: "string" },
    { name: "ASSIGNED_BY_ID", type: "int" },
    { name: "CREATED_BY_ID", type: "int" },
    { name: "MODIFY_BY_ID", type: "int" },
    { name: "MOVED_BY_ID", type: "int" },
    { name: "DATE_CREATE", type: "datetime" },
    { name: "DATE_MODIFY", type: "datetime" },
    { name: "DATE_CLOSED", type: "datetime" },
    { name: "MOVED_TIME", type: "datetime" },
    { name: "CONTACT_ID", type: "int" },
    { name: "COMPANY_ID", type: "int" },
    { name: "IS_RETURN_CUSTOMER", type: "bool" },
    { name: "HAS_PHONE", type: "bool" },
    { name: "HAS_EMAIL", type: "bool" },
    { name: "HAS_IMOL", type: "bool" },
    { name: "OPENED", type: "bool" },
    { name: "UTM_SOURCE", type: "string" },
    { name: "UTM_MEDIUM", type: "string" },
    { name: "UTM_CAMPAIGN", type: "string" },
    { name: "LAST_ACTIVITY_TIME", type: "datetime" },
    { name: "PHONE", type: "multi" },
    { name: "EMAIL", type: "multi" },
  ],
  deal: [
    { name: "ID", type: "id" },
    { name: "TITLE", type: "string" },
    { name: "TYPE_ID", type: "string" },
    { name: "CATEGORY_ID", type: "int" },
    { name: "STAGE_ID", type: "string" }, // "C{cat}:CODE" outside pipeline 0
    { name: "STAGE_SEMANTIC_ID", type: "string" }, // P / S / F
    { name: "CLOSED", type: "bool" },
    { name: "PROBABILITY", type: "int" },
    { name: "OPPORTUNITY", type: "money" },
    { name: "CURRENCY_ID", type: "string" },
    { name: "IS_MANUAL_OPPORTUNITY", type: "bool" },
    { name: "LEAD_ID", type: "int" },
    { name: "CONTACT_ID", type: "int" },
    { name: "COMPANY_ID", type: "int" },
    { name: "BEGINDATE", type: "date" },
    { name: "CLOSEDATE", type: "date" },
    { name: "DATE_CREATE", type: "datetime" },
    { name: "DATE_MODIFY", type: "datetime" },
    { name: "MOVED_TIME", type: "datetime" },
    { name: "MOVED_BY_ID", type: "int" },
    { name: "ASSIGNED_BY_ID", type: "int" },
    { name: "CREATED_BY_ID", type: "int" },
    { name: "MODIFY_BY_ID", type: "int" },
    { name: "OPENED", type: "bool" },
    { name: "IS_NEW", type: "bool" },
    { name: "IS_RETURN_CUSTOMER", type: "bool" },
    { name: "IS_REPEATED_APPROACH", type: "bool" },
    { name: "IS_RECURRING", type: "bool" },
    { name: "SOURCE_ID", type: "string" },
    { name: "UTM_SOURCE", type: "string" },
    { name: "UTM_MEDIUM", type: "string" },
    { name: "UTM_CAMPAIGN", type: "string" },
    { name: "LAST_ACTIVITY_TIME", type: "datetime" },
  ],
  contact: [
    { name: "ID", type: "id" },
    { name: "NAME", type: "string" },
    { name: "LAST_NAME", type: "string" },
    { name: "TYPE_ID", type: "string" },
    { name: "SOURCE_ID", type: "string" },
    { name: "COMPANY_ID", type: "int" },
    { name: "ASSIGNED_BY_ID", type: "int" },
    { name: "CREATED_BY_ID", type: "int" },
    { name: "DATE_CREATE", type: "datetime" },
    { name: "DATE_MODIFY", type: "datetime" },
    { name: "HAS_PHONE", type: "bool" },
    { name: "HAS_EMAIL", type: "bool" },
    { name: "OPENED", type: "bool" },
    { name: "EXPORT", type: "bool" },
    { name: "PHONE", type: "multi" },
    { name: "EMAIL", type: "multi" },
  ],
  company: [
    { name: "ID", type: "id" },
    { name: "TITLE", type: "string" },
    { name: "COMPANY_TYPE", type: "string" },
    { name: "INDUSTRY", type: "string" },
    { name: "ASSIGNED_BY_ID", type: "int" },
    { name: "CREATED_BY_ID", type: "int" },
    { name: "DATE_CREATE", type: "datetime" },
    { name: "DATE_MODIFY", type: "datetime" },
    { name: "HAS_PHONE", type: "bool" },
    { name: "HAS_EMAIL", type: "bool" },
    { name: "OPENED", type: "bool" },
    { name: "PHONE", type: "multi" },
    { name: "EMAIL", type: "multi" },
  ],
  activity: [
    { name: "ID", type: "id" },
    { name: "OWNER_ID", type: "int" },
    { name: "OWNER_TYPE_ID", type: "int" }, // 1 lead, 2 deal, 3 contact, 4 company
    { name: "TYPE_ID", type: "int" }, // 1 meeting, 2 call, 3 task, 4 email, 6 provider
    { name: "PROVIDER_ID", type: "string" }, // VOXIMPLANT_CALL, CRM_EMAIL, IMOPENLINES_SESSION, CRM_WEBFORM, CRM_TODO, TASKS
    { name: "PROVIDER_TYPE_ID", type: "string" },
    { name: "SUBJECT", type: "string" },
    { name: "CREATED", type: "datetime" },
    { name: "LAST_UPDATED", type: "datetime" },
    { name: "START_TIME", type: "datetime" },
    { name: "END_TIME", type: "datetime" },
    { name: "DEADLINE", type: "datetime" },
    { name: "COMPLETED", type: "bool" },
    { name: "STATUS", type: "int" }, // 1 pending, 2 done, 3 auto-completed
    { name: "DIRECTION", type: "int" }, // 0 none, 1 incoming, 2 outgoing
    { name: "PRIORITY", type: "int" },
    { name: "RESPONSIBLE_ID", type: "int" },
    { name: "AUTHOR_ID", type: "int" },
    { name: "EDITOR_ID", type: "int" },
    { name: "AUTOCOMPLETE_RULE", type: "int" },
  ],
  // crm.stagehistory.list entityTypeId=1: integers on the wire, not strings.
  leadHistory: [
    { name: "ID", type: "id" },
    { name: "TYPE_ID", type: "int" }, // 1 created, 2 intermediate, 3 final, 5 pipeline change
    { name: "OWNER_ID", type: "int" },
    { name: "CREATED_TIME", type: "datetime" },
    { name: "STATUS_ID", type: "string" },
    { name: "STATUS_SEMANTIC_ID", type: "string" },
  ],
  // crm.stagehistory.list entityTypeId=2.
  dealHistory: [
    { name: "ID", type: "id" },
    { name: "TYPE_ID", type: "int" },
    { name: "OWNER_ID", type: "int" },
    { name: "CREATED_TIME", type: "datetime" },
    { name: "CATEGORY_ID", type: "int" },
    { name: "STAGE_ID", type: "string" },
    { name: "STAGE_SEMANTIC_ID", type: "string" },
  ],
};

/**
 * One entity's records. Implementations must stay compact enough for 1 M deals + proportional
 * records within about 1 GB (columnar storage for the big entities).
 */
export interface EntityTable {
  readonly entity: EntityName;
  /** Number of live (not deleted) records. */
  readonly size: number;
  /** Highest ID ever assigned (deleted ones included); new records get maxId + 1. */
  readonly maxId: number;
  /**
   * Appends a record whose ID is given and greater than every existing ID (bulk load from the generator).
   * The table copies the values and keeps no reference to `row`: the generator reuses row objects.
   */
  append(row: Row): void;
  /** Creates a record with the next ID and returns it. */
  insert(row: Row): Row;
  /** Reads one record, or undefined when absent or deleted. */
  get(id: number): Row | undefined;
  /** Merges `patch` into the record; returns the new record or undefined when absent. */
  update(id: number, patch: Row): Row | undefined;
  /** Deletes the record; false when it did not exist. */
  delete(id: number): boolean;
  /**
   * Live records in ID order. `afterId` (exclusive) / `beforeId` (exclusive) bound the scan so that
   * `>ID` cursors cost O(page), not O(table). Rows are materialised lazily.
   */
  scan(opts?: { afterId?: number; beforeId?: number; desc?: boolean }): Iterable<Row>;
}

/** A stage or lead status (crm.status.list). */
export interface StatusRecord {
  ID: number;
  ENTITY_ID: string; // STATUS, SOURCE, DEAL_TYPE, DEAL_STAGE, DEAL_STAGE_{cat}, …
  STATUS_ID: string;
  NAME: string;
  NAME_INIT: string; // the default name for system records, "" otherwise
  SORT: number;
  SYSTEM: boolean;
  CATEGORY_ID: number | null;
  COLOR: string;
  /** Stage semantics where Bitrix24 has them: process / success / failure (apology for leads' junk). */
  SEMANTICS: "process" | "success" | "failure" | "apology" | null;
}

/** A deal pipeline (crm.category.list entityTypeId=2). */
export interface CategoryRecord {
  id: number;
  name: string;
  sort: number;
  isDefault: boolean;
  /** When the pipeline was created, for the "configuration created in the first weeks" signal. */
  createdTime: number;
}

/** crm.currency.list. */
export interface CurrencyRecord {
  CURRENCY: string;
  AMOUNT_CNT: number;
  AMOUNT: number; // rate: AMOUNT_CNT units = AMOUNT in base currency
  BASE: boolean;
  SORT: number;
  FULL_NAME: string;
}

/** bizproc.workflow.template.list. */
export interface WorkflowTemplateRecord {
  ID: number;
  MODULE_ID: string; // "crm"
  ENTITY: string; // "CCrmDocumentDeal", "CCrmDocumentLead"…
  DOCUMENT_TYPE: [string, string, string]; // ["crm", "CCrmDocumentDeal", "DEAL"]
  AUTO_EXECUTE: number; // 0 none, 1 on create, 2 on update, 3 both
  NAME: string;
  MODIFIED: number; // epoch ms
  USER_ID: number;
  SYSTEM_CODE: string | null;
}

/** A custom field definition (crm.deal.userfield.list / crm.lead.fields …). */
export interface UserFieldRecord {
  ID: number;
  ENTITY_ID: "CRM_DEAL" | "CRM_LEAD" | "CRM_CONTACT" | "CRM_COMPANY";
  FIELD_NAME: string; // UF_CRM_…
  USER_TYPE_ID: string; // string, double, enumeration, date, boolean…
  MANDATORY: boolean;
  LABEL: string;
  /** For the big-bang signal: when the field was created. Not a Bitrix24 field; never rendered. */
  createdTime: number;
}

/** Where the generator writes a portal's data. */
export interface PortalDataSink {
  tables: Record<EntityName, EntityTable>;
  statuses: StatusRecord[];
  categories: CategoryRecord[];
  currencies: CurrencyRecord[];
  workflowTemplates: WorkflowTemplateRecord[];
  userFields: UserFieldRecord[];
  /** 1 classic (leads on), 2 simple (no leads). */
  crmMode: 1 | 2;
}

/** Demo profiles: one healthy, one per cause of failed CRM roll-outs (SPEC §4). */
export const PROFILES = ["healthy", "no_goal", "diy", "integrator_errors", "no_training", "big_bang"] as const;
export type Profile = (typeof PROFILES)[number];

export interface GenerateOptions {
  profile: Profile;
  /** Deterministic: same seed and options → same data. */
  seed: number;
  /** Number of deals; leads, contacts, companies, activities and history are proportional. */
  deals: number;
  /** Go-live date (epoch ms); history spans about 3 years around it (roughly 1.5 before, 1.5 after). */
  goLive: number;
  /** The generator's "now" (epoch ms): nothing is dated after it. */
  now: number;
  /** IANA zone, e.g. "Europe/Moscow". */
  timeZone: string;
  /** Base currency code, e.g. "RUB". */
  baseCurrency: string;
}
