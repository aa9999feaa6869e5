import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, testDbKind } from "@/db/testing";
import type { Database } from "@/db";

describe(`mirror schema (${testDbKind})`, () => {
  let database: Database;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.close());

  it("has the mirror and sync tables", async () => {
    const { rows } = await database.executeSql(
      "select table_name from information_schema.tables where table_schema = 'public' and (table_name like 'mirror_%' or table_name like 'sync_%') order by 1",
    );
    expect(rows.map((r) => r.table_name)).toEqual(
      expect.arrayContaining(["mirror_deals", "mirror_activities", "sync_runs", "sync_cursors", "sync_progress"]),
    );
  });
});
