import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

/** Every public API route handler is documented in public/openapi.json with an example, and nothing else is. */

const API_DIR = path.join("app", "api", "v1");
const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;

function routeOperations(dir = API_DIR): string[] {
  const operations: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) operations.push(...routeOperations(full));
    else if (/^route\.tsx?$/.test(entry.name)) {
      const url = "/" + path.relative("app", dir).split(path.sep).join("/").replace(/\[(\w+)\]/g, "{$1}");
      const source = fs.readFileSync(full, "utf8");
      for (const method of METHODS) {
        if (new RegExp(`export const ${method}\\b`).test(source)) operations.push(`${method} ${url}`);
      }
    }
  }
  return operations.sort();
}

interface Operation {
  responses: Record<string, { $ref?: string; content?: Record<string, { example?: unknown }> }>;
  requestBody?: { content: Record<string, { example?: unknown }> };
}

const doc = JSON.parse(fs.readFileSync(path.join("public", "openapi.json"), "utf8")) as {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
};

describe("public API reference", () => {
  it("documents exactly the route handlers under app/api/v1", () => {
    const documented = Object.entries(doc.paths)
      .flatMap(([url, operations]) => Object.keys(operations).map((method) => `${method.toUpperCase()} ${url}`))
      .sort();
    expect(documented).toEqual(routeOperations());
  });

  it("gives an example for every success response and request body", () => {
    expect(doc.openapi).toBe("3.1.0");
    for (const [url, operations] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        const success = Object.entries(operation.responses).filter(([status]) => status.startsWith("2"));
        expect(success.length, `${method} ${url}`).toBe(1);
        expect(success[0][1].content?.["application/json"]?.example, `${method} ${url}`).toBeDefined();
        if (operation.requestBody) expect(operation.requestBody.content["application/json"].example, `${method} ${url}`).toBeDefined();
        expect(Object.keys(operation.responses), `${method} ${url}`).toContain("401");
      }
    }
  });
});
