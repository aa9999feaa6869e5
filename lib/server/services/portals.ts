import { and, desc, eq, gt, isNull, sql } from "drizzle-orm";
import { z } from "zod";
import type { Db, Tx } from "@/db";
import { clients, connectLinks, orgs, portalConnections, portalInstalls, users } from "@/db/schema";
import { createBitrix24Client } from "@/lib/bitrix24/client";
import { isBitrix24Error } from "@/lib/bitrix24/errors";
import { createMemoryLimiter } from "@/lib/bitrix24/limiter";
import { buildAuthorizeUrl, exchangeCode, type OAuthTokens } from "@/lib/bitrix24/oauth";
import { recordAudit } from "../audit-log";
import { getBitrix24Config, isBitrix24Configured, type Bitrix24AppConfig } from "../bitrix24-config";
import { CLAIM_CODE_TTL_MS, hashClaimCode, normaliseClaimCode } from "../claim-codes";
import { AppError } from "../errors";
import { isUuid } from "../ids";
import { appUrl } from "../mail";
import { nonceMatches, signOAuthState, stateCookieName, verifyOAuthState, type OAuthState } from "../oauth-state";
import { can, assertCan } from "../permissions";
import { normalisePortalAddress } from "../portal-address";
import { createTokenSource, decryptInstallTokens, saveTokens, type TokenPair } from "../portal-tokens";
import { hitRateLimit } from "../rate-limit";
import { hashToken, newToken } from "../tokens";
import { loadUserTenantContext, type TenantContext } from "../tenant";
import { getClientInOrg } from "./clients";
import { requestPortalSync } from "../sync/requests";

/**
 * Connecting clients' Bitrix24 portals, three ways (SPEC §5.2):
 * (a) an org member runs OAuth from the client's page;
 * (b) a one-time connect link lets the client's portal admin run the same OAuth flow without an account;
 * (c) the portal installs the app from its side and shows a claim code, which a member enters on the client's page.
 * All three end in `connectPortal`: one connection per (org, member_id) — connecting the same portal again updates
 * it — and one portal per client. After connecting, a full sync is requested and the portal's events are bound.
 */

export type ConnectedVia = "oauth" | "link" | "install";

/** Default and maximum life of a connect link. */
export const CONNECT_LINK_DEFAULT_DAYS = 7;
export const CONNECT_LINK_MAX_DAYS = 30;

/** Claim attempts per org in 15 minutes: claim codes are short, guessing must stay hopeless. */
const CLAIM_LIMIT = { attempts: 10, windowSeconds: 15 * 60 };

/** Starts of the public connect-link flow per link and hour. */
const LINK_START_LIMIT = { attempts: 30, windowSeconds: 60 * 60 };

/** Events bound on every connected portal: its uninstall and the CRM changes the sync engine wants to hear about. */
export const BOUND_EVENTS = [
  "ONAPPUNINSTALL",
  ...["LEAD", "DEAL", "CONTACT", "COMPANY", "ACTIVITY"].flatMap((e) => ["ADD", "UPDATE", "DELETE"].map((a) => `ONCRM${e}${a}`)),
] as const;

// ---- reading ----------------------------------------------------------------------------------------------

/** The connection of a client, without secrets; null when the client has none. */
export async function getClientConnection(ctx: TenantContext, clientId: string) {
  await getClientInOrg(ctx, clientId);
  const [row] = await ctx.db
    .select({
      id: portalConnections.id,
      clientId: portalConnections.clientId,
      memberId: portalConnections.memberId,
      domain: portalConnections.domain,
      clientEndpoint: portalConnections.clientEndpoint,
      status: portalConnections.status,
      statusReason: portalConnections.statusReason,
      statusChangedAt: portalConnections.statusChangedAt,
      connectedVia: portalConnections.connectedVia,
      connectedAt: portalConnections.connectedAt,
      lastSyncedAt: portalConnections.lastSyncedAt,
      createdAt: portalConnections.createdAt,
    })
    .from(portalConnections)
    .where(and(eq(portalConnections.orgId, ctx.orgId), eq(portalConnections.clientId, clientId)))
    .limit(1);
  return row ?? null;
}

export type ClientConnection = NonNullable<Awaited<ReturnType<typeof getClientConnection>>>;

/** A connection of the context's org; `not_found` otherwise (also for client viewers of another client). */
export async function getConnectionInOrg(ctx: TenantContext, connectionId: string) {
  if (!isUuid(connectionId)) throw new AppError("not_found");
  const [row] = await ctx.db
    .select()
    .from(portalConnections)
    .where(and(eq(portalConnections.orgId, ctx.orgId), eq(portalConnections.id, connectionId)))
    .limit(1);
  if (!row || (ctx.clientScope && ctx.clientScope !== row.clientId)) throw new AppError("not_found");
  return row;
}

/** Everything the portal card of a client's page shows: the connection, and for those who may connect, the links. */
export async function getPortalCard(ctx: TenantContext, clientId: string) {
  const connection = await getClientConnection(ctx, clientId);
  const canConnect = can(ctx.role, "portals.connect") && !ctx.clientScope;
  return {
    connection,
    canConnect,
    configured: isBitrix24Configured(),
    links: canConnect ? await listConnectLinks(ctx, clientId) : [],
  };
}

// ---- (a) OAuth from the app ------------------------------------------------------------------------------

export const connectPortalInput = z.object({ portal: z.string({ error: "required" }) });

/**
 * Starts flow (a): validates the address and returns the portal's authorize URL with a signed state bound to the
 * member, the org and the client, plus the nonce the browser must keep in a cookie (`stateCookieName`).
 */
export async function startPortalConnect(ctx: TenantContext, clientId: string, portalAddress: string) {
  assertCan(ctx, "portals.connect");
  if (ctx.actor.type !== "user") throw new AppError("forbidden");
  await getClientInOrg(ctx, clientId);
  const config = getBitrix24Config();
  const portal = normalisePortalAddress(portalAddress, config.allowInsecure);
  const { state, nonce, expiresAt } = signOAuthState({
    kind: "user",
    orgId: ctx.orgId,
    clientId,
    userId: ctx.actor.id,
    portal,
  });
  return { url: buildAuthorizeUrl(portal, config.clientId, state, { allowInsecure: config.allowInsecure }), nonce, expiresAt };
}

// ---- (b) connect links -----------------------------------------------------------------------------------

export const createConnectLinkInput = z.object({
  expiresInDays: z.coerce
    .number({ error: "number" })
    .int({ error: "number" })
    .min(1, { error: "number" })
    .max(CONNECT_LINK_MAX_DAYS, { error: "number" })
    .default(CONNECT_LINK_DEFAULT_DAYS),
});

/** The public address of a connect link. */
export function connectLinkUrl(token: string): string {
  return appUrl(`/connect/${token}`);
}

/**
 * Creates a one-time connect link for a client. The token is returned once (the database keeps its hash): show it
 * to the member with a copy button, it cannot be shown again.
 */
export async function createConnectLink(ctx: TenantContext, clientId: string, input: z.input<typeof createConnectLinkInput> = {}) {
  assertCan(ctx, "portals.connect");
  const client = await getClientInOrg(ctx, clientId);
  const parsed = createConnectLinkInput.safeParse(input);
  if (!parsed.success) throw new AppError("validation", { fields: { expiresInDays: "invalid" } });
  const token = newToken();
  const expiresAt = new Date(Date.now() + parsed.data.expiresInDays * 24 * 60 * 60 * 1000);
  return ctx.db.transaction(async (tx) => {
    const [link] = await tx
      .insert(connectLinks)
      .values({
        orgId: ctx.orgId,
        clientId,
        tokenHash: hashToken(token),
        createdBy: ctx.actor.type === "user" ? ctx.actor.id : null,
        expiresAt,
      })
      .returning();
    await recordAudit(tx, ctx, "portal.connect_link_created", { type: "client", id: clientId }, {
      client: client.name,
      linkId: link.id,
      expiresAt: expiresAt.toISOString(),
    });
    return { id: link.id, url: connectLinkUrl(token), token, expiresAt };
  });
}

/** A client's connect links that can still be used, newest first. */
export async function listConnectLinks(ctx: TenantContext, clientId: string) {
  await getClientInOrg(ctx, clientId);
  return ctx.db
    .select({
      id: connectLinks.id,
      createdAt: connectLinks.createdAt,
      expiresAt: connectLinks.expiresAt,
      createdByName: users.name,
    })
    .from(connectLinks)
    .leftJoin(users, eq(users.id, connectLinks.createdBy))
    .where(
      and(
        eq(connectLinks.orgId, ctx.orgId),
        eq(connectLinks.clientId, clientId),
        isNull(connectLinks.usedAt),
        isNull(connectLinks.revokedAt),
        gt(connectLinks.expiresAt, new Date()),
      ),
    )
    .orderBy(desc(connectLinks.createdAt));
}

/** Revokes a connect link of the org; revoking a used, expired or revoked link is a no-op. */
export async function revokeConnectLink(ctx: TenantContext, linkId: string) {
  assertCan(ctx, "portals.connect");
  if (!isUuid(linkId)) throw new AppError("not_found");
  const [link] = await ctx.db
    .select()
    .from(connectLinks)
    .where(and(eq(connectLinks.orgId, ctx.orgId), eq(connectLinks.id, linkId)))
    .limit(1);
  if (!link) throw new AppError("not_found");
  await getClientInOrg(ctx, link.clientId);
  if (link.revokedAt || link.usedAt) return;
  await ctx.db.transaction(async (tx) => {
    await tx
      .update(connectLinks)
      .set({ revokedAt: new Date() })
      .where(and(eq(connectLinks.orgId, ctx.orgId), eq(connectLinks.id, linkId), isNull(connectLinks.revokedAt)));
    await recordAudit(tx, ctx, "portal.connect_link_revoked", { type: "client", id: link.clientId }, { linkId });
  });
}

export type ConnectLinkStatus = "valid" | "used" | "expired" | "revoked";

const LINK_STATUS_ERRORS = { used: "linkUsed", expired: "linkExpired", revoked: "linkRevoked" } as const;

/**
 * What the public connect page needs about a link, found by its token: whose link it is and whether it can still be
 * used. Null for an unknown token. Unauthenticated by design: holding the token is the authorisation.
 */
export async function findConnectLink(db: Db, token: string) {
  if (typeof token !== "string" || token.length < 20 || token.length > 200) return null;
  const [row] = await db
    .select({
      id: connectLinks.id,
      orgId: connectLinks.orgId,
      clientId: connectLinks.clientId,
      expiresAt: connectLinks.expiresAt,
      usedAt: connectLinks.usedAt,
      revokedAt: connectLinks.revokedAt,
      clientName: clients.name,
      orgName: orgs.name,
    })
    .from(connectLinks)
    .innerJoin(clients, and(eq(clients.orgId, connectLinks.orgId), eq(clients.id, connectLinks.clientId)))
    .innerJoin(orgs, eq(orgs.id, connectLinks.orgId))
    .where(eq(connectLinks.tokenHash, hashToken(token)))
    .limit(1);
  if (!row) return null;
  const status: ConnectLinkStatus = row.revokedAt
    ? "revoked"
    : row.usedAt
      ? "used"
      : row.expiresAt.getTime() <= Date.now()
        ? "expired"
        : "valid";
  return { ...row, status };
}

/** Starts flow (b) from the public page: the state is bound to the link instead of a user. */
export async function startLinkConnect(db: Db, token: string, portalAddress: string) {
  const link = await findConnectLink(db, token);
  if (!link) throw new AppError("not_found");
  if (link.status !== "valid") throw new AppError("gone", { messageKey: `portal.${LINK_STATUS_ERRORS[link.status]}` });
  const limit = await hitRateLimit(db, `connect-link:${link.id}`, LINK_START_LIMIT.attempts, LINK_START_LIMIT.windowSeconds);
  if (!limit.allowed) throw new AppError("rate_limited");
  const config = getBitrix24Config();
  const portal = normalisePortalAddress(portalAddress, config.allowInsecure);
  const { state, nonce, expiresAt } = signOAuthState({
    kind: "link",
    orgId: link.orgId,
    clientId: link.clientId,
    linkId: link.id,
    portal,
  });
  return { url: buildAuthorizeUrl(portal, config.clientId, state, { allowInsecure: config.allowInsecure }), nonce, expiresAt };
}

// ---- the callback of (a) and (b) ---------------------------------------------------------------------------

export interface CallbackInput {
  state: string | null;
  code: string | null;
  /** Reads a cookie of the request by name (the state's nonce must come back in one). */
  cookie: (name: string) => string | undefined;
  /** The signed-in user, if any. */
  sessionUserId: string | null;
  /** Bitrix24 sent an `error` instead of a code (the admin declined). */
  denied?: boolean;
}

export type CallbackOutcome =
  | { ok: true; state: OAuthState; connectionId: string; domain: string }
  | { ok: false; state: OAuthState | null; error: string };

/**
 * Completes flows (a) and (b) when Bitrix24 sends the browser back with `code` and `state`: checks the state (signed,
 * fresh, same browser), who may connect (the member still belongs to the org with `portals.connect`; or the link is
 * still valid), exchanges the code at the configured OAuth server and connects the portal. Never throws for
 * expected failures: the outcome names a message key under `errors.portal.`.
 */
export async function completePortalConnect(db: Db, input: CallbackInput, config?: Bitrix24AppConfig): Promise<CallbackOutcome> {
  const verified = verifyOAuthState(input.state);
  if (!verified.ok) return { ok: false, state: null, error: verified.problem === "expired" ? "stateExpired" : "stateInvalid" };
  const state = verified.state;
  const fail = (error: string): CallbackOutcome => ({ ok: false, state, error });
  if (!nonceMatches(input.cookie(stateCookieName(state.nonce)), state.nonce)) return fail("stateInvalid");
  if (input.denied) return fail("accessDenied");
  if (!input.code || !/^[\w.-]{4,512}$/.test(input.code)) return fail("codeMissing");

  let ctx: TenantContext;
  let via: ConnectedVia;
  if (state.kind === "user") {
    if (!input.sessionUserId || input.sessionUserId !== state.userId) return fail("signedOut");
    try {
      ctx = await loadUserTenantContext(db, state.userId, state.orgId);
    } catch {
      return fail("notMember");
    }
    if (!can(ctx.role, "portals.connect") || ctx.clientScope) return fail("forbidden");
    via = "oauth";
  } else {
    ctx = { orgId: state.orgId, role: "owner", actor: { type: "system", id: `connect_link:${state.linkId}` }, db, clientScope: null };
    via = "link";
  }

  try {
    await getClientInOrg(ctx, state.clientId);
    if (state.kind === "link") {
      const [link] = await db
        .select()
        .from(connectLinks)
        .where(and(eq(connectLinks.orgId, state.orgId), eq(connectLinks.id, state.linkId)))
        .limit(1);
      if (!link || link.clientId !== state.clientId) return fail("linkInvalid");
      if (link.revokedAt) return fail("linkRevoked");
      if (link.usedAt) return fail("linkUsed");
      if (link.expiresAt.getTime() <= Date.now()) return fail("linkExpired");
    }
  } catch {
    return fail("clientMissing");
  }

  let tokens: OAuthTokens;
  try {
    const app = config ?? getBitrix24Config();
    tokens = await exchangeCode({ ...app, code: input.code });
  } catch (error) {
    if (error instanceof AppError) return fail("notConfigured");
    console.warn("[portals] code exchange failed:", isBitrix24Error(error) ? `${error.kind} ${error.code}` : String(error));
    return fail(isBitrix24Error(error, "app_not_installed") ? "appNotInstalled" : isBitrix24Error(error, "payment_required") ? "paymentRequired" : "exchangeFailed");
  }

  try {
    const connection = await connectPortal(db, ctx, {
      clientId: state.clientId,
      via,
      portal: tokens,
      tokens,
      connectedBy: state.kind === "user" ? state.userId : null,
      linkId: state.kind === "link" ? state.linkId : undefined,
    });
    await afterConnect(db, { orgId: state.orgId, connectionId: connection.id }, state.kind === "user" ? state.userId : null, config);
    return { ok: true, state, connectionId: connection.id, domain: connection.domain };
  } catch (error) {
    if (error instanceof AppError && error.messageKey.startsWith("portal.")) return fail(error.messageKey.slice("portal.".length));
    throw error;
  }
}

// ---- (c) claim a portal-side install ---------------------------------------------------------------------

export const claimPortalInput = z.object({ code: z.string({ error: "required" }).trim().min(1, { error: "required" }) });

/**
 * Completes flow (c): a member types the claim code the portal showed after installing the app; the install's
 * tokens move to a connection of this client (re-encrypted under the connection's additional data) and the code
 * stops working. Wrong codes count against the org's claim limit.
 */
export async function claimPortal(ctx: TenantContext, clientId: string, code: string, config?: Bitrix24AppConfig) {
  assertCan(ctx, "portals.connect");
  await getClientInOrg(ctx, clientId);
  const normalised = normaliseClaimCode(code ?? "");
  // Every attempt counts, so guessing codes is bounded whatever the outcome of each guess.
  const limit = await hitRateLimit(ctx.db, `claim:${ctx.orgId}`, CLAIM_LIMIT.attempts, CLAIM_LIMIT.windowSeconds);
  if (!limit.allowed) throw new AppError("rate_limited");
  const invalid = () => new AppError("validation", { messageKey: "portal.claimCodeInvalid", fields: { code: "claimCode" } });
  if (!normalised) throw invalid();

  const connection = await ctx.db.transaction(async (tx) => {
    const [install] = await tx
      .select()
      .from(portalInstalls)
      .where(
        and(
          eq(portalInstalls.claimCodeHash, hashClaimCode(normalised)),
          isNull(portalInstalls.claimedAt),
          isNull(portalInstalls.uninstalledAt),
          gt(portalInstalls.claimCodeExpiresAt, new Date()),
        ),
      )
      .for("update")
      .limit(1);
    const pair = install ? decryptInstallTokens(install.memberId, install) : null;
    if (!install || !pair) return null;
    const connected = await connectPortalInTx(tx, ctx, {
      clientId,
      via: "install",
      portal: {
        memberId: install.memberId,
        domain: install.domain,
        clientEndpoint: install.clientEndpoint,
        serverEndpoint: install.serverEndpoint ?? undefined,
        scope: install.scope ? install.scope.split(",") : [],
      },
      tokens: pair,
      connectedBy: ctx.actor.type === "user" ? ctx.actor.id : null,
      applicationTokenHash: install.applicationTokenHash,
    });
    // The tokens now live with the connection; the install keeps no copy and its code is spent.
    await tx
      .update(portalInstalls)
      .set({
        claimedAt: new Date(),
        claimCodeHash: null,
        claimCodeExpiresAt: null,
        accessTokenEnc: null,
        refreshTokenEnc: null,
        expiresAt: null,
        updatedAt: new Date(),
      })
      .where(eq(portalInstalls.memberId, install.memberId));
    return connected;
  });
  if (!connection) throw invalid();
  await afterConnect(ctx.db, { orgId: ctx.orgId, connectionId: connection.id }, ctx.actor.type === "user" ? ctx.actor.id : null, config);
  return connection;
}

// ---- connecting ------------------------------------------------------------------------------------------

interface PortalIdentity {
  memberId: string;
  domain: string;
  clientEndpoint: string;
  serverEndpoint?: string;
  scope: string[];
}

interface ConnectInput {
  clientId: string;
  via: ConnectedVia;
  portal: PortalIdentity;
  tokens: TokenPair;
  connectedBy: string | null;
  /** The connect link being used up (flow b): marked used in the same transaction, or the whole connect fails. */
  linkId?: string;
  /** Known from a portal-side install; otherwise taken from the install row of this portal if there is one. */
  applicationTokenHash?: string;
}

/** Connects (or re-connects) a portal to a client in one transaction; see `connectPortalInTx`. */
export async function connectPortal(db: Db, ctx: TenantContext, input: ConnectInput) {
  return db.transaction((tx) => connectPortalInTx(tx, ctx, input));
}

/**
 * The one place a connection is created or renewed. Keyed by (org, member_id): the same portal connected again gets
 * new tokens and status `connected` on its existing row. A portal already connected to another client of the org,
 * or a client already connected to another portal, is a conflict with a clear message.
 */
async function connectPortalInTx(tx: Tx, ctx: TenantContext, input: ConnectInput) {
  const { portal } = input;
  // Two connects of one portal (or to one client) at once: the second waits, then finds the first's row and
  // renews it or reports the conflict, instead of tripping over the unique index.
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`connect:${ctx.orgId}:${portal.memberId}`}))`);
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`connect:${ctx.orgId}:client:${input.clientId}`}))`);
  const byMember = await tx
    .select({ id: portalConnections.id, clientId: portalConnections.clientId, clientName: clients.name })
    .from(portalConnections)
    .innerJoin(clients, and(eq(clients.orgId, portalConnections.orgId), eq(clients.id, portalConnections.clientId)))
    .where(and(eq(portalConnections.orgId, ctx.orgId), eq(portalConnections.memberId, portal.memberId)))
    .for("update")
    .limit(1);
  const existing = byMember[0];
  if (existing && existing.clientId !== input.clientId) {
    throw new AppError("conflict", { messageKey: "portal.ofOtherClient", params: { client: existing.clientName } });
  }
  if (!existing) {
    const [other] = await tx
      .select({ domain: portalConnections.domain })
      .from(portalConnections)
      .where(and(eq(portalConnections.orgId, ctx.orgId), eq(portalConnections.clientId, input.clientId)))
      .limit(1);
    if (other) throw new AppError("conflict", { messageKey: "portal.clientHasOther", params: { domain: other.domain } });
  }

  let applicationTokenHash = input.applicationTokenHash;
  if (!applicationTokenHash) {
    const [install] = await tx
      .select({ hash: portalInstalls.applicationTokenHash })
      .from(portalInstalls)
      .where(and(eq(portalInstalls.memberId, portal.memberId), isNull(portalInstalls.uninstalledAt)))
      .limit(1);
    applicationTokenHash = install?.hash;
  }

  const now = new Date();
  const values = {
    domain: portal.domain,
    clientEndpoint: portal.clientEndpoint,
    serverEndpoint: portal.serverEndpoint ?? null,
    scope: portal.scope.join(","),
    status: "connected" as const,
    statusReason: null,
    statusChangedAt: now,
    connectedVia: input.via,
    connectedAt: now,
    connectedBy: input.connectedBy,
    updatedAt: now,
    ...(applicationTokenHash ? { applicationTokenHash } : {}),
  };
  let connection;
  if (existing) {
    [connection] = await tx
      .update(portalConnections)
      .set(values)
      .where(and(eq(portalConnections.orgId, ctx.orgId), eq(portalConnections.id, existing.id)))
      .returning();
  } else {
    [connection] = await tx
      .insert(portalConnections)
      .values({ orgId: ctx.orgId, clientId: input.clientId, memberId: portal.memberId, ...values })
      .returning();
  }
  await saveTokens(tx, { orgId: ctx.orgId, connectionId: connection.id }, input.tokens);

  if (input.linkId) {
    const used = await tx
      .update(connectLinks)
      .set({ usedAt: now })
      .where(
        and(
          eq(connectLinks.orgId, ctx.orgId),
          eq(connectLinks.id, input.linkId),
          isNull(connectLinks.usedAt),
          isNull(connectLinks.revokedAt),
          gt(connectLinks.expiresAt, now),
        ),
      )
      .returning({ id: connectLinks.id });
    // Two admins racing with one link: only the first connects.
    if (used.length === 0) throw new AppError("gone", { messageKey: "portal.linkUsed" });
  }

  await recordAudit(tx, ctx, existing ? "portal.reconnected" : "portal.connected", { type: "client", id: input.clientId }, {
    connectionId: connection.id,
    domain: portal.domain,
    memberId: portal.memberId,
    via: input.via,
    ...(input.linkId ? { linkId: input.linkId } : {}),
  });
  return connection;
}

/**
 * After a successful connect: bind the portal's events to our handler and ask for a full sync. Neither may undo
 * the connection: a failure is logged and the card shows the state the sync engine reports.
 */
async function afterConnect(
  db: Db,
  ref: { orgId: string; connectionId: string },
  requestedBy: string | null,
  config?: Bitrix24AppConfig,
) {
  await bindPortalEvents(db, ref, config).catch((error: unknown) => {
    console.warn("[portals] binding events failed:", isBitrix24Error(error) ? `${error.kind} ${error.code}` : String(error));
  });
  await requestPortalSync(db, { orgId: ref.orgId, connectionId: ref.connectionId, kind: "full", reason: "connected", requestedBy }).catch(
    (error: unknown) => {
      // The connection stands; the scheduler and "Sync now" can still start the backfill.
      console.error("[portals] requesting the first sync failed:", error);
    },
  );
}

/**
 * Binds ONAPPUNINSTALL and the CRM change events of a connected portal to `/api/bitrix24/events`, in one batch.
 * Handlers that already exist are fine (Bitrix24 answers ERROR_HANDLER_ALREADY_EXIST); Bitrix24 drops handlers when
 * the app is updated, so binding again on every connect is the documented practice.
 */
export async function bindPortalEvents(db: Db, ref: { orgId: string; connectionId: string }, config?: Bitrix24AppConfig) {
  const app = config ?? getBitrix24Config();
  const client = createBitrix24Client({
    tokens: createTokenSource(db, ref, app),
    limiter: createMemoryLimiter(),
    allowInsecure: app.allowInsecure,
    retries: 1,
    timeoutMs: 15_000,
  });
  const handler = appUrl("/api/bitrix24/events");
  const commands = Object.fromEntries(BOUND_EVENTS.map((event, i) => [`e${i}`, { method: "event.bind", params: { event, handler } }]));
  const { results } = await client.batch(commands);
  const failed = Object.values(results).filter(
    (r) => r.status === "error" && r.error.code.toUpperCase() !== "ERROR_HANDLER_ALREADY_EXIST",
  );
  if (failed.length > 0 && failed[0].status === "error") throw failed[0].error;
}
