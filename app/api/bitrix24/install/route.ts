import { getDb } from "@/db";
import { installEndpoint } from "@/lib/server/bitrix24-endpoints";

/**
 * The Bitrix24 app's installation callback and main page (see `installEndpoint`). Shown inside the portal's frame,
 * so next.config.ts lets this one path be framed.
 */
export async function GET(request: Request) {
  return installEndpoint(await getDb(), request);
}

export async function POST(request: Request) {
  return installEndpoint(await getDb(), request);
}
