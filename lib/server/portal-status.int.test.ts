import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db";
import { portalConnections } from "@/db/schema";
import { createTestDatabase, testDbKind } from "@/db/testing";
import { markConnectionStatus } from "./portal-status";
import { makePortalConnection } from "./sync/testing";

describe(`connection status (${testDbKind})`, () => {
  let database: Database;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.close());

  const read = async (id: string) =>
    (await database.db.select().from(portalConnections).where(eq(portalConnections.id, id)))[0];

  it("moves a connected portal to a failure, and refreshes only the reason when the status is the same", async () => {
    const { connectionId } = await makePortalConnection(database.db);
    expect(await markConnectionStatus(database.db, connectionId, "needs_reauth", "invalid_grant")).toBe(true);
    const first = await read(connectionId);
    expect(first).toMatchObject({ status: "needs_reauth", statusReason: "invalid_grant" });
    expect(await markConnectionStatus(database.db, connectionId, "needs_reauth", "NO_AUTH_FOUND")).toBe(false);
    expect(await read(connectionId)).toMatchObject({ status: "needs_reauth", statusReason: "NO_AUTH_FOUND", statusChangedAt: first.statusChangedAt });
  });

  it("keeps an uninstalled portal uninstalled when a late call fails because the app is gone", async () => {
    const { connectionId } = await makePortalConnection(database.db);
    expect(await markConnectionStatus(database.db, connectionId, "uninstalled", "uninstalled")).toBe(true);
    expect(await markConnectionStatus(database.db, connectionId, "needs_reauth", "invalid_token")).toBe(false);
    expect(await markConnectionStatus(database.db, connectionId, "error", "app_not_installed")).toBe(false);
    expect(await read(connectionId)).toMatchObject({ status: "uninstalled", statusReason: "uninstalled" });
    expect(await markConnectionStatus(database.db, connectionId, "uninstalled", "uninstalled_clean")).toBe(false);
    expect(await read(connectionId)).toMatchObject({ status: "uninstalled", statusReason: "uninstalled_clean" });
  });
});
