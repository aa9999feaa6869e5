/**
 * Customer acquisition cost, in the client's base currency:
 *   CAC = (marketing spend + CRM costs [+ sales salaries when "fully loaded"]) ÷ N,
 * where CRM costs = the licence of P + every implementation cost spread evenly over its amortisation months
 * (an implementation cost entered for month M over k months adds cost ÷ k to M … M + k − 1), and N = new
 * customers in P (customers.ts). Costs are manual inputs per client per month; without any cost for P the
 * value is null (no data), not 0.
 */
import { monthDiff, type MonthKey } from "./months";
import { clean, ratio } from "./stats";
import { num, type MetricFigures } from "./types";

export const DEFAULT_AMORTISATION_MONTHS = 12;

/** The cost inputs of one month (null = not entered). */
export interface MonthlyCosts {
  month: MonthKey;
  marketingSpend: number | null;
  crmLicence: number | null;
  implementationCost: number | null;
  /** Months the implementation cost is spread over, from its own month (default 12). */
  amortisationMonths: number | null;
  salesSalaries: number | null;
}

export interface CacCosts {
  marketing: number | null;
  licence: number | null;
  implementation: number | null;
  salaries: number | null;
  /** What the CAC numerator is: marketing + licence + implementation [+ salaries]; null when nothing applies. */
  total: number | null;
}

/** The costs that fall on `month`, amortised implementation included. */
export function costsForMonth(month: MonthKey, inputs: readonly MonthlyCosts[], fullyLoaded: boolean): CacCosts {
  const own = inputs.find((i) => i.month === month);
  let implementation: number | null = null;
  for (const entry of inputs) {
    if (entry.implementationCost === null || entry.implementationCost === 0) continue;
    const k = Math.max(1, Math.round(entry.amortisationMonths ?? DEFAULT_AMORTISATION_MONTHS));
    const offset = monthDiff(entry.month, month);
    if (offset >= 0 && offset < k) implementation = (implementation ?? 0) + entry.implementationCost / k;
  }
  const marketing = own?.marketingSpend ?? null;
  const licence = own?.crmLicence ?? null;
  const salaries = own?.salesSalaries ?? null;
  const parts = [marketing, licence, implementation, fullyLoaded ? salaries : null].filter((v): v is number => v !== null);
  return {
    marketing,
    licence,
    implementation: clean(implementation),
    salaries,
    total: parts.length ? clean(parts.reduce((s, v) => s + v, 0)) : null,
  };
}

/** CAC = total costs ÷ new customers; null without costs or without new customers. */
export function cac(costs: CacCosts, newCustomers: number, fullyLoaded: boolean): MetricFigures {
  return {
    value: clean(ratio(costs.total, newCustomers)),
    numerator: costs.total,
    denominator: newCustomers,
    secondary: {
      marketing: costs.marketing,
      licence: costs.licence,
      implementation: costs.implementation,
      salaries: costs.salaries,
      fullyLoaded,
      newCustomers,
    },
  };
}

/** Several months as one period: Σ costs ÷ Σ new customers (months without costs add neither). */
export function aggregateCac(months: readonly MetricFigures[]): MetricFigures {
  const costed = months.filter((m) => m.numerator !== null);
  const sumOf = (key: string) => {
    const values = costed.map((m) => m.secondary[key]).filter((v): v is number => typeof v === "number");
    return values.length ? clean(values.reduce((s, v) => s + v, 0)) : null;
  };
  const fullyLoaded = months.some((m) => m.secondary.fullyLoaded === true);
  const total = costed.length ? clean(costed.reduce((s, m) => s + (m.numerator ?? 0), 0)) : null;
  return cac(
    { marketing: sumOf("marketing"), licence: sumOf("licence"), implementation: sumOf("implementation"), salaries: sumOf("salaries"), total },
    costed.reduce((s, m) => s + num(m, "newCustomers"), 0),
    fullyLoaded,
  );
}
