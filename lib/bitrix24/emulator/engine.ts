/**
 * The emulator's state and the operations shared by the OAuth server, the portals' REST API and the control
 * API: apps and portals, tokens and codes, installs, and outgoing events. Knows nothing about HTTP.
 */
import { createSystemClock, type Clock } from "./clock";
import { Counters } from "./counters";
import { seedDefaults } from "./defaults";
import { EventSender } from "./events";
import { FaultInjector } from "./faults";
import { DEFAULT_APP, DEFAULT_COST, type AppConfig, type CostModel, type EmulatorOptions, type PortalConfig } from "./model";
import { Portal, type AppInstall, type EventHandlerBinding } from "./portal";
import { createPortalData, trimPortalData } from "./store/portal-data";
import { randomCode, randomNonce, TokenSigner, type TokenClaims } from "./tokens";
import type { GenerateOptions, PortalDataSink } from "./types";
import { randomBytes } from "node:crypto";

/** A token answer shaped like oauth.bitrix.info's (fixtures/oauth-token-*.json). */
export interface TokenResponse {
  access_token: string;
  refresh_token: string;
  expires: number;
  expires_in: number;
  scope: string;
  domain: string;
  server_endpoint: string;
  client_endpoint: string;
  member_id: string;
  user_id: number;
  status: string;
}

interface CodeEntry {
  portal: Portal;
  appIndex: number;
  userId: number;
  expiresAt: number;
}

/** An app with its defaults filled in. */
export type RegisteredApp = AppConfig & { scope: string[]; code: string; version: number; status: NonNullable<AppConfig["status"]> };

export type AuthResult =
  | { ok: true; claims: TokenClaims; app: RegisteredApp; appIndex: number }
  | { ok: false; reason: "invalid" | "expired" };

/** The admin who approves installs and on whose behalf events are sent. */
export const ADMIN_USER_ID = 1;

const sec = (ms: number) => Math.floor(ms / 1000);

/** The emulator's state: apps, portals, tokens, codes, installs and outgoing events. */
export class Engine {
  readonly clock: Clock;
  readonly signer: TokenSigner;
  readonly counters = new Counters();
  readonly events: EventSender;
  readonly apps: RegisteredApp[];
  readonly portals: Portal[] = [];
  /** Faults of the token endpoint: error500, htmlError and hang before the grant, malformedJson after it. */
  readonly oauthFaults = new FaultInjector({});
  readonly accessTtl: number;
  readonly refreshTtl: number;
  readonly codeTtl: number;
  readonly cost: CostModel;
  readonly latencyScale: number;
  readonly options: EmulatorOptions;
  /** Base URL of the OAuth server (`http://127.0.0.1:4100`), set once listening. */
  oauthBase = "http://127.0.0.1";
  private readonly codes = new Map<string, CodeEntry>();

  constructor(options: EmulatorOptions) {
    this.options = options;
    this.clock = options.clock ?? createSystemClock();
    this.signer = new TokenSigner(options.tokenSecret ?? randomBytes(16).toString("hex"));
    this.events = new EventSender(this.counters, options.eventTimeoutMs ?? 5000);
    this.apps = (options.apps?.length ? options.apps : [DEFAULT_APP]).map((a) => ({
      ...a,
      scope: a.scope ?? DEFAULT_APP.scope!,
      code: a.code ?? DEFAULT_APP.code!,
      version: a.version ?? 1,
      status: a.status ?? "F",
    }));
    this.accessTtl = options.accessTokenTtlSeconds ?? 3600;
    this.refreshTtl = options.refreshTokenTtlSeconds ?? 180 * 24 * 3600;
    this.codeTtl = options.codeTtlSeconds ?? 30;
    this.cost = { ...DEFAULT_COST, ...options.cost };
    this.latencyScale = options.latencyScale ?? 0;
  }

  get oauthHost(): string {
    return new URL(this.oauthBase).host;
  }

  /** `http://127.0.0.1:4100/rest/`, like `https://oauth.bitrix.info/rest/`. */
  get serverEndpoint(): string {
    return `${this.oauthBase}/rest/`;
  }

  /** Registers a portal (not yet listening) with its apps installed unless configured otherwise. */
  addPortal(config: PortalConfig): Portal {
    if (this.portals.some((p) => p.name === config.name)) throw new Error(`portal ${config.name} already exists`);
    const portal = new Portal(config, this.options.operating ?? { limitSeconds: 480, windowSeconds: 600 });
    seedDefaults(portal.data, { baseCurrency: portal.baseCurrency, now: this.clock.now() });
    if (config.installed ?? true) this.apps.forEach((_, i) => this.markInstalled(portal, i));
    this.portals.push(portal);
    return portal;
  }

  /** A portal by name or member_id. */
  findPortal(nameOrMemberId: string): Portal | undefined {
    return this.portals.find((p) => p.name === nameOrMemberId || p.memberId === nameOrMemberId);
  }

  portalByKey(key: number): Portal | undefined {
    return this.portals.find((p) => p.key === key);
  }

  appIndex(clientId: string): number {
    return this.apps.findIndex((a) => a.clientId === clientId);
  }

  // ---- tokens -------------------------------------------------------------------------------------------

  /** A new access/refresh pair for `userId` on `portal`. */
  issuePair(portal: Portal, appIndex: number, userId: number): TokenResponse {
    const now = sec(this.clock.now());
    const app = this.apps[appIndex];
    const base = {
      portalKey: portal.key,
      appIndex,
      userId,
      issuedAt: now,
      epoch: portal.tokenEpoch,
      generation: portal.installs.get(appIndex)?.generation ?? 0,
      nonce: randomNonce(),
    };
    return {
      access_token: this.signer.sign({ ...base, kind: "access", expiresAt: now + this.accessTtl }),
      refresh_token: this.signer.sign({ ...base, kind: "refresh", expiresAt: now + this.refreshTtl }),
      expires: now + this.accessTtl,
      expires_in: this.accessTtl,
      scope: app.scope.join(","),
      domain: this.oauthHost,
      server_endpoint: this.serverEndpoint,
      client_endpoint: portal.clientEndpoint,
      member_id: portal.memberId,
      user_id: userId,
      status: app.status,
    };
  }

  /** Checks an access token presented to `portal` (or to the OAuth server's REST when `portal` is null). */
  authenticate(token: string, portal: Portal | null): AuthResult {
    const claims = this.signer.verify(token);
    if (!claims || claims.kind !== "access") return { ok: false, reason: "invalid" };
    const target = portal ?? this.portalByKey(claims.portalKey);
    if (!target || target.key !== claims.portalKey) return { ok: false, reason: "invalid" };
    const app = this.apps[claims.appIndex];
    const install = target.installs.get(claims.appIndex);
    if (!app || !install?.installed || claims.generation < install.generation) return { ok: false, reason: "invalid" };
    if (target.usedNonces.has(claims.nonce)) return { ok: false, reason: "invalid" };
    if (sec(this.clock.now()) >= claims.expiresAt || claims.epoch < (target.tokenEpoch & 0xff)) {
      return { ok: false, reason: "expired" };
    }
    return { ok: true, claims, app, appIndex: claims.appIndex };
  }

  /** A one-time authorization code, valid for `codeTtl` seconds. */
  issueCode(portal: Portal, appIndex: number, userId: number): string {
    const code = randomCode();
    this.codes.set(code, { portal, appIndex, userId, expiresAt: this.clock.now() + this.codeTtl * 1000 });
    return code;
  }

  /** Takes a code out of circulation and returns it if it was still valid. */
  redeemCode(code: string): CodeEntry | undefined {
    const entry = this.codes.get(code);
    this.codes.delete(code);
    for (const [c, e] of this.codes) if (e.expiresAt <= this.clock.now()) this.codes.delete(c);
    if (!entry || entry.expiresAt <= this.clock.now()) return undefined;
    return entry;
  }

  // ---- installs -----------------------------------------------------------------------------------------

  private markInstalled(portal: Portal, appIndex: number): AppInstall {
    const generation = (portal.installs.get(appIndex)?.generation ?? 0) + 1;
    const install: AppInstall = {
      installed: true,
      generation,
      applicationToken: this.signer.derive(`application:${portal.memberId}:${this.apps[appIndex].clientId}:${generation}`),
    };
    portal.installs.set(appIndex, install);
    return install;
  }

  /**
   * Installs the app on the portal and posts ONAPPINSTALL (with a token pair and the application_token) to
   * the app's install handler, like an API-only app's installation callback.
   */
  install(portal: Portal, appIndex: number): AppInstall {
    const install = this.markInstalled(portal, appIndex);
    const app = this.apps[appIndex];
    if (app.installHandlerUrl) {
      const tokens = this.issuePair(portal, appIndex, ADMIN_USER_ID);
      this.events.post(portal.name, "ONAPPINSTALL", app.installHandlerUrl, {
        event: "ONAPPINSTALL",
        data: { VERSION: String(app.version), ACTIVE: "Y", INSTALLED: "Y", LANGUAGE_ID: portal.languageId },
        ts: String(sec(this.clock.now())),
        auth: {
          domain: portal.domain,
          scope: tokens.scope,
          access_token: tokens.access_token,
          refresh_token: tokens.refresh_token,
          expires: tokens.expires,
          expires_in: tokens.expires_in,
          server_endpoint: tokens.server_endpoint,
          status: tokens.status,
          client_endpoint: tokens.client_endpoint,
          member_id: portal.memberId,
          user_id: ADMIN_USER_ID,
          application_token: install.applicationToken,
        },
      });
    }
    return install;
  }

  /**
   * Uninstalls the app: ONAPPUNINSTALL goes to the handlers the app bound for it (the app is already gone,
   * so the auth block carries no tokens), then its tokens and handlers stop working. False if not installed.
   */
  uninstall(portal: Portal, appIndex: number, clean = true): boolean {
    const install = portal.installs.get(appIndex);
    if (!install?.installed) return false;
    install.installed = false;
    const ts = String(sec(this.clock.now()));
    for (const h of portal.handlers) {
      if (h.appIndex !== appIndex || h.event !== "ONAPPUNINSTALL" || h.offline) continue;
      this.events.post(portal.name, "ONAPPUNINSTALL", h.handler, {
        event: "ONAPPUNINSTALL",
        data: { LANGUAGE_ID: portal.languageId, CLEAN: clean ? 1 : 0 },
        ts,
        auth: {
          domain: portal.domain,
          server_endpoint: this.serverEndpoint,
          client_endpoint: portal.clientEndpoint,
          member_id: portal.memberId,
          application_token: install.applicationToken,
        },
      });
    }
    portal.handlers = portal.handlers.filter((h) => h.appIndex !== appIndex);
    return true;
  }

  // ---- events -------------------------------------------------------------------------------------------

  /**
   * Delivers `event` with `data`: posted to every online handler bound for it, and queued for apps that
   * bound it offline (one row per event and object, the latest change winning).
   */
  fireEvent(portal: Portal, event: string, data: Record<string, unknown>): void {
    const name = event.toUpperCase();
    for (const h of portal.handlers) {
      if (h.event !== name || !portal.isInstalled(h.appIndex)) continue;
      if (h.offline) this.enqueueOffline(portal, h.appIndex, name, data);
      else this.postEvent(portal, h, name, data);
    }
  }

  private postEvent(portal: Portal, h: EventHandlerBinding, name: string, data: unknown): void {
    const install = portal.installs.get(h.appIndex)!;
    const app = this.apps[h.appIndex];
    // Ordinary events carry a fresh access token but no refresh token; ONOFFLINEEVENT carries both
    // (api-reference/events/index.md, on-offline-event.md).
    const tokens = this.issuePair(portal, h.appIndex, h.authType || ADMIN_USER_ID);
    this.events.post(portal.name, name, h.handler, {
      event: name,
      event_handler_id: String(h.id),
      data,
      ts: String(sec(this.clock.now())),
      auth: {
        access_token: tokens.access_token,
        expires_in: String(this.accessTtl),
        scope: app.scope.join(","),
        domain: portal.domain,
        server_endpoint: this.serverEndpoint,
        status: app.status,
        client_endpoint: portal.clientEndpoint,
        member_id: portal.memberId,
        ...(name === "ONOFFLINEEVENT" ? { refresh_token: tokens.refresh_token } : {}),
        application_token: install.applicationToken,
      },
    });
  }

  private enqueueOffline(portal: Portal, appIndex: number, name: string, data: Record<string, unknown>): void {
    const queue = portal.offlineQueues.get(appIndex) ?? [];
    const fields = (data.FIELDS ?? {}) as Record<string, unknown>;
    const messageId = `${name}_${fields.ID ?? ""}`;
    const rest = queue.filter((e) => !(e.MESSAGE_ID === messageId && e.PROCESS_ID === ""));
    rest.push({
      ID: portal.nextOfflineId++,
      TIMESTAMP_X: this.clock.now(),
      EVENT_NAME: name,
      EVENT_DATA: data,
      MESSAGE_ID: messageId,
      PROCESS_ID: "",
      ERROR: 0,
    });
    portal.offlineQueues.set(appIndex, rest);
    // ONOFFLINEEVENT tells the app that the queue has rows, at most once per its minTimeout.
    for (const h of portal.handlers) {
      if (h.appIndex !== appIndex || h.event !== "ONOFFLINEEVENT" || h.offline) continue;
      const minTimeoutMs = Number(h.options.minTimeout ?? 0) * 1000;
      const last = portal.offlinePingAt.get(appIndex);
      if (last !== undefined && this.clock.now() - last < minTimeoutMs) continue;
      portal.offlinePingAt.set(appIndex, this.clock.now());
      this.postEvent(portal, h, "ONOFFLINEEVENT", []);
    }
  }

  // ---- data ---------------------------------------------------------------------------------------------

  /** Replaces the portal's data with generated data (the generator module is loaded on first use). */
  async generate(portal: Portal, opts: Partial<GenerateOptions> & Pick<GenerateOptions, "profile" | "deals">): Promise<void> {
    const now = opts.now ?? this.clock.now();
    const full: GenerateOptions = {
      profile: opts.profile,
      deals: opts.deals,
      seed: opts.seed ?? 1,
      now,
      goLive: opts.goLive ?? now - Math.round(1.5 * 365.25 * 24 * 3600 * 1000),
      timeZone: opts.timeZone ?? portal.timeZone,
      baseCurrency: opts.baseCurrency ?? portal.baseCurrency,
    };
    const generatePortalData = await loadGenerator();
    const data = createPortalData();
    generatePortalData(full, data);
    seedDefaults(data, { baseCurrency: full.baseCurrency, now });
    trimPortalData(data);
    portal.data = data;
    portal.profile = opts.profile;
  }
}

type Generator = (opts: GenerateOptions, sink: PortalDataSink) => void;

/** Imported lazily and by a computed path: the generator is developed alongside and may be absent. */
async function loadGenerator(): Promise<Generator> {
  const specifier = "./generator/index";
  const mod = (await import(/* @vite-ignore */ specifier)) as { generatePortalData?: Generator };
  if (typeof mod.generatePortalData !== "function") throw new Error("generator/index does not export generatePortalData");
  return mod.generatePortalData;
}
