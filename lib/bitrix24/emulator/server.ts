/**
 * Starts the emulator over node:http: one listener for the OAuth server and the control API, and one per
 * portal address.
 *
 * Each portal gets its own port (`http://127.0.0.1:4101/`) rather than a host name such as
 * `portal.localhost`: browsers resolve `*.localhost` to the loopback address, but Node's resolver (and so
 * `fetch` in the app's server code) does not, and a path prefix (`/p/portal/rest/…`) would not look like
 * Bitrix24, where the REST endpoint sits at the root of the portal's own origin. A domain change moves the
 * portal to a new port while the old one keeps answering 302 to the new address.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { handleAuthorize } from "./authorize";
import { handleControl } from "./control";
import { Engine } from "./engine";
import { Emulator, type Runtime } from "./handle";
import { redirect, sendHtml, sendJson } from "./http";
import type { EmulatorOptions, PortalConfig } from "./model";
import { handleOAuthRest, handleTokenRequest } from "./oauth";
import type { Portal } from "./portal";
import { handleRest, methodFromPath } from "./rest/router";

type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

function guarded(handler: Handler): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    handler(req, res).catch((e: unknown) => {
      console.error("[bitrix24 emulator]", e);
      if (!res.headersSent) sendJson(res, 500, { error: "INTERNAL_SERVER_ERROR", error_description: String(e) });
      else res.destroy();
    });
  };
}

/**
 * Starts an emulator: `const emu = await startEmulator({ portals: [{ name: "a" }] }); emu.portal("a").url;
 * await emu.close()`. With `port: 0` (the default) every listener takes a free port.
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const engine = new Engine(options);
  const host = options.host ?? "127.0.0.1";
  const servers = new Set<Server>();
  let nextPort = 0;

  const listen = (handler: Handler, port: number, exact: boolean): Promise<number> =>
    new Promise((resolve, reject) => {
      const server = createServer(guarded(handler));
      server.once("error", (e: NodeJS.ErrnoException) => {
        if (e.code === "EADDRINUSE" && !exact && port !== 0 && port < 65535) resolve(listen(handler, port + 1, false));
        else reject(e);
      });
      server.listen(port, host, () => {
        servers.add(server);
        resolve((server.address() as AddressInfo).port);
      });
    });

  /** Listens for `portal` on a new port; earlier listeners of the portal start redirecting. */
  const bind = async (portal: Portal, requestedPort?: number): Promise<void> => {
    const binding = { current: true };
    const port = await listen(
      async (req, res) => {
        if (!binding.current) return redirect(res, `${portal.url.replace(/\/$/, "")}${req.url ?? "/"}`);
        await servePortal(portal, req, res);
      },
      requestedPort ?? nextPort,
      requestedPort !== undefined && requestedPort !== 0,
    );
    if (nextPort !== 0) nextPort = Math.max(nextPort, port + 1);
    const previous = bindings.get(portal);
    if (previous) previous.current = false;
    bindings.set(portal, binding);
    portal.address = { host, port };
  };
  const bindings = new Map<Portal, { current: boolean }>();

  const servePortal = async (portal: Portal, req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    if (path.startsWith("/rest/")) return handleRest(engine, portal, methodFromPath(path.slice(6)), req, res);
    if (path === "/oauth/authorize" || path === "/oauth/authorize/") return handleAuthorize(engine, portal, req, res);
    if (path === "/") return sendHtml(res, 200, `<!DOCTYPE html><title>Bitrix24</title><h1>Bitrix24 — ${portal.name}</h1>`);
    sendHtml(res, 404, "<!DOCTYPE html><title>404</title><h1>404 Not Found</h1>");
  };

  let emu: Emulator;
  const mainPort = await listen(
    async (req, res) => {
      const path = new URL(req.url ?? "/", "http://x").pathname;
      if (path === "/oauth/token" || path === "/oauth/token/") return handleTokenRequest(engine, req, res);
      if (path.startsWith("/rest/")) return handleOAuthRest(engine, methodFromPath(path.slice(6)), req, res);
      if (path === "/_emulator" || path.startsWith("/_emulator/")) return handleControl(emu, req, res);
      if (path === "/") return sendJson(res, 200, emu.info());
      sendJson(res, 404, { error: "not_found" });
    },
    options.port ?? 0,
    (options.port ?? 0) !== 0,
  );
  engine.oauthBase = `http://${host}:${mainPort}`;
  if (options.port) nextPort = mainPort + 1;

  const runtime: Runtime = {
    engine,
    relocate: (portal) => bind(portal),
    async addPortal(config: PortalConfig) {
      const portal = engine.addPortal(config);
      await bind(portal, config.port);
      if (config.generate) await engine.generate(portal, config.generate);
      return portal;
    },
    async close() {
      await Promise.all(
        [...servers].map(
          (s) =>
            new Promise<void>((resolve) => {
              s.close(() => resolve());
              s.closeAllConnections();
            }),
        ),
      );
      servers.clear();
    },
  };
  emu = new Emulator(runtime);
  try {
    for (const config of options.portals ?? []) await runtime.addPortal(config);
  } catch (e) {
    await runtime.close();
    throw e;
  }
  return emu;
}
