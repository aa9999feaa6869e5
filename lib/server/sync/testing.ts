import type { Db } from "@/db";
import { clients, memberships, orgs, portalConnections, users } from "@/db/schema";
import { saveTokens } from "@/lib/server/portal-tokens";

/** Test fixtures for the sync engine: an org, a client and a connected portal, with tokens when given. */

let counter = 0;

export interface PortalFixtureInput {
  memberId?: string;
  clientEndpoint?: string;
  domain?: string;
  plan?: "standard" | "enterprise";
  tokens?: { accessToken: string; refreshToken: string; expiresAt: number };
  orgId?: string;
}

/** Creates (or reuses) an org, then a client and its connection. */
export async function makePortalConnection(db: Db, input: PortalFixtureInput = {}) {
  counter += 1;
  let orgId = input.orgId;
  let ownerId: string | undefined;
  if (!orgId) {
    const [org] = await db.insert(orgs).values({ name: `Sync org ${counter}` }).returning();
    const [owner] = await db
      .insert(users)
      .values({ email: `sync-${counter}-${Date.now()}@example.test`, name: "Owner", passwordHash: "x" })
      .returning();
    await db.insert(memberships).values({ orgId: org.id, userId: owner.id, role: "owner" });
    orgId = org.id;
    ownerId = owner.id;
  }
  const [client] = await db.insert(clients).values({ orgId, name: `Client ${counter}` }).returning();
  const memberId = input.memberId ?? `member${counter}${Date.now()}`;
  const [connection] = await db
    .insert(portalConnections)
    .values({
      orgId,
      clientId: client.id,
      memberId,
      domain: input.domain ?? `portal${counter}.example.test`,
      clientEndpoint: input.clientEndpoint ?? `https://portal${counter}.example.test/rest/`,
      plan: input.plan ?? "standard",
      status: "connected",
    })
    .returning();
  if (input.tokens) await saveTokens(db, { orgId, connectionId: connection.id }, input.tokens);
  return { orgId, ownerId, clientId: client.id, connectionId: connection.id, memberId };
}
