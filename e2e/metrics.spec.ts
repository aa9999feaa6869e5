import type { Page } from "@playwright/test";
import { expect, signIn, test } from "./fixtures";

/**
 * A client's metric pages on the demo data: the monthly table and a drill-down with links into the portal, manual
 * inputs and settings with translated validation, the process inventory, targets, and the CSV import that takes a
 * whole file or nothing.
 */

const DEMO = { email: "demo@impact24.local", password: process.env.E2E_DEMO_PASSWORD ?? "demo-password-e2e" };

/** Saves wait for the embedded database, which the demo's syncs and recomputes keep busy after start-up. */
const SAVED = { timeout: 120_000 };

/** A demo client with metric snapshots (the demo syncs and computes after start-up). */
async function demoClientId(page: Page): Promise<string> {
  let id = "";
  await expect
    .poll(
      async () => {
        const { clients } = (await (await page.request.get("/api/v1/clients?limit=200")).json()) as { clients: { id: string; name: string }[] };
        for (const c of clients) {
          const { metrics } = (await (await page.request.get(`/api/v1/clients/${c.id}/metrics`)).json()) as { metrics: unknown[] };
          if (metrics.length > 0) {
            id = c.id;
            return true;
          }
        }
        return false;
      },
      { timeout: 600_000, intervals: [5_000] },
    )
    .toBe(true);
  return id;
}

test.describe("metric pages", () => {
  test.describe.configure({ mode: "serial", timeout: 900_000 });
  let clientId: string;

  test.beforeEach(async ({ page }) => {
    await signIn(page, DEMO);
    clientId ??= await demoClientId(page);
  });

  test("the monthly table leads to a drill-down whose records open in the portal", async ({ page }) => {
    await page.goto(`/clients/${clientId}`);
    await page.getByRole("link", { name: "Monthly metrics" }).first().click();
    await expect(page.getByRole("navigation", { name: "Metrics sections" }).getByRole("link", { name: "Monthly metrics" })).toHaveAttribute("aria-current", "page");
    const row = page.getByRole("row", { name: /^Lead conversion/ });
    await expect(row).toBeVisible();
    await row.getByRole("link", { name: /Details of Lead conversion/ }).nth(1).click();
    await expect(page.getByRole("heading", { name: /Lead conversion, / })).toBeVisible();
    await expect(page.getByRole("heading", { name: "Won deals" })).toBeVisible();
    const record = page.getByRole("link", { name: /Open deal \d+ in Bitrix24/ }).first();
    await expect(record).toHaveAttribute("href", /\/crm\/deal\/details\/\d+\/$/);
  });

  test("manual inputs are validated with clear messages, then saved", async ({ page }) => {
    await page.goto(`/clients/${clientId}/metrics/inputs?month=2024-01`);
    await page.getByLabel("Marketing spend").fill("-5");
    await page.getByLabel("Fulfilment rate").fill("2");
    await page.getByRole("button", { name: "Save inputs" }).click();
    await expect(page.getByText("Enter a number zero or greater.")).toBeVisible(SAVED);
    await expect(page.getByText("Enter a share from 0 to 1, such as 0.8.")).toBeVisible();
    await page.getByLabel("Marketing spend").fill("12 500,5");
    await page.getByLabel("Fulfilment rate").fill("0,9");
    await page.getByRole("button", { name: "Save inputs" }).click();
    await expect(page.getByText(/Inputs for 2024-01 saved/)).toBeVisible(SAVED);
    await page.reload();
    await expect(page.getByLabel("Marketing spend")).toHaveValue("12500.5");
  });

  test("settings refuse an impossible SLA and save a valid one", async ({ page }) => {
    await page.goto(`/clients/${clientId}/metrics/settings`);
    await page.getByLabel("Response SLA (minutes)").fill("0");
    await page.getByRole("button", { name: "Save settings" }).click();
    await expect(page.getByText("Enter a whole number of minutes from 1 to 10080.")).toBeVisible(SAVED);
    await page.getByLabel("Response SLA (minutes)").fill("20");
    await page.getByRole("button", { name: "Save settings" }).click();
    await expect(page.getByText(/Settings saved/)).toBeVisible(SAVED);
  });

  test("the process inventory takes a custom process", async ({ page }) => {
    await page.goto(`/clients/${clientId}/metrics/processes`);
    await expect(page.getByRole("heading", { name: "Call logging" })).toBeVisible();
    await page.locator("#custom-process-name").fill("Stock synchronisation");
    await page.getByRole("button", { name: "Add", exact: true }).click();
    await expect(page.getByRole("heading", { name: /Stock synchronisation/ })).toBeVisible(SAVED);
  });

  test("targets are set by hand, and a CSV with a bad row imports nothing", async ({ page }) => {
    await page.goto(`/clients/${clientId}/metrics/goals`);
    await page.getByLabel("Metric", { exact: true }).selectOption("response_time");
    await page.locator("#target-value").fill("12");
    await page.getByRole("button", { name: "Set a target" }).click();
    await expect(page.getByText("Target saved.")).toBeVisible(SAVED);
    await expect(page.getByRole("row", { name: /Response time.*Every month/ })).toBeVisible();

    await page.getByLabel("What the file holds").selectOption("targets");
    await page.getByLabel("CSV file").setInputFiles({ name: "targets.csv", mimeType: "text/csv", buffer: Buffer.from("metric;month;value\ncac;2024-13;5\nhappiness;;1\n") });
    await page.getByRole("button", { name: "Import" }).click();
    await expect(page.getByText("Nothing was imported. Fix these rows and try again:")).toBeVisible(SAVED);
    await expect(page.getByRole("cell", { name: "Enter a month as YYYY-MM." })).toBeVisible();
    await expect(page.getByRole("cell", { name: "Choose one of the ten metrics." })).toBeVisible();

    await page.getByLabel("CSV file").setInputFiles({ name: "targets.csv", mimeType: "text/csv", buffer: Buffer.from("metric,month,value\nsales_cycle,,20\n") });
    await page.getByRole("button", { name: "Import" }).click();
    await expect(page.getByText(/Imported 1 rows/)).toBeVisible(SAVED);

    const template = await page.request.get(`/clients/${clientId}/metrics/template/baselines`);
    expect(template.status()).toBe(200);
    expect(await template.text()).toContain("metric,value,note");
  });
});
