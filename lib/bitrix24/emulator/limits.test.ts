/** The leaky bucket and the operating budget, over HTTP with the injectable clock. */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createManualClock, type AdjustableClock } from "./clock";
import type { Emulator } from "./handle";
import { LeakyBucket, OperatingBudget } from "./limits";
import { startEmulator } from "./server";
import { callRest } from "./testing";

const APPS = [
  { clientId: "app.one", clientSecret: "1", scope: ["crm"] },
  { clientId: "app.two", clientSecret: "2", scope: ["crm"] },
];

let emu: Emulator;
let clock: AdjustableClock;

beforeEach(async () => {
  clock = createManualClock(Date.UTC(2026, 0, 10, 8, 0, 0));
  emu = await startEmulator({
    clock,
    apps: APPS,
    portals: [{ name: "std" }, { name: "ent", plan: "enterprise" }],
  });
  for (const name of ["std", "ent"]) for (let i = 0; i < 3; i++) emu.portal(name).createRecord("deal", { TITLE: `d${i}` });
});

afterEach(async () => {
  await emu.close();
});

const call = (portal: string, method: string, token: string, params: Record<string, unknown> = {}) =>
  callRest(emu.portal(portal).clientEndpoint, method, params, token);

async function burst(portal: string, n: number): Promise<number[]> {
  const token = emu.portal(portal).issueTokens().access_token;
  const statuses: number[] = [];
  for (let i = 0; i < n; i++) statuses.push((await call(portal, "crm.deal.get", token, { id: 1 })).status);
  return statuses;
}

describe("leaky bucket", () => {
  it("lets 50 requests through on a standard portal and answers 503 QUERY_LIMIT_EXCEEDED from the 51st", async () => {
    const statuses = await burst("std", 60);
    expect(statuses.slice(0, 50).every((s) => s === 200)).toBe(true);
    expect(statuses.slice(50).every((s) => s === 503)).toBe(true);
    const token = emu.portal("std").issueTokens().access_token;
    expect((await call("std", "crm.deal.get", token, { id: 1 })).body).toMatchObject({ error: "QUERY_LIMIT_EXCEEDED" });
  });

  it("drains 2 requests a second", async () => {
    await burst("std", 50);
    clock.advance(1000);
    expect(await burst("std", 3)).toEqual([200, 200, 503]);
    clock.advance(500);
    expect(await burst("std", 2)).toEqual([200, 503]);
    clock.advance(10_000);
    expect((await burst("std", 21)).filter((s) => s === 200)).toHaveLength(20);
  });

  it("holds 250 on an enterprise portal and drains 5 a second", async () => {
    const statuses = await burst("ent", 251);
    expect(statuses.filter((s) => s === 200)).toHaveLength(250);
    expect(statuses[250]).toBe(503);
    clock.advance(1000);
    expect(await burst("ent", 6)).toEqual([200, 200, 200, 200, 200, 503]);
  });

  it("counts a batch of 50 commands as one request", async () => {
    const token = emu.portal("std").issueTokens().access_token;
    const cmd = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`c${i}`, "crm.deal.get?id=1"]));
    for (let i = 0; i < 50; i++) expect((await call("std", "batch", token, { cmd })).status).toBe(200);
    expect((await call("std", "batch", token, { cmd })).status).toBe(503);
  });

  it("keeps portals apart", async () => {
    await burst("std", 55);
    expect(await burst("ent", 1)).toEqual([200]);
  });
});

describe("operating budget", () => {
  beforeEach(() => {
    // 100 simulated seconds a call: the 480 s budget is spent after five calls.
    emu.setCost({ baseSeconds: 100, perRowSeconds: 0, perScannedRowSeconds: 0 });
  });

  it("reports operating and operating_reset_at in the time block", async () => {
    const token = emu.portal("std").issueTokens().access_token;
    const first = await call("std", "crm.deal.get", token, { id: 1 });
    const now = Math.floor(clock.now() / 1000);
    expect(first.body.time).toMatchObject({ operating: 100, operating_reset_at: now + 600, processing: 100 });
    clock.advance(30_000);
    const second = await call("std", "crm.deal.get", token, { id: 1 });
    expect(second.body.time).toMatchObject({ operating: 200, operating_reset_at: now + 600 });
  });

  it("answers 429 OPERATION_TIME_LIMIT for that method only, until operating_reset_at", async () => {
    const token = emu.portal("std").issueTokens().access_token;
    for (let i = 0; i < 5; i++) {
      expect((await call("std", "crm.deal.get", token, { id: 1 })).status).toBe(200);
      clock.advance(61_000);
    }
    const blocked = await call("std", "crm.deal.get", token, { id: 1 });
    expect(blocked.status).toBe(429);
    expect(blocked.body.error).toBe("OPERATION_TIME_LIMIT");
    const resetAt = (blocked.body.time as { operating_reset_at: number }).operating_reset_at;
    // The first minute's usage (100 s) leaves the window first and brings the total under 480 s.
    expect(resetAt).toBe(Math.floor(Date.UTC(2026, 0, 10, 8, 0, 0) / 1000) + 600);

    expect((await call("std", "crm.deal.list", token)).status).toBe(200);
    const otherApp = emu.portal("std").issueTokens({ clientId: "app.two" }).access_token;
    expect((await call("std", "crm.deal.get", otherApp, { id: 1 })).status).toBe(200);

    clock.set(resetAt * 1000 - 1000);
    expect((await call("std", "crm.deal.get", token, { id: 1 })).status).toBe(429);
    clock.set(resetAt * 1000);
    expect((await call("std", "crm.deal.get", token, { id: 1 })).status).toBe(200);
  });

  it("charges batch commands to their own methods, and blocks them inside batches", async () => {
    const token = emu.portal("std").issueTokens().access_token;
    const cmd = Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`c${i}`, "crm.deal.get?id=1"]));
    const answer = await call("std", "batch", token, { cmd });
    expect(answer.status).toBe(200);
    const result = answer.body.result as { result: Record<string, unknown>; result_error: Record<string, { error: string }> };
    expect(Object.keys(result.result)).toEqual(["c0", "c1", "c2", "c3", "c4"]);
    expect(result.result_error.c5.error).toBe("OPERATION_TIME_LIMIT");
    expect((await call("std", "crm.deal.get", token, { id: 1 })).status).toBe(429);
    expect((await call("std", "crm.deal.list", token)).status).toBe(200);
  });

  it("charges list calls by the rows they read, so a counted page costs more than a start=-1 page", async () => {
    emu.setCost({ baseSeconds: 0.01, perRowSeconds: 0.001, perScannedRowSeconds: 0.1 });
    const token = emu.portal("std").issueTokens().access_token;
    const counted = await call("std", "crm.deal.list", token, { select: ["ID"] });
    const cursor = await call("std", "crm.deal.list", token, { select: ["ID"], start: -1, filter: { ">ID": 2 } });
    expect((counted.body.time as { processing: number }).processing).toBeCloseTo(0.01 + 0.003 + 0.3, 6);
    expect((cursor.body.time as { processing: number }).processing).toBeCloseTo(0.01 + 0.001 + 0.1, 6);
  });
});

describe("limit primitives", () => {
  it("LeakyBucket refuses without counting the refused request", () => {
    const b = new LeakyBucket({ capacity: 2, drainPerSecond: 1 });
    expect([b.tryTake(0), b.tryTake(0), b.tryTake(0)]).toEqual([true, true, false]);
    expect(b.levelAt(0)).toBe(2);
    expect(b.levelAt(1500)).toBeCloseTo(0.5);
  });

  it("OperatingBudget forgets usage after the window", () => {
    const o = new OperatingBudget({ limitSeconds: 10, windowSeconds: 60 });
    o.add("k", 0, 6);
    o.add("k", 30_000, 6);
    expect(o.state("k", 30_000)).toMatchObject({ operating: 12, blocked: true, resetAt: 60 });
    expect(o.state("k", 60_000)).toMatchObject({ operating: 6, blocked: false, resetAt: 90 });
    expect(o.state("k", 90_000)).toMatchObject({ operating: 0, blocked: false });
  });
});
