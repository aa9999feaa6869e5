import { can } from "@/lib/server/permissions";
import { clientSyncStatusJson } from "@/lib/server/sync/status-json";
import type { TenantContext } from "@/lib/server/tenant";
import { SyncPanel } from "./sync-panel";

/** The sync panel of a client's page, rendered with its first data on the server and then kept live. */
export async function SyncSection({ ctx, clientId }: { ctx: TenantContext; clientId: string }) {
  const initial = await clientSyncStatusJson(ctx, clientId);
  return <SyncPanel orgId={ctx.orgId} clientId={clientId} canSync={can(ctx.role, "portals.sync")} initial={initial} />;
}
