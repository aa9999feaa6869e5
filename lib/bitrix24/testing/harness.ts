/** Test doubles for the client: virtual time and a token source that counts refreshes. */
import type { PortalTokens, TokenSource } from "../client";

export interface VirtualClock {
  now(): number;
  sleep(ms: number): Promise<void>;
  random(): number;
  /** Sum of all sleeps, in ms. */
  slept: number;
}

/** Time that moves only when someone sleeps, so limiter waits and backoffs cost nothing in tests. */
export function virtualClock(startMs = Date.UTC(2026, 0, 15, 9, 0, 0)): VirtualClock {
  let t = startMs;
  const clock: VirtualClock = {
    now: () => t,
    sleep: async (ms: number) => {
      const d = Math.max(0, ms);
      t += d;
      clock.slept += d;
    },
    random: () => 0.5,
    slept: 0,
  };
  return clock;
}

export interface CountingTokenSource extends TokenSource {
  refreshes: PortalTokens[];
  current: PortalTokens;
}

/** Hands out `initial`; each refresh issues access-N / refresh-N and records the stale pair it was given. */
export function countingTokens(initial: Partial<PortalTokens> & { clientEndpoint: string }): CountingTokenSource {
  let n = 1;
  const source: CountingTokenSource = {
    refreshes: [],
    current: {
      accessToken: "access-1",
      refreshToken: "refresh-1",
      expiresAt: 0,
      memberId: "member-1",
      domain: new URL(initial.clientEndpoint).host,
      ...initial,
    },
    async get() {
      return source.current;
    },
    async refresh(stale) {
      source.refreshes.push(stale);
      n++;
      source.current = { ...source.current, accessToken: `access-${n}`, refreshToken: `refresh-${n}` };
      return source.current;
    },
  };
  return source;
}
