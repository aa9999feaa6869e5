/**
 * The client against the Bitrix24 emulator over real HTTP: full export with request counting, faults
 * (500, 503, HTML pages, hanging connections, cut JSON), token expiry mid-run, a domain change mid-run and the
 * operating limit — nothing lost, nothing duplicated. Client and emulator share one virtual clock: when the
 * client's limiter sleeps, the emulator's time moves, so its bucket drains and its operating windows roll.
 */
import { afterEach, describe, expect, it } from "vitest";
import { createBitrix24Client, type EndpointChange, type PortalTokens, type TokenSource } from "./client";
import { createManualClock, startEmulator, type Emulator, type PortalHandle } from "./emulator";
import { createPortalData } from "./emulator/store/portal-data";
import type { TokenResponse } from "./emulator/engine";
import type { FetchLike } from "./http";
import { createMemoryLimiter } from "./limiter";
import {
  getAppInfo,
  getCrmMode,
  getEntityFields,
  getProfile,
  listCategories,
  listCurrencies,
  listStatuses,
  listUserFields,
  listUsers,
  listWorkflowTemplates,
} from "./methods";
import { exchangeCode, refreshTokens } from "./oauth";
import {
  activityRecord,
  companyRecord,
  contactRecord,
  dealRecord,
  leadRecord,
  parseRows,
  stageHistoryRecord,
} from "./transforms";

const T0 = Date.UTC(2026, 0, 15, 9, 0, 0);
let emu: Emulator | undefined;
afterEach(async () => {
  await emu?.close();
  emu = undefined;
});

function toPortalTokens(t: TokenResponse | Awaited<ReturnType<typeof refreshTokens>>): PortalTokens {
  if ("access_token" in t) {
    return {
      accessToken: t.access_token,
      refreshToken: t.refresh_token,
      clientEndpoint: t.client_endpoint,
      expiresAt: t.expires,
      memberId: t.member_id,
      domain: new URL(t.client_endpoint).host,
    };
  }
  return t;
}

/** A token source that refreshes through the emulator's OAuth server, like the real one would. */
function emulatorTokens(e: Emulator, portal: PortalHandle): TokenSource & { refreshes: number; current: PortalTokens } {
  const source = {
    refreshes: 0,
    current: toPortalTokens(portal.issueTokens()),
    async get() {
      return source.current;
    },
    async refresh(stale: PortalTokens) {
      if (stale.accessToken !== source.current.accessToken) return source.current;
      source.refreshes++;
      const fresh = await refreshTokens({
        oauthUrl: e.oauthUrl,
        clientId: e.app.clientId,
        clientSecret: e.app.clientSecret,
        refreshToken: source.current.refreshToken,
        allowInsecure: true,
        now: () => e.clock.now(),
      });
      source.current = toPortalTokens(fresh);
      return source.current;
    },
  };
  return source;
}

/** Client clock = emulator clock; sleeping moves both. */
function sharedClock(e: Emulator) {
  let slept = 0;
  return {
    now: () => e.clock.now(),
    random: () => 0.5,
    sleep: async (ms: number) => {
      slept += Math.max(0, ms);
      e.advanceClock(Math.max(0, ms));
      await new Promise((r) => setImmediate(r));
    },
    get slept() {
      return slept;
    },
  };
}

function dealData(n: number, deleted: number[] = []) {
  const data = createPortalData();
  for (let i = 1; i <= n; i++) {
    data.tables.deal.append({
      ID: i,
      TITLE: `Deal ${i}`,
      STAGE_ID: i % 5 === 0 ? "WON" : "NEW",
      STAGE_SEMANTIC_ID: i % 5 === 0 ? "S" : "P",
      CATEGORY_ID: 0,
      OPPORTUNITY: i * 10.5,
      CURRENCY_ID: "RUB",
      CLOSED: i % 5 === 0,
      DATE_CREATE: T0 - (n - i) * 60_000,
      DATE_MODIFY: T0 - (n - i) * 60_000,
    });
  }
  for (const id of deleted) data.tables.deal.delete(id);
  return data;
}

async function setup(opts: { deals: number; deleted?: number[]; plan?: "standard" | "enterprise"; timeoutMs?: number }) {
  emu = await startEmulator({
    clock: createManualClock(T0),
    portals: [{ name: "p", data: dealData(opts.deals, opts.deleted), plan: opts.plan ?? "standard" }],
  });
  const e = emu;
  const portal = e.portal("p");
  const clock = sharedClock(e);
  const tokens = emulatorTokens(e, portal);
  const requests: string[] = [];
  const countingFetch: FetchLike = (url, init) => {
    requests.push(url);
    return fetch(url, init);
  };
  const changes: EndpointChange[] = [];
  const limiter = createMemoryLimiter({ now: clock.now, sleep: clock.sleep });
  const client = createBitrix24Client({
    tokens,
    limiter,
    fetch: countingFetch,
    clock,
    allowInsecure: true,
    timeoutMs: opts.timeoutMs ?? 5000,
    onEndpointChange: (c) => {
      changes.push(c);
      tokens.current = { ...tokens.current, clientEndpoint: c.clientEndpoint, domain: c.domain };
    },
  });
  return { e, portal, clock, tokens, client, requests, changes, limiter };
}

const expectedIds = (n: number, deleted: number[] = []) =>
  Array.from({ length: n }, (_, i) => i + 1).filter((id) => !deleted.includes(id));

async function exportDealIds(client: ReturnType<typeof createBitrix24Client>, onPage?: (i: number) => void | Promise<void>) {
  const ids: number[] = [];
  let i = 0;
  for await (const page of client.exportList({ method: "crm.deal.list", select: ["ID", "TITLE", "DATE_MODIFY"] })) {
    ids.push(...page.rows.map((r) => Number(r.ID)));
    expect(page.lastId).toBe(ids[ids.length - 1]);
    await onPage?.(i++);
  }
  return ids;
}

describe("exportList against the emulator", () => {
  it.each([0, 49, 50, 2500, 6789])("%i deals: ⌈N/2500⌉(+1) requests, every row once, in order", async (n) => {
    const deleted = n > 100 ? [3, 50, 51, 2500, n - 1] : [];
    const { client, requests } = await setup({ deals: n, deleted });
    const ids = await exportDealIds(client);
    expect(ids).toEqual(expectedIds(n, deleted));
    const rows = n - deleted.length;
    expect(requests.length).toBeLessThanOrEqual(Math.ceil(rows / 2500) + 1);
    expect(requests.length).toBeGreaterThanOrEqual(Math.max(1, Math.ceil(rows / 2500)));
  });

  it.each([1, 2, 3])(
    "survives 500s, 503s, HTML pages, hangs and cut JSON, and a token expiry mid-run (seed %i)",
    async (seed) => {
      const n = 30_000;
      const { e, client, portal, tokens, requests } = await setup({ deals: n, timeoutMs: 1000 });
      portal.setFaults({ seed, error500: 0.1, overload503: 0.1, htmlError: 0.08, hang: 0.05, malformedJson: 0.07 });
      const ids = await exportDealIds(client, (i) => {
        if (i === 2) portal.expireTokens();
      });
      expect(ids).toEqual(expectedIds(n));
      expect(tokens.refreshes).toBe(1);
      const errors = e.counters().portals.p.errors;
      expect(errors.expired_token).toBe(1);
      const faults = ["INTERNAL_SERVER_ERROR", "QUERY_LIMIT_EXCEEDED", "(fault) html", "(fault) hang", "(fault) malformed"];
      const injected = faults.reduce((sum, k) => sum + (errors[k] ?? 0), 0);
      expect(faults.filter((k) => (errors[k] ?? 0) > 0).length).toBeGreaterThanOrEqual(3);
      // Every faulty request was repeated.
      expect(requests.length).toBeGreaterThanOrEqual(Math.ceil(n / 2500) + injected);
    },
  );

  it("follows a domain change mid-run and reports the new endpoint", async () => {
    const n = 6000;
    const { client, portal, changes, requests } = await setup({ deals: n });
    const oldEndpoint = portal.clientEndpoint;
    const ids = await exportDealIds(client, async (i) => {
      if (i === 0) await portal.changeDomain();
    });
    expect(ids).toEqual(expectedIds(n));
    expect(changes).toEqual([
      { previous: oldEndpoint, clientEndpoint: portal.clientEndpoint, domain: new URL(portal.clientEndpoint).host },
    ]);
    expect(portal.clientEndpoint).not.toBe(oldEndpoint);
    // The 302 request is repeated once at the new address; later ones go there directly.
    expect(requests.filter((u) => u.startsWith(oldEndpoint))).toHaveLength(2);
  });

  it("waits out the operating limit of one method while others keep working", async () => {
    const n = 8000;
    const { e, client, clock, limiter } = await setup({ deals: n, plan: "enterprise" });
    // About 0.09 s of server time per 50-row page: 3 s per 10 minutes lets ~33 pages through per window.
    e.setOperatingLimit({ limitSeconds: 3, windowSeconds: 600 });
    let otherCalls = 0;
    const ids = await exportDealIds(client, async () => {
      const paused = limiter.snapshot().paused["crm.deal.list"];
      if (paused === undefined || paused * 1000 <= clock.now()) return;
      // crm.deal.list is paused: another method answers at once, without waiting for it.
      const before = clock.now();
      const res = await client.call("crm.lead.list", { select: ["ID"] });
      expect(res.result).toEqual([]);
      expect(clock.now() - before).toBeLessThan(1000);
      otherCalls++;
    });
    expect(ids).toEqual(expectedIds(n));
    expect(otherCalls).toBeGreaterThan(0);
    // 160 pages at ~33 per window: several windows had to pass.
    expect(clock.slept).toBeGreaterThan(10 * 60_000);
    expect(e.counters().portals.p.errors.OPERATION_TIME_LIMIT).toBeGreaterThanOrEqual(1);
  });

  it("exchanges a code and calls with the resulting tokens", async () => {
    const { e, portal } = await setup({ deals: 3 });
    const tokens = await exchangeCode({
      oauthUrl: e.oauthUrl,
      clientId: e.app.clientId,
      clientSecret: e.app.clientSecret,
      code: portal.issueCode(),
      allowInsecure: true,
      now: () => e.clock.now(),
    });
    expect(tokens.memberId).toBe(portal.memberId);
    expect(tokens.clientEndpoint).toBe(portal.clientEndpoint);
    const client = createBitrix24Client({
      tokens: { get: async () => tokens, refresh: async () => tokens },
      limiter: createMemoryLimiter(),
      allowInsecure: true,
    });
    expect((await client.call("crm.deal.list", { select: ["ID"] })).result).toHaveLength(3);
  });
});

describe("transforms on generated data", () => {
  it("every entity and directory the sync reads parses", async () => {
    emu = await startEmulator({
      clock: createManualClock(T0),
      portals: [{ name: "g", generate: { profile: "healthy", deals: 400, seed: 7 }, plan: "enterprise" }],
    });
    const e = emu;
    const portal = e.portal("g");
    const clock = sharedClock(e);
    const client = createBitrix24Client({
      tokens: emulatorTokens(e, portal),
      limiter: createMemoryLimiter({ now: clock.now, sleep: clock.sleep, bucketSize: 250, drainPerSecond: 5 }),
      clock,
      allowInsecure: true,
    });
    const all = async (method: string, params: Record<string, unknown> = {}) => {
      const rows: unknown[] = [];
      for await (const page of client.exportList({ method, params })) rows.push(...page.rows);
      return rows;
    };

    const deals = parseRows(dealRecord, await all("crm.deal.list", { select: ["*", "UF_*"] }));
    expect(deals).toHaveLength(portal.info().counts.deal);
    expect(deals.every((d) => d.createdAt !== null && d.stageId !== null)).toBe(true);
    expect(deals.some((d) => d.stageSemantic === "S")).toBe(true);

    const leads = parseRows(leadRecord, await all("crm.lead.list"));
    expect(leads).toHaveLength(portal.info().counts.lead);
    expect(parseRows(contactRecord, await all("crm.contact.list"))).toHaveLength(portal.info().counts.contact);
    expect(parseRows(companyRecord, await all("crm.company.list"))).toHaveLength(portal.info().counts.company);
    const activities = parseRows(activityRecord, await all("crm.activity.list"));
    expect(activities).toHaveLength(portal.info().counts.activity);
    expect(activities.every((a) => a.ownerTypeId !== null && a.lastUpdatedAt !== null)).toBe(true);
    const dealHistory = parseRows(stageHistoryRecord, await all("crm.stagehistory.list", { entityTypeId: 2 }));
    expect(dealHistory).toHaveLength(portal.info().counts.dealHistory);
    expect(dealHistory.every((h) => h.stageId !== null && h.createdAt !== null)).toBe(true);
    const leadHistory = parseRows(stageHistoryRecord, await all("crm.stagehistory.list", { entityTypeId: 1 }));
    expect(leadHistory).toHaveLength(portal.info().counts.leadHistory);

    const users = await listUsers(client);
    expect(users.length).toBe(portal.info().counts.user);
    expect((await listStatuses(client)).some((s) => s.semantics === "success")).toBe(true);
    expect((await listCategories(client)).some((c) => c.isDefault)).toBe(true);
    expect((await listCurrencies(client)).some((c) => c.base)).toBe(true);
    expect(Array.isArray(await listWorkflowTemplates(client))).toBe(true);
    expect(Array.isArray(await listUserFields(client, "deal"))).toBe(true);
    expect((await getEntityFields(client, "deal")).some((f) => f.name === "STAGE_ID")).toBe(true);
    expect([1, 2]).toContain(await getCrmMode(client));
    expect((await getAppInfo(client)).installed).toBe(true);
    expect((await getProfile(client)).admin).toBe(true);
  });
});
