import {
  boolean,
  date,
  doublePrecision,
  foreignKey,
  index,
  integer,
  jsonb,
  numeric,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
  uuid,
  type AnyPgColumn,
} from "drizzle-orm/pg-core";
import { sql } from "drizzle-orm";
import { orgs } from "./core";
import { portalConnections } from "./portals";

/**
 * The mirror: a copy of each connected portal's CRM data, limited to the fields the metrics (SPEC §3) and the
 * audit catalogue (SPEC §4) read. Written only by the sync engine (lib/server/sync), read by metrics and audits.
 *
 * Conventions, the same for every table:
 * - key `(org_id, connection_id, id)` where `id` is the Bitrix24 ID (32-bit in Bitrix24, so `integer`); rows are
 *   upserted by that key, so replaying a page is harmless;
 * - Bitrix24 field `DATE_CREATE` becomes `date_create` and so on: column names are the Bitrix24 names in
 *   snake_case, typed (Y/N → boolean, money → numeric, date-times → timestamptz in UTC, dates → date as the user
 *   picked it in the portal's zone), references that Bitrix24 sends as 0 are null;
 * - `synced_at` is when the sync engine last wrote the row: rows with `synced_at >= run.started_at` are what a run
 *   changed (the metrics use it to find the months to recompute);
 * - deleted records are deleted here too (DELETE events and ID reconciliation), so a row exists iff the record
 *   exists in the portal as of the last sync;
 * - custom field values (`UF_CRM_*`) of deals, leads, contacts and companies are kept as one jsonb object `uf`
 *   (field name → value as Bitrix24 sent it); their definitions are in `mirror_user_fields`.
 *
 * The raw answer row is not kept: the typed columns hold every field the sync selects, and a jsonb copy would cost
 * more than the row itself (measured on emulator data: a deal is ≈220 bytes typed against ≈950 bytes of raw JSON,
 * an activity ≈180 against ≈490 — about 2.6 GB more for a portal with 5 M activities) for no reader.
 */

const keys = () => ({
  orgId: uuid("org_id")
    .notNull()
    .references(() => orgs.id, { onDelete: "cascade" }),
  connectionId: uuid("connection_id").notNull(),
});

const syncedAt = () => timestamp("synced_at", { withTimezone: true }).notNull().defaultNow();
const instant = (name: string) => timestamp(name, { withTimezone: true });
const money = (name: string) => numeric(name, { precision: 20, scale: 2, mode: "number" });

/** PK (org_id, connection_id, id) and the FK to the connection (mirror rows go when the connection goes). */
function mirrorKeys(t: { orgId: AnyPgColumn; connectionId: AnyPgColumn; id: AnyPgColumn }, name: string) {
  return [
    primaryKey({ name: `${name}_pkey`, columns: [t.orgId, t.connectionId, t.id] }),
    foreignKey({
      name: `${name}_connection_fk`,
      columns: [t.orgId, t.connectionId],
      foreignColumns: [portalConnections.orgId, portalConnections.id],
    }).onDelete("cascade"),
  ];
}

/** Portal employees (user.get). `last_login` feeds "share of licensed users active in the last 30 days". */
export const mirrorUsers = pgTable(
  "mirror_users",
  {
    ...keys(),
    id: integer("id").notNull(),
    active: boolean("active"),
    name: text("name"),
    lastName: text("last_name"),
    email: text("email"),
    workPosition: text("work_position"),
    /** "employee", "extranet", "email", … */
    userType: text("user_type"),
    /** UF_DEPARTMENT: department IDs. */
    departments: integer("departments").array(),
    dateRegister: instant("date_register"),
    lastLogin: instant("last_login"),
    isOnline: boolean("is_online"),
    syncedAt: syncedAt(),
  },
  (t) => mirrorKeys(t, "mirror_users"),
);

/**
 * Stages, lead statuses and other reference lists (crm.status.list): `entity_id` is the list ("STATUS" = lead
 * statuses, "DEAL_STAGE" = stages of pipeline 0, "DEAL_STAGE_{n}" = of pipeline n, "SOURCE", "DEAL_TYPE", …),
 * `status_id` the code used in records (deal STAGE_ID, lead STATUS_ID, SOURCE_ID). `semantics` is Bitrix24's
 * EXTRA.SEMANTICS for stages: process / success / failure / apology (apology = a failure kind, leads' "junk");
 * `semantic_id` the one-letter P / S / F of records. `name_init` is the default name of a system entry ("" when
 * none): a stage still named as its `name_init` was never renamed (the DIY set-up signal).
 */
export const mirrorStatuses = pgTable(
  "mirror_statuses",
  {
    ...keys(),
    id: integer("id").notNull(),
    entityId: text("entity_id").notNull(),
    statusId: text("status_id").notNull(),
    name: text("name"),
    nameInit: text("name_init"),
    sort: integer("sort"),
    system: boolean("system"),
    /** Pipeline of a deal stage; null for lists that are not stages. */
    categoryId: integer("category_id"),
    color: text("color"),
    semantics: text("semantics"),
    semanticId: text("semantic_id"),
    syncedAt: syncedAt(),
  },
  (t) => [...mirrorKeys(t, "mirror_statuses"), index("mirror_statuses_entity_idx").on(t.orgId, t.connectionId, t.entityId)],
);

/** Deal pipelines (crm.category.list entityTypeId=2). Pipeline 0 is the default one. */
export const mirrorCategories = pgTable(
  "mirror_categories",
  {
    ...keys(),
    /** CRM entity type the pipeline belongs to: 2 = deals. */
    entityTypeId: integer("entity_type_id").notNull().default(2),
    id: integer("id").notNull(),
    name: text("name"),
    sort: integer("sort"),
    isDefault: boolean("is_default"),
    syncedAt: syncedAt(),
  },
  (t) => [
    primaryKey({ name: "mirror_categories_pkey", columns: [t.orgId, t.connectionId, t.entityTypeId, t.id] }),
    foreignKey({
      name: "mirror_categories_connection_fk",
      columns: [t.orgId, t.connectionId],
      foreignColumns: [portalConnections.orgId, portalConnections.id],
    }).onDelete("cascade"),
  ],
);

/**
 * Currencies with their current rates (crm.currency.list; Bitrix24 keeps no rate history). `amount_cnt` units of
 * the currency are worth `amount` units of the base currency (the one with `base` = true).
 */
export const mirrorCurrencies = pgTable(
  "mirror_currencies",
  {
    ...keys(),
    currency: text("currency").notNull(),
    amountCnt: numeric("amount_cnt", { mode: "number" }),
    amount: numeric("amount", { mode: "number" }),
    base: boolean("base"),
    sort: integer("sort"),
    fullName: text("full_name"),
    syncedAt: syncedAt(),
  },
  (t) => [
    primaryKey({ name: "mirror_currencies_pkey", columns: [t.orgId, t.connectionId, t.currency] }),
    foreignKey({
      name: "mirror_currencies_connection_fk",
      columns: [t.orgId, t.connectionId],
      foreignColumns: [portalConnections.orgId, portalConnections.id],
    }).onDelete("cascade"),
  ],
);

/** Leads (crm.lead.list). Converted = status_semantic_id 'S'; `date_closed` is set when a lead reaches a final status. */
export const mirrorLeads = pgTable(
  "mirror_leads",
  {
    ...keys(),
    id: integer("id").notNull(),
    title: text("title"),
    name: text("name"),
    lastName: text("last_name"),
    companyTitle: text("company_title"),
    statusId: text("status_id"),
    /** P (in progress), S (converted), F (junk / failed). */
    statusSemanticId: text("status_semantic_id"),
    sourceId: text("source_id"),
    opportunity: money("opportunity"),
    currencyId: text("currency_id"),
    assignedById: integer("assigned_by_id"),
    createdById: integer("created_by_id"),
    modifyById: integer("modify_by_id"),
    movedById: integer("moved_by_id"),
    dateCreate: instant("date_create"),
    dateModify: instant("date_modify"),
    dateClosed: instant("date_closed"),
    movedTime: instant("moved_time"),
    contactId: integer("contact_id"),
    companyId: integer("company_id"),
    isReturnCustomer: boolean("is_return_customer"),
    hasPhone: boolean("has_phone"),
    hasEmail: boolean("has_email"),
    hasImol: boolean("has_imol"),
    opened: boolean("opened"),
    utmSource: text("utm_source"),
    utmMedium: text("utm_medium"),
    utmCampaign: text("utm_campaign"),
    utmContent: text("utm_content"),
    utmTerm: text("utm_term"),
    lastActivityTime: instant("last_activity_time"),
    /** Normalised phone numbers (digits only, leading 8 of Russian numbers as 7) for duplicate detection. */
    phones: text("phones").array(),
    /** Lower-cased e-mail addresses. */
    emails: text("emails").array(),
    uf: jsonb("uf").$type<Record<string, unknown>>(),
    syncedAt: syncedAt(),
  },
  (t) => [
    ...mirrorKeys(t, "mirror_leads"),
    index("mirror_leads_created_idx").on(t.orgId, t.connectionId, t.dateCreate),
    index("mirror_leads_semantic_idx").on(t.orgId, t.connectionId, t.statusSemanticId, t.dateClosed),
    index("mirror_leads_synced_idx").on(t.orgId, t.connectionId, t.syncedAt),
  ],
);

/**
 * Deals (crm.deal.list). Won = stage_semantic_id 'S', lost = 'F' (apology stages included). `stage_id` is
 * "C{category}:CODE" outside pipeline 0. `begin_date` / `close_date` are the user-editable dates as picked in the
 * portal's zone; the real win/loss time is in mirror_deal_stage_history. `contact_id` is Bitrix24's first contact.
 */
export const mirrorDeals = pgTable(
  "mirror_deals",
  {
    ...keys(),
    id: integer("id").notNull(),
    title: text("title"),
    typeId: text("type_id"),
    categoryId: integer("category_id"),
    stageId: text("stage_id"),
    /** P (in progress), S (won), F (lost). */
    stageSemanticId: text("stage_semantic_id"),
    closed: boolean("closed"),
    probability: integer("probability"),
    opportunity: money("opportunity"),
    currencyId: text("currency_id"),
    isManualOpportunity: boolean("is_manual_opportunity"),
    leadId: integer("lead_id"),
    contactId: integer("contact_id"),
    companyId: integer("company_id"),
    beginDate: date("begin_date"),
    closeDate: date("close_date"),
    dateCreate: instant("date_create"),
    dateModify: instant("date_modify"),
    movedTime: instant("moved_time"),
    movedById: integer("moved_by_id"),
    assignedById: integer("assigned_by_id"),
    createdById: integer("created_by_id"),
    modifyById: integer("modify_by_id"),
    opened: boolean("opened"),
    isNew: boolean("is_new"),
    isReturnCustomer: boolean("is_return_customer"),
    isRepeatedApproach: boolean("is_repeated_approach"),
    isRecurring: boolean("is_recurring"),
    sourceId: text("source_id"),
    utmSource: text("utm_source"),
    utmMedium: text("utm_medium"),
    utmCampaign: text("utm_campaign"),
    utmContent: text("utm_content"),
    utmTerm: text("utm_term"),
    lastActivityTime: instant("last_activity_time"),
    uf: jsonb("uf").$type<Record<string, unknown>>(),
    syncedAt: syncedAt(),
  },
  (t) => [
    ...mirrorKeys(t, "mirror_deals"),
    index("mirror_deals_created_idx").on(t.orgId, t.connectionId, t.dateCreate),
    index("mirror_deals_semantic_idx").on(t.orgId, t.connectionId, t.stageSemanticId, t.closeDate),
    index("mirror_deals_company_idx").on(t.orgId, t.connectionId, t.companyId),
    index("mirror_deals_contact_idx").on(t.orgId, t.connectionId, t.contactId),
    index("mirror_deals_lead_idx").on(t.orgId, t.connectionId, t.leadId),
    index("mirror_deals_synced_idx").on(t.orgId, t.connectionId, t.syncedAt),
  ],
);

/** Contacts (crm.contact.list), with normalised phones and e-mails for duplicate detection. */
export const mirrorContacts = pgTable(
  "mirror_contacts",
  {
    ...keys(),
    id: integer("id").notNull(),
    name: text("name"),
    lastName: text("last_name"),
    typeId: text("type_id"),
    sourceId: text("source_id"),
    companyId: integer("company_id"),
    assignedById: integer("assigned_by_id"),
    createdById: integer("created_by_id"),
    dateCreate: instant("date_create"),
    dateModify: instant("date_modify"),
    hasPhone: boolean("has_phone"),
    hasEmail: boolean("has_email"),
    opened: boolean("opened"),
    export: boolean("export"),
    /** Normalised phone numbers (digits only, leading 8 of Russian numbers as 7). */
    phones: text("phones").array(),
    /** Lower-cased e-mail addresses. */
    emails: text("emails").array(),
    uf: jsonb("uf").$type<Record<string, unknown>>(),
    syncedAt: syncedAt(),
  },
  (t) => [
    ...mirrorKeys(t, "mirror_contacts"),
    index("mirror_contacts_created_idx").on(t.orgId, t.connectionId, t.dateCreate),
  ],
);

/** Companies (crm.company.list), with normalised phones and e-mails for duplicate detection. */
export const mirrorCompanies = pgTable(
  "mirror_companies",
  {
    ...keys(),
    id: integer("id").notNull(),
    title: text("title"),
    companyType: text("company_type"),
    industry: text("industry"),
    assignedById: integer("assigned_by_id"),
    createdById: integer("created_by_id"),
    dateCreate: instant("date_create"),
    dateModify: instant("date_modify"),
    hasPhone: boolean("has_phone"),
    hasEmail: boolean("has_email"),
    opened: boolean("opened"),
    phones: text("phones").array(),
    emails: text("emails").array(),
    uf: jsonb("uf").$type<Record<string, unknown>>(),
    syncedAt: syncedAt(),
  },
  (t) => [
    ...mirrorKeys(t, "mirror_companies"),
    index("mirror_companies_created_idx").on(t.orgId, t.connectionId, t.dateCreate),
  ],
);

/**
 * The activities the automation level's evidence counts (web forms, calls, open-line sessions, auto-completed ones):
 * the predicate of their index, which the evidence query repeats so that the planner can use it.
 */
export const EVIDENCE_ACTIVITIES = "provider_id in ('CRM_WEBFORM', 'VOXIMPLANT_CALL', 'IMOPENLINES_SESSION') or status = 3";

/**
 * Activities (crm.activity.list): calls, e-mails, meetings, tasks, open-line chats, web forms, to-dos.
 * owner_type_id: 1 lead, 2 deal, 3 contact, 4 company. type_id: 1 meeting, 2 call, 3 task, 4 e-mail, 6 provider
 * (see provider_id: VOXIMPLANT_CALL, CRM_EMAIL, IMOPENLINES_SESSION, CRM_WEBFORM, CRM_TODO, …). direction:
 * 0 none, 1 incoming, 2 outgoing. status: 1 pending, 2 done, 3 auto-completed. There is no "completed at" in
 * Bitrix24; `last_updated` is the closest proxy.
 */
export const mirrorActivities = pgTable(
  "mirror_activities",
  {
    ...keys(),
    id: integer("id").notNull(),
    ownerTypeId: smallint("owner_type_id"),
    ownerId: integer("owner_id"),
    typeId: smallint("type_id"),
    providerId: text("provider_id"),
    providerTypeId: text("provider_type_id"),
    subject: text("subject"),
    created: instant("created"),
    lastUpdated: instant("last_updated"),
    startTime: instant("start_time"),
    endTime: instant("end_time"),
    deadline: instant("deadline"),
    completed: boolean("completed"),
    status: smallint("status"),
    direction: smallint("direction"),
    priority: smallint("priority"),
    responsibleId: integer("responsible_id"),
    authorId: integer("author_id"),
    editorId: integer("editor_id"),
    autocompleteRule: smallint("autocomplete_rule"),
    syncedAt: syncedAt(),
  },
  (t) => [
    ...mirrorKeys(t, "mirror_activities"),
    index("mirror_activities_owner_idx").on(t.orgId, t.connectionId, t.ownerTypeId, t.ownerId, t.created),
    index("mirror_activities_created_idx").on(t.orgId, t.connectionId, t.created),
    // The activities the automation level's evidence counts, narrow enough to be counted from the index alone.
    index("mirror_activities_evidence_idx").on(t.orgId, t.connectionId, t.created, t.providerId, t.status).where(sql.raw(EVIDENCE_ACTIVITIES)),
    index("mirror_activities_synced_idx").on(t.orgId, t.connectionId, t.syncedAt),
  ],
);

/**
 * Lead status changes (crm.stagehistory.list entityTypeId=1), append-only. type_id: 1 created, 2 intermediate
 * status, 3 final status, 5 pipeline change. Conversion time = the type 3 row with semantic 'S'.
 */
export const mirrorLeadStageHistory = pgTable(
  "mirror_lead_stage_history",
  {
    ...keys(),
    id: integer("id").notNull(),
    typeId: smallint("type_id"),
    ownerId: integer("owner_id"),
    createdTime: instant("created_time"),
    statusId: text("status_id"),
    statusSemanticId: text("status_semantic_id"),
    syncedAt: syncedAt(),
  },
  (t) => [
    ...mirrorKeys(t, "mirror_lead_stage_history"),
    index("mirror_lead_stage_history_owner_idx").on(t.orgId, t.connectionId, t.ownerId),
    index("mirror_lead_stage_history_created_idx").on(t.orgId, t.connectionId, t.createdTime),
  ],
);

/**
 * Deal stage changes (crm.stagehistory.list entityTypeId=2), append-only, with no user. type_id: 1 created,
 * 2 intermediate stage, 3 final stage (win/loss time: semantic 'S' / 'F'), 5 pipeline change.
 */
export const mirrorDealStageHistory = pgTable(
  "mirror_deal_stage_history",
  {
    ...keys(),
    id: integer("id").notNull(),
    typeId: smallint("type_id"),
    ownerId: integer("owner_id"),
    createdTime: instant("created_time"),
    categoryId: integer("category_id"),
    stageId: text("stage_id"),
    stageSemanticId: text("stage_semantic_id"),
    syncedAt: syncedAt(),
  },
  (t) => [
    ...mirrorKeys(t, "mirror_deal_stage_history"),
    index("mirror_deal_stage_history_owner_idx").on(t.orgId, t.connectionId, t.ownerId),
    index("mirror_deal_stage_history_created_idx").on(t.orgId, t.connectionId, t.createdTime),
    index("mirror_deal_stage_history_synced_idx").on(t.orgId, t.connectionId, t.syncedAt),
  ],
);

/**
 * Business-process templates (bizproc.workflow.template.list; needs an admin and the bizproc scope, so it may stay
 * empty). auto_execute: 0 manual only, 1 on create, 2 on update, 3 both — a proxy for automation (SPEC metric 9).
 * document_type is e.g. ["crm", "CCrmDocumentDeal", "DEAL"].
 */
export const mirrorWorkflowTemplates = pgTable(
  "mirror_workflow_templates",
  {
    ...keys(),
    id: integer("id").notNull(),
    moduleId: text("module_id"),
    entity: text("entity"),
    documentType: text("document_type").array(),
    autoExecute: smallint("auto_execute"),
    name: text("name"),
    modified: instant("modified"),
    userId: integer("user_id"),
    systemCode: text("system_code"),
    syncedAt: syncedAt(),
  },
  (t) => mirrorKeys(t, "mirror_workflow_templates"),
);

/**
 * Custom field definitions (crm.{deal,lead,contact,company}.userfield.list). entity_id: CRM_DEAL, CRM_LEAD,
 * CRM_CONTACT, CRM_COMPANY; values are in the `uf` column of the matching table under `field_name`.
 */
export const mirrorUserFields = pgTable(
  "mirror_user_fields",
  {
    ...keys(),
    id: integer("id").notNull(),
    entityId: text("entity_id").notNull(),
    fieldName: text("field_name").notNull(),
    userTypeId: text("user_type_id"),
    mandatory: boolean("mandatory"),
    label: text("label"),
    syncedAt: syncedAt(),
  },
  (t) => mirrorKeys(t, "mirror_user_fields"),
);

/** FK to the connection for tables without an `id` of their own (rows go when the connection goes). */
const connectionFk = (t: { orgId: AnyPgColumn; connectionId: AnyPgColumn }, name: string) =>
  foreignKey({ name, columns: [t.orgId, t.connectionId], foreignColumns: [portalConnections.orgId, portalConnections.id] }).onDelete("cascade");

/**
 * Deleted records, logged by triggers on the mirror tables (every path that deletes — DELETE events, ID
 * reconciliation — is covered), and activities that moved to another record: what `synced_at` cannot tell.
 * `owner_type_id` / `owner_id` name the CRM record whose derived data the change touches (an activity's old
 * owner; a lead or deal itself), `occurred_at` the earliest instant the deleted row stood for (the months the
 * change can move). Entries older than a month are purged when derived data is refreshed.
 */
export const mirrorChanges = pgTable(
  "mirror_changes",
  {
    // No foreign keys: the triggers write here while a connection or an org is being deleted (they skip rows
    // whose connection is gone).
    orgId: uuid("org_id").notNull(),
    connectionId: uuid("connection_id").notNull(),
    entity: text("entity").notNull(),
    id: integer("id").notNull(),
    ownerTypeId: smallint("owner_type_id"),
    ownerId: integer("owner_id"),
    occurredAt: instant("occurred_at"),
    loggedAt: timestamp("logged_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("mirror_changes_logged_idx").on(t.orgId, t.connectionId, t.loggedAt)],
);

/**
 * Inbound requests paired with their answers, per CRM record (definition: lib/metrics/inbound-requests.ts): what
 * the response time and the organisational losses are computed from. It depends on the mirror alone — no client
 * setting enters it — so it is kept rather than rebuilt at every recompute: the recompute refreshes the records
 * whose activities or lead changed since the last refresh (`synced_at`, `mirror_changes`), and rebuilds the whole
 * table when the definition's version changes (`mirror_derived_states`). `first` marks a record's first request.
 */
export const mirrorRequestPairs = pgTable(
  "mirror_request_pairs",
  {
    ...keys(),
    ownerTypeId: smallint("owner_type_id").notNull(),
    ownerId: integer("owner_id").notNull(),
    requestedAt: instant("requested_at").notNull(),
    /** 0 the lead's creation, 1 an incoming activity. */
    source: smallint("source").notNull(),
    activityId: integer("activity_id"),
    answeredAt: instant("answered_at"),
    first: boolean("first").notNull(),
  },
  (t) => [
    connectionFk(t, "mirror_request_pairs_connection_fk"),
    index("mirror_request_pairs_owner_idx").on(t.orgId, t.connectionId, t.ownerTypeId, t.ownerId),
    index("mirror_request_pairs_requested_idx").on(t.orgId, t.connectionId, t.requestedAt),
  ],
);

/** A deal's customer as the metrics number it (companies positive, contacts negative), over its own columns. */
export const DEAL_CUSTOMER = "coalesce(company_id::float8, -contact_id::float8)";

/**
 * Closed deals as the metrics read them: the win or loss instant (the latest final entry of the stage history with
 * semantic S or F, else CLOSEDATE at local midnight in the client's zone, MOVED_TIME, DATE_MODIFY), the first
 * contact (the lead's creation, else the deal's), and what the amounts and losses need. Kept like
 * `mirror_request_pairs`: refreshed for the deals whose row, stage history or lead changed, rebuilt when the rule's
 * version or the client's time zone changes.
 */
export const mirrorDealOutcomes = pgTable(
  "mirror_deal_outcomes",
  {
    ...keys(),
    id: integer("id").notNull(),
    companyId: integer("company_id"),
    contactId: integer("contact_id"),
    leadId: integer("lead_id"),
    stageId: text("stage_id"),
    opportunity: money("opportunity"),
    currencyId: text("currency_id"),
    wonAt: instant("won_at"),
    lostAt: instant("lost_at"),
    /** The lead's creation, else the deal's. */
    firstAt: instant("first_at"),
    /** The customer as the metrics number it: the company, else minus the contact; null for neither. */
    customer: doublePrecision("customer").generatedAlwaysAs(sql.raw(DEAL_CUSTOMER)),
    /** On won deals: the customer's first win ever (kept up to date for every won deal of a customer whose deals change). */
    customerFirstWonAt: instant("customer_first_won_at"),
  },
  (t) => [
    ...mirrorKeys(t, "mirror_deal_outcomes"),
    index("mirror_deal_outcomes_won_idx").on(t.orgId, t.connectionId, t.wonAt),
    index("mirror_deal_outcomes_customer_idx").on(t.orgId, t.connectionId, t.customer).where(sql`won_at is not null`),
    index("mirror_deal_outcomes_lost_idx").on(t.orgId, t.connectionId, t.lostAt),
  ],
);

/**
 * How far each derived table of a connection is refreshed: the version of its rule (with the settings it depends
 * on, e.g. `3:Europe/Moscow`) it was built with, and the instant up to which the mirror's changes are in it.
 */
export const mirrorDerivedStates = pgTable(
  "mirror_derived_states",
  {
    ...keys(),
    name: text("name").notNull(),
    version: text("version").notNull(),
    refreshedThrough: timestamp("refreshed_through", { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ name: "mirror_derived_states_pkey", columns: [t.orgId, t.connectionId, t.name] }), connectionFk(t, "mirror_derived_states_connection_fk")],
);
