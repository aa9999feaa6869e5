import { and, asc, eq } from "drizzle-orm";
import { z } from "zod";
import { clientMetricSettings, mirrorStatuses, portalConnections } from "@/db/schema";
import { MAX_ACTIVITY_WINDOW_DAYS, MIN_ACTIVITY_WINDOW_DAYS, parseClock } from "@/lib/metrics";
import { recordAudit } from "../audit-log";
import { AppError } from "../errors";
import { requestMetricsRecompute } from "../metrics/requests";
import { loadMetricSettings } from "../metrics/recompute";
import type { MetricSettings } from "../metrics/settings-shape";
import { parseInput } from "../parse-input";
import { assertCan } from "../permissions";
import type { TenantContext } from "../tenant";
import { getClientInOrg } from "./clients";
import { optionalWhole } from "./metric-fields";

/**
 * A client's metric settings: the SLA for response time, the activity window for retention and churn, optional
 * business hours, the loss stages that count as organisational, and the "fully loaded" CAC switch. Any change
 * recomputes the client's whole history.
 */

const clock = () =>
  z
    .string()
    .trim()
    .optional()
    .transform((v) => v ?? "")
    .refine((v) => v === "" || parseClock(v) !== null, { error: "clock" });

const checkbox = () => z.union([z.literal("on"), z.literal("true"), z.literal(true), z.literal(false), z.literal("false")]).optional().transform((v) => v === "on" || v === "true" || v === true);

export const metricSettingsInput = z
  .object({
    slaMinutes: optionalWhole(1, 10080, "sla").refine((v) => v !== null, { error: "required" }),
    activityWindowDays: optionalWhole(MIN_ACTIVITY_WINDOW_DAYS, MAX_ACTIVITY_WINDOW_DAYS, "activityWindow").refine((v) => v !== null, { error: "required" }),
    businessHours: checkbox(),
    businessDays: z
      .array(z.union([z.string(), z.number()]))
      .optional()
      .transform((days) => [...new Set((days ?? []).map(Number))].filter((d) => Number.isInteger(d) && d >= 1 && d <= 7).sort()),
    businessStart: clock(),
    businessEnd: clock(),
    orgLossStages: z
      .array(z.string().trim().max(100))
      .optional()
      .transform((list) => [...new Set((list ?? []).filter(Boolean))]),
    fullyLoadedCac: checkbox(),
  })
  .superRefine((value, ctx) => {
    if (!value.businessHours) return;
    if (value.businessDays.length === 0) ctx.addIssue({ code: "custom", path: ["businessDays"], message: "weekdays" });
    if (!value.businessStart) ctx.addIssue({ code: "custom", path: ["businessStart"], message: "required" });
    if (!value.businessEnd) ctx.addIssue({ code: "custom", path: ["businessEnd"], message: "required" });
    const start = parseClock(value.businessStart);
    const end = parseClock(value.businessEnd);
    if (start !== null && end !== null && end <= start) ctx.addIssue({ code: "custom", path: ["businessEnd"], message: "hoursOrder" });
  });
export type MetricSettingsInput = z.input<typeof metricSettingsInput>;

/** The settings of a client of the context's org (defaults when none were saved). */
export async function getMetricSettings(ctx: TenantContext, clientId: string): Promise<MetricSettings> {
  const client = await getClientInOrg(ctx, clientId);
  return ctx.db.transaction((tx) => loadMetricSettings(tx, ctx.orgId, client.id));
}

/** A loss stage the client can mark as organisational: lead statuses and deal stages with failure semantics. */
export interface LossStageOption {
  statusId: string;
  name: string;
  /** "lead" or the pipeline's category id. */
  list: string;
}

/** The failure stages and statuses of the client's portal, from the mirror. */
export async function listLossStageOptions(ctx: TenantContext, clientId: string): Promise<LossStageOption[]> {
  const client = await getClientInOrg(ctx, clientId);
  const rows = await ctx.db
    .select({ entityId: mirrorStatuses.entityId, statusId: mirrorStatuses.statusId, name: mirrorStatuses.name, semantics: mirrorStatuses.semantics, semanticId: mirrorStatuses.semanticId, categoryId: mirrorStatuses.categoryId, sort: mirrorStatuses.sort })
    .from(mirrorStatuses)
    .innerJoin(portalConnections, and(eq(portalConnections.orgId, mirrorStatuses.orgId), eq(portalConnections.id, mirrorStatuses.connectionId)))
    .where(and(eq(mirrorStatuses.orgId, ctx.orgId), eq(portalConnections.clientId, client.id)))
    .orderBy(asc(mirrorStatuses.entityId), asc(mirrorStatuses.sort));
  return rows
    .filter((r) => (r.entityId === "STATUS" || r.entityId.startsWith("DEAL_STAGE")) && (r.semantics === "failure" || r.semantics === "apology" || r.semanticId === "F"))
    .map((r) => ({ statusId: r.statusId, name: r.name ?? r.statusId, list: r.entityId === "STATUS" ? "lead" : String(r.categoryId ?? 0) }));
}

/** Saves the settings (owners, admins, analysts) and recomputes the client's whole history. */
export async function updateMetricSettings(ctx: TenantContext, clientId: string, input: MetricSettingsInput): Promise<MetricSettings> {
  assertCan(ctx, "metrics.write");
  const data = parseInput(metricSettingsInput, input);
  const client = await getClientInOrg(ctx, clientId);
  const before = await getMetricSettings(ctx, client.id);
  const next: MetricSettings = {
    slaMinutes: data.slaMinutes!,
    activityWindowDays: data.activityWindowDays!,
    businessHours: data.businessHours ? { days: data.businessDays, start: data.businessStart, end: data.businessEnd } : null,
    orgLossStages: data.orgLossStages,
    fullyLoadedCac: data.fullyLoadedCac,
  };
  if (next.orgLossStages.length > 0) {
    const known = new Set((await listLossStageOptions(ctx, client.id)).map((o) => o.statusId));
    const unknown = next.orgLossStages.filter((s) => !known.has(s));
    if (unknown.length > 0) throw new AppError("validation", { fields: { orgLossStages: "choice" } });
  }
  const changes: Record<string, { from: unknown; to: unknown }> = {};
  for (const key of Object.keys(next) as (keyof MetricSettings)[]) {
    if (JSON.stringify(before[key]) !== JSON.stringify(next[key])) changes[key] = { from: before[key], to: next[key] };
  }
  if (Object.keys(changes).length === 0) return before;
  await ctx.db.transaction(async (tx) => {
    const row = { ...next, updatedBy: ctx.actor.type === "user" ? ctx.actor.id : null, updatedAt: new Date() };
    await tx
      .insert(clientMetricSettings)
      .values({ orgId: ctx.orgId, clientId: client.id, ...row })
      .onConflictDoUpdate({ target: [clientMetricSettings.orgId, clientMetricSettings.clientId], set: row });
    await recordAudit(tx, ctx, "metrics.settings_updated", { type: "client", id: client.id }, { name: client.name, changes });
    await requestMetricsRecompute(tx, { orgId: ctx.orgId, clientId: client.id, scope: { full: true } });
  });
  return next;
}

