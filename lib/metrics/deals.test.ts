import { describe, expect, it } from "vitest";
import { aggregateAvgDealSize, avgDealSize } from "./avg-deal-size";
import { conversionFactor, convertAmount, type CurrencyRate } from "./currency";
import { aggregateLtv, annualisedChurn, ltv, observedLifespanYears } from "./ltv";
import { aggregateSalesCycle, cycleDays, salesCycle } from "./sales-cycle";

const at = (iso: string) => Date.parse(iso);

describe("sales cycle", () => {
  const days = [
    cycleDays({ firstContactAt: at("2024-03-01T00:00:00Z"), wonAt: at("2024-03-11T12:00:00Z") }), // from the lead: 10.5
    cycleDays({ firstContactAt: at("2024-03-05T00:00:00Z"), wonAt: at("2024-03-06T00:00:00Z") }), // 1
    cycleDays({ firstContactAt: at("2024-03-08T00:00:00Z"), wonAt: at("2024-03-07T00:00:00Z") }), // won "before" creation: 0
  ];
  it("is the mean of the days from first contact to the win, median beside it", () => {
    expect(days).toEqual([10.5, 1, 0]);
    const f = salesCycle(days);
    expect(f.value).toBeCloseTo(11.5 / 3, 9);
    expect(f.numerator).toBe(11.5);
    expect(f.denominator).toBe(3);
    expect(f.secondary.median).toBe(1);
  });
  it("is null without won deals", () => {
    expect(salesCycle([]).value).toBeNull();
  });
  it("combines months as Σ days ÷ Σ deals", () => {
    expect(aggregateSalesCycle([salesCycle([10, 20]), salesCycle([60])]).value).toBe(30);
  });
});

describe("money in the base currency", () => {
  // Portal base RUB; 1 USD = 90 RUB; 10 EUR = 1 000 RUB (AMOUNT_CNT 10, AMOUNT 1000).
  const rates: CurrencyRate[] = [
    { currency: "USD", rate: 90 },
    { currency: "EUR", rate: 100 },
  ];
  it.each([
    [1000, "RUB", "RUB", 1000],
    [10, "USD", "RUB", 900],
    [5, "EUR", "RUB", 500],
    [10, "USD", "EUR", 9], // a client whose base differs from the portal's: through the portal's base
    [100, "", "RUB", 100], // an empty currency is the portal's base
    [100, null, "RUB", 100],
    [100, "GBP", "RUB", null], // no rate: cannot convert
  ])("%s %s in %s = %s", (amount, currency, target, expected) => {
    expect(convertAmount(amount, currency, target, rates, "RUB")).toBe(expected);
  });
  it("has a factor of 1 for the base itself", () => {
    expect(conversionFactor("rub", "RUB", rates, "RUB")).toBe(1);
  });
});

describe("average deal size", () => {
  it("is won revenue ÷ won deals, foreign-currency deals converted", () => {
    // 1 000 RUB + 10 USD (900 RUB) + 5 EUR (500 RUB)
    const f = avgDealSize({ revenue: 2400, wonDeals: 3 });
    expect(f.value).toBe(800);
    expect(avgDealSize({ revenue: 0, wonDeals: 0 }).value).toBeNull();
  });
  it("combines months as Σ revenue ÷ Σ deals", () => {
    expect(aggregateAvgDealSize([avgDealSize({ revenue: 1000, wonDeals: 1 }), avgDealSize({ revenue: 2000, wonDeals: 4 })]).value).toBe(600);
  });
});

describe("LTV", () => {
  const base = { revenue: 120_000, wonDeals: 40, buyers: 20 }; // AOV 3 000 × RPR 2 = 6 000 a year per customer

  it("uses 1 ÷ annualised churn as the lifetime", () => {
    // 2 % monthly churn: 0.98^12 = 0.9604^6 = 0.784716723…, so 0.215283277… a year, lifetime 4.645043 years
    const churn = annualisedChurn(Array.from({ length: 12 }, () => ({ S: 100, C: 2 })))!;
    expect(churn).toBeCloseTo(0.2152833, 6);
    const f = ltv({ ...base, annualChurn: churn, observedLifespanYears: null });
    expect(f.secondary.aov).toBe(3000);
    expect(f.secondary.rpr).toBe(2);
    expect(f.secondary.lifetimeYears).toBeCloseTo(4.645043, 5);
    expect(f.value).toBeCloseTo(27870.26, 1);
    expect(f.secondary.lifetimeSource).toBe("churn");
  });

  it("annualises fewer than 12 measured months", () => {
    // 6 months at 10 %: survival 0.9^6 over half a year → 0.9^12 a year
    expect(annualisedChurn(Array.from({ length: 6 }, () => ({ S: 10, C: 1 })))).toBeCloseTo(1 - 0.9 ** 12, 12);
    expect(annualisedChurn([{ S: 0, C: 0 }])).toBeNull();
  });

  it("caps the lifetime at 10 years", () => {
    const churn = annualisedChurn(Array.from({ length: 12 }, () => ({ S: 1000, C: 1 })))!; // ≈ 1.19 % a year
    const f = ltv({ ...base, annualChurn: churn, observedLifespanYears: null });
    expect(f.secondary.lifetimeYears).toBe(10);
    expect(f.secondary.lifetimeSource).toBe("cap");
    expect(f.value).toBe(60_000);
  });

  it("falls back to the observed mean lifespan when churn is 0", () => {
    // first win 1 Jan 2022, last 1 Jan 2023, W = 365 d, P ends 1 Jan 2024: 730 days
    const years = observedLifespanYears([{ firstWonAt: at("2022-01-01T00:00:00Z"), lastWonAt: at("2023-01-01T00:00:00Z") }], at("2024-01-01T00:00:00Z"), 365)!;
    expect(years).toBeCloseTo(730 / 365.25, 12);
    const f = ltv({ ...base, annualChurn: 0, observedLifespanYears: years });
    expect(f.secondary.lifetimeSource).toBe("observed");
    expect(f.value).toBeCloseTo(6000 * (730 / 365.25), 6);
    // the lifespan ends at P's end when the window reaches beyond it
    expect(observedLifespanYears([{ firstWonAt: at("2023-07-01T00:00:00Z"), lastWonAt: at("2023-12-01T00:00:00Z") }], at("2024-01-01T00:00:00Z"), 365)).toBeCloseTo(184 / 365.25, 12);
    expect(observedLifespanYears([], at("2024-01-01T00:00:00Z"), 365)).toBeNull();
  });

  it("is null without buyers, wins or any lifetime", () => {
    expect(ltv({ revenue: 0, wonDeals: 0, buyers: 0, annualChurn: 0.2, observedLifespanYears: 1 }).value).toBeNull();
    expect(ltv({ ...base, annualChurn: null, observedLifespanYears: null }).value).toBeNull();
  });

  it("takes the last month for longer periods (a trailing 12-month figure)", () => {
    const a = ltv({ ...base, annualChurn: 0.5, observedLifespanYears: null });
    const b = ltv({ ...base, annualChurn: 0.25, observedLifespanYears: null });
    expect(aggregateLtv([a, b]).value).toBe(24_000);
  });
});
