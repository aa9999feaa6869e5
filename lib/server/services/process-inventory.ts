import { and, asc, desc, eq } from "drizzle-orm";
import { z } from "zod";
import { metricSnapshots, processInventoryItems } from "@/db/schema";
import { processStatus, SEEDED_PROCESSES, type EvidenceKind, type MonthEvidence, type MonthKey, type ProcessOverride, type ProcessStatus } from "@/lib/metrics";
import { recordAudit } from "../audit-log";
import { AppError } from "../errors";
import { isUuid } from "../ids";
import { monthDate, monthKeyOfDate } from "../metrics/month-dates";
import { requestMetricsRecompute } from "../metrics/requests";
import { parseInput } from "../parse-input";
import { assertCan } from "../permissions";
import type { TenantContext } from "../tenant";
import { getClientInOrg } from "./clients";
import { optionalMonthField } from "./metric-fields";
import { requiredText } from "@/lib/validation";

/**
 * The client's process inventory behind the automation level: the seeded checklist (the article's routines and
 * the usual channels), whose items are detected from portal evidence, plus staff's decisions — confirm, override
 * from a month on, add their own items, remove those.
 */

export const PROCESS_OVERRIDES = ["automated", "manual", "not_applicable"] as const;

export interface InventoryRow {
  id: string;
  key: string;
  custom: boolean;
  /** The custom item's name; seeded items are named by their key in the messages. */
  name: string | null;
  override: ProcessOverride | null;
  overrideFrom: MonthKey | null;
  note: string;
  confirmedAt: Date | null;
  /** What the evidence shows for the latest computed month: true/false, or null when it cannot be detected. */
  detected: boolean | null;
  evidence: EvidenceKind | null;
  evidenceCount: number | null;
  /** The status the latest month counted. */
  status: ProcessStatus;
  source: "override" | "evidence" | "default";
}

/** Seeds the checklist for a client that has none yet (idempotent). */
async function ensureSeeded(ctx: TenantContext, clientId: string) {
  await ctx.db
    .insert(processInventoryItems)
    .values(SEEDED_PROCESSES.map((p, i) => ({ orgId: ctx.orgId, clientId, key: p.key, custom: false, sort: i })))
    .onConflictDoNothing();
}

/**
 * The inventory of a client of the context's org with each item's detection and status in the latest computed
 * month. Seeds the checklist on first use.
 */
export async function listInventory(ctx: TenantContext, clientId: string): Promise<{ month: MonthKey | null; items: InventoryRow[] }> {
  const client = await getClientInOrg(ctx, clientId);
  const [existing] = await ctx.db
    .select({ id: processInventoryItems.id })
    .from(processInventoryItems)
    .where(and(eq(processInventoryItems.orgId, ctx.orgId), eq(processInventoryItems.clientId, client.id)))
    .limit(1);
  if (!existing && !ctx.clientScope) await ensureSeeded(ctx, client.id);
  const rows = await ctx.db
    .select()
    .from(processInventoryItems)
    .where(and(eq(processInventoryItems.orgId, ctx.orgId), eq(processInventoryItems.clientId, client.id)))
    .orderBy(asc(processInventoryItems.sort), asc(processInventoryItems.key));
  const [latest] = await ctx.db
    .select({ month: metricSnapshots.month, inputs: metricSnapshots.inputs })
    .from(metricSnapshots)
    .where(and(eq(metricSnapshots.orgId, ctx.orgId), eq(metricSnapshots.clientId, client.id), eq(metricSnapshots.metric, "automation_level")))
    .orderBy(desc(metricSnapshots.month))
    .limit(1);
  const month = latest ? monthKeyOfDate(latest.month) : null;
  const evidence = ((latest?.inputs as { evidence?: MonthEvidence } | undefined)?.evidence ?? {}) as MonthEvidence;
  const items = rows.map((r): InventoryRow => {
    const item = { key: r.key, custom: r.custom, override: (r.override as ProcessOverride | null) ?? null, overrideFrom: r.overrideFrom ? monthKeyOfDate(r.overrideFrom) : null };
    const status = processStatus(item, month ?? "9999-12", evidence);
    const seed = SEEDED_PROCESSES.find((p) => p.key === r.key && !r.custom);
    return {
      id: r.id,
      ...item,
      name: r.name,
      note: r.note,
      confirmedAt: r.confirmedAt,
      detected: month ? status.detected : null,
      evidence: seed?.evidence ?? null,
      evidenceCount: seed?.evidence && month ? (evidence[seed.evidence] ?? 0) : null,
      status: status.status,
      source: status.source,
    };
  });
  return { month, items };
}

async function getItemInOrg(ctx: TenantContext, clientId: string, itemId: string) {
  if (!isUuid(itemId)) throw new AppError("not_found");
  const [item] = await ctx.db
    .select()
    .from(processInventoryItems)
    .where(and(eq(processInventoryItems.orgId, ctx.orgId), eq(processInventoryItems.clientId, clientId), eq(processInventoryItems.id, itemId)))
    .limit(1);
  if (!item) throw new AppError("not_found");
  return item;
}

export const processDecisionInput = z.object({
  override: z
    .string()
    .optional()
    .transform((v) => (v ? v : null))
    .refine((v) => v === null || (PROCESS_OVERRIDES as readonly string[]).includes(v), { error: "choice" })
    .transform((v) => v as ProcessOverride | null),
  overrideFrom: optionalMonthField(),
  note: z.string().trim().max(500, { error: "tooLong" }).optional().transform((v) => v ?? ""),
  confirm: z
    .union([z.literal("on"), z.literal("true"), z.literal(true), z.literal("false"), z.literal(false)])
    .optional()
    .transform((v) => v === "on" || v === "true" || v === true),
});
export type ProcessDecisionInput = z.input<typeof processDecisionInput>;

/**
 * Records staff's decision on an item: an override (or none, back to the evidence) from a month on, a note, and
 * whether they confirmed it. Recomputes the client's history.
 */
export async function decideProcess(ctx: TenantContext, clientId: string, itemId: string, input: ProcessDecisionInput) {
  assertCan(ctx, "metrics.write");
  const data = parseInput(processDecisionInput, input);
  const client = await getClientInOrg(ctx, clientId);
  const item = await getItemInOrg(ctx, client.id, itemId);
  await ctx.db.transaction(async (tx) => {
    await tx
      .update(processInventoryItems)
      .set({
        override: data.override,
        overrideFrom: data.override && data.overrideFrom ? monthDate(data.overrideFrom) : null,
        note: data.note,
        confirmedAt: data.confirm ? new Date() : item.confirmedAt,
        confirmedBy: data.confirm && ctx.actor.type === "user" ? ctx.actor.id : item.confirmedBy,
        updatedAt: new Date(),
      })
      .where(and(eq(processInventoryItems.orgId, ctx.orgId), eq(processInventoryItems.id, item.id)));
    await recordAudit(tx, ctx, "metrics.process_decided", { type: "client", id: client.id }, {
      name: client.name,
      process: item.name ?? item.key,
      override: data.override ?? "evidence",
      from: data.overrideFrom ?? "",
    });
    await requestMetricsRecompute(tx, { orgId: ctx.orgId, clientId: client.id, scope: { full: true } });
  });
}

export const customProcessInput = z.object({
  name: requiredText(120),
  override: z.enum(PROCESS_OVERRIDES, { error: "choice" }).default("manual"),
  overrideFrom: optionalMonthField(),
});
export type CustomProcessInput = z.input<typeof customProcessInput>;

/** Adds a custom item (counted as staff mark it: automated, manual or not applicable). */
export async function addCustomProcess(ctx: TenantContext, clientId: string, input: CustomProcessInput) {
  assertCan(ctx, "metrics.write");
  const data = parseInput(customProcessInput, input);
  const client = await getClientInOrg(ctx, clientId);
  await ensureSeeded(ctx, client.id);
  const key = `custom:${data.name.toLowerCase()}`;
  return ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .insert(processInventoryItems)
      .values({
        orgId: ctx.orgId,
        clientId: client.id,
        key,
        custom: true,
        name: data.name,
        override: data.override,
        overrideFrom: data.overrideFrom ? monthDate(data.overrideFrom) : null,
        sort: 1000,
        confirmedAt: new Date(),
        confirmedBy: ctx.actor.type === "user" ? ctx.actor.id : null,
      })
      .onConflictDoNothing()
      .returning();
    if (!row) throw new AppError("conflict", { messageKey: "processExists", fields: { name: "processExists" } });
    await recordAudit(tx, ctx, "metrics.process_added", { type: "client", id: client.id }, { name: client.name, process: data.name });
    await requestMetricsRecompute(tx, { orgId: ctx.orgId, clientId: client.id, scope: { full: true } });
    return row;
  });
}

/** Removes a custom item; seeded items can only be marked not applicable. */
export async function removeCustomProcess(ctx: TenantContext, clientId: string, itemId: string) {
  assertCan(ctx, "metrics.write");
  const client = await getClientInOrg(ctx, clientId);
  const item = await getItemInOrg(ctx, client.id, itemId);
  if (!item.custom) throw new AppError("bad_request", { messageKey: "processSeeded" });
  await ctx.db.transaction(async (tx) => {
    await tx.delete(processInventoryItems).where(and(eq(processInventoryItems.orgId, ctx.orgId), eq(processInventoryItems.id, item.id)));
    await recordAudit(tx, ctx, "metrics.process_removed", { type: "client", id: client.id }, { name: client.name, process: item.name ?? item.key });
    await requestMetricsRecompute(tx, { orgId: ctx.orgId, clientId: client.id, scope: { full: true } });
  });
}
