import { defineConfig } from "vitest/config";
import path from "node:path";

/**
 * Three projects:
 * - unit: pure code and the emulator (`*.test.ts`);
 * - pglite: service and integration tests (`*.int.test.ts`) on the embedded database;
 * - postgres: the same files on PostgreSQL, only when DATABASE_URL is set.
 */
const integration = ["**/*.int.test.ts"];
const exclude = ["node_modules/**", ".next/**", ".data/**", "e2e/**"];
const alias = { "@": path.resolve(import.meta.dirname) };

export default defineConfig({
  resolve: { alias },
  test: {
    projects: [
      {
        resolve: { alias },
        test: {
          name: "unit",
          include: ["**/*.test.ts"],
          exclude: [...exclude, ...integration],
          testTimeout: 60_000,
        },
      },
      {
        resolve: { alias },
        test: {
          name: "pglite",
          include: integration,
          exclude,
          env: { TEST_DB: "pglite" },
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      ...(process.env.DATABASE_URL
        ? [
            {
              resolve: { alias },
              test: {
                name: "postgres",
                include: integration,
                exclude,
                env: { TEST_DB: "postgres" },
                testTimeout: 120_000,
                hookTimeout: 120_000,
              },
            },
          ]
        : []),
    ],
  },
});
