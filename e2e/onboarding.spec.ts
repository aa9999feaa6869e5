import type { Page } from "@playwright/test";
import { expect, newAccount, signUp, test } from "./fixtures";
import { addPortal, createRecord, flushEvents, installApp, portalInfo, sentEvents, uninstallApp, EMULATOR_URL } from "./emulator";

interface SyncRun {
  kind: string;
  status: string;
  entities: { entity: string; rowsFetched: number }[];
}

/**
 * Connecting a client's Bitrix24 portal by each of the three flows, against the emulator started beside the app:
 * (a) OAuth from the client's page, (b) a one-time connect link opened by the portal admin without an account,
 * (c) installing the app from the portal and claiming it with the code it shows. Then the app is removed.
 */

async function createClient(page: Page, name: string): Promise<string> {
  await page.goto("/clients/new");
  await page.getByRole("textbox", { name: "Name", exact: true }).fill(name);
  await page.getByRole("button", { name: "Create client" }).click();
  await page.waitForURL(/\/clients\/[0-9a-f-]{36}$/);
  return page.url().split("/").pop()!;
}

const portalCard = (page: Page) => page.locator("#portal");

async function expectConnected(page: Page, domain: string) {
  await expect(page.getByTestId("portal-status")).toHaveText("Connected");
  await expect(page.getByTestId("portal-domain")).toHaveText(domain);
}

test.describe("portal onboarding", () => {
  test("(a) a member connects the client's portal by OAuth", async ({ page }) => {
    await signUp(page, newAccount("oauth"));
    const clientId = await createClient(page, "OAuth client");
    const portal = await addPortal("oauth");
    // Some CRM data to sync.
    for (const [entity, fields] of [
      ["deal", { TITLE: "Website redesign", OPPORTUNITY: 120000 }],
      ["deal", { TITLE: "Support contract", OPPORTUNITY: 45000 }],
      ["lead", { TITLE: "Inbound call" }],
      ["contact", { NAME: "Anna", LAST_NAME: "Petrova" }],
    ] as const) {
      await createRecord(portal.name, entity, fields);
    }
    const card = portalCard(page);
    await expect(page.getByTestId("portal-status")).toHaveText("Not connected");

    // A malformed address is caught before anyone leaves for Bitrix24.
    await card.getByLabel("Portal address").fill("not a portal");
    await card.getByRole("button", { name: "Connect portal" }).click();
    await expect(card.getByText("Enter the portal's address, for example acme.bitrix24.ru.")).toBeVisible();

    // The keyboard is enough: type the address, press Enter.
    await card.getByLabel("Portal address").fill(portal.url);
    await card.getByLabel("Portal address").press("Enter");
    await page.waitForURL(new RegExp(`/clients/${clientId}\\?portal=connected`));
    await expect(card.getByText("The portal is connected. A full sync has been requested.")).toBeVisible();
    await expectConnected(page, portal.domain);
    await expect(card.getByText("authorisation from Impact24")).toBeVisible();
    // The app bound the portal's uninstall and CRM events to itself.
    const info = await portalInfo(portal.name);
    expect(info.handlers.map((h) => h.event)).toContain("ONAPPUNINSTALL");

    // The full sync requested on connect runs in the app's embedded worker; its row counts match the portal's.
    let run: SyncRun | undefined;
    await expect
      .poll(
        async () => {
          const status = (await (await page.request.get(`/api/clients/${clientId}/sync`)).json()) as { recent: SyncRun[] };
          run = status.recent.find((r) => r.kind === "full");
          return run?.status;
        },
        { timeout: 60_000 },
      )
      .toBe("succeeded");
    const fetched = Object.fromEntries(run!.entities.map((e) => [e.entity, e.rowsFetched]));
    for (const entity of ["deal", "lead", "contact", "company", "activity"]) {
      expect(fetched[entity], entity).toBe(info.counts[entity]);
    }
    expect(fetched.deal).toBe(2);
  });

  test("(b) the client's portal admin connects through a one-time link", async ({ page, browser }) => {
    const account = await signUp(page, newAccount("link"));
    const clientId = await createClient(page, "Link client");
    const portal = await addPortal("link");
    const card = portalCard(page);
    await card.getByRole("button", { name: "Create connect link" }).click();
    const url = await page.getByTestId("new-connect-link").inputValue();
    expect(url).toMatch(/\/connect\/[A-Za-z0-9_-]{40,}$/);
    await expect(card.getByTestId("connect-links").getByRole("listitem")).toHaveCount(1);

    // The admin has no account: a fresh browser.
    const admin = await (await browser.newContext({ locale: "en-US" })).newPage();
    await admin.goto(url);
    await expect(admin.getByRole("heading", { name: `Connect your Bitrix24 to ${account.orgName}` })).toBeVisible();
    await expect(admin.getByText("Impact24 only reads.")).toBeVisible();
    await admin.getByLabel("Your Bitrix24 address").fill(portal.url);
    await admin.getByRole("button", { name: "Continue to Bitrix24" }).click();
    await admin.waitForURL(/\/connect\/done\?status=connected/);
    await expect(admin.getByRole("heading", { name: "Your Bitrix24 is connected" })).toBeVisible();

    // Used once, the link says so.
    await admin.goto(url);
    await expect(admin.getByRole("heading", { name: "This link cannot be used" })).toBeVisible();
    await expect(admin.getByText("This link has already been used")).toBeVisible();

    await page.goto(`/clients/${clientId}`);
    await expectConnected(page, portal.domain);
    await expect(card.getByText("a connect link")).toBeVisible();
    await expect(card.getByTestId("connect-links")).toHaveCount(0);
  });

  test("a revoked connect link stops working", async ({ page, browser }) => {
    await signUp(page, newAccount("revoke"));
    await createClient(page, "Revoke client");
    const card = portalCard(page);
    await card.getByRole("button", { name: "Create connect link" }).click();
    const url = await page.getByTestId("new-connect-link").inputValue();
    await page.reload();
    await card.getByRole("button", { name: "Revoke" }).click();
    const dialog = page.getByRole("dialog", { name: "Revoke this connect link?" });
    await dialog.getByRole("button", { name: "Revoke link" }).click();
    await expect(dialog).toBeHidden();
    await expect(card.getByTestId("connect-links")).toHaveCount(0);
    const visitor = await (await browser.newContext({ locale: "en-US" })).newPage();
    await visitor.goto(url);
    await expect(visitor.getByText("This link has been revoked.")).toBeVisible();
  });

  test("(c) the portal installs the app, shows a claim code, a member claims it; removing the app shows", async ({ page }) => {
    await signUp(page, newAccount("claim"));
    const clientId = await createClient(page, "Claim client");
    const portal = await addPortal("claim", { installed: false });
    await installApp(portal.name);
    await flushEvents();
    expect((await sentEvents(portal.name)).filter((e) => e.event === "ONAPPINSTALL").map((e) => e.status)).toEqual([200]);

    // The admin opens the app in the portal: the portal posts its frame data to the app's page.
    const tokens = (await (await fetch(`${EMULATOR_URL}/_emulator/portals/${portal.name}/tokens`, { method: "POST", body: "{}" })).json()) as {
      access_token: string;
      refresh_token: string;
    };
    const frame = await page.context().newPage();
    const appUrl = new URL(`/api/bitrix24/install?DOMAIN=${encodeURIComponent(portal.domain)}&LANG=en`, page.url()).toString();
    await frame.setContent(
      `<form method="post" action="${appUrl}">
        <input name="AUTH_ID" value="${tokens.access_token}"><input name="REFRESH_ID" value="${tokens.refresh_token}">
        <input name="member_id" value="${portal.memberId}"><button>open</button></form>`,
    );
    await frame.getByRole("button", { name: "open" }).click();
    await expect(frame.getByRole("heading", { name: "Your claim code" })).toBeVisible();
    const code = (await frame.locator("[data-claim-code]").innerText()).trim();
    expect(code).toMatch(/^[A-Z0-9]{4}-[A-Z0-9]{4}$/);

    const card = portalCard(page);
    await card.getByRole("textbox", { name: "Claim code" }).fill("WRNG-CODE");
    await card.getByRole("button", { name: "Claim portal" }).click();
    await expect(card.getByText("Enter the eight-character code, for example ABCD-2345.")).toBeVisible();
    await card.getByRole("textbox", { name: "Claim code" }).fill(code.toLowerCase());
    await card.getByRole("button", { name: "Claim portal" }).click();
    await page.waitForURL(new RegExp(`/clients/${clientId}\\?portal=claimed`));
    await expect(card.getByText("The portal is connected to this client.")).toBeVisible();
    await expectConnected(page, portal.domain);
    await expect(card.getByText("installation from Bitrix24")).toBeVisible();

    // The portal removes the app: ONAPPUNINSTALL, verified by its application_token, stops the connection.
    await uninstallApp(portal.name);
    await flushEvents();
    expect((await sentEvents(portal.name)).filter((e) => e.event === "ONAPPUNINSTALL").map((e) => e.status)).toEqual([200]);
    await page.reload();
    await expect(page.getByTestId("portal-status")).toHaveText("App removed");
    await expect(card.getByText("The Impact24 app was removed from the portal")).toBeVisible();
    await expect(card.getByRole("button", { name: "Reconnect portal" })).toBeVisible();
  });

  test("the app page in the portal's frame refuses requests it cannot verify", async ({ request }) => {
    const forged = await request.post("/api/bitrix24/install", {
      form: { AUTH_ID: "a".repeat(32), REFRESH_ID: "b".repeat(32), member_id: "0123456789abcdef0123456789abcdef" },
    });
    expect(forged.status()).toBe(401);
    const events = await request.post("/api/bitrix24/events", {
      form: { event: "ONAPPUNINSTALL", "auth[member_id]": "0123456789abcdef0123456789abcdef", "auth[application_token]": "c".repeat(32) },
    });
    expect(events.status()).toBe(401);
    expect((await request.post("/api/bitrix24/events", { form: { event: "ONAPPUNINSTALL" } })).status()).toBe(400);
  });
});
