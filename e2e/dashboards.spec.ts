import Papa from "papaparse";
import type { APIRequestContext, Page } from "@playwright/test";
import { expect, newAccount, signIn, signUp, test } from "./fixtures";

/**
 * The dashboards on the demo data (a demo org with one synced client per emulator profile, started by the e2e
 * server): the portfolio shows every demo client with the stored values, a client page draws its charts, compare
 * works, and a CSV export equals the API's JSON for the same range. Plus the empty states of a brand-new org.
 */

const DEMO = { email: "demo@impact24.local", password: process.env.E2E_DEMO_PASSWORD ?? "demo-password-e2e" };

interface ApiClient {
  id: string;
  name: string;
}
interface ApiMetric {
  key: string;
  period: string;
  value: number | null;
  numerator: number | null;
  denominator: number | null;
  unit: string;
}

async function getJson<T>(request: APIRequestContext, url: string): Promise<T> {
  const response = await request.get(url);
  expect(response.status(), url).toBe(200);
  return (await response.json()) as T;
}

/** The demo clients, once every one of them has metric snapshots (the demo syncs and computes after start-up). */
async function demoClients(page: Page): Promise<ApiClient[]> {
  let clients: ApiClient[] = [];
  await expect
    .poll(
      async () => {
        clients = (await getJson<{ clients: ApiClient[] }>(page.request, "/api/v1/clients?limit=200")).clients;
        if (clients.length === 0) return false;
        for (const c of clients) {
          const { metrics } = await getJson<{ metrics: ApiMetric[] }>(page.request, `/api/v1/clients/${c.id}/metrics`);
          if (metrics.length === 0) return false;
        }
        return true;
      },
      { timeout: 600_000, intervals: [5_000] },
    )
    .toBe(true);
  return clients;
}

const monthList = (from: string, to: string) => {
  const out: string[] = [];
  let [y, m] = from.split("-").map(Number);
  const [ty, tm] = to.split("-").map(Number);
  while (y < ty || (y === ty && m <= tm)) {
    out.push(`${y}-${String(m).padStart(2, "0")}`);
    m === 12 ? ((m = 1), y++) : m++;
  }
  return out;
};

test.describe("dashboards on the demo data", () => {
  test.describe.configure({ mode: "serial", timeout: 900_000 });

  let clients: ApiClient[];

  test.beforeEach(async ({ page }) => {
    await signIn(page, DEMO);
    clients ??= await demoClients(page);
  });

  test("the portfolio shows every demo client with the stored snapshot values", async ({ page }) => {
    await page.goto("/");
    await expect(page.getByRole("heading", { name: "Portfolio", level: 1 })).toBeVisible();
    const month = await page.locator("#portfolio-month").inputValue();
    expect(month).toMatch(/^\d{4}-\d{2}$/);
    const rows = page.getByTestId("portfolio-row");
    await expect(rows).toHaveCount(clients.length);
    for (const client of clients) {
      const row = page.locator(`[data-testid="portfolio-row"][data-client-id="${client.id}"]`);
      await expect(row.getByRole("link", { name: client.name })).toBeVisible();
      const { metrics } = await getJson<{ metrics: ApiMetric[] }>(page.request, `/api/v1/clients/${client.id}/metrics?from=${month}&to=${month}`);
      const stored = new Map(metrics.map((m) => [m.key, m.value]));
      const cells = await row.locator("td[data-metric]").evaluateAll((tds) => tds.map((td) => [td.getAttribute("data-metric")!, td.getAttribute("data-value")!] as const));
      expect(cells).toHaveLength(10);
      for (const [key, value] of cells) {
        const expected = stored.get(key) ?? null;
        expect(value === "" ? null : Number(value), `${client.name} ${key} ${month}`).toBe(expected);
      }
      // The demo enters each client's marketing spend, so CAC is measured too.
      expect(stored.get("cac"), `${client.name} CAC`).toEqual(expect.any(Number));
    }
    // Sorting and searching live in the URL.
    await page.getByRole("link", { name: /Lead conversion/ }).first().click();
    await expect(page).toHaveURL(/sort=lead_conversion/);
    await page.getByLabel("Search by name").fill(clients[0].name);
    await page.getByRole("button", { name: "Apply" }).click();
    await expect(page).toHaveURL(/q=/);
    await expect(page.getByTestId("portfolio-row")).toHaveCount(1);
  });

  test("a client page draws a history chart per metric with one point per month", async ({ page }) => {
    const client = clients[0];
    await page.goto(`/clients/${client.id}`);
    const dashboard = page.getByTestId("client-dashboard");
    await expect(dashboard.getByRole("heading", { name: "Metrics" })).toBeVisible();
    await expect(dashboard.getByTestId("metric-card-lead_conversion")).toBeVisible();
    const from = await page.locator("#history-from").inputValue();
    const to = await page.locator("#history-to").inputValue();
    const months = monthList(from, to).length;
    const chart = page.getByTestId("chart-lead_conversion");
    await expect(chart.locator("canvas")).toBeVisible();
    await expect(chart).toHaveAttribute("data-points", /\[\d+/);
    const points = JSON.parse((await chart.getAttribute("data-points"))!) as number[];
    expect(points.length).toBeGreaterThanOrEqual(1);
    for (const n of points) expect(n).toBe(months);
    await expect(page.locator("canvas")).not.toHaveCount(0);
    // The chart's figures are one click away as a table.
    await chart.locator("xpath=..").getByText("Show the figures as a table").click();
    await expect(page.getByRole("table", { name: /Lead conversion by month/ })).toBeVisible();
    // Period against period: the same month a year earlier.
    await page.getByLabel("Compare with").selectOption("year");
    await page.getByTestId("periods-table").locator("xpath=ancestor::section[1]").getByRole("button", { name: "Apply" }).click();
    await expect(page).toHaveURL(/cmp=year/);
    await expect(page.getByTestId("periods-table").locator("tbody tr")).toHaveCount(10);
    // Print view: the controls disappear.
    await page.emulateMedia({ media: "print" });
    await expect(page.getByRole("button", { name: "Print / save as PDF" })).toBeHidden();
    await expect(page.getByRole("navigation", { name: "Main" })).toBeHidden();
    await page.emulateMedia({ media: "screen" });
  });

  test("compare puts clients side by side with charts and a table", async ({ page }) => {
    const [a, b] = clients;
    await page.goto("/");
    await page.getByLabel(`Select ${a.name} for comparison`).check();
    await page.getByLabel(`Select ${b.name} for comparison`).check();
    await page.getByRole("button", { name: "Compare selected" }).click();
    await expect(page).toHaveURL(/\/compare\?/);
    const table = page.getByTestId("compare-table");
    await expect(table.locator("tbody tr")).toHaveCount(2);
    await expect(table.getByRole("link", { name: a.name })).toBeVisible();
    await expect(table.getByRole("link", { name: b.name })).toBeVisible();
    const chart = page.getByTestId("compare-chart-lead_conversion");
    await expect(chart.locator("canvas")).toBeVisible();
    const points = JSON.parse((await chart.getAttribute("data-points"))!) as number[];
    expect(points.slice(0, 2)).toEqual([12, 12]);
    const csv = await page.request.get(page.url().replace("/compare?", "/compare.csv?"));
    expect(csv.status()).toBe(200);
    expect(csv.headers()["content-type"]).toContain("text/csv");
  });

  test("the history CSV equals the API's JSON for the same range", async ({ page }) => {
    for (const client of clients.slice(0, 3)) {
      const { metrics } = await getJson<{ metrics: ApiMetric[] }>(page.request, `/api/v1/clients/${client.id}/metrics`);
      const periods = metrics.map((m) => m.period).sort();
      const from = periods[Math.floor(periods.length / 3)];
      const to = periods[periods.length - 1];
      const json = (await getJson<{ metrics: ApiMetric[] }>(page.request, `/api/v1/clients/${client.id}/metrics?from=${from}&to=${to}`)).metrics;
      const response = await page.request.get(`/clients/${client.id}/metrics.csv?from=${from}&to=${to}`);
      expect(response.status()).toBe(200);
      expect(response.headers()["content-disposition"]).toContain("attachment");
      const body = await response.text();
      expect(body.charCodeAt(0)).toBe(0xfeff);
      const parsed = Papa.parse<Record<string, string>>(body.slice(1), { header: true, skipEmptyLines: true });
      expect(parsed.meta.fields).toEqual(["key", "period", "value", "numerator", "denominator", "unit"]);
      const num = (v: string) => (v === "" ? null : Number(v));
      const rows = parsed.data.map((r) => ({ key: r.key, period: r.period, value: num(r.value), numerator: num(r.numerator), denominator: num(r.denominator), unit: r.unit }));
      expect(rows).toEqual(json);
    }
    // The portfolio export has a row per client.
    const portfolio = await page.request.get("/portfolio.csv");
    const parsed = Papa.parse<Record<string, string>>((await portfolio.text()).slice(1), { header: true, skipEmptyLines: true });
    expect(parsed.data.map((r) => r.client).sort()).toEqual(clients.map((c) => c.name).sort());
  });
});

test.describe("dashboard empty states", () => {
  test("a new org is told what to do on the portfolio, the client page and compare", async ({ page }) => {
    await signUp(page, newAccount("empty"));
    await page.goto("/");
    await expect(page.getByText("No clients yet")).toBeVisible();
    await page.getByRole("link", { name: "Add a client" }).click();
    await page.getByRole("textbox", { name: "Name", exact: true }).fill("Fresh client");
    await page.getByRole("button", { name: "Create client" }).click();
    await page.waitForURL(/\/clients\/[0-9a-f-]{36}$/);
    await expect(page.getByText("No portal connected")).toBeVisible();
    await expect(page.getByText("Connect the client's Bitrix24 portal: metrics appear after the first sync.")).toBeVisible();
    await page.goto("/");
    await expect(page.getByTestId("portfolio-row")).toHaveCount(1);
    await expect(page.getByText("Metrics appear after the first sync")).toBeVisible();
    await page.goto("/compare");
    await expect(page.getByText("Add more clients to compare")).toBeVisible();
  });
});
