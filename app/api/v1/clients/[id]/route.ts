import { withApi } from "@/lib/server/api";
import { clientJson } from "@/lib/server/public-api";
import { getClientInOrg } from "@/lib/server/services/clients";

/** GET /api/v1/clients/{id} — one client of the key's org; another org's id is 404. */
export const GET = withApi({}, async ({ ctx, params }) => ({ client: clientJson(await getClientInOrg(ctx, params.id)) }));
