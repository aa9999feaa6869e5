import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ISOLATION_EXEMPT, ISOLATION_TARGETS } from "@/e2e/isolation-routes";

/** App routes (pages and route handlers) as URL patterns, route groups removed. */
function appRoutes(dir = "app", prefix = ""): string[] {
  const routes: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name.startsWith("_")) continue;
      const segment = entry.name.startsWith("(") && entry.name.endsWith(")") ? "" : `/${entry.name}`;
      routes.push(...appRoutes(full, prefix + segment));
    } else if (/^(page|route)\.tsx?$/.test(entry.name)) {
      routes.push(prefix || "/");
    }
  }
  return [...new Set(routes)];
}

describe("tenant-isolation register", () => {
  const dynamic = appRoutes().filter((route) => route.includes("["));

  it("covers every app route that takes an id, or exempts it with a reason", () => {
    const covered = new Set([...ISOLATION_TARGETS.map((t) => t.route), ...Object.keys(ISOLATION_EXEMPT)]);
    const missing = dynamic.filter((route) => !covered.has(route));
    expect(missing, "add these routes to e2e/isolation-routes.ts").toEqual([]);
  });

  it("lists only routes that exist", () => {
    const existing = new Set(appRoutes());
    const stale = [...ISOLATION_TARGETS.map((t) => t.route), ...Object.keys(ISOLATION_EXEMPT)].filter(
      (route) => !existing.has(route),
    );
    expect(stale, "remove or fix these entries in e2e/isolation-routes.ts").toEqual([]);
  });
});
