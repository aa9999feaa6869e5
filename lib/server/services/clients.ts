import { and, asc, count, desc, eq, ilike, ne, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import { auditLog, clients, type ClientStatus } from "@/db/schema";
import { currencyCode, optionalDate, optionalText, requiredText, timeZone } from "@/lib/validation";
import { recordAudit } from "../audit-log";
import { requestMetricsRecompute } from "../metrics/requests";
import { AppError } from "../errors";
import { isUuid } from "../ids";
import { parseInput } from "../parse-input";
import { assertCan } from "../permissions";
import { assertClientVisible, type TenantContext } from "../tenant";

/** Defaults for a new client: most of our integrators' clients work in Moscow time and roubles. */
export const CLIENT_DEFAULTS = { timeZone: "Europe/Moscow", baseCurrency: "RUB", status: "active" } as const;

/** The statuses a client can be given in the form; archiving has its own action. */
export const EDITABLE_CLIENT_STATUSES = ["prospect", "active"] as const;

export const clientInput = z.object({
  name: requiredText(200),
  timeZone: timeZone().default(CLIENT_DEFAULTS.timeZone),
  baseCurrency: currencyCode().default(CLIENT_DEFAULTS.baseCurrency),
  goLiveDate: optionalDate().nullable().transform((value) => value ?? null),
  status: z.enum(EDITABLE_CLIENT_STATUSES, { error: "choice" }).default(CLIENT_DEFAULTS.status),
  notes: optionalText(5000),
});
export type ClientInput = z.input<typeof clientInput>;

/** Editing leaves the status alone when none is given (an archived client is restored, not edited, back). */
export const clientUpdateInput = clientInput.extend({
  status: z.enum(EDITABLE_CLIENT_STATUSES, { error: "choice" }).optional(),
});
export type ClientUpdateInput = z.input<typeof clientUpdateInput>;

/** List filters: `current` (the default) is everything not archived. */
export const CLIENT_FILTERS = ["current", "active", "prospect", "archived", "all"] as const;
export type ClientFilter = (typeof CLIENT_FILTERS)[number];

export const CLIENT_PAGE_SIZE = 25;

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * The org's clients, by name, filtered by a case-insensitive name search and a status filter, one page at a
 * time. A client viewer sees only their client.
 */
export async function listClients(
  ctx: TenantContext,
  options: { q?: string; status?: ClientFilter; limit?: number; offset?: number } = {},
) {
  const { q = "", status = "current", limit = CLIENT_PAGE_SIZE, offset = 0 } = options;
  const conditions: SQL[] = [eq(clients.orgId, ctx.orgId)];
  if (ctx.clientScope) conditions.push(eq(clients.id, ctx.clientScope));
  const term = q.trim();
  if (term) conditions.push(ilike(clients.name, `%${escapeLike(term)}%`));
  if (status === "current") conditions.push(ne(clients.status, "archived"));
  else if (status !== "all") conditions.push(eq(clients.status, status));
  const where = and(...conditions);
  const [items, [{ total }]] = await Promise.all([
    ctx.db
      .select()
      .from(clients)
      .where(where)
      .orderBy(asc(sql`lower(${clients.name})`), asc(clients.id))
      .limit(Math.min(Math.max(limit, 1), 200))
      .offset(Math.max(offset, 0)),
    ctx.db.select({ total: count() }).from(clients).where(where),
  ]);
  return { items, total: Number(total) };
}

/** A client of the context's org (and, for client viewers, their own); `not_found` otherwise. */
export async function getClientInOrg(ctx: TenantContext, id: string) {
  if (!isUuid(id)) throw new AppError("not_found");
  assertClientVisible(ctx, id);
  const [client] = await ctx.db
    .select()
    .from(clients)
    .where(and(eq(clients.orgId, ctx.orgId), eq(clients.id, id)))
    .limit(1);
  if (!client) throw new AppError("not_found");
  return client;
}

/** Two clients of one org with the same name would be indistinguishable on every dashboard. */
async function assertNameFree(ctx: TenantContext, name: string, exceptId?: string) {
  const conditions = [eq(clients.orgId, ctx.orgId), sql`lower(${clients.name}) = ${name.toLowerCase()}`];
  if (exceptId) conditions.push(ne(clients.id, exceptId));
  const [taken] = await ctx.db.select({ id: clients.id }).from(clients).where(and(...conditions)).limit(1);
  if (taken) throw new AppError("conflict", { messageKey: "clientNameTaken", fields: { name: "clientNameTaken" } });
}

/** Creates a client (owners, admins, analysts). */
export async function createClient(ctx: TenantContext, input: ClientInput) {
  assertCan(ctx, "clients.write");
  const data = parseInput(clientInput, input);
  await assertNameFree(ctx, data.name);
  return ctx.db.transaction(async (tx) => {
    const [client] = await tx
      .insert(clients)
      .values({ orgId: ctx.orgId, ...data })
      .returning();
    await recordAudit(tx, ctx, "client.created", { type: "client", id: client.id }, { name: client.name });
    return client;
  });
}

const EDITABLE_FIELDS = ["name", "timeZone", "baseCurrency", "goLiveDate", "status", "notes"] as const;

/** Edits a client; the audit entry lists each changed field with its old and new value. */
export async function updateClient(ctx: TenantContext, id: string, input: ClientUpdateInput) {
  assertCan(ctx, "clients.write");
  const data = parseInput(clientUpdateInput, input);
  const before = await getClientInOrg(ctx, id);
  if (data.name.toLowerCase() !== before.name.toLowerCase()) await assertNameFree(ctx, data.name, id);
  const changes: Record<string, { from: unknown; to: unknown }> = {};
  for (const field of EDITABLE_FIELDS) {
    const to = data[field];
    if (to !== undefined && to !== before[field]) changes[field] = { from: before[field], to };
  }
  if (Object.keys(changes).length === 0) return before;
  return ctx.db.transaction(async (tx) => {
    const [client] = await tx
      .update(clients)
      .set({ ...Object.fromEntries(Object.entries(changes).map(([field, { to }]) => [field, to])), updatedAt: new Date() })
      .where(and(eq(clients.orgId, ctx.orgId), eq(clients.id, id)))
      .returning();
    await recordAudit(tx, ctx, "client.updated", { type: "client", id }, { name: client.name, changes });
    // Months, amounts and baselines depend on these: the metric history is recomputed.
    if (changes.timeZone || changes.baseCurrency || changes.goLiveDate) {
      await requestMetricsRecompute(tx, { orgId: ctx.orgId, clientId: id, scope: { full: true } });
    }
    return client;
  });
}

/** Archives a client: hidden from lists and the portfolio by default, its data kept. Archiving twice is a no-op. */
export async function archiveClient(ctx: TenantContext, id: string) {
  assertCan(ctx, "clients.write");
  const before = await getClientInOrg(ctx, id);
  if (before.status === "archived") return before;
  return setStatus(ctx, id, "archived", "client.archived", { name: before.name, previousStatus: before.status });
}

/**
 * Brings an archived client back with the status it had before archiving (read from the audit entry of the
 * archiving, since that is where the previous status is recorded), `active` when unknown.
 */
export async function restoreClient(ctx: TenantContext, id: string) {
  assertCan(ctx, "clients.write");
  const before = await getClientInOrg(ctx, id);
  if (before.status !== "archived") return before;
  const [archived] = await ctx.db
    .select({ details: auditLog.details })
    .from(auditLog)
    .where(
      and(
        eq(auditLog.orgId, ctx.orgId),
        eq(auditLog.action, "client.archived"),
        eq(auditLog.targetType, "client"),
        eq(auditLog.targetId, id),
      ),
    )
    .orderBy(desc(auditLog.createdAt))
    .limit(1);
  const previous = archived?.details.previousStatus;
  const status: ClientStatus = previous === "prospect" ? "prospect" : "active";
  return setStatus(ctx, id, status, "client.restored", { name: before.name, status });
}

async function setStatus(ctx: TenantContext, id: string, status: ClientStatus, action: string, details: Record<string, unknown>) {
  return ctx.db.transaction(async (tx) => {
    const [client] = await tx
      .update(clients)
      .set({ status, updatedAt: new Date() })
      .where(and(eq(clients.orgId, ctx.orgId), eq(clients.id, id)))
      .returning();
    await recordAudit(tx, ctx, action, { type: "client", id }, details);
    return client;
  });
}

/** Every non-archived client of the org as `{ id, name }`, by name: for pickers (scoping a client viewer). */
export async function listClientOptions(ctx: TenantContext) {
  return ctx.db
    .select({ id: clients.id, name: clients.name })
    .from(clients)
    .where(
      and(
        eq(clients.orgId, ctx.orgId),
        ne(clients.status, "archived"),
        ...(ctx.clientScope ? [eq(clients.id, ctx.clientScope)] : []),
      ),
    )
    .orderBy(asc(sql`lower(${clients.name})`));
}
