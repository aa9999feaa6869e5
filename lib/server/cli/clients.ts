import { eq } from "drizzle-orm";
import type { Db } from "@/db";
import { clients } from "@/db/schema";
import { isUuid } from "@/lib/server/ids";
import type { CliIo } from "./types";

/**
 * A client by id across all orgs, as an operator names it on the command line; null (reported) when there is none.
 * The command then acts in the client's org through a system context.
 */
export async function findClientForCli(db: Db, clientId: string, io: CliIo): Promise<{ orgId: string; name: string } | null> {
  const [client] = isUuid(clientId)
    ? await db.select({ orgId: clients.orgId, name: clients.name }).from(clients).where(eq(clients.id, clientId))
    : [];
  if (!client) io.err(`No client with id "${clientId}".`);
  return client ?? null;
}
