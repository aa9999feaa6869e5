/** Configuration of the emulator, its apps and its portals. */
import type { Clock } from "./clock";
import type { FaultConfig } from "./faults";
import type { OperatingLimit, RateLimit } from "./limits";
import type { PortalData } from "./store/portal-data";
import type { Profile } from "./types";

export type Plan = "standard" | "enterprise";

/** An app registered with the OAuth server (like a Bitrix24 Market app: one client id for all portals). */
export interface AppConfig {
  clientId: string;
  clientSecret: string;
  /** Where the portal's approve page sends the user back with `code`. */
  redirectUri?: string;
  /** Where ONAPPINSTALL is posted (the app's installation callback URL). */
  installHandlerUrl?: string;
  /** Scopes granted to the app's tokens. */
  scope?: string[];
  /** app.info CODE and VERSION. */
  code?: string;
  version?: number;
  /** app.info STATUS and the token `status`: F free, D demo, T trial, P paid, L local. */
  status?: "F" | "D" | "T" | "P" | "L";
}

export interface PortalConfig {
  /** Short name, unique within the emulator (used by the control API). */
  name: string;
  /** 32 hex digits; derived from the name when absent, so it is stable across restarts. */
  memberId?: string;
  /** standard: bucket 50, drain 2/s; enterprise: 250, 5/s. */
  plan?: Plan;
  /** Overrides the plan's bucket. */
  rateLimit?: RateLimit;
  timeZone?: string;
  baseCurrency?: string;
  languageId?: string;
  /** Whether the apps are installed when the emulator starts (default true). */
  installed?: boolean;
  /** Skip the approve page (tests). */
  autoApprove?: boolean;
  /** Token requests and REST calls answer PAYMENT_REQUIRED. */
  paymentRequired?: boolean;
  /** Port for this portal's address (0 or absent: the next after the main port, or any free port). */
  port?: number;
  /** Fill the portal with generated data (lib/bitrix24/emulator/generator). */
  generate?: { profile: Profile; deals: number; seed?: number; goLive?: number; now?: number };
  /** Data to serve as is (tests fill tables by hand). */
  data?: PortalData;
  faults?: FaultConfig;
}

/** Simulated server time of a REST call: base + per returned row + per row examined. */
export interface CostModel {
  baseSeconds: number;
  perRowSeconds: number;
  perScannedRowSeconds: number;
}

export interface EmulatorOptions {
  /** Interface to listen on (default 127.0.0.1). */
  host?: string;
  /** Port of the OAuth server and control API (0: any free port; portals then get free ports too). */
  port?: number;
  clock?: Clock;
  /** Signs tokens: the same secret keeps stored tokens valid across restarts (default: random). */
  tokenSecret?: string;
  apps?: AppConfig[];
  portals?: PortalConfig[];
  /** Default 3600 s. */
  accessTokenTtlSeconds?: number;
  /** Default 180 days. */
  refreshTokenTtlSeconds?: number;
  /** Default 30 s. */
  codeTtlSeconds?: number;
  /** Default 480 s per 600 s. */
  operating?: OperatingLimit;
  cost?: Partial<CostModel>;
  /** Real delay per simulated server second (default 0: answers come at once). */
  latencyScale?: number;
  /** Timeout of event posts to handlers in ms (default 5000). */
  eventTimeoutMs?: number;
}

export const DEFAULT_COST: CostModel = {
  // ≈0.1 s for a 50-row page, ≈20 s to count 1 M rows: the docs' measurements (huge-data.md).
  baseSeconds: 0.01,
  perRowSeconds: 0.0016,
  perScannedRowSeconds: 0.00002,
};

export const DEFAULT_APP: AppConfig = {
  clientId: "app.impact24emulator.00000001",
  clientSecret: "emulatorsecret0000000000000000000000000000000000000",
  scope: ["crm", "user_brief", "bizproc", "placement"],
  code: "impact24.analytics",
  version: 1,
  status: "F",
};
