import { and, eq, ne } from "drizzle-orm";
import type { Db, Tx } from "@/db";
import { portalConnections, type ConnectionStatus } from "@/db/schema";
import type { Bitrix24ErrorKind } from "@/lib/bitrix24/errors";

/**
 * The state machine of a portal connection, system side. Only `connected` connections are synced: every other
 * status waits for a person (re-authorise, reinstall) or for the reason to go away.
 *
 *   connected ──invalid_grant, NO_AUTH_FOUND──▶ needs_reauth ──reconnect──▶ connected
 *   connected ──ONAPPUNINSTALL────────────────▶ uninstalled  ──reconnect / claim──▶ connected
 *   connected ──portal deleted, unpaid, app removed──▶ error  ──reconnect──▶ connected
 */

/** Whether a connection in this status may be synced. */
export function isSyncable(status: ConnectionStatus): boolean {
  return status === "connected";
}

/** The connection status a Bitrix24 failure leaves behind; null when the failure is not the connection's fault. */
export function statusForFailure(kind: Bitrix24ErrorKind): Exclude<ConnectionStatus, "connected" | "pending"> | null {
  switch (kind) {
    case "needs_reauth":
      return "needs_reauth";
    case "app_not_installed":
    case "portal_deleted":
    case "payment_required":
    case "overload":
      return "error";
    default:
      return null;
  }
}

/**
 * Sets a connection's status and machine-readable reason (a Bitrix24 error kind or code, translated in the UI).
 * A system helper: callers are jobs and Bitrix24 callbacks that already know the connection is theirs to change,
 * so it does not check a tenant context. The sync engine calls it when a run finds the portal unusable and must skip
 * connections whose status is not `connected`. Returns whether a row changed (setting the same status again only
 * refreshes the reason). An uninstalled connection stays uninstalled: calls that fail because the app is gone (a
 * sync that was running, a token refresh) must not hide why, and only a reconnect or a claim brings it back.
 */
export async function markConnectionStatus(
  db: Db | Tx,
  connectionId: string,
  status: ConnectionStatus,
  reason: string | null = null,
): Promise<boolean> {
  const now = new Date();
  const target = and(eq(portalConnections.id, connectionId), status === "uninstalled" ? undefined : ne(portalConnections.status, "uninstalled"));
  const changed = await db
    .update(portalConnections)
    .set({ status, statusReason: reason, statusChangedAt: now, updatedAt: now })
    .where(and(target, ne(portalConnections.status, status)))
    .returning({ id: portalConnections.id });
  if (changed.length > 0) return true;
  await db
    .update(portalConnections)
    .set({ statusReason: reason, updatedAt: now })
    .where(and(target, eq(portalConnections.status, status)));
  return false;
}

/**
 * Stores a portal's new address after Bitrix24 answered 302 (the portal changed its domain). The member_id stays
 * the key; only where we call it changes. For the client's `onEndpointChange`.
 */
export async function updateConnectionEndpoint(
  db: Db | Tx,
  connectionId: string,
  change: { clientEndpoint: string; domain: string },
): Promise<void> {
  await db
    .update(portalConnections)
    .set({ clientEndpoint: change.clientEndpoint, domain: change.domain, updatedAt: new Date() })
    .where(eq(portalConnections.id, connectionId));
}
