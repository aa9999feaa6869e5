import { withApi } from "@/lib/server/api";
import { connectLinkJson, createConnectLinkBody } from "@/lib/server/public-api";
import { createConnectLink } from "@/lib/server/services/portals";

/**
 * POST /api/v1/clients/{id}/connect-links — a one-time link for the client's portal admin to connect the portal;
 * 201 with the URL, which is never shown again.
 */
export const POST = withApi({ body: createConnectLinkBody, status: 201 }, async ({ ctx, params, body }) => {
  const link = await createConnectLink(ctx, params.id, body);
  return { connectLink: connectLinkJson(link, params.id) };
});
