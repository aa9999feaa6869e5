import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { createBitrix24Client, type ClientOptions } from "./client";
import { Bitrix24Error, type Bitrix24ErrorKind } from "./errors";
import { createMemoryLimiter } from "./limiter";
import { startCannedServer, replay, type CannedHandler, type CannedResponse, type CannedServer } from "./testing/canned-server";
import { fixture } from "./testing/fixtures";
import { countingTokens, virtualClock } from "./testing/harness";

const ok = (result: unknown, extra: Record<string, unknown> = {}): CannedResponse => ({
  body: { result, time: { start: 1, finish: 1.1, duration: 0.1, processing: 0.05, operating: 0 }, ...extra },
});
const err = (status: number, error: unknown, description = "", extra: Record<string, unknown> = {}): CannedResponse => ({
  status,
  body: { error, error_description: description, ...extra },
});

let servers: CannedServer[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});

async function setup(handler: CannedHandler, opts: Partial<ClientOptions> = {}) {
  const server = await startCannedServer(handler);
  servers.push(server);
  const clock = virtualClock();
  const tokens = countingTokens({ clientEndpoint: `${server.url}/rest/` });
  const limiter = createMemoryLimiter({ now: clock.now, sleep: clock.sleep });
  const changes: unknown[] = [];
  const client = createBitrix24Client({
    tokens,
    limiter,
    clock,
    allowInsecure: true,
    timeoutMs: 500,
    onEndpointChange: (c) => {
      changes.push(c);
    },
    ...opts,
  });
  return { server, clock, tokens, limiter, client, changes };
}

async function failure(p: Promise<unknown>): Promise<Bitrix24Error> {
  try {
    await p;
  } catch (e) {
    if (e instanceof Bitrix24Error) return e;
    throw e;
  }
  throw new Error("expected a Bitrix24Error");
}

describe("call", () => {
  it("POSTs JSON with auth in the body and parses the envelope", async () => {
    const { server, client } = await setup(() => ({ body: fixture("crm-deal-list.json") }));
    const res = await client.call("crm.deal.list", { filter: { ">ID": 5 }, select: ["ID"] });
    expect(server.requests).toHaveLength(1);
    const req = server.requests[0];
    expect(req.method).toBe("POST");
    expect(req.path).toBe("/rest/crm.deal.list");
    expect(req.headers["content-type"]).toBe("application/json");
    expect(req.json).toEqual({ filter: { ">ID": 5 }, select: ["ID"], auth: "access-1" });
    expect(req.path).not.toContain("access-1");
    expect(Array.isArray(res.result)).toBe(true);
    expect(res.total).toBe(fixture<{ total: number }>("crm-deal-list.json").total);
    expect(res.time?.duration).toBeGreaterThan(0);
  });

  it("parses result with a schema and reports a mismatch as malformed", async () => {
    const { client } = await setup(() => ok({ a: 1 }));
    const good = await client.call("x.get", {}, z.object({ a: z.number() }));
    expect(good.result.a).toBe(1);
    const e = await failure(client.call("x.get", {}, z.object({ a: z.string() })));
    expect(e.kind).toBe("malformed");
    expect(e.code).toBe("UNEXPECTED_RESULT");
  });

  it("normalises operating_reset_at given as an ISO string", async () => {
    const { client } = await setup(() => ({ body: fixture("crm-activity-list.json") }));
    const res = await client.call("crm.activity.list");
    expect(res.time?.operatingResetAt).toBe(Date.parse("2024-08-26T16:11:37+03:00") / 1000);
  });
});

describe("HTTP statuses and bodies (API.md §2)", () => {
  const table: Array<[string, Bitrix24ErrorKind, number, CannedResponse]> = [
    ["500 INTERNAL_SERVER_ERROR", "transient", 3, err(500, "INTERNAL_SERVER_ERROR", "Internal server error")],
    ["500 ERROR_UNEXPECTED_ANSWER", "transient", 3, err(500, "ERROR_UNEXPECTED_ANSWER")],
    ["500 PORTAL_DELETED", "portal_deleted", 1, err(500, "PORTAL_DELETED", "Portal was deleted")],
    ["503 OVERLOAD_LIMIT", "overload", 1, err(503, "OVERLOAD_LIMIT", "REST API is blocked due to overload")],
    ["405 ERROR_BATCH_METHOD_NOT_ALLOWED", "method_error", 1, err(405, "ERROR_BATCH_METHOD_NOT_ALLOWED")],
    ["400 INVALID_REQUEST", "method_error", 1, err(400, "INVALID_REQUEST", "Https required.")],
    ["401 NO_AUTH_FOUND", "needs_reauth", 1, err(401, "NO_AUTH_FOUND", "Wrong authorization data")],
    ["403 ACCESS_DENIED plan", "payment_required", 1, err(403, "ACCESS_DENIED", "REST API is available only on commercial plans")],
    ["403 INVALID_CREDENTIALS", "access_denied", 1, err(403, "INVALID_CREDENTIALS")],
    ["403 insufficient_scope", "insufficient_scope", 1, err(403, "insufficient_scope")],
    ["404 ERROR_METHOD_NOT_FOUND", "method_not_found", 1, err(404, "ERROR_METHOD_NOT_FOUND", "Method not found!")],
    ["404 ERROR_MANIFEST_IS_NOT_AVAILABLE", "method_error", 1, err(404, "ERROR_MANIFEST_IS_NOT_AVAILABLE")],
    ["400 empty code Not found", "method_error", 1, { status: 400, body: fixture("error-empty-code-not-found.json") }],
    ["502 HTML page", "transient", 3, { status: 502, body: "<html><body><h1>502 Bad Gateway</h1></body></html>" }],
    ["200 HTML page", "malformed", 1, { status: 200, body: "<!DOCTYPE html><html><title>Maintenance</title></html>" }],
    ["200 truncated JSON", "malformed", 1, { status: 200, body: '{"result":[{"ID":"1"},{"ID"' }],
    ["200 JSON without result", "malformed", 1, { status: 200, body: { foo: 1 } }],
    ["200 empty body", "malformed", 1, { status: 200, body: "" }],
    ["200 JSON array", "malformed", 1, { status: 200, body: [1, 2] }],
  ];

  it.each(table)("%s → %s after %i request(s)", async (_name, kind, requests, answer) => {
    const { server, client } = await setup(() => answer, { retries: 2 });
    const e = await failure(client.call("crm.deal.list"));
    expect(e.kind).toBe(kind);
    expect(server.requests).toHaveLength(requests);
  });

  it("malformed answers return nothing and say what came", async () => {
    const { client } = await setup(() => ({ status: 200, body: "<html>Service temporarily unavailable</html>" }));
    const e = await failure(client.call("crm.deal.list"));
    expect(e.kind).toBe("malformed");
    expect(e.description).toContain("not JSON");
    expect(e.description).toContain("Service temporarily unavailable");
  });

  it("a body cut off mid-transfer is a transient failure, then succeeds on retry", async () => {
    const { server, client } = await setup(
      replay([{ body: { result: [1, 2, 3] }, cutAfterBytes: 10 }, ok([1, 2, 3])]),
    );
    const res = await client.call("x.list");
    expect(res.result).toEqual([1, 2, 3]);
    expect(server.requests).toHaveLength(2);
  });
});

describe("retries", () => {
  it("retries 5xx with exponential backoff and jitter, then succeeds", async () => {
    const { server, client, clock } = await setup(
      replay([err(500, "INTERNAL_SERVER_ERROR"), err(502, ""), ok("fine")]),
    );
    const res = await client.call("x.get");
    expect(res.result).toBe("fine");
    expect(server.requests).toHaveLength(3);
    // random() = 0.5 → 75 % of 500 ms, then of 1000 ms.
    expect(clock.slept).toBe(375 + 750);
  });

  it("gives up after the configured number of retries", async () => {
    const { server, client } = await setup(() => err(500, "INTERNAL_SERVER_ERROR"), { retries: 4 });
    const e = await failure(client.call("x.get"));
    expect(e.kind).toBe("transient");
    expect(server.requests).toHaveLength(5);
  });

  it("times out a hanging connection and retries it", async () => {
    const { server, client } = await setup(replay([{ hang: true }, ok(42)]), { timeoutMs: 200 });
    const res = await client.call("x.get");
    expect(res.result).toBe(42);
    expect(server.requests).toHaveLength(2);
  });

  it("reports a timeout as transient TIMEOUT once retries are spent", async () => {
    const { client } = await setup(() => ({ hang: true }), { timeoutMs: 100, retries: 1 });
    const e = await failure(client.call("x.get"));
    expect(e.kind).toBe("transient");
    expect(e.code).toBe("TIMEOUT");
  });

  it("reports a refused connection as transient NETWORK", async () => {
    const server = await startCannedServer(() => ok(1));
    const url = server.url;
    await server.close();
    const clock = virtualClock();
    const client = createBitrix24Client({
      tokens: countingTokens({ clientEndpoint: `${url}/rest/` }),
      limiter: createMemoryLimiter({ now: clock.now, sleep: clock.sleep }),
      clock,
      allowInsecure: true,
      retries: 1,
    });
    const e = await failure(client.call("x.get"));
    expect(e.kind).toBe("transient");
    expect(e.code).toBe("NETWORK");
  });
});

describe("tokens", () => {
  it("refreshes once after 401 expired_token and repeats the call with the new token", async () => {
    const { server, client, tokens } = await setup((req) =>
      req.json?.auth === "access-1" ? err(401, "expired_token", "The access token provided has expired") : ok("ok"),
    );
    const res = await client.call("x.get", { id: 1 });
    expect(res.result).toBe("ok");
    expect(tokens.refreshes).toHaveLength(1);
    expect(tokens.refreshes[0].accessToken).toBe("access-1");
    expect(server.requests.map((r) => r.json)).toEqual([
      { id: 1, auth: "access-1" },
      { id: 1, auth: "access-2" },
    ]);
  });

  it("refreshes on invalid_token too", async () => {
    const { client, tokens } = await setup((req) =>
      req.json?.auth === "access-1" ? err(401, "invalid_token") : ok("ok"),
    );
    await client.call("x.get");
    expect(tokens.refreshes).toHaveLength(1);
  });

  it("refreshes at most once per call", async () => {
    const { server, client, tokens } = await setup(() => err(401, "expired_token"));
    const e = await failure(client.call("x.get"));
    expect(e.kind).toBe("expired_token");
    expect(tokens.refreshes).toHaveLength(1);
    expect(server.requests).toHaveLength(2);
  });

  it("does not refresh on NO_AUTH_FOUND", async () => {
    const { client, tokens } = await setup(() => err(401, "NO_AUTH_FOUND"));
    expect((await failure(client.call("x.get"))).kind).toBe("needs_reauth");
    expect(tokens.refreshes).toHaveLength(0);
  });

  it("passes a refresh failure through", async () => {
    const { client, tokens } = await setup(() => err(401, "expired_token"));
    tokens.refresh = async () => {
      throw new Bitrix24Error({ kind: "needs_reauth", code: "invalid_grant" });
    };
    expect((await failure(client.call("x.get"))).kind).toBe("needs_reauth");
  });
});

describe("limits", () => {
  it("waits after 503 QUERY_LIMIT_EXCEEDED and sends again", async () => {
    const { server, client, clock } = await setup(
      replay([err(503, "QUERY_LIMIT_EXCEEDED", "Too many requests"), err(503, "QUERY_LIMIT_EXCEEDED"), ok(1)]),
    );
    const start = clock.now();
    const res = await client.call("x.get");
    expect(res.result).toBe(1);
    expect(server.requests).toHaveLength(3);
    // Backoff 1 s then 1.5 s, jittered to 75 %.
    expect(clock.now() - start).toBeGreaterThanOrEqual(750 + 1125);
  });

  it("gives up on QUERY_LIMIT_EXCEEDED after maxRateLimitWaits", async () => {
    const { server, client } = await setup(() => err(503, "QUERY_LIMIT_EXCEEDED"), { maxRateLimitWaits: 2 });
    expect((await failure(client.call("x.get"))).kind).toBe("rate_limited");
    expect(server.requests).toHaveLength(3);
  });

  it("paces requests through the leaky bucket", async () => {
    const { server, client, clock } = await setup(() => ok(1), {});
    const start = clock.now();
    for (let i = 0; i < 54; i++) await client.call("x.get");
    expect(server.requests).toHaveLength(54);
    // 50 in a burst, then one every 500 ms.
    expect(clock.now() - start).toBeGreaterThanOrEqual(1900);
  });

  it("429 OPERATION_TIME_LIMIT pauses only that method until operating_reset_at", async () => {
    // Sleeps wait for the test to release them, so the pause can be observed while it lasts.
    let t = Date.UTC(2026, 0, 15, 9, 0, 0);
    const pending: Array<{ ms: number; release: () => void }> = [];
    const clock = {
      now: () => t,
      random: () => 0.5,
      sleep: (ms: number) =>
        new Promise<void>((resolve) => pending.push({ ms, release: () => ((t += ms), resolve()) })),
    };
    const resetAt = Math.floor(t / 1000) + 120;
    let limited = true;
    const server = await startCannedServer((req) => {
      if (req.path.endsWith("/crm.deal.list") && limited) {
        limited = false;
        return err(429, "OPERATION_TIME_LIMIT", "Method is blocked due to operation time limit.", {
          time: { operating_reset_at: resetAt, operating: 481 },
        });
      }
      return ok(req.path);
    });
    servers.push(server);
    const limiter = createMemoryLimiter({ now: clock.now, sleep: clock.sleep });
    const client = createBitrix24Client({
      tokens: countingTokens({ clientEndpoint: `${server.url}/rest/` }),
      limiter,
      clock,
      allowInsecure: true,
    });

    const deals = client.call("crm.deal.list");
    while (pending.length === 0) await new Promise((r) => setTimeout(r, 5));
    expect(limiter.snapshot().paused).toEqual({ "crm.deal.list": resetAt });
    expect(pending[0].ms).toBe(120_000);

    // Other methods go on while crm.deal.list waits.
    const leads = await client.call("crm.lead.list");
    expect(leads.result).toBe("/rest/crm.lead.list");
    expect(server.requests.map((r) => r.path)).toEqual(["/rest/crm.deal.list", "/rest/crm.lead.list"]);

    pending.shift()!.release();
    const res = await deals;
    expect(res.result).toBe("/rest/crm.deal.list");
    expect(t).toBeGreaterThanOrEqual(resetAt * 1000);
    expect(server.requests).toHaveLength(3);
  });

  it("throws operating_limit with the reset time when the pause is longer than allowed", async () => {
    const { client, clock } = await setup(() => err(429, "OPERATION_TIME_LIMIT"), { maxOperatingWaitMs: 10_000 });
    const e = await failure(client.call("crm.deal.list"));
    expect(e.kind).toBe("operating_limit");
    expect(e.operatingResetAt).toBeGreaterThan(clock.now() / 1000);
  });

  it("records operating time and pauses a method close to its budget", async () => {
    const clockProbe = virtualClock();
    const resetAt = Math.floor(clockProbe.now() / 1000) + 300;
    const { client, limiter } = await setup(() => ({
      body: { result: [], time: { duration: 1, operating: 470, operating_reset_at: resetAt } },
    }));
    await client.call("crm.activity.list");
    expect(limiter.snapshot().operating["crm.activity.list"]).toBe(470);
    expect(limiter.snapshot().paused["crm.activity.list"]).toBe(resetAt);
  });
});

describe("domain change (302)", () => {
  it("repeats the same method and body at Location and reports the new endpoint", async () => {
    const target = await startCannedServer(() => ok("moved"));
    servers.push(target);
    const { server, client, changes } = await setup(() => ({
      status: 302,
      headers: { location: `${target.url}/rest/crm.deal.list` },
      body: "",
    }));
    const res = await client.call("crm.deal.list", { filter: { ">ID": 10 } });
    expect(res.result).toBe("moved");
    expect(server.requests).toHaveLength(1);
    expect(target.requests).toHaveLength(1);
    expect(target.requests[0].method).toBe("POST");
    expect(target.requests[0].path).toBe("/rest/crm.deal.list");
    expect(target.requests[0].body).toBe(server.requests[0].body);
    expect(changes).toEqual([
      { previous: `${server.url}/rest/`, clientEndpoint: `${target.url}/rest/`, domain: new URL(target.url).host },
    ]);
    // Later calls go to the new address straight away.
    await client.call("crm.lead.list");
    expect(server.requests).toHaveLength(1);
    expect(target.requests.map((r) => r.path)).toEqual(["/rest/crm.deal.list", "/rest/crm.lead.list"]);
  });

  it("refuses a redirect to plain http unless allowed", async () => {
    const { client } = await setup(() => ({ status: 302, headers: { location: "http://evil.example/rest/x" } }), {
      allowInsecure: false,
    });
    // The test server itself is http, so the first request is refused before it is sent.
    const e = await failure(client.call("x"));
    expect(e.code).toBe("INSECURE_URL");
  });

  it("stops redirect loops", async () => {
    const { client } = await setup((req) => ({ status: 302, headers: { location: req.path } }));
    expect((await failure(client.call("x"))).code).toBe("TOO_MANY_REDIRECTS");
  });
});

describe("batch", () => {
  it("sends PHP-style command strings and splits per-command results", async () => {
    const { server, client } = await setup(() => ({ body: fixture("batch-success.json") }));
    const res = await client.batch({
      get_user: { method: "user.current" },
      get_department: { method: "department.get", params: { ID: "$result[get_user][UF_DEPARTMENT][0]" } },
    });
    expect(server.requests[0].path).toBe("/rest/batch");
    expect(server.requests[0].json).toEqual({
      halt: 0,
      cmd: { get_user: "user.current", get_department: "department.get?ID=$result[get_user][UF_DEPARTMENT][0]" },
      auth: "access-1",
    });
    expect(res.results.get_user.status).toBe("ok");
    const dep = res.results.get_department;
    expect(dep.status === "ok" && dep.total).toBe(1);
    expect(dep.status === "ok" && dep.time?.duration).toBeGreaterThan(0);
  });

  it("reports sub-command errors (halt = 0) with their kind", async () => {
    const { client } = await setup(() => ({ body: fixture("batch-with-errors.json") }));
    const res = await client.batch({ get_user: { method: "user.current" }, get_department: { method: "department.get" } });
    for (const key of ["get_user", "get_department"]) {
      const r = res.results[key];
      expect(r.status).toBe("error");
      if (r.status === "error") {
        expect(r.error.kind).toBe("insufficient_scope");
        expect(r.error.command).toBe(key);
      }
    }
  });

  it("marks commands after a halting failure as skipped", async () => {
    const { server, client } = await setup(() => ({ body: fixture("batch-with-errors-halt.json") }));
    const res = await client.batch(
      { get_user: { method: "user.current" }, get_department: { method: "department.get" } },
      { halt: true },
    );
    expect(server.requests[0].json?.halt).toBe(1);
    expect(res.results.get_user.status).toBe("error");
    expect(res.results.get_department.status).toBe("skipped");
  });

  it("refuses more than 50 commands before sending", async () => {
    const { server, client } = await setup(() => ok({}));
    const commands = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`c${i}`, { method: "x" }]));
    const e = await failure(client.batch(commands));
    expect(e.code).toBe("ERROR_BATCH_LENGTH_EXCEEDED");
    expect(server.requests).toHaveLength(0);
  });

  it("pauses a method whose sub-command hit the operating limit", async () => {
    const { client, limiter, clock } = await setup(() => ({
      body: {
        result: {
          result: { a: [] },
          result_error: { b: { error: "OPERATION_TIME_LIMIT", error_description: "" } },
          result_total: [],
          result_next: [],
          result_time: { a: { duration: 0.1, operating: 12, operating_reset_at: 1 } },
        },
      },
    }));
    const res = await client.batch({ a: { method: "crm.deal.list" }, b: { method: "crm.activity.list" } });
    expect(res.results.b.status).toBe("error");
    expect(limiter.snapshot().operating["crm.deal.list"]).toBe(12);
    expect(limiter.snapshot().paused["crm.activity.list"]).toBeGreaterThan(clock.now() / 1000);
    expect(limiter.snapshot().paused["crm.deal.list"]).toBeUndefined();
  });
});
