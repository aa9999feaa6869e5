import { withApi } from "@/lib/server/api";
import { connectionJson, startSyncBody, syncRunJson, syncStatusQuery } from "@/lib/server/public-api";
import { getClientSyncStatus, startClientSync } from "@/lib/server/services/syncs";

/**
 * GET /api/v1/clients/{id}/syncs — the portal connection, the current run with per-entity progress, the last runs.
 */
export const GET = withApi({ query: syncStatusQuery }, async ({ ctx, params, query }) => {
  const status = await getClientSyncStatus(ctx, params.id, { limit: query.limit });
  return {
    connection: status.connection ? connectionJson(status.connection) : null,
    current: status.current ? syncRunJson(status.current) : null,
    recent: status.recent.map(syncRunJson),
  };
});

/** POST /api/v1/clients/{id}/syncs — starts (or joins) a sync of the client's portal; 202 with the run. */
export const POST = withApi({ body: startSyncBody, status: 202 }, async ({ ctx, params, body }) => {
  const { run, created } = await startClientSync(ctx, params.id, body);
  return { run: syncRunJson(run), created };
});
