import { index, pgEnum, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { orgs, users } from "./core";

/**
 * Org API keys for the public API. A key acts for its org with the analyst role; `read` keys are further limited to
 * GET requests. Only the SHA-256 of a key is stored (keys are long random strings, so a fast hash is enough), plus a
 * short prefix so people can tell their keys apart in the settings.
 */

export const API_KEY_SCOPES = ["read", "write"] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];
export const apiKeyScopeEnum = pgEnum("api_key_scope", API_KEY_SCOPES);

export const apiKeys = pgTable(
  "api_keys",
  {
    orgId: uuid("org_id")
      .notNull()
      .references(() => orgs.id, { onDelete: "cascade" }),
    id: uuid("id").notNull().defaultRandom(),
    name: text("name").notNull(),
    /** The first characters of the key (e.g. "i24_Ab12Cd34"), shown in lists; not enough to use it. */
    prefix: text("prefix").notNull(),
    /** SHA-256 (hex) of the whole key. */
    keyHash: text("key_hash").notNull(),
    scope: apiKeyScopeEnum("scope").notNull().default("write"),
    createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    /** Updated at most once a minute, so busy keys do not turn every read into a write. */
    lastUsedAt: timestamp("last_used_at", { withTimezone: true }),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    // Requests arrive with only the key, so the lookup by hash is global.
    uniqueIndex("api_keys_hash_key").on(t.keyHash),
    index("api_keys_org_created_idx").on(t.orgId, t.createdAt),
  ],
);
