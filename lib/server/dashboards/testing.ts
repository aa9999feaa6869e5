import type { Db } from "@/db";
import { clientMetricStates, clients, metricBaselines, metricSnapshots, metricTargets, portalConnections, type ClientStatus, type ConnectionStatus } from "@/db/schema";
import { avgDealSize, definitionVersions, leadConversion, salesCycle, type MetricFigures, type MetricKey, type MonthKey } from "@/lib/metrics";

/**
 * Fixtures for dashboard tests: clients, connections and monthly snapshots written straight to the tables, as a
 * recompute would have left them. Figures come from the real formulas so re-aggregation behaves as in production.
 */

let counter = 0;

/** Lead conversion from won deals and leads created. */
export const conversion = (won: number, leads: number): MetricFigures =>
  leadConversion({ wonDeals: won, leadsCreated: leads, dealsCreated: leads, leadsEnabled: true, cohortSize: leads, cohortWon: won });
/** Average deal size from revenue and won deals. */
export const dealSize = (revenue: number, won: number): MetricFigures => avgDealSize({ revenue, wonDeals: won });
/** Sales cycle from the days each won deal took. */
export const cycle = (...days: number[]): MetricFigures => salesCycle(days);

export interface ClientFixture {
  name?: string;
  status?: ClientStatus;
  timeZone?: string;
  baseCurrency?: string;
  goLiveDate?: string | null;
  connection?: ConnectionStatus | null;
  lastSyncedAt?: Date | null;
}

/** A client of the org, with a portal connection unless `connection: null`. */
export async function makeClient(db: Db, orgId: string, input: ClientFixture = {}) {
  counter += 1;
  const [client] = await db
    .insert(clients)
    .values({
      orgId,
      name: input.name ?? `Client ${counter}`,
      status: input.status ?? "active",
      timeZone: input.timeZone ?? "Europe/Moscow",
      baseCurrency: input.baseCurrency ?? "RUB",
      goLiveDate: input.goLiveDate ?? null,
    })
    .returning();
  if (input.connection !== null) {
    await db.insert(portalConnections).values({
      orgId,
      clientId: client.id,
      memberId: `dash-member-${counter}-${Date.now()}`,
      domain: `dash${counter}.example.test`,
      clientEndpoint: `https://dash${counter}.example.test/rest/`,
      status: input.connection ?? "connected",
      lastSyncedAt: input.lastSyncedAt ?? null,
    });
  }
  return client;
}

/** Writes snapshots: `{ metric: { "2024-01": figures } }`, and the client's recompute state. */
export async function insertSnapshots(db: Db, orgId: string, clientId: string, data: Partial<Record<MetricKey, Record<MonthKey, MetricFigures>>>) {
  const versions = definitionVersions();
  const rows = Object.entries(data).flatMap(([metric, months]) =>
    Object.entries(months!).map(([month, f]) => ({
      orgId,
      clientId,
      metric,
      month: `${month}-01`,
      value: f.value,
      numerator: f.numerator,
      denominator: f.denominator,
      secondary: f.secondary as Record<string, unknown>,
      inputs: {},
      definitionVersion: versions[metric as MetricKey],
    })),
  );
  if (rows.length) await db.insert(metricSnapshots).values(rows);
  const months = rows.map((r) => r.month).sort();
  if (months.length) {
    await db
      .insert(clientMetricStates)
      .values({ orgId, clientId, computedAt: new Date(), firstMonth: months[0], lastMonth: months[months.length - 1] })
      .onConflictDoUpdate({ target: [clientMetricStates.orgId, clientMetricStates.clientId], set: { computedAt: new Date(), firstMonth: months[0], lastMonth: months[months.length - 1] } });
  }
}

/** Sets baselines: entered values (`{ entered }`) or computed ones (`{ computed }`). */
export async function setBaselines(db: Db, orgId: string, clientId: string, data: Partial<Record<MetricKey, { entered?: number; computed?: number }>>) {
  const rows = Object.entries(data).map(([metric, b]) => ({
    orgId,
    clientId,
    metric,
    enteredValue: b!.entered ?? null,
    enteredSource: b!.entered === undefined ? null : "manual",
    computedValue: b!.computed ?? null,
  }));
  if (rows.length) await db.insert(metricBaselines).values(rows);
}

/** Sets targets: the general one (month null) or one for a month. */
export async function setTarget(db: Db, orgId: string, clientId: string, metric: MetricKey, value: number, month: MonthKey | null = null) {
  await db.insert(metricTargets).values({ orgId, clientId, metric, value, month: month ? `${month}-01` : null });
}
