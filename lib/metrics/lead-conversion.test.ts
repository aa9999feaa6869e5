import { describe, expect, it } from "vitest";
import { aggregateLeadConversion, leadConversion } from "./lead-conversion";

const base = { wonDeals: 0, leadsCreated: 0, dealsCreated: 0, leadsEnabled: true, cohortSize: 0, cohortWon: 0 };

describe("lead conversion", () => {
  it.each([
    ["12 won of 48 leads", { ...base, wonDeals: 12, leadsCreated: 48, dealsCreated: 30 }, 25, 48],
    ["no leads in the month", { ...base, wonDeals: 3, leadsCreated: 0, dealsCreated: 10 }, null, 0],
    ["no wins", { ...base, wonDeals: 0, leadsCreated: 20 }, 0, 20],
    ["simple CRM mode uses deals created", { ...base, wonDeals: 12, leadsCreated: 0, dealsCreated: 30, leadsEnabled: false }, 40, 30],
    ["simple CRM mode without deals", { ...base, wonDeals: 0, dealsCreated: 0, leadsEnabled: false }, null, 0],
    ["more wins than leads (older leads closing)", { ...base, wonDeals: 15, leadsCreated: 10 }, 150, 10],
  ])("%s", (_, input, value, denominator) => {
    const f = leadConversion(input);
    expect(f.value).toBe(value);
    expect(f.numerator).toBe(input.wonDeals);
    expect(f.denominator).toBe(denominator);
    expect(f.secondary.mode).toBe(input.leadsEnabled ? "leads" : "deals");
  });

  it("shows the cohort view beside it", () => {
    const f = leadConversion({ ...base, wonDeals: 12, leadsCreated: 48, cohortSize: 48, cohortWon: 8 });
    expect(f.secondary.cohortConversion).toBe(16.6666666667);
    expect(leadConversion({ ...base, cohortSize: 0 }).secondary.cohortConversion).toBeNull();
  });

  it("combines months from numerators and denominators, not by averaging the ratios", () => {
    const jan = leadConversion({ ...base, wonDeals: 1, leadsCreated: 10, cohortSize: 10, cohortWon: 1 });
    const feb = leadConversion({ ...base, wonDeals: 9, leadsCreated: 30, cohortSize: 30, cohortWon: 3 });
    const q = aggregateLeadConversion([jan, feb]);
    expect(q.value).toBe(25); // 10 ÷ 40, where the mean of 10 % and 30 % would be 20 %
    expect(q.secondary.cohortConversion).toBe(10);
  });
});
