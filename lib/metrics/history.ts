/**
 * A client's monthly history of the ten metrics from prepared inputs: what the mirror queries return (won deals,
 * per-month counts, response summaries, losses, evidence) plus the manual inputs and settings. Pure: the same
 * inputs always give the same snapshots, whatever database produced them.
 */
import { automationLevel, type InventoryItem, type MonthEvidence } from "./automation";
import { avgDealSize } from "./avg-deal-size";
import { cac, costsForMonth, type MonthlyCosts } from "./cac";
import { churnRate } from "./churn";
import { customerFlowsOfColumns, type CustomerMonthFlows, type WinColumns } from "./customers";
import { leadConversion } from "./lead-conversion";
import { lostDealsCost, shortfallFactor, trailingDemand, FORECAST_TRAILING_MONTHS } from "./lost-deals";
import { annualisedChurn, ltv, LTV_WINDOW_MONTHS, observedLifespanYears } from "./ltv";
import { addMonths, locateMonth, monthBoundaries, monthDiff, type MonthKey } from "./months";
import { responseTime, type ResponseSummary } from "./response-time";
import { retentionRate } from "./retention";
import { cycleDays, salesCycle } from "./sales-cycle";
import { HISTOGRAM_EDGES, ratio } from "./stats";
import type { MetricFigures, MetricKey } from "./types";

export interface HistoryWonDeal {
  /** customerNumber(company, contact): NaN for a deal with neither. */
  customer: number;
  wonAt: number;
  /** In the client's base currency; null when it could not be converted. */
  amount: number | null;
  firstContactAt: number;
}

/** Won deals as columns sorted by customer, then win instant (what the database streams). */
export interface WonDealColumns extends WinColumns {
  /** NaN when the amount could not be converted. */
  amount: ArrayLike<number>;
  firstContactAt: ArrayLike<number>;
}

/** Columns from deal objects, sorted as required (tests and small callers). */
export function wonDealColumns(deals: readonly HistoryWonDeal[]): WonDealColumns {
  const sorted = [...deals].sort((a, b) => {
    const ca = Number.isNaN(a.customer) ? Infinity : a.customer;
    const cb = Number.isNaN(b.customer) ? Infinity : b.customer;
    return ca === cb ? a.wonAt - b.wonAt : ca < cb ? -1 : 1;
  });
  return {
    length: sorted.length,
    customer: Float64Array.from(sorted, (d) => d.customer),
    wonAt: Float64Array.from(sorted, (d) => d.wonAt),
    amount: Float64Array.from(sorted, (d) => (d.amount === null ? NaN : d.amount)),
    firstContactAt: Float64Array.from(sorted, (d) => d.firstContactAt),
  };
}

export interface HistoryCreatedMonth {
  leads: number;
  leadsWon: number;
  webformLeads: number;
  routedLeads: number;
  deals: number;
  directDeals: number;
  dealsWon: number;
}

export interface HistoryLossMonth {
  lostLeads: number;
  lostDeals: number;
  lostAmount: number;
  organisational: number;
}

export interface HistoryActivityEvidence {
  webformActivities: number;
  telephony: number;
  openlines: number;
  autoCompleted: number;
}

/** The manual inputs of one month (null = not entered). */
export interface ManualMonthInputs extends MonthlyCosts {
  forecastDemand: number | null;
  fulfilmentRate: number | null;
  unitPrice: number | null;
  shortfallFactor: number | null;
}

export interface HistorySettings {
  slaMinutes: number;
  activityWindowDays: number;
  fullyLoadedCac: boolean;
  businessHours: { days: number[]; start: string; end: string } | null;
  orgLossStages: string[];
}

export interface HistoryInputs {
  timeZone: string;
  baseCurrency: string;
  /** The first month of the synced history; months before it are not known. */
  firstMonth: MonthKey;
  /** Produce snapshots for fromMonth … lastMonth. */
  fromMonth: MonthKey;
  lastMonth: MonthKey;
  leadsEnabled: boolean;
  settings: HistorySettings;
  wonDeals: WonDealColumns;
  created: ReadonlyMap<MonthKey, HistoryCreatedMonth>;
  responses: ReadonlyMap<MonthKey, ResponseSummary>;
  losses: ReadonlyMap<MonthKey, HistoryLossMonth>;
  evidence: ReadonlyMap<MonthKey, HistoryActivityEvidence>;
  /** Instants at which auto-started workflow templates were set up. */
  autostartTemplates: readonly number[];
  manual: readonly ManualMonthInputs[];
  inventory: readonly InventoryItem[];
  /**
   * When `wonDeals` starts later than the history (a partial recompute): each listed customer's first win, if it
   * came before the list starts, and the stored customer flows of the months before `fromMonth` (their wins are
   * not all listed).
   */
  firstWonAt?: ReadonlyMap<number, number>;
  priorFlows?: ReadonlyMap<MonthKey, CustomerMonthFlows>;
}

export interface SnapshotDraft {
  month: MonthKey;
  metric: MetricKey;
  figures: MetricFigures;
  /** What went in beyond the mirror counts: settings and manual inputs used. */
  inputs: Record<string, unknown>;
}

const EMPTY_CREATED: HistoryCreatedMonth = { leads: 0, leadsWon: 0, webformLeads: 0, routedLeads: 0, deals: 0, directDeals: 0, dealsWon: 0 };
const EMPTY_LOSS: HistoryLossMonth = { lostLeads: 0, lostDeals: 0, lostAmount: 0, organisational: 0 };
const EMPTY_RESPONSES: ResponseSummary = {
  answered: 0,
  unanswered: 0,
  pending: 0,
  sumMinutes: 0,
  median: null,
  p90: null,
  withinSla: 0,
  histogram: new Array<number>(HISTOGRAM_EDGES.length + 1).fill(0),
};

/** Every metric for every month from `fromMonth` to `lastMonth`. */
export function computeHistory(input: HistoryInputs): SnapshotDraft[] {
  if (monthDiff(input.fromMonth, input.lastMonth) < 0) return [];
  const { settings } = input;
  const W = settings.activityWindowDays;
  // Flows and trailing windows need up to 12 months before the first month produced.
  const calcFrom = monthDiff(input.firstMonth, addMonths(input.fromMonth, -LTV_WINDOW_MONTHS)) > 0 ? addMonths(input.fromMonth, -LTV_WINDOW_MONTHS) : input.firstMonth;
  const start = monthDiff(calcFrom, input.fromMonth) >= 0 ? calcFrom : input.fromMonth;
  const { months, boundaries } = monthBoundaries(start, input.lastMonth, input.timeZone);
  const n = months.length;

  const deals = input.wonDeals;
  const firstIndex = months.indexOf(input.fromMonth);
  const perMonth = months.map(() => ({ won: 0, revenue: 0, converted: 0, zero: 0, unconverted: 0, days: [] as number[] }));
  // Distinct buyers over each trailing 12-month window: a buyer of month m counts for windows ending m … m + 11.
  // Deals come sorted by customer, then time: each customer's months arrive in order, merged into runs as they come.
  const buyersDiff = new Array<number>(n + 1).fill(0);
  let runCustomer = NaN;
  let runStart = -1;
  let runEnd = -1;
  const closeRun = () => {
    if (runStart < 0) return;
    buyersDiff[runStart]++;
    buyersDiff[Math.min(runEnd + 1, n)]--;
    runStart = -1;
  };
  for (let k = 0; k < deals.length; k++) {
    const wonAt = deals.wonAt[k];
    const i = locateMonth(boundaries, wonAt);
    if (i < 0) continue;
    const m = perMonth[i];
    const amount = deals.amount[k];
    m.won++;
    if (Number.isNaN(amount)) m.unconverted++;
    else {
      m.revenue += amount;
      m.converted++;
      if (amount === 0) m.zero++;
    }
    // Cycle lengths only of the months produced (the others are read for their sums).
    if (i >= firstIndex) m.days.push(cycleDays({ firstContactAt: deals.firstContactAt[k], wonAt }));
    const customer = deals.customer[k];
    if (Number.isNaN(customer)) continue;
    if (customer !== runCustomer) {
      closeRun();
      runCustomer = customer;
    }
    if (runStart >= 0 && i <= runEnd + 1) runEnd = Math.max(runEnd, i + LTV_WINDOW_MONTHS - 1);
    else {
      closeRun();
      runStart = i;
      runEnd = i + LTV_WINDOW_MONTHS - 1;
    }
  }
  closeRun();
  const flows = customerFlowsOfColumns(deals, boundaries, W, { firstWonAt: input.firstWonAt }).months;
  if (input.priorFlows) {
    for (let i = 0; i < n; i++) {
      const prior = months[i] < input.fromMonth ? input.priorFlows.get(months[i]) : undefined;
      if (prior) flows[i] = prior;
    }
  }

  const buyers: number[] = [];
  for (let i = 0, acc = 0; i < n; i++) buyers.push((acc += buyersDiff[i]));

  const requestsOf = (month: MonthKey) => {
    const c = input.created.get(month) ?? EMPTY_CREATED;
    return input.leadsEnabled ? c.leads + c.directDeals : c.deals;
  };
  const manualOf = (month: MonthKey) => input.manual.find((m) => m.month === month);

  const out: SnapshotDraft[] = [];
  for (let i = firstIndex; i < n; i++) {
    const month = months[i];
    const created = input.created.get(month) ?? EMPTY_CREATED;
    const pm = perMonth[i];
    const push = (metric: MetricKey, figures: MetricFigures, inputs: Record<string, unknown> = {}) => out.push({ month, metric, figures, inputs });

    push(
      "lead_conversion",
      leadConversion({
        wonDeals: pm.won,
        leadsCreated: created.leads,
        dealsCreated: created.deals,
        leadsEnabled: input.leadsEnabled,
        cohortSize: input.leadsEnabled ? created.leads : created.deals,
        cohortWon: input.leadsEnabled ? created.leadsWon : created.dealsWon,
      }),
      { leadsEnabled: input.leadsEnabled },
    );

    push("response_time", responseTime(input.responses.get(month) ?? EMPTY_RESPONSES, settings.slaMinutes), {
      slaMinutes: settings.slaMinutes,
      businessHours: settings.businessHours,
      timeZone: input.timeZone,
    });

    push("retention_rate", retentionRate(flows[i], W), { activityWindowDays: W });
    push("churn_rate", churnRate(flows[i], W), { activityWindowDays: W });

    const costs = costsForMonth(month, input.manual, settings.fullyLoadedCac);
    const own = manualOf(month);
    push("cac", cac(costs, flows[i].N, settings.fullyLoadedCac), {
      fullyLoaded: settings.fullyLoadedCac,
      marketingSpend: own?.marketingSpend ?? null,
      crmLicence: own?.crmLicence ?? null,
      salesSalaries: own?.salesSalaries ?? null,
      implementation: input.manual
        .filter((m) => m.implementationCost !== null && m.implementationCost !== 0)
        .map((m) => ({ month: m.month, cost: m.implementationCost, amortisationMonths: m.amortisationMonths }))
        .filter((m) => monthDiff(m.month, month) >= 0),
      currency: input.baseCurrency,
    });

    const cycle = salesCycle(pm.days);
    push("sales_cycle", cycle);

    // Trailing 12 months ending with this one (only months of the known history).
    const w0 = Math.max(0, i - LTV_WINDOW_MONTHS + 1);
    let revenue12 = 0;
    let won12 = 0;
    for (let k = w0; k <= i; k++) {
      revenue12 += perMonth[k].revenue;
      won12 += perMonth[k].converted;
    }
    const churn = annualisedChurn(flows.slice(w0, i + 1));
    let lifespan: number | null = null;
    if (churn === null || churn === 0) {
      const windowStart = boundaries[w0];
      const end = boundaries[i + 1];
      const lifespans: { firstWonAt: number; lastWonAt: number }[] = [];
      // Sorted by customer then time: a customer's first listed win is its first row, the last win in the window
      // the last row of its run in it.
      let firstWonAt = NaN;
      for (let k = 0; k < deals.length; k++) {
        const customer = deals.customer[k];
        const t = deals.wonAt[k];
        if (Number.isNaN(customer)) continue;
        if (k === 0 || deals.customer[k - 1] !== customer) firstWonAt = Math.min(input.firstWonAt?.get(customer) ?? Infinity, t);
        if (t < windowStart || t >= end) continue;
        const next = k + 1 < deals.length && deals.customer[k + 1] === customer && deals.wonAt[k + 1] < end;
        if (!next) lifespans.push({ firstWonAt, lastWonAt: t });
      }
      lifespan = observedLifespanYears(lifespans, end, W);
    }
    push("ltv", ltv({ revenue: revenue12, wonDeals: won12, buyers: buyers[i], annualChurn: churn, observedLifespanYears: lifespan }), {
      activityWindowDays: W,
      windowMonths: Math.min(LTV_WINDOW_MONTHS, i - w0 + 1),
      currency: input.baseCurrency,
    });

    const size = avgDealSize({ revenue: pm.revenue, wonDeals: pm.converted, zeroAmountWon: pm.zero });
    size.secondary.unconverted = pm.unconverted;
    push("avg_deal_size", size, { currency: input.baseCurrency });

    const ev = input.evidence.get(month) ?? { webformActivities: 0, telephony: 0, openlines: 0, autoCompleted: 0 };
    const monthEnd = boundaries[i + 1];
    const evidence: MonthEvidence = {
      webform_requests: created.webformLeads + ev.webformActivities,
      telephony_activities: ev.telephony,
      openline_sessions: ev.openlines,
      auto_completed_activities: ev.autoCompleted,
      autostart_workflows: input.autostartTemplates.filter((t) => t < monthEnd).length,
      instant_assignment: ratio(created.routedLeads, created.leads, 100) ?? 0,
    };
    push("automation_level", automationLevel(input.inventory, month, evidence), {
      evidence,
      items: input.inventory.map((it) => ({ key: it.key, custom: it.custom, override: it.override, overrideFrom: it.overrideFrom })),
    });

    const loss = input.losses.get(month) ?? EMPTY_LOSS;
    const requests = requestsOf(month);
    const previous: number[] = [];
    for (let k = 1; k <= FORECAST_TRAILING_MONTHS; k++) {
      const p = addMonths(month, -k);
      if (monthDiff(input.firstMonth, p) >= 0) previous.unshift(requestsOf(p));
    }
    const trailingUsp = ratio(revenue12, won12);
    const usp = own?.unitPrice ?? size.value ?? trailingUsp;
    const fad = own?.forecastDemand ?? trailingDemand(previous, requests);
    const sf = own?.shortfallFactor ?? shortfallFactor(loss.organisational, requests);
    push(
      "lost_deals_cost",
      lostDealsCost({
        usp,
        uspSource: own?.unitPrice != null ? "set" : size.value !== null ? "month" : "trailing",
        fad,
        fadSource: own?.forecastDemand != null ? "input" : previous.length ? "trailing" : "current",
        sf,
        sfSource: own?.shortfallFactor != null ? "set" : "estimated",
        ufr: own?.fulfilmentRate ?? 1,
        ufrSource: own?.fulfilmentRate != null ? "input" : "default",
        actualLost: loss.lostAmount,
        lostDeals: loss.lostDeals,
        lostLeads: loss.lostLeads,
        organisationalLosses: loss.organisational,
        requests,
      }),
      { orgLossStages: settings.orgLossStages, slaMinutes: settings.slaMinutes, previousRequests: previous, currency: input.baseCurrency },
    );
  }
  return out;
}
