import type { APIRequestContext, Page } from "@playwright/test";
import { expect, newAccount, signUp, test } from "./fixtures";

/**
 * The public API end to end: a key created in the settings works over HTTP, is scoped to its org (another org's key
 * gets 404 on this org's client ids), and stops working (401) once revoked in the settings.
 */

async function createKeyInSettings(page: Page, name: string): Promise<string> {
  await page.goto("/settings/api-keys");
  await expect(page.getByRole("heading", { name: "New key" })).toBeVisible();
  await page.getByLabel("Name").fill(name);
  await page.getByRole("button", { name: "Create key" }).click();
  await expect(page.getByText("Copy your new key now")).toBeVisible();
  const key = await page.getByTestId("new-api-key").inputValue();
  expect(key).toMatch(/^i24_[0-9A-Za-z]{40}$/);
  // The list shows the key's prefix only.
  const row = page.locator(`tr[data-api-key="${name}"]`);
  await expect(row).toContainText(key.slice(0, 12));
  await expect(row).not.toContainText(key.slice(12));
  return key;
}

const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

async function createClientViaApi(request: APIRequestContext, key: string, name: string): Promise<string> {
  const response = await request.post("/api/v1/clients", { headers: bearer(key), data: { name, goLiveDate: "2024-01-15" } });
  expect(response.status()).toBe(201);
  return (await response.json()).client.id;
}

test("an API key created in the settings works, stays in its org, and stops working once revoked", async ({ account, page, browser, request }) => {
  void account; // the fixture signed org A up in `page`
  const keyA = await createKeyInSettings(page, "Reporting");
  const clientId = await createClientViaApi(request, keyA, "Acme Manufacturing");

  const list = await request.get("/api/v1/clients", { headers: bearer(keyA) });
  expect(list.status()).toBe(200);
  const body = await list.json();
  expect(body.total).toBe(1);
  expect(body.clients[0]).toMatchObject({ id: clientId, name: "Acme Manufacturing", goLiveDate: "2024-01-15" });
  expect((await request.get(`/api/v1/clients/${clientId}`, { headers: bearer(keyA) })).status()).toBe(200);

  // The app's own pages may read the same JSON with the member's session; writes need a key.
  const bySession = await page.request.get("/api/v1/clients");
  expect(bySession.status()).toBe(200);
  expect((await bySession.json()).clients.map((c: { id: string }) => c.id)).toEqual([clientId]);
  expect((await page.request.post("/api/v1/clients", { data: { name: "Via session" } })).status()).toBe(401);

  const invalid = await request.post("/api/v1/clients", { headers: bearer(keyA), data: { name: "" } });
  expect(invalid.status()).toBe(422);
  expect((await invalid.json()).error.fields.name).toBe("This field is required.");

  // Org B, in a browser of its own, with a key of its own.
  const contextB = await browser.newContext();
  const pageB = await contextB.newPage();
  await signUp(pageB, newAccount("api-b"));
  const keyB = await createKeyInSettings(pageB, "B's key");
  const foreign = await request.get(`/api/v1/clients/${clientId}`, { headers: bearer(keyB) });
  expect(foreign.status()).toBe(404);
  expect(await foreign.json()).toEqual({ error: { code: "not_found", message: "Not found." } });
  expect((await (await request.get("/api/v1/clients", { headers: bearer(keyB) })).json()).total).toBe(0);
  await contextB.close();

  // Revoking in the settings takes effect at once.
  await page.goto("/settings/api-keys");
  const row = page.locator('tr[data-api-key="Reporting"]');
  await expect(row).toContainText("Active");
  await row.getByRole("button", { name: "Revoke" }).click();
  await expect(page.getByRole("dialog")).toContainText("Revoke the key “Reporting”?");
  await page.getByRole("dialog").getByRole("button", { name: "Revoke key" }).click();
  await expect(row).toContainText("Revoked");
  await expect(row.getByRole("button", { name: "Revoke" })).toHaveCount(0);

  const revoked = await request.get("/api/v1/clients", { headers: bearer(keyA) });
  expect(revoked.status()).toBe(401);
  expect((await revoked.json()).error.code).toBe("unauthorized");
});

test("the API refuses requests without a key", async ({ request }) => {
  const response = await request.get("/api/v1/clients");
  expect(response.status()).toBe(401);
  expect(response.headers()["www-authenticate"]).toContain("Bearer");
});
