import { sql } from "drizzle-orm";
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
  uniqueIndex,
  uuid,
  type AnyPgColumn,
} from "drizzle-orm/pg-core";
import { clients, orgs, users } from "./core";

/**
 * The ten metrics (SPEC §3): monthly snapshots per client, the manual inputs and settings they use, the process
 * inventory behind the automation level, baselines and targets, and each client's recompute state.
 *
 * A month is stored as the `date` of its first day (`2024-03-01`) and means the calendar month in the client's time
 * zone. Only months are stored; quarters and years are derived from the numerators and denominators.
 */

const orgRef = () =>
  uuid("org_id")
    .notNull()
    .references(() => orgs.id, { onDelete: "cascade" });
/** Composite FK to the client: a row can never point at another org's client, and goes with its client. */
const clientFk = (t: { orgId: AnyPgColumn; clientId: AnyPgColumn }, name: string) =>
  foreignKey({ name, columns: [t.orgId, t.clientId], foreignColumns: [clients.orgId, clients.id] }).onDelete("cascade");
const updatedBy = () => uuid("updated_by").references(() => users.id, { onDelete: "set null" });
const updatedAt = () => timestamp("updated_at", { withTimezone: true }).notNull().defaultNow();
const money = (name: string) => numeric(name, { precision: 20, scale: 2, mode: "number" });

/**
 * One metric of one client for one month. `value` is null when a denominator was 0 or an input was missing.
 * `secondary` holds the figures shown beside the value (median, p90, counts, the actual lost amount…), `inputs`
 * what went in (settings, manual inputs, evidence), `definition_version` the version of the formula that made it.
 */
export const metricSnapshots = pgTable(
  "metric_snapshots",
  {
    orgId: orgRef(),
    clientId: uuid("client_id").notNull(),
    metric: text("metric").notNull(),
    month: date("month").notNull(),
    value: doublePrecision("value"),
    numerator: doublePrecision("numerator"),
    denominator: doublePrecision("denominator"),
    secondary: jsonb("secondary").$type<Record<string, unknown>>().notNull().default({}),
    inputs: jsonb("inputs").$type<Record<string, unknown>>().notNull().default({}),
    definitionVersion: integer("definition_version").notNull(),
    computedAt: timestamp("computed_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ name: "metric_snapshots_pkey", columns: [t.orgId, t.clientId, t.metric, t.month] }),
    index("metric_snapshots_org_metric_month_idx").on(t.orgId, t.metric, t.month),
    clientFk(t, "metric_snapshots_client_fk"),
  ],
);

/**
 * Manual inputs of one client for one month, in the client's base currency. Every field is optional: an empty
 * field is "not entered", never 0. `implementation_cost` is spread over `amortisation_months` from this month on.
 * `unit_price` and `shortfall_factor` override the estimates of the lost-deals formula; `forecast_demand` its FAD,
 * `fulfilment_rate` its UFR (0…1).
 */
export const metricInputs = pgTable(
  "metric_inputs",
  {
    orgId: orgRef(),
    clientId: uuid("client_id").notNull(),
    month: date("month").notNull(),
    marketingSpend: money("marketing_spend"),
    crmLicence: money("crm_licence"),
    implementationCost: money("implementation_cost"),
    amortisationMonths: smallint("amortisation_months"),
    salesSalaries: money("sales_salaries"),
    forecastDemand: doublePrecision("forecast_demand"),
    fulfilmentRate: doublePrecision("fulfilment_rate"),
    unitPrice: money("unit_price"),
    shortfallFactor: doublePrecision("shortfall_factor"),
    updatedBy: updatedBy(),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ name: "metric_inputs_pkey", columns: [t.orgId, t.clientId, t.month] }),
    clientFk(t, "metric_inputs_client_fk"),
  ],
);

/** Business hours for response time: ISO weekdays and one daily window, local to the client's zone. */
export interface BusinessHoursSetting {
  days: number[];
  start: string;
  end: string;
}

/**
 * Per-client metric settings; a client without a row uses the defaults. `org_loss_stages` are deal stage and lead
 * status codes (`C2:LOSE`, `JUNK`) whose losses count as organisational in the lost-deals shortfall factor.
 */
export const clientMetricSettings = pgTable(
  "client_metric_settings",
  {
    orgId: orgRef(),
    clientId: uuid("client_id").notNull(),
    slaMinutes: integer("sla_minutes").notNull().default(15),
    activityWindowDays: integer("activity_window_days").notNull().default(365),
    businessHours: jsonb("business_hours").$type<BusinessHoursSetting>(),
    orgLossStages: text("org_loss_stages").array().notNull().default(sql`'{}'::text[]`),
    fullyLoadedCac: boolean("fully_loaded_cac").notNull().default(false),
    updatedBy: updatedBy(),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ name: "client_metric_settings_pkey", columns: [t.orgId, t.clientId] }),
    clientFk(t, "client_metric_settings_client_fk"),
  ],
);

/**
 * The client's process inventory (automation level). Seeded items carry the checklist key and are detected from
 * portal evidence; custom items have a name. `override` (automated / manual / not_applicable) is staff's decision,
 * in force from `override_from` (null: every month); `confirmed_at` records that someone checked the item.
 */
export const processInventoryItems = pgTable(
  "process_inventory_items",
  {
    orgId: orgRef(),
    id: uuid("id").notNull().defaultRandom(),
    clientId: uuid("client_id").notNull(),
    key: text("key").notNull(),
    custom: boolean("custom").notNull().default(false),
    name: text("name"),
    override: text("override"),
    overrideFrom: date("override_from"),
    note: text("note").notNull().default(""),
    confirmedBy: uuid("confirmed_by").references(() => users.id, { onDelete: "set null" }),
    confirmedAt: timestamp("confirmed_at", { withTimezone: true }),
    sort: integer("sort").notNull().default(0),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ name: "process_inventory_items_pkey", columns: [t.orgId, t.id] }),
    uniqueIndex("process_inventory_items_key").on(t.orgId, t.clientId, t.key),
    clientFk(t, "process_inventory_items_client_fk"),
  ],
);

/**
 * Baselines: one row per client and metric. `computed_value` comes from the months before go-live held in the
 * mirror (refreshed with every recompute); `entered_value` was typed or imported by staff and wins when present.
 */
export const metricBaselines = pgTable(
  "metric_baselines",
  {
    orgId: orgRef(),
    clientId: uuid("client_id").notNull(),
    metric: text("metric").notNull(),
    enteredValue: doublePrecision("entered_value"),
    /** "manual" or "imported". */
    enteredSource: text("entered_source"),
    note: text("note").notNull().default(""),
    computedValue: doublePrecision("computed_value"),
    /** The months the computed value covers (first and last, `YYYY-MM`). */
    computedFrom: text("computed_from"),
    computedTo: text("computed_to"),
    computedAt: timestamp("computed_at", { withTimezone: true }),
    updatedBy: updatedBy(),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ name: "metric_baselines_pkey", columns: [t.orgId, t.clientId, t.metric] }),
    clientFk(t, "metric_baselines_client_fk"),
  ],
);

/** The client's goal per metric: one general target (month null) and optional targets for given months. */
export const metricTargets = pgTable(
  "metric_targets",
  {
    orgId: orgRef(),
    id: uuid("id").notNull().defaultRandom(),
    clientId: uuid("client_id").notNull(),
    metric: text("metric").notNull(),
    month: date("month"),
    value: doublePrecision("value").notNull(),
    note: text("note").notNull().default(""),
    /** "manual" or "imported". */
    source: text("source").notNull().default("manual"),
    updatedBy: updatedBy(),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ name: "metric_targets_pkey", columns: [t.orgId, t.id] }),
    uniqueIndex("metric_targets_general_key").on(t.orgId, t.clientId, t.metric).where(sql`${t.month} is null`),
    uniqueIndex("metric_targets_month_key").on(t.orgId, t.clientId, t.metric, t.month).where(sql`${t.month} is not null`),
    clientFk(t, "metric_targets_client_fk"),
  ],
);

/**
 * Each client's recompute bookkeeping. A request sets `pending_full` or adds to `pending_months` (durably, in the
 * requester's transaction) and sends a job; the job claims the pending work, recomputes and records what it used
 * (zone, currency, go-live, definition versions), so that a change of any of them is found and recomputed even
 * when no job was sent.
 */
export const clientMetricStates = pgTable(
  "client_metric_states",
  {
    orgId: orgRef(),
    clientId: uuid("client_id").notNull(),
    pendingFull: boolean("pending_full").notNull().default(false),
    /** The earliest month to recompute from (through the latest), when not a full recompute. */
    pendingFrom: date("pending_from"),
    /** Mirror rows synced at or after this instant are to be looked at for the months they touch. */
    pendingChangedSince: timestamp("pending_changed_since", { withTimezone: true }),
    requestedAt: timestamp("requested_at", { withTimezone: true }),
    runningSince: timestamp("running_since", { withTimezone: true }),
    computedAt: timestamp("computed_at", { withTimezone: true }),
    /** Seconds the last recompute took, and how many months it wrote. */
    lastDurationMs: integer("last_duration_ms"),
    lastMonths: integer("last_months"),
    firstMonth: date("first_month"),
    lastMonth: date("last_month"),
    timeZone: text("time_zone"),
    baseCurrency: text("base_currency"),
    goLiveDate: date("go_live_date"),
    definitionVersions: jsonb("definition_versions").$type<Record<string, number>>(),
    error: text("error"),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ name: "client_metric_states_pkey", columns: [t.orgId, t.clientId] }),
    index("client_metric_states_pending_idx")
      .on(t.requestedAt)
      .where(sql`${t.pendingFull} or ${t.pendingFrom} is not null or ${t.pendingChangedSince} is not null`),
    clientFk(t, "client_metric_states_client_fk"),
  ],
);
