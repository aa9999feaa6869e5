import { sql } from "drizzle-orm";
import {
  bigint,
  foreignKey,
  index,
  integer,
  pgEnum,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { clients, orgs, users } from "./core";

/**
 * Bitrix24 portals connected to clients. `member_id` is a portal's stable key (its domain can change), so connecting
 * the same portal again updates its row instead of adding one.
 */

export const CONNECTION_STATUSES = [
  "pending", // installed from the portal side, not yet claimed by an org / no tokens yet
  "connected",
  "needs_reauth", // invalid_grant, NO_AUTH_FOUND…: someone must approve access again
  "uninstalled", // ONAPPUNINSTALL received
  "error", // portal deleted, payment required, repeated failures: see status_reason
] as const;
export type ConnectionStatus = (typeof CONNECTION_STATUSES)[number];
export const connectionStatusEnum = pgEnum("connection_status", CONNECTION_STATUSES);

export const portalConnections = pgTable(
  "portal_connections",
  {
    orgId: uuid("org_id")
      .notNull()
      .references(() => orgs.id, { onDelete: "cascade" }),
    id: uuid("id").notNull().defaultRandom(),
    /** One portal per client. */
    clientId: uuid("client_id").notNull(),
    memberId: text("member_id").notNull(),
    /** Current portal domain, e.g. "acme.bitrix24.ru" (updated after a 302 domain change). */
    domain: text("domain").notNull(),
    /** REST base, e.g. "https://acme.bitrix24.ru/rest/". */
    clientEndpoint: text("client_endpoint").notNull(),
    /** OAuth server REST base, e.g. "https://oauth.bitrix.info/rest/". */
    serverEndpoint: text("server_endpoint"),
    status: connectionStatusEnum("status").notNull().default("connected"),
    /** Machine-readable reason for needs_reauth / error (a Bitrix24Error kind or code). */
    statusReason: text("status_reason"),
    statusChangedAt: timestamp("status_changed_at", { withTimezone: true }).notNull().defaultNow(),
    scope: text("scope"),
    /** Bitrix24 plan as far as known: standard (50 burst, 2/s) or enterprise (250, 5/s). */
    plan: text("plan").notNull().default("standard"),
    /** 1 classic (with leads), 2 simple (no leads); from crm.settings.mode.get. */
    crmMode: smallint("crm_mode"),
    /** The application_token from install/events, hashed: it authenticates ONAPPUNINSTALL and CRM events. */
    applicationTokenHash: text("application_token_hash"),
    connectedBy: uuid("connected_by").references(() => users.id, { onDelete: "set null" }),
    /** How the portal was last connected: "oauth" (from the app), "link" (a connect link), "install" (claim code). */
    connectedVia: text("connected_via"),
    /** When the current tokens were granted (first connection or the latest re-connection). */
    connectedAt: timestamp("connected_at", { withTimezone: true }),
    /** Per-org override of the incremental sync interval; null = the org's default. */
    syncIntervalMinutes: integer("sync_interval_minutes"),
    lastSyncedAt: timestamp("last_synced_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    uniqueIndex("portal_connections_id_key").on(t.id),
    uniqueIndex("portal_connections_member_key").on(t.orgId, t.memberId),
    uniqueIndex("portal_connections_client_key").on(t.orgId, t.clientId),
    index("portal_connections_member_idx").on(t.memberId),
    foreignKey({ columns: [t.orgId, t.clientId], foreignColumns: [clients.orgId, clients.id] }).onDelete("cascade"),
  ],
);

/**
 * OAuth tokens, one row per connection, encrypted with AES-256-GCM (the connection id as additional data, so a
 * ciphertext cannot be moved to another row). `version` increases on every refresh: a process that took the refresh
 * lock re-reads it and skips refreshing when someone else already did.
 */
export const portalTokens = pgTable(
  "portal_tokens",
  {
    orgId: uuid("org_id").notNull(),
    connectionId: uuid("connection_id").notNull(),
    accessTokenEnc: text("access_token_enc").notNull(),
    refreshTokenEnc: text("refresh_token_enc").notNull(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    version: integer("version").notNull().default(1),
    refreshedAt: timestamp("refreshed_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.connectionId] }),
    foreignKey({
      columns: [t.orgId, t.connectionId],
      foreignColumns: [portalConnections.orgId, portalConnections.id],
    }).onDelete("cascade"),
  ],
);

/**
 * Portals that installed the app from their side (ONAPPINSTALL) before any org claimed them. Holds the install
 * tokens encrypted until an org claims the portal with its claim code.
 */
export const portalInstalls = pgTable(
  "portal_installs",
  {
    memberId: text("member_id").primaryKey(),
    domain: text("domain").notNull(),
    clientEndpoint: text("client_endpoint").notNull(),
    serverEndpoint: text("server_endpoint"),
    scope: text("scope"),
    applicationTokenHash: text("application_token_hash").notNull(),
    accessTokenEnc: text("access_token_enc"),
    refreshTokenEnc: text("refresh_token_enc"),
    expiresAt: timestamp("expires_at", { withTimezone: true }),
    /** Hash of the claim code shown in the portal after install; an org enters it to claim the portal. */
    claimCodeHash: text("claim_code_hash"),
    /** A claim code is shown in the portal and typed by a person: it expires, and reopening the app shows a new one. */
    claimCodeExpiresAt: timestamp("claim_code_expires_at", { withTimezone: true }),
    claimedAt: timestamp("claimed_at", { withTimezone: true }),
    uninstalledAt: timestamp("uninstalled_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("portal_installs_claim_key").on(t.claimCodeHash)],
);

/** One-time links an integrator sends to a client's portal admin, who connects the portal without an account. */
export const connectLinks = pgTable(
  "connect_links",
  {
    orgId: uuid("org_id")
      .notNull()
      .references(() => orgs.id, { onDelete: "cascade" }),
    id: uuid("id").notNull().defaultRandom(),
    clientId: uuid("client_id").notNull(),
    tokenHash: text("token_hash").notNull(),
    createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    usedAt: timestamp("used_at", { withTimezone: true }),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    uniqueIndex("connect_links_token_key").on(t.tokenHash),
    foreignKey({ columns: [t.orgId, t.clientId], foreignColumns: [clients.orgId, clients.id] }).onDelete("cascade"),
  ],
);

/**
 * CRM change notifications (ONCRM…ADD/UPDATE/DELETE) received from connected portals, verified by their
 * application_token. Bitrix24 sends only the ID and never resends, so they are stored at once and the sync engine
 * reads them: deletions are invisible to polling, and changed records can be fetched first. One pending row per
 * record: a flood of updates to one deal collapses into one row, and a deletion is never overwritten by an update.
 */
export const portalEvents = pgTable(
  "portal_events",
  {
    orgId: uuid("org_id")
      .notNull()
      .references(() => orgs.id, { onDelete: "cascade" }),
    id: bigint("id", { mode: "number" }).generatedAlwaysAsIdentity(),
    connectionId: uuid("connection_id").notNull(),
    /** "lead", "deal", "contact", "company" or "activity". */
    entity: text("entity").notNull(),
    entityId: text("entity_id").notNull(),
    /** "add", "update" or "delete". */
    action: text("action").notNull(),
    /** The event name as Bitrix24 sent it, e.g. "ONCRMDEALUPDATE". */
    event: text("event").notNull(),
    receivedAt: timestamp("received_at", { withTimezone: true }).notNull().defaultNow(),
    /** Set by the sync engine once the change is applied. */
    processedAt: timestamp("processed_at", { withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    uniqueIndex("portal_events_pending_key")
      .on(t.orgId, t.connectionId, t.entity, t.entityId)
      .where(sql`${t.processedAt} is null`),
    index("portal_events_connection_idx").on(t.orgId, t.connectionId, t.processedAt, t.id),
    foreignKey({
      columns: [t.orgId, t.connectionId],
      foreignColumns: [portalConnections.orgId, portalConnections.id],
    }).onDelete("cascade"),
  ],
);
