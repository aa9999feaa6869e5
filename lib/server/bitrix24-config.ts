import { AppError } from "./errors";

/** The Impact24 app as registered with Bitrix24 (one Market app: one client id and secret for every portal). */
export interface Bitrix24AppConfig {
  /** Base of the OAuth server, e.g. "https://oauth.bitrix.info". */
  oauthUrl: string;
  clientId: string;
  clientSecret: string;
  /** Plain-http portal and OAuth addresses are accepted (the local emulator and tests only). */
  allowInsecure: boolean;
}

export const DEFAULT_OAUTH_URL = "https://oauth.bitrix.info";

/** Whether plain-http portal addresses are accepted (BITRIX24_ALLOW_INSECURE=1). */
export function allowInsecurePortals(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.BITRIX24_ALLOW_INSECURE === "1";
}

/** Whether the app keys are configured, so the UI can say so before anyone tries to connect. */
export function isBitrix24Configured(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env.BITRIX24_CLIENT_ID && env.BITRIX24_CLIENT_SECRET);
}

/**
 * The app's Bitrix24 settings from the environment: BITRIX24_OAUTH_URL (default https://oauth.bitrix.info),
 * BITRIX24_CLIENT_ID, BITRIX24_CLIENT_SECRET, BITRIX24_ALLOW_INSECURE=1. Without the keys nothing can be connected:
 * a translated `unavailable` error says so instead of a failure at Bitrix24's end.
 *
 * The OAuth URL always comes from here, never from a `server_endpoint` or `server_domain` a request carries: the
 * client secret must go to the configured server only.
 */
export function getBitrix24Config(env: NodeJS.ProcessEnv = process.env): Bitrix24AppConfig {
  const clientId = env.BITRIX24_CLIENT_ID?.trim();
  const clientSecret = env.BITRIX24_CLIENT_SECRET?.trim();
  if (!clientId || !clientSecret) {
    throw new AppError("unavailable", {
      messageKey: "portal.notConfigured",
      message: "BITRIX24_CLIENT_ID and BITRIX24_CLIENT_SECRET must be set to connect Bitrix24 portals",
    });
  }
  const allowInsecure = allowInsecurePortals(env);
  const oauthUrl = (env.BITRIX24_OAUTH_URL?.trim() || DEFAULT_OAUTH_URL).replace(/\/+$/, "");
  let parsed: URL;
  try {
    parsed = new URL(oauthUrl);
  } catch {
    throw new Error(`BITRIX24_OAUTH_URL is not a URL: ${oauthUrl}`);
  }
  if (parsed.protocol !== "https:" && !(parsed.protocol === "http:" && allowInsecure)) {
    throw new Error("BITRIX24_OAUTH_URL must use https (set BITRIX24_ALLOW_INSECURE=1 for a local emulator)");
  }
  return { oauthUrl: parsed.origin, clientId, clientSecret, allowInsecure };
}
