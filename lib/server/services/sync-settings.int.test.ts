import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db";
import { createTestDatabase, testDbKind } from "@/db/testing";
import { getOrgSyncSettings, updateOrgSyncSettings } from "./sync-settings";
import { addMember, auditActions, makeOrg } from "./test-helpers";

describe(`org sync settings (${testDbKind})`, () => {
  let database: Database;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.close());

  it("defaults to hourly, is changed by owners with an audit entry, and stays within the org", async () => {
    const { ctx } = await makeOrg(database.db, "Sync A");
    const other = await makeOrg(database.db, "Sync B");
    expect(await getOrgSyncSettings(ctx)).toEqual({ intervalMinutes: 60, scheduleEnabled: true });
    await updateOrgSyncSettings(ctx, { intervalMinutes: "240", scheduleEnabled: "on" });
    await updateOrgSyncSettings(ctx, { intervalMinutes: 30, scheduleEnabled: undefined });
    expect(await getOrgSyncSettings(ctx)).toEqual({ intervalMinutes: 30, scheduleEnabled: false });
    expect(await getOrgSyncSettings(other.ctx)).toEqual({ intervalMinutes: 60, scheduleEnabled: true });
    expect((await auditActions(database.db, ctx.orgId, "sync.settings_changed")).length).toBe(2);
  });

  it("refuses analysts and intervals not offered", async () => {
    const { org, ctx } = await makeOrg(database.db, "Sync C");
    const analyst = await addMember(database.db, org.id, "analyst");
    await expect(updateOrgSyncSettings(analyst.ctx, { intervalMinutes: 60, scheduleEnabled: "on" })).rejects.toMatchObject({ code: "forbidden" });
    await expect(updateOrgSyncSettings(ctx, { intervalMinutes: 7, scheduleEnabled: "on" })).rejects.toThrow();
    expect(await getOrgSyncSettings(ctx)).toEqual({ intervalMinutes: 60, scheduleEnabled: true });
  });
});
