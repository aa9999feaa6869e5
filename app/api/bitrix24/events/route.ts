import { getDb } from "@/db";
import { eventsEndpoint } from "@/lib/server/bitrix24-endpoints";

/** ONAPPUNINSTALL and CRM change events from connected portals (see `eventsEndpoint`). */
export async function POST(request: Request) {
  return eventsEndpoint(await getDb(), request);
}
