import { and, asc, eq, isNull, sql } from "drizzle-orm";
import { z } from "zod";
import type { Tx } from "@/db";
import { metricBaselines, metricTargets } from "@/db/schema";
import { effectiveBaseline, METRIC_KEYS, type BaselineSource, type MetricKey, type MonthKey } from "@/lib/metrics";
import { recordAudit } from "../audit-log";
import { AppError } from "../errors";
import { isUuid } from "../ids";
import { monthDate, monthKeyOfDate } from "../metrics/month-dates";
import { parseInput } from "../parse-input";
import { assertCan } from "../permissions";
import type { TenantContext } from "../tenant";
import { getClientInOrg } from "./clients";
import { metricField, optionalMonthField, optionalValue } from "./metric-fields";

/**
 * Baselines (a metric's value before go-live) and targets (the client's goal per metric, optionally per month).
 * A computed baseline comes with every recompute; an entered or imported one wins over it.
 */

export interface BaselineRow {
  metric: MetricKey;
  entered: number | null;
  enteredSource: "manual" | "imported" | null;
  computed: number | null;
  computedFrom: string | null;
  computedTo: string | null;
  effective: number | null;
  source: BaselineSource | null;
  note: string;
}

/** The ten baselines of a client of the context's org. */
export async function listBaselines(ctx: TenantContext, clientId: string): Promise<BaselineRow[]> {
  const client = await getClientInOrg(ctx, clientId);
  const rows = await ctx.db
    .select()
    .from(metricBaselines)
    .where(and(eq(metricBaselines.orgId, ctx.orgId), eq(metricBaselines.clientId, client.id)));
  return METRIC_KEYS.map((metric) => {
    const r = rows.find((row) => row.metric === metric);
    const entered = r && r.enteredValue !== null ? { value: r.enteredValue, source: r.enteredSource === "imported" ? ("imported" as const) : ("manual" as const) } : null;
    const eff = effectiveBaseline(entered, r?.computedValue ?? null);
    return {
      metric,
      entered: entered?.value ?? null,
      enteredSource: entered?.source ?? null,
      computed: r?.computedValue ?? null,
      computedFrom: r?.computedFrom ?? null,
      computedTo: r?.computedTo ?? null,
      effective: eff.value,
      source: eff.source,
      note: r?.note ?? "",
    };
  });
}

export const baselineInput = z.object({
  metric: metricField(),
  value: optionalValue(),
  note: z.string().trim().max(500, { error: "tooLong" }).optional().transform((v) => v ?? ""),
});
export type BaselineInput = z.input<typeof baselineInput>;

/** Writes one entered baseline (null clears it, back to the computed one) inside a transaction. */
export async function writeBaseline(tx: Tx, ctx: TenantContext, clientId: string, data: z.output<typeof baselineInput>, source: "manual" | "imported") {
  const row = {
    enteredValue: data.value,
    enteredSource: data.value === null ? null : source,
    note: data.note,
    updatedBy: ctx.actor.type === "user" ? ctx.actor.id : null,
    updatedAt: new Date(),
  };
  await tx
    .insert(metricBaselines)
    .values({ orgId: ctx.orgId, clientId, metric: data.metric, ...row })
    .onConflictDoUpdate({ target: [metricBaselines.orgId, metricBaselines.clientId, metricBaselines.metric], set: row });
}

/** Enters (or clears) a baseline (owners, admins, analysts). */
export async function setBaseline(ctx: TenantContext, clientId: string, input: BaselineInput) {
  assertCan(ctx, "metrics.write");
  const data = parseInput(baselineInput, input);
  const client = await getClientInOrg(ctx, clientId);
  await ctx.db.transaction(async (tx) => {
    await writeBaseline(tx, ctx, client.id, data, "manual");
    await recordAudit(tx, ctx, data.value === null ? "metrics.baseline_cleared" : "metrics.baseline_set", { type: "client", id: client.id }, {
      name: client.name,
      metric: data.metric,
      value: data.value ?? "",
    });
  });
}

export interface TargetRow {
  id: string;
  metric: MetricKey;
  month: MonthKey | null;
  value: number;
  note: string;
  source: string;
}

/** The targets of a client of the context's org: general ones first, then by month. */
export async function listTargets(ctx: TenantContext, clientId: string): Promise<TargetRow[]> {
  const client = await getClientInOrg(ctx, clientId);
  const rows = await ctx.db
    .select()
    .from(metricTargets)
    .where(and(eq(metricTargets.orgId, ctx.orgId), eq(metricTargets.clientId, client.id)))
    .orderBy(asc(metricTargets.metric), sql`${metricTargets.month} nulls first`);
  return rows
    .map((r) => ({ id: r.id, metric: r.metric as MetricKey, month: r.month ? monthKeyOfDate(r.month) : null, value: r.value, note: r.note, source: r.source }))
    .sort((a, b) => METRIC_KEYS.indexOf(a.metric) - METRIC_KEYS.indexOf(b.metric));
}

export const targetInput = z.object({
  metric: metricField(),
  month: optionalMonthField(),
  value: optionalValue().refine((v) => v !== null, { error: "required" }),
  note: z.string().trim().max(500, { error: "tooLong" }).optional().transform((v) => v ?? ""),
});
export type TargetInput = z.input<typeof targetInput>;

/** Writes a target, replacing the one for the same metric and month, inside a transaction. */
export async function writeTarget(tx: Tx, ctx: TenantContext, clientId: string, data: z.output<typeof targetInput>, source: "manual" | "imported") {
  const where = and(
    eq(metricTargets.orgId, ctx.orgId),
    eq(metricTargets.clientId, clientId),
    eq(metricTargets.metric, data.metric),
    data.month === null ? isNull(metricTargets.month) : eq(metricTargets.month, monthDate(data.month)),
  );
  await tx.delete(metricTargets).where(where);
  await tx.insert(metricTargets).values({
    orgId: ctx.orgId,
    clientId,
    metric: data.metric,
    month: data.month === null ? null : monthDate(data.month),
    value: data.value!,
    note: data.note,
    source,
    updatedBy: ctx.actor.type === "user" ? ctx.actor.id : null,
  });
}

/** Sets the target of a metric, for every month or for one (owners, admins, analysts). */
export async function setTarget(ctx: TenantContext, clientId: string, input: TargetInput) {
  assertCan(ctx, "metrics.write");
  const data = parseInput(targetInput, input);
  const client = await getClientInOrg(ctx, clientId);
  await ctx.db.transaction(async (tx) => {
    await writeTarget(tx, ctx, client.id, data, "manual");
    await recordAudit(tx, ctx, "metrics.target_set", { type: "client", id: client.id }, {
      name: client.name,
      metric: data.metric,
      month: data.month ?? "",
      value: data.value!,
    });
  });
}

/** Deletes a target of a client of the context's org. */
export async function deleteTarget(ctx: TenantContext, clientId: string, targetId: string) {
  assertCan(ctx, "metrics.write");
  const client = await getClientInOrg(ctx, clientId);
  if (!isUuid(targetId)) throw new AppError("not_found");
  await ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .delete(metricTargets)
      .where(and(eq(metricTargets.orgId, ctx.orgId), eq(metricTargets.clientId, client.id), eq(metricTargets.id, targetId)))
      .returning();
    if (!row) throw new AppError("not_found");
    await recordAudit(tx, ctx, "metrics.target_deleted", { type: "client", id: client.id }, {
      name: client.name,
      metric: row.metric,
      month: row.month ? monthKeyOfDate(row.month) : "",
    });
  });
}

/** The target in force for a metric in a month: the month's own, else the general one. */
export function targetFor(targets: readonly TargetRow[], metric: MetricKey, month: MonthKey): number | null {
  return targets.find((t) => t.metric === metric && t.month === month)?.value ?? targets.find((t) => t.metric === metric && t.month === null)?.value ?? null;
}
