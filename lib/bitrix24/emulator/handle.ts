/**
 * The programmatic handle tests and benchmarks drive the emulator with; the HTTP control API
 * (`/_emulator/…`, control.ts) calls the same methods.
 */
import { isAdjustable, type Clock } from "./clock";
import type { CountersSnapshot } from "./counters";
import { ADMIN_USER_ID, type Engine, type TokenResponse } from "./engine";
import type { SentEvent } from "./events";
import type { FaultConfig } from "./faults";
import { PLAN_RATE_LIMITS, type OperatingLimit, type RateLimit } from "./limits";
import type { CostModel, Plan, PortalConfig } from "./model";
import type { Portal } from "./portal";
import { createRecord, deleteRecord, updateRecord } from "./records";
import type { PortalData } from "./store/portal-data";
import { assertTimeZone } from "./time-zone";
import type { EntityName, GenerateOptions, Row } from "./types";
import { ENTITY_FIELDS } from "./types";

/** What the server provides to the handles: moving a portal to a new address, and adding portals. */
export interface Runtime {
  engine: Engine;
  relocate(portal: Portal): Promise<void>;
  addPortal(config: PortalConfig): Promise<Portal>;
  close(): Promise<void>;
}

/** Settings that can change while the portal runs. */
export interface PortalSettings {
  plan?: Plan;
  rateLimit?: RateLimit;
  timeZone?: string;
  autoApprove?: boolean;
  paymentRequired?: boolean;
  languageId?: string;
  crmMode?: 1 | 2;
}

export interface PortalInfo {
  name: string;
  profile: string | null;
  url: string;
  domain: string;
  clientEndpoint: string;
  memberId: string;
  plan: Plan;
  rateLimit: RateLimit;
  timeZone: string;
  baseCurrency: string;
  autoApprove: boolean;
  paymentRequired: boolean;
  deleted: boolean;
  installed: Record<string, boolean>;
  handlers: { id: number; clientId: string; event: string; handler: string; offline: boolean }[];
  counts: Record<string, number>;
}

function entityOf(name: string): EntityName {
  if (!(name in ENTITY_FIELDS)) throw new ControlError(404, `unknown entity ${name}`);
  return name as EntityName;
}

/** An error of the control surface (bad input, unknown portal). */
export class ControlError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Control of one portal: settings, faults, tokens, installs, records and generated data. */
export class PortalHandle {
  constructor(
    private readonly runtime: Runtime,
    readonly portal: Portal,
  ) {}

  private get engine(): Engine {
    return this.runtime.engine;
  }

  get name(): string {
    return this.portal.name;
  }
  get memberId(): string {
    return this.portal.memberId;
  }
  /** `http://127.0.0.1:4101/` (changes with changeDomain). */
  get url(): string {
    return this.portal.url;
  }
  get domain(): string {
    return this.portal.domain;
  }
  get clientEndpoint(): string {
    return this.portal.clientEndpoint;
  }
  /** The live tables: tests may fill them directly. */
  get data(): PortalData {
    return this.portal.data;
  }

  private appIndex(clientId?: string): number {
    if (clientId === undefined) return 0;
    const i = this.engine.appIndex(clientId);
    if (i < 0) throw new ControlError(404, `unknown app ${clientId}`);
    return i;
  }

  info(): PortalInfo {
    const p = this.portal;
    const counts: Record<string, number> = {};
    for (const [name, table] of Object.entries(p.data.tables)) counts[name] = table.size;
    return {
      name: p.name,
      profile: p.profile,
      url: p.url,
      domain: p.domain,
      clientEndpoint: p.clientEndpoint,
      memberId: p.memberId,
      plan: p.plan,
      rateLimit: p.bucket.limit,
      timeZone: p.timeZone,
      baseCurrency: p.baseCurrency,
      autoApprove: p.autoApprove,
      paymentRequired: p.paymentRequired,
      deleted: p.deleted,
      installed: Object.fromEntries(this.engine.apps.map((a, i) => [a.clientId, p.isInstalled(i)])),
      handlers: p.handlers.map((h) => ({ id: h.id, clientId: this.engine.apps[h.appIndex].clientId, event: h.event, handler: h.handler, offline: h.offline })),
      counts,
    };
  }

  configure(settings: PortalSettings): void {
    const p = this.portal;
    if (settings.timeZone !== undefined) {
      try {
        assertTimeZone(settings.timeZone);
      } catch {
        throw new ControlError(400, `unknown time zone ${settings.timeZone}`);
      }
      p.timeZone = settings.timeZone;
    }
    if (settings.plan !== undefined) {
      if (!(settings.plan in PLAN_RATE_LIMITS)) throw new ControlError(400, `unknown plan ${settings.plan}`);
      p.setPlan(settings.plan);
    }
    if (settings.rateLimit !== undefined) p.bucket.limit = settings.rateLimit;
    if (settings.autoApprove !== undefined) p.autoApprove = settings.autoApprove;
    if (settings.paymentRequired !== undefined) p.paymentRequired = settings.paymentRequired;
    if (settings.languageId !== undefined) p.languageId = settings.languageId;
    if (settings.crmMode !== undefined) p.data.crmMode = settings.crmMode;
  }

  /** Injects faults into this portal's REST answers (replacing earlier settings). */
  setFaults(config: FaultConfig): void {
    this.portal.faults.configure(config);
  }

  clearFaults(): void {
    this.portal.faults.configure({});
  }

  /** Every access token issued so far answers 401 expired_token; refresh tokens keep working. */
  expireTokens(): void {
    this.portal.tokenEpoch++;
  }

  /** Moves the portal to a new address; the old one answers 302 to the new one from now on. */
  async changeDomain(): Promise<{ url: string; domain: string }> {
    await this.runtime.relocate(this.portal);
    return { url: this.url, domain: this.domain };
  }

  /** Installs the app (posting ONAPPINSTALL to its install handler). */
  install(clientId?: string): void {
    this.engine.install(this.portal, this.appIndex(clientId));
  }

  /** Uninstalls the app (posting ONAPPUNINSTALL to its bound handlers); false if it was not installed. */
  uninstall(opts: { clientId?: string; clean?: boolean } = {}): boolean {
    return this.engine.uninstall(this.portal, this.appIndex(opts.clientId), opts.clean ?? true);
  }

  /** Deletes the portal: REST answers 500 PORTAL_DELETED from now on. */
  delete(): void {
    this.portal.deleted = true;
  }

  /** Empties the rate-limit bucket and the operating budgets. */
  resetLimits(): void {
    this.portal.bucket.reset();
    this.portal.operating.reset();
  }

  /** A token pair as if the admin had approved the app (the app must be installed). */
  issueTokens(opts: { clientId?: string; userId?: number } = {}): TokenResponse {
    const appIndex = this.appIndex(opts.clientId);
    if (!this.portal.isInstalled(appIndex)) throw new ControlError(409, "the app is not installed on this portal");
    return this.engine.issuePair(this.portal, appIndex, opts.userId ?? ADMIN_USER_ID);
  }

  /** An authorization code as the approve page would issue it (the app must be installed). */
  issueCode(clientId?: string): string {
    const appIndex = this.appIndex(clientId);
    if (!this.portal.isInstalled(appIndex)) throw new ControlError(409, "the app is not installed on this portal");
    return this.engine.issueCode(this.portal, appIndex, ADMIN_USER_ID);
  }

  createRecord(entity: EntityName | string, fields: Row): Row {
    return createRecord(this.engine, this.portal, entityOf(entity), fields);
  }

  updateRecord(entity: EntityName | string, id: number, patch: Row): Row | undefined {
    return updateRecord(this.engine, this.portal, entityOf(entity), id, patch);
  }

  deleteRecord(entity: EntityName | string, id: number): boolean {
    return deleteRecord(this.engine, this.portal, entityOf(entity), id);
  }

  getRecord(entity: EntityName | string, id: number): Row | undefined {
    return this.portal.data.tables[entityOf(entity)].get(id);
  }

  /** Replaces the portal's data with generated data (lib/bitrix24/emulator/generator). */
  async generate(opts: Partial<GenerateOptions> & Pick<GenerateOptions, "profile" | "deals">): Promise<void> {
    await this.engine.generate(this.portal, opts);
  }
}

export interface EmulatorInfo {
  url: string;
  oauthUrl: string;
  tokenUrl: string;
  controlUrl: string;
  app: { clientId: string; clientSecret: string };
  apps: { clientId: string; clientSecret: string; redirectUri?: string; installHandlerUrl?: string; scope: string[] }[];
  now: number;
  portals: PortalInfo[];
}

/** A running emulator. */
export class Emulator {
  private readonly handles = new Map<Portal, PortalHandle>();

  constructor(private readonly runtime: Runtime) {}

  get engine(): Engine {
    return this.runtime.engine;
  }

  /** The OAuth server and control API base, e.g. `http://127.0.0.1:4100`. */
  get url(): string {
    return this.engine.oauthBase;
  }

  /** The OAuth server, the stand-in for `https://oauth.bitrix.info`. */
  get oauthUrl(): string {
    return this.engine.oauthBase;
  }

  /** `http://127.0.0.1:4100/oauth/token/`. */
  get tokenUrl(): string {
    return `${this.engine.oauthBase}/oauth/token/`;
  }

  get controlUrl(): string {
    return `${this.engine.oauthBase}/_emulator`;
  }

  /** The first registered app's credentials. */
  get app(): { clientId: string; clientSecret: string } {
    const a = this.engine.apps[0];
    return { clientId: a.clientId, clientSecret: a.clientSecret };
  }

  get clock(): Clock {
    return this.engine.clock;
  }

  get portals(): PortalHandle[] {
    return this.engine.portals.map((p) => this.handleOf(p));
  }

  /** A portal by name or member_id; throws when unknown. */
  portal(nameOrMemberId: string): PortalHandle {
    const p = this.engine.findPortal(nameOrMemberId);
    if (!p) throw new ControlError(404, `unknown portal ${nameOrMemberId}`);
    return this.handleOf(p);
  }

  async addPortal(config: PortalConfig): Promise<PortalHandle> {
    if (this.engine.findPortal(config.name)) throw new ControlError(409, `portal ${config.name} already exists`);
    return this.handleOf(await this.runtime.addPortal(config));
  }

  info(): EmulatorInfo {
    return {
      url: this.url,
      oauthUrl: this.oauthUrl,
      tokenUrl: this.tokenUrl,
      controlUrl: this.controlUrl,
      app: this.app,
      apps: this.engine.apps.map((a) => ({ clientId: a.clientId, clientSecret: a.clientSecret, redirectUri: a.redirectUri, installHandlerUrl: a.installHandlerUrl, scope: a.scope })),
      now: this.clock.now(),
      portals: this.portals.map((p) => p.info()),
    };
  }

  counters(): CountersSnapshot {
    return this.engine.counters.snapshot();
  }

  resetCounters(): void {
    this.engine.counters.reset();
  }

  /** The most recent event posts (up to 1000). */
  sentEvents(): SentEvent[] {
    return [...this.engine.events.log];
  }

  /** Waits until every event post started so far has finished. */
  flushEvents(): Promise<void> {
    return this.engine.events.flush();
  }

  /** Faults of the token endpoint (hang, error500, htmlError before the grant; malformedJson after it). */
  setOAuthFaults(config: FaultConfig): void {
    this.engine.oauthFaults.configure(config);
  }

  /** Changes the operating budget of every portal (existing usage is kept). */
  setOperatingLimit(limit: OperatingLimit): void {
    for (const p of this.engine.portals) p.operating.limit = limit;
  }

  /** Changes the simulated server time of calls. */
  setCost(cost: Partial<CostModel>): void {
    Object.assign(this.engine.cost, cost);
  }

  /** Moves an adjustable clock (manual or system-with-offset) forward. */
  advanceClock(ms: number): void {
    if (!isAdjustable(this.clock)) throw new ControlError(409, "the clock cannot be moved");
    this.clock.advance(ms);
  }

  close(): Promise<void> {
    return this.runtime.close();
  }

  private handleOf(p: Portal): PortalHandle {
    let h = this.handles.get(p);
    if (!h) this.handles.set(p, (h = new PortalHandle(this.runtime, p)));
    return h;
  }
}
