import crypto from "node:crypto";
import { sql, type SQL } from "drizzle-orm";
import type { Db } from "@/db";
import { queryRows } from "@/db";
import type { PortalHandle } from "@/lib/bitrix24/emulator";
import type { EntityName, Row } from "@/lib/bitrix24/emulator/types";
import { normaliseAll, normaliseEmail, normalisePhone } from "@/lib/sync/normalise";
import type { RecordEntity } from "@/lib/sync/entities";
import { mirrorTableName } from "./pg-store";

/**
 * Per-entity digests over every synced field, computed the same way from the mirror and from an emulator portal's
 * own data (read through its programmatic handle, not over REST), so tests and the benchmark can prove that a sync
 * made the two equal. Rows stream in ID order on both sides; neither side is held in memory.
 */

type Kind = "int" | "ref" | "text" | "code" | "bool" | "money" | "instant" | "date" | "phones" | "emails" | "uf";

/** [mirror column, emulator field, kind]. */
type FieldMap = [string, string, Kind][];

const DEAL: FieldMap = [
  ["id", "ID", "int"], ["title", "TITLE", "text"], ["type_id", "TYPE_ID", "code"], ["category_id", "CATEGORY_ID", "int"],
  ["stage_id", "STAGE_ID", "code"], ["stage_semantic_id", "STAGE_SEMANTIC_ID", "code"], ["closed", "CLOSED", "bool"],
  ["probability", "PROBABILITY", "int"], ["opportunity", "OPPORTUNITY", "money"], ["currency_id", "CURRENCY_ID", "code"],
  ["is_manual_opportunity", "IS_MANUAL_OPPORTUNITY", "bool"], ["lead_id", "LEAD_ID", "ref"], ["contact_id", "CONTACT_ID", "ref"],
  ["company_id", "COMPANY_ID", "ref"], ["begin_date", "BEGINDATE", "date"], ["close_date", "CLOSEDATE", "date"],
  ["date_create", "DATE_CREATE", "instant"], ["date_modify", "DATE_MODIFY", "instant"], ["moved_time", "MOVED_TIME", "instant"],
  ["moved_by_id", "MOVED_BY_ID", "ref"], ["assigned_by_id", "ASSIGNED_BY_ID", "ref"], ["created_by_id", "CREATED_BY_ID", "ref"],
  ["modify_by_id", "MODIFY_BY_ID", "ref"], ["opened", "OPENED", "bool"], ["is_new", "IS_NEW", "bool"],
  ["is_return_customer", "IS_RETURN_CUSTOMER", "bool"], ["is_repeated_approach", "IS_REPEATED_APPROACH", "bool"],
  ["is_recurring", "IS_RECURRING", "bool"], ["source_id", "SOURCE_ID", "code"], ["utm_source", "UTM_SOURCE", "text"],
  ["utm_medium", "UTM_MEDIUM", "text"], ["utm_campaign", "UTM_CAMPAIGN", "text"],
  ["last_activity_time", "LAST_ACTIVITY_TIME", "instant"], ["uf", "UF_*", "uf"],
];

const LEAD: FieldMap = [
  ["id", "ID", "int"], ["title", "TITLE", "text"], ["name", "NAME", "text"], ["last_name", "LAST_NAME", "text"],
  ["company_title", "COMPANY_TITLE", "text"], ["status_id", "STATUS_ID", "code"], ["status_semantic_id", "STATUS_SEMANTIC_ID", "code"],
  ["source_id", "SOURCE_ID", "code"], ["opportunity", "OPPORTUNITY", "money"], ["currency_id", "CURRENCY_ID", "code"],
  ["assigned_by_id", "ASSIGNED_BY_ID", "ref"], ["created_by_id", "CREATED_BY_ID", "ref"], ["modify_by_id", "MODIFY_BY_ID", "ref"],
  ["moved_by_id", "MOVED_BY_ID", "ref"], ["date_create", "DATE_CREATE", "instant"], ["date_modify", "DATE_MODIFY", "instant"],
  ["date_closed", "DATE_CLOSED", "instant"], ["moved_time", "MOVED_TIME", "instant"], ["contact_id", "CONTACT_ID", "ref"],
  ["company_id", "COMPANY_ID", "ref"], ["is_return_customer", "IS_RETURN_CUSTOMER", "bool"], ["has_phone", "HAS_PHONE", "bool"],
  ["has_email", "HAS_EMAIL", "bool"], ["has_imol", "HAS_IMOL", "bool"], ["opened", "OPENED", "bool"],
  ["utm_source", "UTM_SOURCE", "text"], ["utm_medium", "UTM_MEDIUM", "text"], ["utm_campaign", "UTM_CAMPAIGN", "text"],
  ["last_activity_time", "LAST_ACTIVITY_TIME", "instant"], ["phones", "PHONE", "phones"], ["emails", "EMAIL", "emails"],
  ["uf", "UF_*", "uf"],
];

const CONTACT: FieldMap = [
  ["id", "ID", "int"], ["name", "NAME", "text"], ["last_name", "LAST_NAME", "text"], ["type_id", "TYPE_ID", "code"],
  ["source_id", "SOURCE_ID", "code"], ["company_id", "COMPANY_ID", "ref"], ["assigned_by_id", "ASSIGNED_BY_ID", "ref"],
  ["created_by_id", "CREATED_BY_ID", "ref"], ["date_create", "DATE_CREATE", "instant"], ["date_modify", "DATE_MODIFY", "instant"],
  ["has_phone", "HAS_PHONE", "bool"], ["has_email", "HAS_EMAIL", "bool"], ["opened", "OPENED", "bool"], ["export", "EXPORT", "bool"],
  ["phones", "PHONE", "phones"], ["emails", "EMAIL", "emails"], ["uf", "UF_*", "uf"],
];

const COMPANY: FieldMap = [
  ["id", "ID", "int"], ["title", "TITLE", "text"], ["company_type", "COMPANY_TYPE", "code"], ["industry", "INDUSTRY", "code"],
  ["assigned_by_id", "ASSIGNED_BY_ID", "ref"], ["created_by_id", "CREATED_BY_ID", "ref"], ["date_create", "DATE_CREATE", "instant"],
  ["date_modify", "DATE_MODIFY", "instant"], ["has_phone", "HAS_PHONE", "bool"], ["has_email", "HAS_EMAIL", "bool"],
  ["opened", "OPENED", "bool"], ["phones", "PHONE", "phones"], ["emails", "EMAIL", "emails"], ["uf", "UF_*", "uf"],
];

const ACTIVITY: FieldMap = [
  ["id", "ID", "int"], ["owner_id", "OWNER_ID", "ref"], ["owner_type_id", "OWNER_TYPE_ID", "int"], ["type_id", "TYPE_ID", "int"],
  ["provider_id", "PROVIDER_ID", "code"], ["provider_type_id", "PROVIDER_TYPE_ID", "code"], ["subject", "SUBJECT", "text"],
  ["created", "CREATED", "instant"], ["last_updated", "LAST_UPDATED", "instant"], ["start_time", "START_TIME", "instant"],
  ["end_time", "END_TIME", "instant"], ["deadline", "DEADLINE", "instant"], ["completed", "COMPLETED", "bool"],
  ["status", "STATUS", "int"], ["direction", "DIRECTION", "int"], ["priority", "PRIORITY", "int"],
  ["responsible_id", "RESPONSIBLE_ID", "ref"], ["author_id", "AUTHOR_ID", "ref"], ["editor_id", "EDITOR_ID", "ref"],
  ["autocomplete_rule", "AUTOCOMPLETE_RULE", "int"],
];

const LEAD_HISTORY: FieldMap = [
  ["id", "ID", "int"], ["type_id", "TYPE_ID", "int"], ["owner_id", "OWNER_ID", "int"], ["created_time", "CREATED_TIME", "instant"],
  ["status_id", "STATUS_ID", "code"], ["status_semantic_id", "STATUS_SEMANTIC_ID", "code"],
];

const DEAL_HISTORY: FieldMap = [
  ["id", "ID", "int"], ["type_id", "TYPE_ID", "int"], ["owner_id", "OWNER_ID", "int"], ["created_time", "CREATED_TIME", "instant"],
  ["category_id", "CATEGORY_ID", "int"], ["stage_id", "STAGE_ID", "code"], ["stage_semantic_id", "STAGE_SEMANTIC_ID", "code"],
];

const MAPS: Record<RecordEntity, { emulator: EntityName; fields: FieldMap }> = {
  lead: { emulator: "lead", fields: LEAD },
  deal: { emulator: "deal", fields: DEAL },
  contact: { emulator: "contact", fields: CONTACT },
  company: { emulator: "company", fields: COMPANY },
  activity: { emulator: "activity", fields: ACTIVITY },
  leadStageHistory: { emulator: "leadHistory", fields: LEAD_HISTORY },
  dealStageHistory: { emulator: "dealHistory", fields: DEAL_HISTORY },
};

export interface Digest {
  rows: number;
  hash: string;
  /** First row IDs, for telling where two sides part (only with `keepIds`). */
  ids?: number[];
}

/** Sorted-key JSON, so two objects with the same entries give the same text. */
function stableJson(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (Array.isArray(value)) return `[${value.map(stableJson).join(",")}]`;
  if (typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

function localDate(ms: number, zone: string): string {
  const parts = new Intl.DateTimeFormat("en-CA", { timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit" }).format(ms);
  return parts;
}

/** One emulator value in canonical text. */
function emulatorValue(row: Row, field: string, kind: Kind, zone: string): string | null {
  if (kind === "uf") {
    const uf: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(row)) if (k.startsWith("UF_") && v !== null && v !== undefined) uf[k] = typeof v === "number" ? String(v) : v;
    return Object.keys(uf).length ? stableJson(uf) : null;
  }
  const v = row[field] ?? null;
  switch (kind) {
    case "int":
      return v === null ? null : String(v);
    case "ref":
      return v === null || v === 0 ? null : String(v);
    case "text":
      return v === null ? null : String(v);
    case "code":
      return v === null || v === "" ? null : String(v);
    case "bool":
      return v === null ? null : String(Boolean(v));
    case "money":
      return v === null ? null : (v as number).toFixed(2);
    case "instant":
      return v === null ? null : String(Math.floor((v as number) / 1000) * 1000);
    case "date":
      return v === null ? null : localDate(v as number, zone);
    case "phones":
    case "emails": {
      const values = Array.isArray(v) ? (v as { VALUE: string }[]).map((x) => x.VALUE) : [];
      return normaliseAll(values, kind === "phones" ? normalisePhone : normaliseEmail).join(",");
    }
  }
}

/** The same canonical text from the mirror, computed in SQL where the type allows. */
function mirrorExpression(column: string, kind: Kind): SQL {
  const c = sql.raw(`"${column}"`);
  switch (kind) {
    case "instant":
      return sql`(floor(extract(epoch from ${c})) * 1000)::bigint::text`;
    case "phones":
    case "emails":
      return sql`coalesce(array_to_string(${c}, ','), '')`;
    case "uf":
      return sql`${c}`;
    case "money":
      return sql`${c}::numeric(20,2)::text`;
    default:
      return sql`${c}::text`;
  }
}

function rowText(values: (string | null)[]): string {
  return JSON.stringify(values);
}

/** Digest of an emulator portal's live records of one entity. */
export function emulatorDigest(portal: PortalHandle, entity: RecordEntity, opts: { keepIds?: number } = {}): Digest {
  const { emulator, fields } = MAPS[entity];
  const zone = portal.info().timeZone;
  const hash = crypto.createHash("sha256");
  const ids: number[] = [];
  let rows = 0;
  for (const row of portal.data.tables[emulator].scan()) {
    const text = rowText(fields.map(([, field, kind]) => emulatorValue(row, field, kind, zone)));
    hash.update(text).update("\n");
    if (opts.keepIds && ids.length < opts.keepIds) ids.push(row.ID as number);
    rows++;
  }
  return { rows, hash: hash.digest("hex"), ...(opts.keepIds ? { ids } : {}) };
}

/** Digest of the mirror's rows of one entity for one connection (streamed in ID order, 5,000 at a time). */
export async function mirrorDigest(
  db: Db,
  ref: { orgId: string; connectionId: string },
  entity: RecordEntity,
  opts: { keepIds?: number } = {},
): Promise<Digest> {
  const { fields } = MAPS[entity];
  const table = sql.raw(`"${mirrorTableName(entity)}"`);
  const select = sql.join(
    fields.map(([column, , kind], i) => sql.join([mirrorExpression(column, kind), sql.raw(` as c${i}`)], sql.raw(""))),
    sql.raw(", "),
  );
  const hash = crypto.createHash("sha256");
  const ids: number[] = [];
  let rows = 0;
  let after = -1;
  for (;;) {
    const page = await queryRows<Record<string, unknown>>(
      db,
      sql`select id as __id, ${select} from ${table}
          where org_id = ${ref.orgId} and connection_id = ${ref.connectionId} and id > ${after}
          order by id limit 5000`,
    );
    for (const r of page) {
      const values = fields.map(([, , kind], i) => {
        const v = r[`c${i}`];
        if (kind === "uf") {
          const parsed = typeof v === "string" ? (JSON.parse(v) as unknown) : v;
          return parsed === null || parsed === undefined ? null : stableJson(parsed);
        }
        return v === null || v === undefined ? null : String(v);
      });
      hash.update(rowText(values)).update("\n");
      if (opts.keepIds && ids.length < opts.keepIds) ids.push(Number(r.__id));
      rows++;
    }
    if (page.length < 5000) break;
    after = Number(page[page.length - 1].__id);
  }
  return { rows, hash: hash.digest("hex"), ...(opts.keepIds ? { ids } : {}) };
}

/**
 * Row-level differences between the mirror and the emulator for one entity, for a failing test's message: IDs
 * missing from the mirror, extra in it, and differing (up to `limit` each).
 */
export async function diffEntity(
  db: Db,
  ref: { orgId: string; connectionId: string },
  portal: PortalHandle,
  entity: RecordEntity,
  limit = 5,
): Promise<{ missing: number[]; extra: number[]; different: { id: number; mirror: unknown; portal: unknown }[] }> {
  const { emulator, fields } = MAPS[entity];
  const zone = portal.info().timeZone;
  const portalRows = new Map<number, (string | null)[]>();
  for (const row of portal.data.tables[emulator].scan()) {
    portalRows.set(row.ID as number, fields.map(([, field, kind]) => emulatorValue(row, field, kind, zone)));
  }
  const select = sql.join(
    fields.map(([column, , kind], i) => sql.join([mirrorExpression(column, kind), sql.raw(` as c${i}`)], sql.raw(""))),
    sql.raw(", "),
  );
  const mirror = await queryRows<Record<string, unknown>>(
    db,
    sql`select id as __id, ${select} from ${sql.raw(`"${mirrorTableName(entity)}"`)}
        where org_id = ${ref.orgId} and connection_id = ${ref.connectionId} order by id`,
  );
  const out = { missing: [] as number[], extra: [] as number[], different: [] as { id: number; mirror: unknown; portal: unknown }[] };
  const seen = new Set<number>();
  for (const r of mirror) {
    const id = Number(r.__id);
    seen.add(id);
    const values = fields.map(([, , kind], i) => {
      const v = r[`c${i}`];
      if (kind === "uf") {
        const parsed = typeof v === "string" ? (JSON.parse(v) as unknown) : v;
        return parsed === null || parsed === undefined ? null : stableJson(parsed);
      }
      return v === null || v === undefined ? null : String(v);
    });
    const p = portalRows.get(id);
    if (!p) {
      if (out.extra.length < limit) out.extra.push(id);
    } else if (rowText(p) !== rowText(values) && out.different.length < limit) {
      const diff: Record<string, unknown> = {};
      fields.forEach(([column], i) => {
        if (p[i] !== values[i]) diff[column] = { mirror: values[i], portal: p[i] };
      });
      out.different.push({ id, mirror: diff, portal: null });
    }
  }
  for (const id of portalRows.keys()) if (!seen.has(id) && out.missing.length < limit) out.missing.push(id);
  return out;
}
