import crypto from "node:crypto";
import type { Db } from "@/db";
import { clients, portalConnections } from "@/db/schema";
import type { Bitrix24AppConfig } from "./bitrix24-config";
import { saveTokens } from "./portal-tokens";

/**
 * Fixtures for tests of portal connections against the Bitrix24 emulator. Test files import this first: it fixes the
 * secrets in the environment so tests never write the embedded default's generated secrets.
 */
process.env.TOKEN_ENCRYPTION_KEY ??= crypto.randomBytes(32).toString("base64");
process.env.AUTH_SECRET ??= crypto.randomBytes(32).toString("base64url");

/** The emulator's app as the product's Bitrix24 configuration. */
export function emulatorConfig(emu: { oauthUrl: string; app: { clientId: string; clientSecret: string } }): Bitrix24AppConfig {
  return { oauthUrl: emu.oauthUrl, clientId: emu.app.clientId, clientSecret: emu.app.clientSecret, allowInsecure: true };
}

/** A token answer of the emulator (`PortalHandle.issueTokens()`). */
export interface IssuedTokens {
  access_token: string;
  refresh_token: string;
  expires: number;
  client_endpoint: string;
  member_id: string;
  scope: string;
}

/** A client of the org with a connected portal holding `tokens`; returns the connection id. */
export async function seedConnection(db: Db, orgId: string, tokens: IssuedTokens, clientName = `Client ${crypto.randomUUID().slice(0, 8)}`) {
  const [client] = await db.insert(clients).values({ orgId, name: clientName }).returning();
  const endpoint = new URL(tokens.client_endpoint);
  const [connection] = await db
    .insert(portalConnections)
    .values({
      orgId,
      clientId: client.id,
      memberId: tokens.member_id,
      domain: endpoint.host,
      clientEndpoint: tokens.client_endpoint,
      scope: tokens.scope,
      connectedVia: "oauth",
      connectedAt: new Date(),
    })
    .returning();
  await db.transaction((tx) =>
    saveTokens(tx, { orgId, connectionId: connection.id }, {
      accessToken: tokens.access_token,
      refreshToken: tokens.refresh_token,
      expiresAt: tokens.expires,
    }),
  );
  return { client, connection };
}
