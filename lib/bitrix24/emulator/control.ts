/**
 * The HTTP control API under `/_emulator/…` (JSON in, JSON out), for tests, e2e specs and benchmarks that
 * run the emulator in another process. Each route calls the programmatic handle (handle.ts).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { ControlError, type Emulator } from "./handle";
import { readBody, sendJson } from "./http";

type Json = Record<string, unknown>;

interface Route {
  method: string;
  pattern: RegExp;
  run: (emu: Emulator, match: string[], body: Json) => unknown | Promise<unknown>;
}

const P = "/_emulator/portals/([^/]+)";

const routes: Route[] = [
  { method: "GET", pattern: /^\/_emulator\/?$/, run: (emu) => emu.info() },
  { method: "GET", pattern: /^\/_emulator\/portals\/?$/, run: (emu) => emu.portals.map((p) => p.info()) },
  { method: "POST", pattern: /^\/_emulator\/portals\/?$/, run: async (emu, _, body) => (await emu.addPortal(body as never)).info() },
  { method: "GET", pattern: new RegExp(`^${P}$`), run: (emu, [p]) => emu.portal(p).info() },
  {
    method: "PATCH",
    pattern: new RegExp(`^${P}$`),
    run: (emu, [p], body) => {
      emu.portal(p).configure(body);
      return emu.portal(p).info();
    },
  },
  { method: "DELETE", pattern: new RegExp(`^${P}$`), run: (emu, [p]) => (emu.portal(p).delete(), { deleted: true }) },
  { method: "POST", pattern: new RegExp(`^${P}/faults$`), run: (emu, [p], body) => (emu.portal(p).setFaults(body), { ok: true }) },
  { method: "DELETE", pattern: new RegExp(`^${P}/faults$`), run: (emu, [p]) => (emu.portal(p).clearFaults(), { ok: true }) },
  { method: "POST", pattern: new RegExp(`^${P}/expire-tokens$`), run: (emu, [p]) => (emu.portal(p).expireTokens(), { ok: true }) },
  { method: "POST", pattern: new RegExp(`^${P}/domain$`), run: (emu, [p]) => emu.portal(p).changeDomain() },
  {
    method: "POST",
    pattern: new RegExp(`^${P}/install$`),
    run: (emu, [p], body) => (emu.portal(p).install(body.clientId as string | undefined), { installed: true }),
  },
  {
    method: "POST",
    pattern: new RegExp(`^${P}/uninstall$`),
    run: (emu, [p], body) => ({
      uninstalled: emu.portal(p).uninstall({ clientId: body.clientId as string | undefined, clean: body.clean as boolean | undefined }),
    }),
  },
  { method: "POST", pattern: new RegExp(`^${P}/reset-limits$`), run: (emu, [p]) => (emu.portal(p).resetLimits(), { ok: true }) },
  {
    method: "POST",
    pattern: new RegExp(`^${P}/tokens$`),
    run: (emu, [p], body) => emu.portal(p).issueTokens({ clientId: body.clientId as string | undefined, userId: body.userId as number | undefined }),
  },
  { method: "POST", pattern: new RegExp(`^${P}/code$`), run: (emu, [p], body) => ({ code: emu.portal(p).issueCode(body.clientId as string | undefined) }) },
  {
    method: "POST",
    pattern: new RegExp(`^${P}/generate$`),
    run: async (emu, [p], body) => {
      if (typeof body.profile !== "string" || typeof body.deals !== "number") throw new ControlError(400, "profile and deals are required");
      await emu.portal(p).generate(body as never);
      return emu.portal(p).info();
    },
  },
  { method: "POST", pattern: new RegExp(`^${P}/records/([^/]+)$`), run: (emu, [p, e], body) => emu.portal(p).createRecord(e, body as never) },
  {
    method: "GET",
    pattern: new RegExp(`^${P}/records/([^/]+)/(\\d+)$`),
    run: (emu, [p, e, id]) => emu.portal(p).getRecord(e, Number(id)) ?? notFound(),
  },
  {
    method: "PATCH",
    pattern: new RegExp(`^${P}/records/([^/]+)/(\\d+)$`),
    run: (emu, [p, e, id], body) => emu.portal(p).updateRecord(e, Number(id), body as never) ?? notFound(),
  },
  {
    method: "DELETE",
    pattern: new RegExp(`^${P}/records/([^/]+)/(\\d+)$`),
    run: (emu, [p, e, id]) => (emu.portal(p).deleteRecord(e, Number(id)) ? { deleted: true } : notFound()),
  },
  { method: "GET", pattern: /^\/_emulator\/counters\/?$/, run: (emu) => emu.counters() },
  { method: "POST", pattern: /^\/_emulator\/counters\/reset$/, run: (emu) => (emu.resetCounters(), { ok: true }) },
  { method: "GET", pattern: /^\/_emulator\/events\/?$/, run: (emu) => emu.sentEvents() },
  { method: "POST", pattern: /^\/_emulator\/events\/flush$/, run: async (emu) => (await emu.flushEvents(), { ok: true }) },
  { method: "POST", pattern: /^\/_emulator\/oauth\/faults$/, run: (emu, _, body) => (emu.setOAuthFaults(body), { ok: true }) },
  {
    method: "POST",
    pattern: /^\/_emulator\/limits$/,
    run: (emu, _, body) => {
      if (body.operating) emu.setOperatingLimit(body.operating as never);
      if (body.cost) emu.setCost(body.cost as never);
      return { ok: true };
    },
  },
  { method: "GET", pattern: /^\/_emulator\/clock$/, run: (emu) => ({ now: emu.clock.now() }) },
  {
    method: "POST",
    pattern: /^\/_emulator\/clock$/,
    run: (emu, _, body) => {
      if (typeof body.advanceMs !== "number") throw new ControlError(400, "advanceMs is required");
      emu.advanceClock(body.advanceMs);
      return { now: emu.clock.now() };
    },
  },
];

function notFound(): never {
  throw new ControlError(404, "record not found");
}

/** Handles a `/_emulator/…` request. */
export async function handleControl(emu: Emulator, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = new URL(req.url ?? "/", "http://x").pathname;
  const method = req.method ?? "GET";
  for (const route of routes) {
    if (route.method !== method) continue;
    const m = route.pattern.exec(path);
    if (!m) continue;
    try {
      const text = await readBody(req);
      const body = text.trim() ? (JSON.parse(text) as Json) : {};
      const result = await route.run(emu, m.slice(1).map(decodeURIComponent), body);
      return sendJson(res, 200, result ?? { ok: true });
    } catch (e) {
      if (e instanceof ControlError) return sendJson(res, e.status, { error: e.message });
      if (e instanceof SyntaxError) return sendJson(res, 400, { error: `invalid JSON: ${e.message}` });
      return sendJson(res, 500, { error: e instanceof Error ? e.message : String(e) });
    }
  }
  sendJson(res, 404, { error: `no control route ${method} ${path}` });
}
