import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { createTestDatabase, testDbKind } from "@/db/testing";
import type { Database } from "@/db";
import { clients } from "@/db/schema";
import { archiveClient, createClient, getClientInOrg, listClients, restoreClient, updateClient } from "./clients";
import { listAuditEntries } from "./audit-trail";
import { addMember, auditActions, makeOrg } from "./test-helpers";

describe(`clients (${testDbKind})`, () => {
  let database: Database;
  let db: Database["db"];
  beforeAll(async () => {
    database = await createTestDatabase();
    db = database.db;
  });
  afterAll(async () => {
    await database?.close();
  });

  const rowsOf = async (orgId: string) =>
    (await db.select().from(clients).where(eq(clients.orgId, orgId))).sort((a, b) => a.id.localeCompare(b.id));

  it("creates clients with defaults, lists them by name and searches case-insensitively", async () => {
    const { ctx, org } = await makeOrg(db);
    const romashka = await createClient(ctx, { name: "  Romashka LLC " });
    expect(romashka).toMatchObject({
      name: "Romashka LLC",
      timeZone: "Europe/Moscow",
      baseCurrency: "RUB",
      status: "active",
      goLiveDate: null,
      notes: "",
    });
    await createClient(ctx, {
      name: "alpha trade",
      timeZone: "Asia/Almaty",
      baseCurrency: "kzt",
      goLiveDate: "2025-04-01",
      status: "prospect",
      notes: "Met at the partner day",
    });
    await createClient(ctx, { name: "Beta_100%" });
    const all = await listClients(ctx);
    expect(all.items.map((c) => c.name)).toEqual(["alpha trade", "Beta_100%", "Romashka LLC"]);
    expect(all.total).toBe(3);
    expect(all.items[0]).toMatchObject({ baseCurrency: "KZT", goLiveDate: "2025-04-01", status: "prospect" });

    expect((await listClients(ctx, { q: "ROMASH" })).items.map((c) => c.name)).toEqual(["Romashka LLC"]);
    // LIKE wildcards in the search are literal characters.
    expect((await listClients(ctx, { q: "_100%" })).items.map((c) => c.name)).toEqual(["Beta_100%"]);
    expect((await listClients(ctx, { q: "%" })).items.map((c) => c.name)).toEqual(["Beta_100%"]);
    expect((await listClients(ctx, { status: "prospect" })).items.map((c) => c.name)).toEqual(["alpha trade"]);

    const page = await listClients(ctx, { limit: 2, offset: 2 });
    expect(page).toMatchObject({ total: 3 });
    expect(page.items.map((c) => c.name)).toEqual(["Romashka LLC"]);
    expect((await auditActions(db, org.id, "client.created")).map((a) => a.details.name)).toEqual([
      "Romashka LLC",
      "alpha trade",
      "Beta_100%",
    ]);
  });

  it("refuses invalid input with field errors and a duplicate name, writing nothing", async () => {
    const { ctx, org } = await makeOrg(db);
    await createClient(ctx, { name: "Acme" });
    const before = await rowsOf(org.id);
    await expect(
      createClient(ctx, { name: "", timeZone: "Mars/Olympus", baseCurrency: "roubles", goLiveDate: "2025-13-45", status: "archived" as never }),
    ).rejects.toMatchObject({
      code: "validation",
      fields: { name: "required", timeZone: "timeZone", baseCurrency: "currency", goLiveDate: "date", status: "choice" },
    });
    await expect(createClient(ctx, { name: "ACME" })).rejects.toMatchObject({ code: "conflict", fields: { name: "clientNameTaken" } });
    expect(await rowsOf(org.id)).toEqual(before);
    expect(await auditActions(db, org.id, "client.created")).toHaveLength(1);
  });

  it("edits a client and records each changed field", async () => {
    const { ctx, org } = await makeOrg(db);
    const client = await createClient(ctx, { name: "Old", notes: "n" });
    await createClient(ctx, { name: "Taken" });
    const updated = await updateClient(ctx, client.id, {
      name: "New",
      timeZone: "Europe/Moscow",
      baseCurrency: "USD",
      goLiveDate: "2024-02-29",
      notes: "n",
    });
    expect(updated).toMatchObject({ name: "New", baseCurrency: "USD", goLiveDate: "2024-02-29", status: "active" });
    const [entry] = await auditActions(db, org.id, "client.updated");
    expect(entry.details).toEqual({
      name: "New",
      changes: {
        name: { from: "Old", to: "New" },
        baseCurrency: { from: "RUB", to: "USD" },
        goLiveDate: { from: null, to: "2024-02-29" },
      },
    });
    // Saving without changes records nothing; renaming onto another client is refused.
    await updateClient(ctx, client.id, { name: "New", baseCurrency: "USD", goLiveDate: "2024-02-29", notes: "n" });
    expect(await auditActions(db, org.id, "client.updated")).toHaveLength(1);
    await expect(updateClient(ctx, client.id, { name: "taken" })).rejects.toMatchObject({ code: "conflict" });
    expect((await getClientInOrg(ctx, client.id)).name).toBe("New");
    // Only the letter case changed: that is the same client, not a clash.
    expect((await updateClient(ctx, client.id, { name: "NEW", baseCurrency: "USD", goLiveDate: "2024-02-29", notes: "n" })).name).toBe("NEW");
  });

  it("archives and restores to the status the client had", async () => {
    const { ctx, org } = await makeOrg(db);
    const prospect = await createClient(ctx, { name: "Prospect", status: "prospect" });
    const archived = await archiveClient(ctx, prospect.id);
    expect(archived.status).toBe("archived");
    expect((await listClients(ctx)).items).toHaveLength(0);
    expect((await listClients(ctx, { status: "archived" })).items.map((c) => c.id)).toEqual([prospect.id]);
    expect((await listClients(ctx, { status: "all" })).total).toBe(1);
    // Twice is a no-op.
    await archiveClient(ctx, prospect.id);
    expect(await auditActions(db, org.id, "client.archived")).toHaveLength(1);
    const restored = await restoreClient(ctx, prospect.id);
    expect(restored.status).toBe("prospect");
    expect((await auditActions(db, org.id, "client.restored"))[0].details).toMatchObject({ status: "prospect" });
    // Editing an archived client without a status keeps it archived.
    await archiveClient(ctx, prospect.id);
    await updateClient(ctx, prospect.id, { name: "Prospect", notes: "lost for now" });
    expect((await getClientInOrg(ctx, prospect.id)).status).toBe("archived");
  });

  it("lets client viewers see only their client and write nothing; analysts write, sales read", async () => {
    const { ctx, org } = await makeOrg(db);
    const mine = await createClient(ctx, { name: "Mine" });
    const other = await createClient(ctx, { name: "Other" });
    const viewer = await addMember(db, org.id, "client_viewer", mine.id);
    expect((await listClients(viewer.ctx, { status: "all" })).items.map((c) => c.name)).toEqual(["Mine"]);
    expect((await getClientInOrg(viewer.ctx, mine.id)).name).toBe("Mine");
    await expect(getClientInOrg(viewer.ctx, other.id)).rejects.toMatchObject({ code: "not_found" });

    const sales = await addMember(db, org.id, "sales");
    expect((await listClients(sales.ctx)).total).toBe(2);
    const before = await rowsOf(org.id);
    for (const weak of [viewer.ctx, sales.ctx]) {
      await expect(createClient(weak, { name: "New" })).rejects.toMatchObject({ code: "forbidden" });
      await expect(updateClient(weak, mine.id, { name: "Renamed" })).rejects.toMatchObject({ code: "forbidden" });
      await expect(archiveClient(weak, mine.id)).rejects.toMatchObject({ code: "forbidden" });
      await expect(restoreClient(weak, mine.id)).rejects.toMatchObject({ code: "forbidden" });
    }
    expect(await rowsOf(org.id)).toEqual(before);

    const analyst = await addMember(db, org.id, "analyst");
    await updateClient(analyst.ctx, other.id, { name: "Other renamed" });
    expect((await getClientInOrg(ctx, other.id)).name).toBe("Other renamed");
  });

  it("treats another org's clients as not found, changing nothing", async () => {
    const a = await makeOrg(db, "A");
    const b = await makeOrg(db, "B");
    const bClient = await createClient(b.ctx, { name: "B's client" });
    const before = await rowsOf(b.org.id);
    const notFound = { code: "not_found" };
    await expect(getClientInOrg(a.ctx, bClient.id)).rejects.toMatchObject(notFound);
    await expect(updateClient(a.ctx, bClient.id, { name: "Stolen" })).rejects.toMatchObject(notFound);
    await expect(archiveClient(a.ctx, bClient.id)).rejects.toMatchObject(notFound);
    await expect(restoreClient(a.ctx, bClient.id)).rejects.toMatchObject(notFound);
    await expect(getClientInOrg(a.ctx, "not-a-uuid")).rejects.toMatchObject(notFound);
    expect((await listClients(a.ctx, { status: "all" })).total).toBe(0);
    expect(await rowsOf(b.org.id)).toEqual(before);
    expect(await auditActions(db, a.org.id)).toHaveLength(0);
    // B's name is free in A.
    await createClient(a.ctx, { name: "B's client" });
  });

  it("shows the audit trail to owners and admins only", async () => {
    const { ctx, org, owner } = await makeOrg(db);
    await createClient(ctx, { name: "Audited" });
    const { entries, hasMore } = await listAuditEntries(ctx);
    expect(hasMore).toBe(false);
    expect(entries[0]).toMatchObject({ action: "client.created", actorId: owner.id, actorName: owner.name });
    const admin = await addMember(db, org.id, "admin");
    expect((await listAuditEntries(admin.ctx)).entries).toHaveLength(1);
    const analyst = await addMember(db, org.id, "analyst");
    await expect(listAuditEntries(analyst.ctx)).rejects.toMatchObject({ code: "forbidden" });
    const other = await makeOrg(db);
    expect((await listAuditEntries(other.ctx)).entries).toHaveLength(0);
  });
});
