import { describe, expect, it } from "vitest";
import { aggregateCac, cac, costsForMonth, type MonthlyCosts } from "./cac";

const entry = (month: string, f: Partial<MonthlyCosts>): MonthlyCosts => ({
  month,
  marketingSpend: null,
  crmLicence: null,
  implementationCost: null,
  amortisationMonths: null,
  salesSalaries: null,
  ...f,
});

/** January: 1 000 marketing, 200 licence, 1 200 implementation over 6 months; February adds 3 000 salaries. */
const inputs = [
  entry("2024-01", { marketingSpend: 1000, crmLicence: 200, implementationCost: 1200, amortisationMonths: 6 }),
  entry("2024-02", { marketingSpend: 500, crmLicence: 200, salesSalaries: 3000 }),
];

describe("CAC", () => {
  it.each([
    // month, new customers, fully loaded, total costs, CAC
    ["2024-01", 7, false, 1400, 200], // 1 000 + 200 + 1 200 ÷ 6
    ["2024-01", 7, true, 1400, 200], // no salaries entered in January
    ["2024-02", 3, false, 900, 300], // 500 + 200 + 200
    ["2024-02", 3, true, 3900, 1300], // + 3 000 salaries
    ["2024-03", 0, false, 200, null], // amortisation only, no new customer: null, not infinity
    ["2024-06", 4, false, 200, 50], // the sixth and last month of amortisation
    ["2024-07", 4, false, null, null], // nothing falls on July: no data, not 0
    ["2023-12", 4, false, null, null], // before the implementation month
  ])("%s with %i new customers (fully loaded %s)", (month, n, fullyLoaded, total, value) => {
    const costs = costsForMonth(month, inputs, fullyLoaded);
    expect(costs.total).toBe(total);
    const f = cac(costs, n, fullyLoaded);
    expect(f.value).toBe(value);
    expect(f.denominator).toBe(n);
  });

  it("defaults the amortisation to 12 months", () => {
    const list = [entry("2024-01", { implementationCost: 2400 })];
    expect(costsForMonth("2024-12", list, false).implementation).toBe(200);
    expect(costsForMonth("2025-01", list, false).implementation).toBeNull();
  });

  it("combines months as Σ costs ÷ Σ new customers of the months with costs", () => {
    const jan = cac(costsForMonth("2024-01", inputs, false), 7, false);
    const feb = cac(costsForMonth("2024-02", inputs, false), 3, false);
    const jul = cac(costsForMonth("2024-07", inputs, false), 5, false);
    const q = aggregateCac([jan, feb, jul]);
    expect(q.value).toBe(230); // (1 400 + 900) ÷ (7 + 3)
    expect(q.secondary.marketing).toBe(1500);
  });
});
