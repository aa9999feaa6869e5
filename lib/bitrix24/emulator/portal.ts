/** One emulated Bitrix24 portal: its identity and address, data, installed apps, handlers and limits. */
import { createHash } from "node:crypto";
import { FaultInjector } from "./faults";
import { LeakyBucket, OperatingBudget, PLAN_RATE_LIMITS, type OperatingLimit } from "./limits";
import type { Plan, PortalConfig } from "./model";
import { createPortalData, type PortalData } from "./store/portal-data";
import { portalKeyOf } from "./tokens";
import type { Profile } from "./types";

export interface AppInstall {
  installed: boolean;
  /** Bumped on every install: tokens from an earlier installation stop working. */
  generation: number;
  applicationToken: string;
}

export interface EventHandlerBinding {
  id: number;
  appIndex: number;
  event: string; // upper case
  handler: string;
  authType: number;
  offline: boolean;
  /** event.bind options (ONOFFLINEEVENT minTimeout). */
  options: Record<string, unknown>;
}

/** A row of an app's offline event queue (event.offline.get). */
export interface OfflineEvent {
  ID: number;
  /** Epoch ms of the latest change. */
  TIMESTAMP_X: number;
  EVENT_NAME: string;
  EVENT_DATA: Record<string, unknown>;
  /** One row per event and object: a later change of the same object replaces the row. */
  MESSAGE_ID: string;
  PROCESS_ID: string;
  ERROR: number;
}

export interface PortalAddress {
  host: string;
  port: number;
}

/** A portal's state; the control surface is PortalHandle. */
export class Portal {
  readonly name: string;
  readonly memberId: string;
  readonly key: number;
  plan: Plan;
  timeZone: string;
  baseCurrency: string;
  languageId: string;
  autoApprove: boolean;
  paymentRequired: boolean;
  deleted = false;
  profile: Profile | null = null;
  data: PortalData;
  address: PortalAddress = { host: "127.0.0.1", port: 0 };
  readonly bucket: LeakyBucket;
  readonly operating: OperatingBudget;
  readonly faults: FaultInjector;
  /** Bumped by "expire tokens": access tokens issued under an older epoch answer expired_token. */
  tokenEpoch = 0;
  readonly installs = new Map<number, AppInstall>();
  handlers: EventHandlerBinding[] = [];
  nextHandlerId = 1;
  /** Nonces of rotated token pairs: their refresh token gives invalid_grant, their access token invalid_token. */
  readonly usedNonces = new Set<number>();
  /** Offline event queues by app. */
  readonly offlineQueues = new Map<number, OfflineEvent[]>();
  nextOfflineId = 1;
  /** When ONOFFLINEEVENT was last posted, by app (epoch ms), for its minTimeout option. */
  readonly offlinePingAt = new Map<number, number>();

  constructor(config: PortalConfig, operating: OperatingLimit) {
    this.name = config.name;
    this.memberId = config.memberId ?? createHash("md5").update(`impact24-emulator:${config.name}`).digest("hex");
    this.key = portalKeyOf(this.memberId);
    this.plan = config.plan ?? "standard";
    this.timeZone = config.timeZone ?? "Europe/Moscow";
    this.baseCurrency = config.baseCurrency ?? "RUB";
    this.languageId = config.languageId ?? "ru";
    this.autoApprove = config.autoApprove ?? false;
    this.paymentRequired = config.paymentRequired ?? false;
    this.data = config.data ?? createPortalData();
    this.bucket = new LeakyBucket(config.rateLimit ?? PLAN_RATE_LIMITS[this.plan]);
    this.operating = new OperatingBudget(operating);
    this.faults = new FaultInjector(config.faults ?? {});
  }

  /** `127.0.0.1:4101` — what Bitrix24 calls the portal's domain. */
  get domain(): string {
    return `${this.address.host}:${this.address.port}`;
  }

  /** `http://127.0.0.1:4101/` */
  get url(): string {
    return `http://${this.domain}/`;
  }

  /** `http://127.0.0.1:4101/rest/` */
  get clientEndpoint(): string {
    return `${this.url}rest/`;
  }

  setPlan(plan: Plan): void {
    this.plan = plan;
    this.bucket.limit = PLAN_RATE_LIMITS[plan];
  }

  isInstalled(appIndex: number): boolean {
    return this.installs.get(appIndex)?.installed ?? false;
  }
}
