import { describe, expect, it } from "vitest";
import { aggregateChurn, churnRate } from "./churn";
import { customerFlows, customerKey, isActiveAt, type CustomerWin } from "./customers";
import { monthBoundaries } from "./months";
import { aggregateRetention, retentionRate } from "./retention";

const at = (iso: string) => Date.parse(iso);
const win = (customer: string, iso: string): CustomerWin => ({ customer, wonAt: at(iso) });

/**
 * Four customers, window W = 60 days, months January–April 2024 in UTC. Active at t ⇔ a win in [t − 60 d, t).
 *  A: wins 15 Dec 2023 and 10 Feb 2024 → active 1 Jan … 1 Apr (until 10 Apr), lost in April.
 *  B: first win 20 Jan 2024 → new in January, active 1 Feb and 1 Mar (until 20 Mar), lost in March.
 *  C: wins 1 Oct 2023, then 5 Mar 2024 → inactive since 30 Nov, reactivated in March, active 1 Apr and 1 May.
 *  D: win 15 Nov 2023 → active 1 Jan (until 14 Jan), lost in January.
 * Active at the boundaries 1 Jan / 1 Feb / 1 Mar / 1 Apr / 1 May: {A,D} {A,B} {A,B} {A,C} {C} = 2, 2, 2, 2, 1.
 */
const wins = [
  win("A", "2023-12-15T10:00:00Z"),
  win("A", "2024-02-10T10:00:00Z"),
  win("B", "2024-01-20T10:00:00Z"),
  win("C", "2023-10-01T10:00:00Z"),
  win("C", "2024-03-05T10:00:00Z"),
  win("D", "2023-11-15T10:00:00Z"),
];
const { boundaries } = monthBoundaries("2024-01", "2024-04", "UTC");

describe("customer flows", () => {
  const { months } = customerFlows(wins, boundaries, 60);

  it.each([
    ["January", 0, { S: 2, E: 2, N: 1, C: 1, R: 0 }],
    ["February", 1, { S: 2, E: 2, N: 0, C: 0, R: 0 }],
    ["March", 2, { S: 2, E: 2, N: 0, C: 1, R: 1 }],
    ["April", 3, { S: 2, E: 1, N: 0, C: 1, R: 0 }],
  ])("%s: S, E, N, churned, reactivated", (_, index, expected) => {
    expect(months[index]).toEqual(expected);
    const m = months[index];
    expect(m.E).toBe(m.S - m.C + m.N + m.R);
  });

  it("names the customers behind a month (drill-down)", () => {
    const { detail } = customerFlows(wins, boundaries, 60, { detailMonth: 2 });
    expect(detail).toEqual({ newCustomers: [], churned: ["B"], reactivated: ["C"], activeAtStart: ["A", "B"], activeAtEnd: ["A", "C"] });
  });

  it("counts a customer as new in the month of its first win in the client's zone", () => {
    // 31 Jan 12:00 UTC is 1 Feb 02:00 on Kiritimati (UTC+14).
    const zone = "Pacific/Kiritimati";
    const b = monthBoundaries("2024-01", "2024-02", zone).boundaries;
    const flows = customerFlows([win("X", "2024-01-31T12:00:00Z")], b, 365).months;
    expect(flows.map((m) => m.N)).toEqual([0, 1]);
    const utc = customerFlows([win("X", "2024-01-31T12:00:00Z")], boundaries, 365).months;
    expect(utc.map((m) => m.N)).toEqual([1, 0, 0, 0]);
  });

  it("uses each customer's first win ever when the list starts later", () => {
    const partial = wins.filter((w) => w.wonAt >= at("2024-01-01T00:00:00Z"));
    const first = new Map([["B", at("2023-06-01T00:00:00Z")]]);
    const flows = customerFlows(partial, boundaries, 60, { firstWonAt: first }).months;
    expect(flows[0].N).toBe(0); // B bought before, so its January win is a reactivation
    expect(flows[0].R).toBe(1);
  });

  it("treats the boundary instant exactly: a win at t does not make the customer active at t", () => {
    expect(isActiveAt([at("2024-02-01T00:00:00Z")], at("2024-02-01T00:00:00Z"), 60)).toBe(false);
    expect(isActiveAt([at("2024-01-31T23:59:59Z")], at("2024-02-01T00:00:00Z"), 60)).toBe(true);
    expect(isActiveAt([at("2023-12-03T00:00:00Z")], at("2024-02-01T00:00:00Z"), 60)).toBe(true); // exactly 60 days
    expect(isActiveAt([at("2023-12-02T23:59:59Z")], at("2024-02-01T00:00:00Z"), 60)).toBe(false);
  });

  it("has no months without boundaries", () => {
    expect(customerFlows(wins, [], 60).months).toEqual([]);
  });

  it("keys customers by company, else contact", () => {
    expect(customerKey(12, 7)).toBe("company:12");
    expect(customerKey(null, 7)).toBe("contact:7");
    expect(customerKey(0, 7)).toBe("contact:7");
    expect(customerKey(null, null)).toBeNull(); // a deal without a company or contact belongs to no customer
  });
});

describe("retention and churn", () => {
  const { months } = customerFlows(wins, boundaries, 60);

  it.each([
    // month, retention (E − N) ÷ S, churn C ÷ S
    [0, 50, 50],
    [1, 100, 0],
    [2, 100, 50], // CRR + churn = 100 + R ÷ S = 150
    [3, 50, 50],
  ])("month %i: retention %s %%, churn %s %%", (index, crr, churn) => {
    expect(retentionRate(months[index], 60).value).toBe(crr);
    expect(churnRate(months[index], 60).value).toBe(churn);
    expect(retentionRate(months[index], 60).value! + churnRate(months[index], 60).value!).toBe(100 + (months[index].R / months[index].S) * 100);
  });

  it("is null without customers at the start", () => {
    const empty = { S: 0, E: 3, N: 3, C: 0, R: 0 };
    expect(retentionRate(empty, 365).value).toBeNull();
    expect(churnRate(empty, 365).value).toBeNull();
  });

  it("combines a quarter from S of its first month, E of its last and the summed flows", () => {
    const q1 = [0, 1, 2].map((i) => retentionRate(months[i], 60));
    expect(aggregateRetention(q1).value).toBe(50); // (E_Mar 2 − N 1) ÷ S_Jan 2
    expect(aggregateChurn([0, 1, 2].map((i) => churnRate(months[i], 60))).value).toBe(100); // D and B lost: 2 ÷ 2
  });
});
