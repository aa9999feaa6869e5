import crypto from "node:crypto";
import { and, eq, isNull } from "drizzle-orm";
import type { Db } from "@/db";
import { portalConnections, portalInstalls } from "@/db/schema";
import { createBitrix24Client, type PortalTokens } from "@/lib/bitrix24/client";
import { Bitrix24Error, isBitrix24Error } from "@/lib/bitrix24/errors";
import { createMemoryLimiter } from "@/lib/bitrix24/limiter";
import { refreshTokens, type OAuthTokens } from "@/lib/bitrix24/oauth";
import { recordAudit } from "../audit-log";
import type { Bitrix24AppConfig } from "../bitrix24-config";
import { crmChangeOf, isCrmRecordEvent, type AppFramePayload, type InstallEventPayload, type PortalEventPayload } from "../bitrix24-payloads";
import { CLAIM_CODE_TTL_MS, hashClaimCode, newClaimCode, normaliseClaimCode } from "../claim-codes";
import { recordPortalEvent } from "../portal-events";
import { markConnectionStatus } from "../portal-status";
import { hitRateLimit } from "../rate-limit";
import { createTokenSource, deleteTokens, encryptInstallTokens } from "../portal-tokens";
import { hashToken } from "../tokens";

/**
 * What Bitrix24 posts to the app without a user session: the installation callback (ONAPPINSTALL), the app's page
 * opened in the portal's frame, and events (ONAPPUNINSTALL, ONCRM…). None of it is trusted until verified:
 * - ONAPPINSTALL and the app page carry a refresh token; trading it at the configured OAuth server proves the
 *   portal (the answer names the member_id) and gives us a pair of our own;
 * - events carry the application_token issued at install, compared (as hashes, in constant time) with the one we
 *   stored. A connection made by OAuth may not know it yet: a CRM event then proves itself by its access token,
 *   accepted by that portal's own REST endpoint, and an uninstall by the portal rejecting our own tokens.
 * Unverifiable or malformed requests change nothing.
 */

/** Verifications of installs and app pages at the OAuth server, per portal and 10 minutes. */
const VERIFY_LIMIT = { attempts: 20, windowSeconds: 10 * 60 };

/** Verifications of events by calling the portal, per portal and 10 minutes. */
const PROBE_LIMIT = { attempts: 20, windowSeconds: 10 * 60 };

export type Verdict<T> = { ok: true; value: T } | { ok: false; status: 400 | 401 | 503; reason: string };

const hashApplicationToken = (token: string) => hashToken(token);

/** Constant-time comparison of two stored hashes (hex). */
function sameHash(a: string | null | undefined, b: string): boolean {
  if (!a) return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}

/**
 * Trades a refresh token that came with a request for a fresh pair, proving that the request came from the portal
 * it names. Bitrix24 errors mean the token is not genuine (401); network trouble means we cannot tell (503).
 */
async function verifyByRefresh(db: Db, config: Bitrix24AppConfig, refreshToken: string, memberId: string): Promise<Verdict<OAuthTokens>> {
  // Each check is a request to the OAuth server with our app's keys: bounded, so forged posts cannot get the app
  // throttled or blocked by Bitrix24 (it blocks apps that refresh too often).
  const limit = await hitRateLimit(db, `install-verify:${memberId}`, VERIFY_LIMIT.attempts, VERIFY_LIMIT.windowSeconds);
  if (!limit.allowed) return { ok: false, status: 401, reason: "verification_rate_limited" };
  try {
    const fresh = await refreshTokens({ ...config, refreshToken, timeoutMs: 10_000 });
    if (fresh.memberId !== memberId) return { ok: false, status: 401, reason: "member_mismatch" };
    return { ok: true, value: fresh };
  } catch (error) {
    if (isBitrix24Error(error, "transient")) return { ok: false, status: 503, reason: "oauth_unavailable" };
    return { ok: false, status: 401, reason: isBitrix24Error(error) ? error.kind : "refresh_failed" };
  }
}

/** Gives an install row a new claim code (shown once in the portal) and returns it. */
function freshClaimCode() {
  const code = newClaimCode();
  return {
    code,
    columns: { claimCodeHash: hashClaimCode(normaliseClaimCode(code)!), claimCodeExpiresAt: new Date(Date.now() + CLAIM_CODE_TTL_MS) },
  };
}

/**
 * Stores a verified portal-side install: unclaimed, with our own token pair and a new claim code (returned). Null
 * when the application_token is unknown (neither sent nor stored).
 */
async function storeInstall(db: Db, fresh: OAuthTokens, applicationToken: string | undefined) {
  const { code, columns } = freshClaimCode();
  const now = new Date();
  const values = {
    domain: fresh.domain,
    clientEndpoint: fresh.clientEndpoint,
    serverEndpoint: fresh.serverEndpoint ?? null,
    scope: fresh.scope.join(","),
    ...encryptInstallTokens(fresh.memberId, fresh),
    ...columns,
    claimedAt: null,
    uninstalledAt: null,
    updatedAt: now,
  };
  return db.transaction(async (tx) => {
    const [existing] = await tx
      .select({ hash: portalInstalls.applicationTokenHash })
      .from(portalInstalls)
      .where(eq(portalInstalls.memberId, fresh.memberId))
      .limit(1);
    const applicationTokenHash = applicationToken ? hashApplicationToken(applicationToken) : existing?.hash;
    // Without it the portal's uninstall could never be recognised: refuse rather than store a deaf install.
    if (!applicationTokenHash) return null;
    await tx
      .insert(portalInstalls)
      .values({ memberId: fresh.memberId, applicationTokenHash, ...values })
      .onConflictDoUpdate({ target: portalInstalls.memberId, set: { applicationTokenHash, ...values } });
    if (applicationToken) {
      // A reinstall issues a new application_token: connections of this portal must recognise its events from now on.
      await tx
        .update(portalConnections)
        .set({ applicationTokenHash, updatedAt: now })
        .where(eq(portalConnections.memberId, fresh.memberId));
    }
    return code;
  });
}

export interface InstallOutcome {
  claimCode: string;
  domain: string;
}

/** Handles ONAPPINSTALL posted to the installation callback: verifies it and answers with a claim code. */
export async function handleInstallEvent(db: Db, payload: InstallEventPayload, config: Bitrix24AppConfig): Promise<Verdict<InstallOutcome>> {
  const verified = await verifyByRefresh(db, config, payload.auth.refresh_token, payload.auth.member_id);
  if (!verified.ok) return verified;
  const claimCode = await storeInstall(db, verified.value, payload.auth.application_token);
  if (!claimCode) return { ok: false, status: 400, reason: "application_token_missing" };
  return { ok: true, value: { claimCode, domain: verified.value.domain } };
}

export type AppPageOutcome = { state: "connected"; domain: string } | { state: "claim"; domain: string; claimCode: string };

/**
 * The app's page opened inside the portal. A portal already connected (recognised by its application_token) says
 * so; otherwise a new claim code is shown — for an install we already hold tokens for, after checking the
 * application_token; else after verifying the frame's refresh token (the ONAPPINSTALL callback may have been lost).
 */
export async function handleAppPage(db: Db, payload: AppFramePayload, config: Bitrix24AppConfig): Promise<Verdict<AppPageOutcome>> {
  const memberId = payload.member_id;
  const tokenHash = payload.APPLICATION_TOKEN ? hashApplicationToken(payload.APPLICATION_TOKEN) : null;
  if (tokenHash) {
    const connections = await db
      .select({ domain: portalConnections.domain, hash: portalConnections.applicationTokenHash })
      .from(portalConnections)
      .where(and(eq(portalConnections.memberId, memberId), eq(portalConnections.status, "connected")));
    const connected = connections.find((c) => sameHash(c.hash, tokenHash));
    if (connected) return { ok: true, value: { state: "connected", domain: connected.domain } };

    const [install] = await db.select().from(portalInstalls).where(eq(portalInstalls.memberId, memberId)).limit(1);
    if (install && sameHash(install.applicationTokenHash, tokenHash) && !install.claimedAt && !install.uninstalledAt && install.refreshTokenEnc) {
      const { code, columns } = freshClaimCode();
      await db.update(portalInstalls).set({ ...columns, updatedAt: new Date() }).where(eq(portalInstalls.memberId, memberId));
      return { ok: true, value: { state: "claim", domain: install.domain, claimCode: code } };
    }
  }
  const verified = await verifyByRefresh(db, config, payload.REFRESH_ID, memberId);
  if (!verified.ok) return verified;
  const claimCode = await storeInstall(db, verified.value, payload.APPLICATION_TOKEN);
  if (!claimCode) return { ok: false, status: 400, reason: "application_token_missing" };
  return { ok: true, value: { state: "claim", domain: verified.value.domain, claimCode } };
}

interface ConnectionRow {
  orgId: string;
  id: string;
  clientId: string;
  clientEndpoint: string;
  status: string;
  applicationTokenHash: string | null;
}

/** A client that can only make calls with the access token an event brought; no refresh. */
function eventTokenClient(connection: ConnectionRow, accessToken: string, config: Bitrix24AppConfig) {
  const tokens: PortalTokens = {
    accessToken,
    refreshToken: "",
    clientEndpoint: connection.clientEndpoint,
    expiresAt: 0,
    memberId: "",
    domain: new URL(connection.clientEndpoint).host,
  };
  return createBitrix24Client({
    tokens: {
      get: async () => tokens,
      refresh: async () => {
        throw new Bitrix24Error({ kind: "needs_reauth", code: "EVENT_TOKEN_EXPIRED" });
      },
    },
    limiter: createMemoryLimiter(),
    allowInsecure: config.allowInsecure,
    retries: 0,
    timeoutMs: 5_000,
  });
}

/**
 * Whether an event's access token is accepted by the portal of a connection (called at the connection's stored
 * address, never at an address the request names). Only the portal can issue such a token, so the event is genuine.
 */
async function acceptedByPortal(connection: ConnectionRow, accessToken: string, config: Bitrix24AppConfig): Promise<boolean> {
  try {
    await eventTokenClient(connection, accessToken, config).call("app.info");
    return true;
  } catch {
    return false;
  }
}

/**
 * Whether the portal confirms that our app was removed: our own stored tokens are rejected as "app not installed"
 * (after the token source's refresh). Anything else — the call works, the network fails — is no confirmation.
 */
async function uninstallConfirmed(db: Db, connection: ConnectionRow, config: Bitrix24AppConfig): Promise<boolean> {
  const client = createBitrix24Client({
    tokens: createTokenSource(db, { orgId: connection.orgId, connectionId: connection.id }, config, { oauth: { timeoutMs: 5_000 } }),
    limiter: createMemoryLimiter(),
    allowInsecure: config.allowInsecure,
    retries: 0,
    timeoutMs: 5_000,
  });
  try {
    const { result } = await client.call<{ INSTALLED?: unknown }>("app.info");
    return result?.INSTALLED === false;
  } catch (error) {
    return isBitrix24Error(error, "app_not_installed");
  }
}

export type EventOutcome = { handled: "uninstalled" | "recorded" | "ignored"; connections: number };

/**
 * Handles an event posted to `/api/bitrix24/events`. ONAPPUNINSTALL marks the portal's connections `uninstalled`
 * (and its install row); ONCRM…ADD/UPDATE/DELETE are recorded for the sync engine; other verified events are
 * acknowledged and ignored. Must answer fast: Bitrix24 does not resend events.
 */
export async function handlePortalEvent(db: Db, payload: PortalEventPayload, config: Bitrix24AppConfig): Promise<Verdict<EventOutcome>> {
  const event = payload.event;
  const memberId = payload.auth.member_id;
  const tokenHash = hashApplicationToken(payload.auth.application_token);
  const change = crmChangeOf(event, payload.data);
  if (isCrmRecordEvent(event) && !change) return { ok: false, status: 400, reason: "malformed_crm_event" };

  const connections: ConnectionRow[] = await db
    .select({
      orgId: portalConnections.orgId,
      id: portalConnections.id,
      clientId: portalConnections.clientId,
      clientEndpoint: portalConnections.clientEndpoint,
      status: portalConnections.status,
      applicationTokenHash: portalConnections.applicationTokenHash,
    })
    .from(portalConnections)
    .where(eq(portalConnections.memberId, memberId));
  const [install] = await db.select().from(portalInstalls).where(eq(portalInstalls.memberId, memberId)).limit(1);

  let matched = connections.filter((c) => sameHash(c.applicationTokenHash, tokenHash));
  const installMatched = Boolean(install && sameHash(install.applicationTokenHash, tokenHash));

  if (matched.length === 0 && !installMatched) {
    // Connections made by OAuth before any event: learn the application_token once the portal vouches for the event.
    const unknown = connections.filter((c) => !c.applicationTokenHash && c.status !== "uninstalled");
    if (unknown.length === 0) return { ok: false, status: 401, reason: "unknown_application_token" };
    // Each check calls the portal: bounded, so forged events cannot make us hammer a customer's Bitrix24.
    const probes = await hitRateLimit(db, `portal-event-probe:${memberId}`, PROBE_LIMIT.attempts, PROBE_LIMIT.windowSeconds);
    if (!probes.allowed) return { ok: false, status: 401, reason: "unverified_rate_limited" };
    const accessToken = payload.auth.access_token;
    for (const connection of unknown) {
      const genuine =
        event === "ONAPPUNINSTALL"
          ? await uninstallConfirmed(db, connection, config)
          : accessToken
            ? await acceptedByPortal(connection, accessToken, config)
            : false;
      if (genuine) matched.push(connection);
    }
    if (matched.length === 0) return { ok: false, status: 401, reason: "unverified" };
    await db
      .update(portalConnections)
      .set({ applicationTokenHash: tokenHash, updatedAt: new Date() })
      .where(and(eq(portalConnections.memberId, memberId), isNull(portalConnections.applicationTokenHash)));
  }

  if (event === "ONAPPUNINSTALL") {
    const clean = String((payload.data as Record<string, unknown> | undefined)?.CLEAN ?? "") === "1";
    await db.transaction(async (tx) => {
      for (const connection of matched) {
        const changed = await markConnectionStatus(tx, connection.id, "uninstalled", clean ? "uninstalled_clean" : "uninstalled");
        // The app's access is revoked with the uninstall: the stored tokens are dead weight.
        await deleteTokens(tx, { orgId: connection.orgId, connectionId: connection.id });
        if (changed) {
          await recordAudit(tx, { orgId: connection.orgId, actor: { type: "system", id: "bitrix24" } }, "portal.uninstalled", {
            type: "client",
            id: connection.clientId,
          }, { connectionId: connection.id, memberId, clean });
        }
      }
      if (installMatched) {
        await tx
          .update(portalInstalls)
          .set({
            uninstalledAt: new Date(),
            claimCodeHash: null,
            claimCodeExpiresAt: null,
            accessTokenEnc: null,
            refreshTokenEnc: null,
            expiresAt: null,
            updatedAt: new Date(),
          })
          .where(eq(portalInstalls.memberId, memberId));
      }
    });
    return { ok: true, value: { handled: "uninstalled", connections: matched.length } };
  }

  if (change) {
    const live = matched.filter((c) => c.status !== "uninstalled");
    for (const connection of live) {
      await recordPortalEvent(db, { orgId: connection.orgId, connectionId: connection.id, event, ...change });
    }
    return { ok: true, value: { handled: "recorded", connections: live.length } };
  }
  return { ok: true, value: { handled: "ignored", connections: matched.length } };
}

