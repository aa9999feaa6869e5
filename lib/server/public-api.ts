import { z } from "zod";
import type { clients } from "@/db/schema";
import { isMetricKey, isMonthKey, type MetricKey } from "@/lib/metrics";
import { CLIENT_FILTERS, clientInput } from "./services/clients";
import { CONNECT_LINK_DEFAULT_DAYS, CONNECT_LINK_MAX_DAYS, type ClientConnection } from "./services/portals";
import { RECENT_RUNS_DEFAULT, RECENT_RUNS_MAX, startSyncInput, type SyncRunView } from "./services/syncs";

/**
 * The shapes of the public API v1: query schemas and the JSON each resource is sent as. Field names are camelCase,
 * instants ISO 8601 in UTC, calendar dates `YYYY-MM-DD`, months `YYYY-MM`. These shapes are a contract with API
 * users (and the CSV export mirrors the metrics one): add fields, never rename or remove them.
 */

/** A whole number in a query string, within bounds. */
export const intParam = (min: number, max: number, fallback: number) =>
  z.coerce
    .number({ error: "integer" })
    .int({ error: "integer" })
    .min(min, { error: "numberMin" })
    .max(max, { error: "numberMax" })
    .default(fallback);

export const listClientsQuery = z.object({
  q: z.string().trim().max(200, { error: "tooLong" }).optional(),
  status: z.enum(CLIENT_FILTERS, { error: "choice" }).default("current"),
  limit: intParam(1, 200, 50),
  offset: intParam(0, 1_000_000, 0),
});

/** The body of POST /clients: the form's fields; JSON `null` for the go-live date means none. */
export const createClientBody = z.preprocess(
  (value) =>
    value && typeof value === "object" && (value as Record<string, unknown>).goLiveDate === null
      ? { ...value, goLiveDate: undefined }
      : value,
  clientInput,
);

/** The body of POST /clients/{id}/connect-links. */
export const createConnectLinkBody = z.object({
  expiresInDays: z
    .number({ error: "integer" })
    .int({ error: "integer" })
    .min(1, { error: "numberMin" })
    .max(CONNECT_LINK_MAX_DAYS, { error: "numberMax" })
    .default(CONNECT_LINK_DEFAULT_DAYS),
});

/** A new connect link: the URL carries the one-time token and is shown only in this response. */
export function connectLinkJson(link: { id: string; url: string; expiresAt: Date }, clientId: string) {
  return { id: link.id, clientId, url: link.url, expiresAt: iso(link.expiresAt) };
}

const monthParam = z
  .string()
  .trim()
  .refine((value) => isMonthKey(value), { error: "month" })
  .optional();

/**
 * The query of GET /clients/{id}/metrics: `from` and `to` as `YYYY-MM` (both optional, `from` not after `to`) and
 * `metric`, a comma-separated list of metric keys.
 */
export const metricHistoryQuery = z
  .object({
    from: monthParam,
    to: monthParam,
    metric: z
      .string()
      .optional()
      .transform((value) => (value ?? "").split(",").map((key) => key.trim()).filter(Boolean))
      .refine((keys) => keys.every((key) => isMetricKey(key)), { error: "metricUnknown" })
      .transform((keys) => [...new Set(keys)] as MetricKey[]),
  })
  .superRefine((query, ctx) => {
    // Month keys compare correctly as text.
    if (query.from && query.to && query.from > query.to) ctx.addIssue({ code: "custom", path: ["from"], message: "monthRange" });
  });

/** The body of POST /clients/{id}/syncs: `{ "kind": "incremental" | "full" }`, incremental by default. */
export const startSyncBody = startSyncInput;

export const syncStatusQuery = z.object({ limit: intParam(1, RECENT_RUNS_MAX, RECENT_RUNS_DEFAULT) });

/** A sync run with its per-entity progress. */
export function syncRunJson(run: SyncRunView) {
  return {
    id: run.id,
    kind: run.kind,
    status: run.status,
    reason: run.reason,
    queuedAt: iso(run.queuedAt),
    startedAt: iso(run.startedAt),
    finishedAt: iso(run.finishedAt),
    attempts: run.attempts,
    error: run.errorCode || run.error ? { code: run.errorCode, message: run.error } : null,
    entities: run.entities.map((entity) => ({
      entity: entity.entity,
      status: entity.status,
      phase: entity.phase,
      rowsFetched: entity.rowsFetched,
      rowsTotal: entity.rowsTotal,
      rowsDeleted: entity.rowsDeleted,
      requests: entity.requests,
      rate: entity.rate,
      etaSeconds: entity.etaSeconds,
      startedAt: iso(entity.startedAt),
      finishedAt: iso(entity.finishedAt),
      error: entity.error,
    })),
  };
}

/** A client's portal connection, without anything secret. */
export function connectionJson(connection: ClientConnection) {
  return {
    id: connection.id,
    domain: connection.domain,
    status: connection.status,
    statusReason: connection.statusReason,
    connectedAt: iso(connection.connectedAt),
    lastSyncedAt: iso(connection.lastSyncedAt),
  };
}

type ClientRow = typeof clients.$inferSelect;

/** A client as the API sends it. */
export function clientJson(client: ClientRow) {
  return {
    id: client.id,
    name: client.name,
    status: client.status,
    timeZone: client.timeZone,
    baseCurrency: client.baseCurrency,
    goLiveDate: client.goLiveDate ?? null,
    notes: client.notes,
    createdAt: iso(client.createdAt),
    updatedAt: iso(client.updatedAt),
  };
}

/** An instant as ISO 8601 (UTC), or null. */
export function iso(value: Date | string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  return (value instanceof Date ? value : new Date(value)).toISOString();
}
