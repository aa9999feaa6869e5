import type { Browser, Page } from "@playwright/test";
import { expect, newAccount, signUp, test } from "./fixtures";
import { ISOLATION_TARGETS, type ForeignIds } from "./isolation-routes";

/**
 * Data-driven tenant isolation: org B creates data through the UI; a member of org A then reaches every registered
 * page and endpoint with org B's ids — by session, or by org A's API key for the public API — and must get 404, while
 * org B's data stays exactly as it was.
 */

async function createClientInUi(page: Page, name: string): Promise<string> {
  await page.goto("/clients/new");
  await page.getByRole("textbox", { name: "Name", exact: true }).fill(name);
  await page.getByRole("button", { name: "Create client" }).click();
  await page.waitForURL(/\/clients\/[0-9a-f-]{36}$/);
  return page.url().split("/").pop()!;
}

async function createApiKey(page: Page): Promise<string> {
  await page.goto("/settings/api-keys");
  await page.getByLabel("Name").fill("isolation");
  await page.getByRole("button", { name: "Create key" }).click();
  return page.getByTestId("new-api-key").inputValue();
}

/** What org B sees of its own data: the client pages' text, minus volatile timestamps. */
async function snapshotOfB(page: Page, ids: ForeignIds): Promise<string[]> {
  const texts: string[] = [];
  for (const url of [`/clients/${ids.clientId}`, `/clients/${ids.clientId}/edit`, "/clients"]) {
    await page.goto(url);
    texts.push((await page.locator("main").innerText()).replace(/\d{1,2}:\d{2}(:\d{2})?/g, "…"));
  }
  return texts;
}

async function newSignedInPage(browser: Browser, label: string) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signUp(page, newAccount(label));
  return { context, page };
}

test.describe("tenant isolation", () => {
  let ids: ForeignIds;
  let pageA: Page;
  let pageB: Page;
  let keyA: string;
  let before: string[];

  test.beforeAll(async ({ browser }) => {
    ({ page: pageB } = await newSignedInPage(browser, "iso-b"));
    ({ page: pageA } = await newSignedInPage(browser, "iso-a"));
    ids = { clientId: await createClientInUi(pageB, "B's secret client"), memberId: "", invitationId: "" };
    await createClientInUi(pageA, "A's own client");
    keyA = await createApiKey(pageA);
    before = await snapshotOfB(pageB, ids);
  });

  // One test with a step per target: every failure is reported, and the final check runs after all of them.
  test("every registered page and endpoint answers another org's ids with 404 and changes nothing", async () => {
    test.setTimeout(ISOLATION_TARGETS.length * 30_000 + 60_000);
    for (const target of ISOLATION_TARGETS) {
      await test.step(`${target.method} ${target.route}`, async () => {
        const url = target.url(ids);
        if (target.method === "PAGE") {
          const response = await pageA.goto(url);
          expect.soft(response?.status(), `${target.method} ${url}`).toBe(404);
          await expect.soft(pageA.getByRole("heading", { name: "Not found" })).toBeVisible();
          await expect.soft(pageA.locator("body")).not.toContainText("B's secret client");
          return;
        }
        const headers: Record<string, string> = target.auth === "apiKey" ? { authorization: `Bearer ${keyA}` } : {};
        const response = await pageA.request.fetch(url, {
          method: target.method,
          headers,
          data: target.body ? target.body(ids) : undefined,
        });
        expect.soft(response.status(), `${target.method} ${url}`).toBe(404);
        expect.soft(await response.text()).not.toContain("B's secret client");
      });
    }
    expect(await snapshotOfB(pageB, ids)).toEqual(before);
  });
});
