import { emulatorConfig, seedConnection } from "./portal-testing";
import { eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Database } from "@/db";
import { portalConnections, portalTokens } from "@/db/schema";
import { createTestDatabase, testDbKind } from "@/db/testing";
import { createBitrix24Client } from "@/lib/bitrix24/client";
import { isBitrix24Error } from "@/lib/bitrix24/errors";
import { createMemoryLimiter } from "@/lib/bitrix24/limiter";
import { refreshTokens } from "@/lib/bitrix24/oauth";
import { startEmulator, type Emulator } from "@/lib/bitrix24/emulator";
import { createTokenSource, readTokens } from "./portal-tokens";
import { makeOrg } from "./services/test-helpers";

let database: Database;
let emu: Emulator;

beforeAll(async () => {
  emu = await startEmulator({ portals: [{ name: "acme", autoApprove: true }] });
});
afterAll(async () => {
  await emu.close();
});
beforeEach(async () => {
  database = await createTestDatabase();
  emu.resetCounters();
});
afterEach(async () => {
  await database.close();
});

async function connected() {
  const { org } = await makeOrg(database.db);
  const issued = emu.portal("acme").issueTokens();
  const { connection } = await seedConnection(database.db, org.id, issued);
  return { ref: { orgId: org.id, connectionId: connection.id }, issued };
}

describe(`portal tokens (${testDbKind})`, () => {
  it("stores tokens encrypted and reads them back", async () => {
    const { ref, issued } = await connected();
    const [row] = await database.db.select().from(portalTokens).where(eq(portalTokens.connectionId, ref.connectionId));
    expect(row.accessTokenEnc).toMatch(/^v1:/);
    expect(row.accessTokenEnc).not.toContain(issued.access_token);
    expect(row.refreshTokenEnc).not.toContain(issued.refresh_token);
    const tokens = await readTokens(database.db, ref);
    expect(tokens).toMatchObject({ accessToken: issued.access_token, refreshToken: issued.refresh_token, version: 1 });
  });

  it("refuses ciphertext moved to another connection", async () => {
    const a = await connected();
    const b = await connected();
    const [rowA] = await database.db.select().from(portalTokens).where(eq(portalTokens.connectionId, a.ref.connectionId));
    await database.db
      .update(portalTokens)
      .set({ accessTokenEnc: rowA.accessTokenEnc, refreshTokenEnc: rowA.refreshTokenEnc })
      .where(eq(portalTokens.connectionId, b.ref.connectionId));
    await expect(readTokens(database.db, b.ref)).rejects.toThrow(/cannot be decrypted/);
  });

  it("many concurrent refreshes of one stale pair reach the OAuth server once", async () => {
    const { ref } = await connected();
    const source = createTokenSource(database.db, ref, emulatorConfig(emu));
    const stale = await source.get();
    const results = await Promise.all(Array.from({ length: 25 }, () => source.refresh(stale)));
    expect(emu.counters().oauth.refresh_token).toBe(1);
    expect(emu.counters().oauthErrors).toEqual({});
    expect(new Set(results.map((r) => r.accessToken)).size).toBe(1);
    expect(results[0].accessToken).not.toBe(stale.accessToken);
    expect((await readTokens(database.db, ref))!.version).toBe(2);
  });

  it("a second source with the same stale pair reuses the stored refresh instead of spending the token again", async () => {
    const { ref } = await connected();
    const first = createTokenSource(database.db, ref, emulatorConfig(emu));
    const second = createTokenSource(database.db, ref, emulatorConfig(emu));
    const stale = await first.get();
    const a = await first.refresh(stale);
    // A stale copy without a version (as another process would compare by value) must not refresh either.
    const { version: _version, ...withoutVersion } = stale;
    const b = await second.refresh(withoutVersion);
    expect(b.accessToken).toBe(a.accessToken);
    expect(emu.counters().oauth.refresh_token).toBe(1);
  });

  it("the client refreshes once for many concurrent calls after the access token expired", async () => {
    const { ref } = await connected();
    emu.portal("acme").expireTokens();
    const client = createBitrix24Client({
      tokens: createTokenSource(database.db, ref, emulatorConfig(emu)),
      limiter: createMemoryLimiter({ bucketSize: 1000, drainPerSecond: 1000 }),
      allowInsecure: true,
    });
    const answers = await Promise.all(Array.from({ length: 20 }, () => client.call<{ INSTALLED: boolean }>("app.info")));
    expect(answers.every((a) => a.result.INSTALLED === true)).toBe(true);
    expect(emu.counters().oauth.refresh_token).toBe(1);
    expect(emu.counters().oauthErrors).toEqual({});
  });

  it("a spent refresh token marks the connection needs_reauth and stops handing out tokens", async () => {
    const { ref, issued } = await connected();
    // Someone else used our refresh token: ours is now spent.
    await refreshTokens({ ...emulatorConfig(emu), refreshToken: issued.refresh_token });
    const source = createTokenSource(database.db, ref, emulatorConfig(emu));
    const stale = await source.get();
    const failure = await source.refresh(stale).catch((e: unknown) => e);
    expect(isBitrix24Error(failure, "needs_reauth")).toBe(true);
    const [connection] = await database.db.select().from(portalConnections).where(eq(portalConnections.id, ref.connectionId));
    expect(connection.status).toBe("needs_reauth");
    expect(connection.statusReason).toBe("invalid_grant");
    await expect(source.get()).rejects.toMatchObject({ kind: "needs_reauth", code: "CONNECTION_NEEDS_REAUTH" });
    // The stored pair is untouched (version 1): nothing half-written.
    expect((await readTokens(database.db, ref))!.version).toBe(1);
  });

  it("a failed refresh answer leaves the stored pair as it was", async () => {
    const { ref } = await connected();
    emu.setOAuthFaults({ error500: 1 });
    const source = createTokenSource(database.db, ref, emulatorConfig(emu));
    const stale = await source.get();
    await expect(source.refresh(stale)).rejects.toMatchObject({ kind: "transient" });
    emu.setOAuthFaults({});
    const [connection] = await database.db.select().from(portalConnections).where(eq(portalConnections.id, ref.connectionId));
    expect(connection.status).toBe("connected");
    expect((await readTokens(database.db, ref))!.version).toBe(1);
    // And the next refresh works.
    await expect(source.refresh(stale)).resolves.toMatchObject({ version: 2 });
  });
});
