import { and, eq, sql } from "drizzle-orm";
import type { Db, Tx } from "@/db";
import { portalConnections, portalTokens, type ConnectionStatus } from "@/db/schema";
import type { PortalTokens, TokenSource } from "@/lib/bitrix24/client";
import { Bitrix24Error, isBitrix24Error, type Bitrix24ErrorKind } from "@/lib/bitrix24/errors";
import { refreshTokens, type OAuthConfig, type OAuthTokens } from "@/lib/bitrix24/oauth";
import type { Bitrix24AppConfig } from "./bitrix24-config";
import { decryptSecret, encryptSecret } from "./encryption";
import { markConnectionStatus, statusForFailure } from "./portal-status";

/**
 * The one module that reads and writes Bitrix24 tokens. Tokens are encrypted at rest (AES-256-GCM, see
 * encryption.ts) with the row and the column as additional data; they are decrypted only here and only handed to
 * the REST client through a TokenSource. Nothing here logs a token.
 *
 * Refresh tokens are single use (SYNC.md §2.1): a refresh happens only when the client asks (after a 401
 * expired_token), under a per-portal advisory lock held in a transaction, so every process — web, workers — takes
 * turns; whoever gets the lock re-reads the row and reuses a pair another process already refreshed (its `version`
 * moved), and a new pair is written before the lock is released.
 */

/** Tokens as the client sees them, plus where they live and their version. */
export interface StoredPortalTokens extends PortalTokens {
  orgId: string;
  connectionId: string;
  /** Increases by one on every write; a refresh is only done for the version that failed. */
  version: number;
}

/** What gets stored: the pair and the access token's expiry (unix seconds). */
export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  expiresAt: number;
}

export interface ConnectionRef {
  orgId: string;
  connectionId: string;
}

type Column = "access_token" | "refresh_token";

/** Additional data of a connection's token: the ciphertext is bound to this row and this column. */
const connectionAad = (connectionId: string, column: Column) => `portal_connection:${connectionId}:${column}`;
/** Additional data of a portal-side install's token, keyed by member_id until an org claims it. */
const installAad = (memberId: string, column: Column) => `portal_install:${memberId}:${column}`;

/** Two-key advisory locks: this namespace keeps token locks apart from every other lock of the product. */
const TOKEN_LOCK_NAMESPACE = 7_240_031;

/**
 * Takes the connection's token lock until the end of the current transaction. Outside a transaction it is
 * released at once, so callers that need it to hold run inside `db.transaction`.
 */
export async function lockConnectionTokens(tx: Db | Tx, connectionId: string): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(${TOKEN_LOCK_NAMESPACE}, hashtext(${connectionId}))`);
}

/**
 * Stores a connection's token pair (a new connection, a re-connection, a claimed install, a refresh) and returns
 * its new version. Takes the token lock first, so it queues behind a refresh in progress instead of being
 * overwritten by it; call it inside the transaction that creates or updates the connection.
 */
export async function saveTokens(tx: Db | Tx, ref: ConnectionRef, pair: TokenPair): Promise<number> {
  await lockConnectionTokens(tx, ref.connectionId);
  const values = {
    accessTokenEnc: encryptSecret(pair.accessToken, connectionAad(ref.connectionId, "access_token")),
    refreshTokenEnc: encryptSecret(pair.refreshToken, connectionAad(ref.connectionId, "refresh_token")),
    expiresAt: new Date(pair.expiresAt * 1000),
    refreshedAt: new Date(),
  };
  const [row] = await tx
    .insert(portalTokens)
    .values({ orgId: ref.orgId, connectionId: ref.connectionId, ...values, version: 1 })
    .onConflictDoUpdate({
      target: [portalTokens.orgId, portalTokens.connectionId],
      set: { ...values, version: sql`${portalTokens.version} + 1` },
    })
    .returning({ version: portalTokens.version });
  return row.version;
}

interface TokenRow {
  orgId: string;
  connectionId: string;
  accessTokenEnc: string;
  refreshTokenEnc: string;
  expiresAt: Date;
  version: number;
  clientEndpoint: string;
  serverEndpoint: string | null;
  domain: string;
  memberId: string;
  scope: string | null;
  status: ConnectionStatus;
  statusReason: string | null;
}

async function selectTokenRow(db: Db | Tx, ref: ConnectionRef): Promise<TokenRow | undefined> {
  const [row] = await db
    .select({
      orgId: portalTokens.orgId,
      connectionId: portalTokens.connectionId,
      accessTokenEnc: portalTokens.accessTokenEnc,
      refreshTokenEnc: portalTokens.refreshTokenEnc,
      expiresAt: portalTokens.expiresAt,
      version: portalTokens.version,
      clientEndpoint: portalConnections.clientEndpoint,
      serverEndpoint: portalConnections.serverEndpoint,
      domain: portalConnections.domain,
      memberId: portalConnections.memberId,
      scope: portalConnections.scope,
      status: portalConnections.status,
      statusReason: portalConnections.statusReason,
    })
    .from(portalTokens)
    .innerJoin(
      portalConnections,
      and(eq(portalConnections.orgId, portalTokens.orgId), eq(portalConnections.id, portalTokens.connectionId)),
    )
    .where(and(eq(portalTokens.orgId, ref.orgId), eq(portalTokens.connectionId, ref.connectionId)))
    .limit(1);
  return row;
}

function decryptRow(row: TokenRow): StoredPortalTokens {
  return {
    orgId: row.orgId,
    connectionId: row.connectionId,
    version: row.version,
    accessToken: decryptSecret(row.accessTokenEnc, connectionAad(row.connectionId, "access_token")),
    refreshToken: decryptSecret(row.refreshTokenEnc, connectionAad(row.connectionId, "refresh_token")),
    expiresAt: Math.floor(row.expiresAt.getTime() / 1000),
    clientEndpoint: row.clientEndpoint,
    serverEndpoint: row.serverEndpoint ?? undefined,
    domain: row.domain,
    memberId: row.memberId,
    scope: row.scope ? row.scope.split(",").filter(Boolean) : undefined,
  };
}

/** A connection's decrypted tokens with their version; null when it has none. */
export async function readTokens(db: Db | Tx, ref: ConnectionRef): Promise<StoredPortalTokens | null> {
  const row = await selectTokenRow(db, ref);
  return row ? decryptRow(row) : null;
}

/** The error a TokenSource throws for a connection that may not be used (the kind tells the caller what to do). */
function unusableConnection(status: ConnectionStatus, reason: string | null): Bitrix24Error {
  const kind: Bitrix24ErrorKind =
    status === "uninstalled" ? "app_not_installed" : status === "error" ? "portal_deleted" : "needs_reauth";
  return new Bitrix24Error({
    kind,
    code: `CONNECTION_${status.toUpperCase()}`,
    description: `the portal connection is ${status}${reason ? ` (${reason})` : ""}`,
  });
}

/** A TokenSource whose tokens carry their stored version. */
export interface StoredTokenSource extends TokenSource {
  get(): Promise<StoredPortalTokens>;
  refresh(stale: PortalTokens): Promise<StoredPortalTokens>;
}

export interface TokenSourceOptions {
  /** Passed to the OAuth refresh (tests inject fetch or a shorter timeout). */
  oauth?: Pick<OAuthConfig, "fetch" | "timeoutMs" | "httpMethod">;
}

/** Refreshes in flight in this process, by connection: concurrent callers with the same stale version share one. */
const inFlight = new Map<string, { version: number; promise: Promise<StoredPortalTokens> }>();

/**
 * The client's TokenSource for one connection. `get()` reads the stored pair (refusing connections that are not
 * `connected`); `refresh(stale)` refreshes only if the stored pair is still the one that failed.
 *
 * A refresh failing with invalid_grant, NO_AUTH_FOUND and the like marks the connection `needs_reauth` (portal
 * deleted, unpaid, app removed: `error`) with the reason, committed with the lock's transaction, then throws.
 * A network failure or an unreadable answer leaves everything as it was and throws: the refresh token may have been
 * spent by a request whose answer was lost, in which case the next attempt gets invalid_grant and asks for
 * re-authorisation.
 */
export function createTokenSource(
  db: Db,
  ref: ConnectionRef,
  config: Bitrix24AppConfig,
  options: TokenSourceOptions = {},
): StoredTokenSource {
  const get = async (): Promise<StoredPortalTokens> => {
    const row = await selectTokenRow(db, ref);
    if (!row) throw unusableConnection("needs_reauth", "no_tokens");
    if (row.status !== "connected") throw unusableConnection(row.status, row.statusReason);
    return decryptRow(row);
  };

  const refreshLocked = async (stale: PortalTokens): Promise<StoredPortalTokens> => {
    const staleVersion = (stale as Partial<StoredPortalTokens>).version;
    const outcome = await db.transaction(async (tx) => {
      await lockConnectionTokens(tx, ref.connectionId);
      const row = await selectTokenRow(tx, ref);
      if (!row) return { error: unusableConnection("needs_reauth", "no_tokens") };
      if (row.status !== "connected") return { error: unusableConnection(row.status, row.statusReason) };
      const current = decryptRow(row);
      // Someone refreshed (or re-connected) while we waited for the lock: their pair is the one to use.
      const moved = staleVersion !== undefined ? row.version !== staleVersion : current.accessToken !== stale.accessToken;
      if (moved) return { tokens: current };

      let fresh: OAuthTokens;
      try {
        fresh = await refreshTokens({
          oauthUrl: config.oauthUrl,
          clientId: config.clientId,
          clientSecret: config.clientSecret,
          allowInsecure: config.allowInsecure,
          ...options.oauth,
          refreshToken: current.refreshToken,
        });
      } catch (error) {
        const status = isBitrix24Error(error) ? statusForFailure(error.kind) : null;
        if (!status) throw error;
        // Committed with this transaction (the lock's), so the status survives the throw below.
        await markConnectionStatus(tx, ref.connectionId, status, (error as Bitrix24Error).code || (error as Bitrix24Error).kind);
        return { error };
      }
      if (fresh.memberId !== row.memberId) {
        // Cannot happen with a sane OAuth server; refusing keeps another portal's tokens out of this row.
        throw new Bitrix24Error({ kind: "malformed", code: "MEMBER_ID_MISMATCH", method: "oauth/token" });
      }
      const version = await saveTokens(tx, ref, fresh);
      if (fresh.clientEndpoint !== row.clientEndpoint) {
        await tx
          .update(portalConnections)
          .set({ clientEndpoint: fresh.clientEndpoint, domain: fresh.domain, updatedAt: new Date() })
          .where(and(eq(portalConnections.orgId, ref.orgId), eq(portalConnections.id, ref.connectionId)));
      }
      return {
        tokens: {
          ...current,
          accessToken: fresh.accessToken,
          refreshToken: fresh.refreshToken,
          expiresAt: fresh.expiresAt,
          clientEndpoint: fresh.clientEndpoint,
          domain: fresh.domain,
          version,
        } satisfies StoredPortalTokens,
      };
    });
    if ("error" in outcome) throw outcome.error;
    return outcome.tokens;
  };

  const refresh = (stale: PortalTokens): Promise<StoredPortalTokens> => {
    const staleVersion = (stale as Partial<StoredPortalTokens>).version;
    const running = inFlight.get(ref.connectionId);
    if (running && staleVersion !== undefined && running.version === staleVersion) return running.promise;
    const promise = refreshLocked(stale).finally(() => {
      if (inFlight.get(ref.connectionId)?.promise === promise) inFlight.delete(ref.connectionId);
    });
    if (staleVersion !== undefined) inFlight.set(ref.connectionId, { version: staleVersion, promise });
    return promise;
  };

  return { get, refresh };
}

/** A portal-side install's tokens, encrypted for its row (bound to the portal's member_id). */
export function encryptInstallTokens(memberId: string, pair: TokenPair) {
  return {
    accessTokenEnc: encryptSecret(pair.accessToken, installAad(memberId, "access_token")),
    refreshTokenEnc: encryptSecret(pair.refreshToken, installAad(memberId, "refresh_token")),
    expiresAt: new Date(pair.expiresAt * 1000),
  };
}

/** Decrypts a portal-side install's tokens (to move them to the connection that claims the portal). */
export function decryptInstallTokens(
  memberId: string,
  row: { accessTokenEnc: string | null; refreshTokenEnc: string | null; expiresAt: Date | null },
): TokenPair | null {
  if (!row.accessTokenEnc || !row.refreshTokenEnc || !row.expiresAt) return null;
  return {
    accessToken: decryptSecret(row.accessTokenEnc, installAad(memberId, "access_token")),
    refreshToken: decryptSecret(row.refreshTokenEnc, installAad(memberId, "refresh_token")),
    expiresAt: Math.floor(row.expiresAt.getTime() / 1000),
  };
}

/** Forgets a connection's tokens (after an uninstall the portal has revoked them anyway). */
export async function deleteTokens(tx: Db | Tx, ref: ConnectionRef): Promise<void> {
  await lockConnectionTokens(tx, ref.connectionId);
  await tx
    .delete(portalTokens)
    .where(and(eq(portalTokens.orgId, ref.orgId), eq(portalTokens.connectionId, ref.connectionId)));
}
