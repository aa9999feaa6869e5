import { describe, expect, it } from "vitest";
import { createMemoryLimiter } from "./limiter";
import { virtualClock } from "./testing/harness";

function setup(opts: Parameters<typeof createMemoryLimiter>[0] = {}) {
  const clock = virtualClock();
  const limiter = createMemoryLimiter({ now: clock.now, sleep: clock.sleep, ...opts });
  return { clock, limiter };
}

describe("createMemoryLimiter", () => {
  it("lets a burst of bucketSize through, then drainPerSecond", async () => {
    const { clock, limiter } = setup({ bucketSize: 50, drainPerSecond: 2 });
    const t0 = clock.now();
    for (let i = 0; i < 50; i++) await limiter.acquire();
    expect(clock.now()).toBe(t0);
    for (let i = 0; i < 10; i++) await limiter.acquire();
    expect(clock.now() - t0).toBe(5000);
  });

  it("Enterprise sizing", async () => {
    const { clock, limiter } = setup({ bucketSize: 250, drainPerSecond: 5 });
    const t0 = clock.now();
    for (let i = 0; i < 260; i++) await limiter.acquire();
    expect(clock.now() - t0).toBe(2000);
  });

  it("concurrent acquirers never exceed the rate (real time)", async () => {
    const limiter = createMemoryLimiter({ bucketSize: 3, drainPerSecond: 20 });
    const t0 = Date.now();
    const times: number[] = [];
    await Promise.all(Array.from({ length: 9 }, () => limiter.acquire().then(() => times.push(Date.now() - t0))));
    times.sort((a, b) => a - b);
    // 3 at once, then 6 more at 20/s: the last no earlier than ~300 ms, and never two within one drain step.
    expect(times[2]).toBeLessThan(40);
    expect(times[8]).toBeGreaterThanOrEqual(280);
    for (let i = 4; i < 9; i++) expect(times[i] - times[i - 1]).toBeGreaterThanOrEqual(35);
  });

  it("backoff holds every slot", async () => {
    const { clock, limiter } = setup();
    const t0 = clock.now();
    limiter.backoff(3000);
    limiter.backoff(1000); // shorter: ignored
    await limiter.acquire();
    expect(clock.now() - t0).toBe(3000);
  });

  it("pauses one method until the given second; others are ready", async () => {
    const { clock, limiter } = setup();
    const until = Math.floor(clock.now() / 1000) + 90;
    limiter.pauseMethod("crm.deal.list", until);
    limiter.pauseMethod("crm.deal.list", until - 30); // earlier: ignored
    const t0 = clock.now();
    await limiter.methodReady("crm.lead.list");
    expect(clock.now()).toBe(t0);
    await limiter.methodReady("crm.deal.list");
    expect(clock.now()).toBe(until * 1000);
    expect(limiter.snapshot().paused).toEqual({});
  });

  it("pauses a method that nears its operating budget, not one below it", () => {
    const { clock, limiter } = setup({ operatingBudgetSeconds: 480, operatingReserve: 0.1 });
    const reset = Math.floor(clock.now() / 1000) + 400;
    limiter.record("crm.activity.list", { operating: 300, operating_reset_at: reset }, 200);
    expect(limiter.snapshot().paused).toEqual({});
    limiter.record("crm.activity.list", { operating: 433, operating_reset_at: reset }, 200);
    expect(limiter.snapshot().paused).toEqual({ "crm.activity.list": reset });
    expect(limiter.snapshot().operating).toEqual({ "crm.activity.list": 433 });
  });

  it("ignores time blocks without operating", () => {
    const { limiter } = setup();
    limiter.record("x", {}, 200);
    expect(limiter.snapshot().operating).toEqual({});
  });
});
