import AxeBuilder from "@axe-core/playwright";
import type { Page } from "@playwright/test";
import { expect, signIn, test } from "./fixtures";

/**
 * Accessibility of the main signed-in pages on the demo data: axe must find no serious or critical violation on
 * the portfolio, a client page, compare and the settings.
 */

const DEMO = { email: "demo@impact24.local", password: process.env.E2E_DEMO_PASSWORD ?? "demo-password-e2e" };

async function seriousViolations(page: Page) {
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  return results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.slice(0, 5).map((n) => n.target.join(" ")) }));
}

test.describe("accessibility", () => {
  test.describe.configure({ mode: "serial", timeout: 900_000 });

  let ids: string[] = [];

  test.beforeEach(async ({ page }) => {
    await signIn(page, DEMO);
    if (ids.length) return;
    // The demo syncs after start-up: wait until its clients exist and have metrics.
    await expect
      .poll(
        async () => {
          const response = await page.request.get("/api/v1/clients?limit=200");
          const { clients } = (await response.json()) as { clients: { id: string }[] };
          if (clients.length < 2) return 0;
          const { metrics } = (await (await page.request.get(`/api/v1/clients/${clients[0].id}/metrics`)).json()) as { metrics: unknown[] };
          ids = metrics.length ? clients.map((c) => c.id) : [];
          return ids.length;
        },
        { timeout: 600_000, intervals: [5_000] },
      )
      .toBeGreaterThanOrEqual(2);
  });

  const pages: [string, (ids: string[]) => string][] = [
    ["portfolio", () => "/"],
    ["client", (ids) => `/clients/${ids[0]}`],
    ["compare", (ids) => `/compare?clients=${ids.slice(0, 2).join(",")}`],
    ["settings", () => "/settings"],
  ];

  for (const [name, url] of pages) {
    test(`the ${name} page has no serious or critical violations`, async ({ page }) => {
      await page.goto(url(ids));
      await page.waitForLoadState("networkidle");
      expect(await seriousViolations(page)).toEqual([]);
    });
  }
});
