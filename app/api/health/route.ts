import { sql } from "drizzle-orm";
import { getDb } from "@/db";
import { getDemoReadiness } from "@/lib/server/demo";

export const dynamic = "force-dynamic";

/**
 * Liveness for load balancers: 200 when the database answers. `?demo=ready` answers 503 until the demo is connected,
 * synced and computed (the browser tests wait on it).
 */
export async function GET(request: Request) {
  try {
    await (await getDb()).execute(sql`select 1`);
  } catch {
    return Response.json({ status: "unavailable" }, { status: 503 });
  }
  if (new URL(request.url).searchParams.get("demo") === "ready") {
    const demo = await getDemoReadiness();
    return Response.json({ status: demo.ready ? "ok" : "starting", demo }, { status: demo.ready ? 200 : 503 });
  }
  return Response.json({ status: "ok" });
}
