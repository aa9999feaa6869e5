import { withApi } from "@/lib/server/api";
import { clientJson, createClientBody, listClientsQuery } from "@/lib/server/public-api";
import { createClient, listClients } from "@/lib/server/services/clients";

/** GET /api/v1/clients — the org's clients by name, filtered by `q` (name contains) and `status`, paged. */
export const GET = withApi({ query: listClientsQuery }, async ({ ctx, query }) => {
  const { items, total } = await listClients(ctx, query);
  return { clients: items.map(clientJson), total, limit: query.limit, offset: query.offset };
});

/** POST /api/v1/clients — creates a client; 201 with the client. */
export const POST = withApi({ body: createClientBody, status: 201 }, async ({ ctx, body }) => {
  const client = await createClient(ctx, { ...body, goLiveDate: body.goLiveDate ?? undefined });
  return { client: clientJson(client) };
});
