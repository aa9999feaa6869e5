import { describe, expect, it } from "vitest";
import { aggregateLostDeals, lostDealsCost, shortfallFactor, trailingDemand, type LostDealsInput } from "./lost-deals";

const input: LostDealsInput = {
  usp: 50_000,
  uspSource: "month",
  fad: trailingDemand([100, 120, 140], 130),
  fadSource: "trailing",
  sf: shortfallFactor(18, 120),
  sfSource: "estimated",
  ufr: 0.8,
  ufrSource: "input",
  actualLost: 1_250_000,
  lostDeals: 30,
  lostLeads: 12,
  organisationalLosses: 18,
  requests: 120,
};

describe("lost deals cost", () => {
  it("is USP × FAD × SF × UFR, beside the actual lost amount", () => {
    expect(input.fad).toBe(120);
    expect(input.sf).toBe(0.15);
    const f = lostDealsCost(input);
    expect(f.value).toBe(720_000); // 50 000 × 120 × 0.15 × 0.8
    expect(f.secondary.actualLost).toBe(1_250_000);
  });

  it.each([
    [[80, 100, 120, 140], 10, 120], // the 3 months before P
    [[90], 10, 90],
    [[], 75, 75], // no earlier month: P's own count
    [[], null, null],
  ])("forecast demand from %j (current %s) = %s", (previous, current, expected) => {
    expect(trailingDemand(previous, current)).toBe(expected);
  });

  it.each([
    [18, 120, 0.15],
    [150, 100, 1], // more losses than requests (older requests lost now): capped at 1
    [0, 50, 0],
    [5, 0, null], // no requests: not enough data
  ])("shortfall factor %i ÷ %i = %s", (losses, requests, expected) => {
    expect(shortfallFactor(losses, requests)).toBe(expected);
  });

  it("is null when an input is unknown", () => {
    expect(lostDealsCost({ ...input, sf: null }).value).toBeNull();
    expect(lostDealsCost({ ...input, usp: null }).value).toBeNull();
    expect(lostDealsCost({ ...input, fad: null }).value).toBeNull();
  });

  it("adds months up", () => {
    const a = lostDealsCost(input);
    const b = lostDealsCost({ ...input, ufr: 1, actualLost: 50_000 });
    const q = aggregateLostDeals([a, b, lostDealsCost({ ...input, sf: null })]);
    expect(q.value).toBe(720_000 + 900_000);
    expect(q.secondary.actualLost).toBe(1_250_000 * 2 + 50_000);
  });
});
