import { and, asc, desc, eq } from "drizzle-orm";
import { z } from "zod";
import type { Tx } from "@/db";
import { metricInputs } from "@/db/schema";
import type { MonthKey } from "@/lib/metrics";
import { recordAudit } from "../audit-log";
import { monthDate, monthKeyOfDate } from "../metrics/month-dates";
import { requestMetricsRecompute } from "../metrics/requests";
import { parseInput } from "../parse-input";
import { assertCan } from "../permissions";
import type { TenantContext } from "../tenant";
import { getClientInOrg } from "./clients";
import { monthField, optionalAmount, optionalCount, optionalShare, optionalWhole } from "./metric-fields";

/**
 * Manual inputs per client per month (costs for CAC, the lost-deals formula's forecast, fulfilment rate and
 * overrides). Money is in the client's base currency. An empty field means "not entered", never 0.
 */

export const MONTHLY_INPUT_FIELDS = [
  "marketingSpend",
  "crmLicence",
  "implementationCost",
  "amortisationMonths",
  "salesSalaries",
  "forecastDemand",
  "fulfilmentRate",
  "unitPrice",
  "shortfallFactor",
] as const;
export type MonthlyInputField = (typeof MONTHLY_INPUT_FIELDS)[number];

export const monthlyInputsInput = z.object({
  month: monthField(),
  marketingSpend: optionalAmount(),
  crmLicence: optionalAmount(),
  implementationCost: optionalAmount(),
  amortisationMonths: optionalWhole(1, 120, "amortisation"),
  salesSalaries: optionalAmount(),
  forecastDemand: optionalCount(),
  fulfilmentRate: optionalShare(),
  unitPrice: optionalAmount(),
  shortfallFactor: optionalShare(),
});
export type MonthlyInputsInput = z.input<typeof monthlyInputsInput>;
export type MonthlyInputs = z.output<typeof monthlyInputsInput>;

const toNumber = (v: number | string | null) => (v === null ? null : Number(v));

function rowToInputs(row: typeof metricInputs.$inferSelect): MonthlyInputs {
  return {
    month: monthKeyOfDate(row.month),
    marketingSpend: toNumber(row.marketingSpend),
    crmLicence: toNumber(row.crmLicence),
    implementationCost: toNumber(row.implementationCost),
    amortisationMonths: row.amortisationMonths,
    salesSalaries: toNumber(row.salesSalaries),
    forecastDemand: toNumber(row.forecastDemand),
    fulfilmentRate: toNumber(row.fulfilmentRate),
    unitPrice: toNumber(row.unitPrice),
    shortfallFactor: toNumber(row.shortfallFactor),
  };
}

/** Every month with inputs of a client of the context's org, newest first. */
export async function listMonthlyInputs(ctx: TenantContext, clientId: string): Promise<MonthlyInputs[]> {
  const client = await getClientInOrg(ctx, clientId);
  const rows = await ctx.db
    .select()
    .from(metricInputs)
    .where(and(eq(metricInputs.orgId, ctx.orgId), eq(metricInputs.clientId, client.id)))
    .orderBy(desc(metricInputs.month));
  return rows.map(rowToInputs);
}

/** The inputs of one month (all null when none were entered). */
export async function getMonthlyInputs(ctx: TenantContext, clientId: string, month: MonthKey): Promise<MonthlyInputs> {
  const client = await getClientInOrg(ctx, clientId);
  const m = parseInput(z.object({ month: monthField() }), { month }).month;
  const [row] = await ctx.db
    .select()
    .from(metricInputs)
    .where(and(eq(metricInputs.orgId, ctx.orgId), eq(metricInputs.clientId, client.id), eq(metricInputs.month, monthDate(m))))
    .limit(1);
  if (row) return rowToInputs(row);
  return { month: m, ...Object.fromEntries(MONTHLY_INPUT_FIELDS.map((f) => [f, null])) } as MonthlyInputs;
}

/** Writes (or, when every field is empty, removes) one month's inputs inside a transaction. */
export async function writeMonthlyInputs(tx: Tx, ctx: TenantContext, clientId: string, data: MonthlyInputs): Promise<"saved" | "cleared"> {
  const values = Object.fromEntries(MONTHLY_INPUT_FIELDS.map((f) => [f, data[f]])) as Record<MonthlyInputField, number | null>;
  const empty = MONTHLY_INPUT_FIELDS.every((f) => values[f] === null);
  const where = and(eq(metricInputs.orgId, ctx.orgId), eq(metricInputs.clientId, clientId), eq(metricInputs.month, monthDate(data.month)));
  if (empty) {
    await tx.delete(metricInputs).where(where);
    return "cleared";
  }
  const row = { ...values, updatedBy: ctx.actor.type === "user" ? ctx.actor.id : null, updatedAt: new Date() };
  await tx
    .insert(metricInputs)
    .values({ orgId: ctx.orgId, clientId, month: monthDate(data.month), ...row })
    .onConflictDoUpdate({ target: [metricInputs.orgId, metricInputs.clientId, metricInputs.month], set: row });
  return "saved";
}

/**
 * Saves one month's inputs (owners, admins, analysts) and recomputes the metrics from that month on (an
 * implementation cost is spread over the following months).
 */
export async function saveMonthlyInputs(ctx: TenantContext, clientId: string, input: MonthlyInputsInput): Promise<MonthlyInputs> {
  assertCan(ctx, "metrics.write");
  const data = parseInput(monthlyInputsInput, input);
  const client = await getClientInOrg(ctx, clientId);
  await ctx.db.transaction(async (tx) => {
    const outcome = await writeMonthlyInputs(tx, ctx, client.id, data);
    await recordAudit(tx, ctx, "metrics.inputs_saved", { type: "client", id: client.id }, { name: client.name, month: data.month, outcome });
    await requestMetricsRecompute(tx, { orgId: ctx.orgId, clientId: client.id, scope: { fromMonth: data.month } });
  });
  return data;
}

/** The months with inputs, oldest first (for the month picker). */
export async function listInputMonths(ctx: TenantContext, clientId: string): Promise<MonthKey[]> {
  const client = await getClientInOrg(ctx, clientId);
  const rows = await ctx.db
    .select({ month: metricInputs.month })
    .from(metricInputs)
    .where(and(eq(metricInputs.orgId, ctx.orgId), eq(metricInputs.clientId, client.id)))
    .orderBy(asc(metricInputs.month));
  return rows.map((r) => monthKeyOfDate(r.month));
}
