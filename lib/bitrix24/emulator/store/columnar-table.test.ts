import { describe, expect, it } from "vitest";
import { ColumnarTable } from "./columnar-table";
import { StringColumn } from "./columns";
import { createPortalData } from "./portal-data";
import { ENTITY_FIELDS } from "../types";

const T0 = Date.UTC(2024, 0, 15, 9, 30, 0);

function dealTable(n: number): ColumnarTable {
  const t = new ColumnarTable("deal");
  for (let i = 1; i <= n; i++) {
    t.append({ ID: i * 2, TITLE: `Deal ${i}`, STAGE_ID: i % 2 ? "NEW" : "WON", OPPORTUNITY: i * 10.5, CLOSED: i % 3 === 0, DATE_CREATE: T0 + i * 1000 });
  }
  return t;
}

describe("ColumnarTable", () => {
  it("round-trips every field type, nulls included", () => {
    const t = new ColumnarTable("deal");
    t.append({
      ID: 7,
      TITLE: "A",
      CATEGORY_ID: 0,
      PROBABILITY: null,
      OPPORTUNITY: 1999.99,
      CLOSED: true,
      IS_NEW: false,
      DATE_CREATE: T0,
      CLOSEDATE: null,
      LEAD_ID: 123456789,
    });
    const row = t.get(7)!;
    expect(row).toMatchObject({
      ID: 7,
      TITLE: "A",
      CATEGORY_ID: 0,
      PROBABILITY: null,
      OPPORTUNITY: 1999.99,
      CLOSED: true,
      IS_NEW: false,
      DATE_CREATE: T0,
      CLOSEDATE: null,
      LEAD_ID: 123456789,
      SOURCE_ID: null,
      IS_RECURRING: null,
    });
    expect(Object.keys(row).sort()).toEqual(ENTITY_FIELDS.deal.map((f) => f.name).sort());
  });

  it("accepts Bitrix24-style strings: 'Y'/'N', numeric strings, ISO dates", () => {
    const t = new ColumnarTable("deal");
    const row = t.insert({ CLOSED: "Y", IS_NEW: "N", OPPORTUNITY: "100.50", ASSIGNED_BY_ID: "5", DATE_CREATE: "2024-01-15T12:30:00+03:00" });
    expect(row).toMatchObject({ ID: 1, CLOSED: true, IS_NEW: false, OPPORTUNITY: 100.5, ASSIGNED_BY_ID: 5, DATE_CREATE: T0 });
  });

  it("keeps date-times to the second", () => {
    const t = new ColumnarTable("deal");
    t.insert({ DATE_CREATE: T0 + 999 });
    expect(t.get(1)!.DATE_CREATE).toBe(T0);
    t.insert({ DATE_CREATE: Date.UTC(1950, 5, 1) });
    expect(t.get(2)!.DATE_CREATE).toBe(Date.UTC(1950, 5, 1));
  });

  it("widens integer columns without losing earlier values or nulls", () => {
    const t = new ColumnarTable("activity");
    t.append({ ID: 1, OWNER_ID: 5 });
    t.append({ ID: 2, OWNER_ID: null });
    t.append({ ID: 3, OWNER_ID: -128 });
    t.append({ ID: 4, OWNER_ID: 40_000 });
    t.append({ ID: 5, OWNER_ID: 2_000_000_000 });
    expect([...t.scan()].map((r) => r.OWNER_ID)).toEqual([5, null, -128, 40_000, 2_000_000_000]);
  });

  it("inserts after the highest ID ever used, deleted ones included", () => {
    const t = dealTable(3); // IDs 2, 4, 6
    expect(t.delete(6)).toBe(true);
    expect(t.delete(6)).toBe(false);
    expect(t.size).toBe(2);
    expect(t.maxId).toBe(6);
    expect(t.insert({ TITLE: "new" }).ID).toBe(7);
    expect(t.get(6)).toBeUndefined();
    expect(() => t.append({ ID: 5 })).toThrow(/out of order/);
  });

  it("updates in place and merges the patch", () => {
    const t = dealTable(3);
    const row = t.update(4, { STAGE_ID: "LOSE", OPPORTUNITY: null })!;
    expect(row).toMatchObject({ ID: 4, TITLE: "Deal 2", STAGE_ID: "LOSE", OPPORTUNITY: null });
    expect(t.update(5, { TITLE: "x" })).toBeUndefined();
    expect([...t.scan()].map((r) => r.ID)).toEqual([2, 4, 6]);
  });

  it("scans in ID order with exclusive bounds, both directions, skipping tombstones", () => {
    const t = dealTable(10); // 2..20
    t.delete(8);
    const ids = (opts?: Parameters<ColumnarTable["scan"]>[0]) => [...t.scan(opts)].map((r) => r.ID);
    expect(ids()).toEqual([2, 4, 6, 10, 12, 14, 16, 18, 20]);
    expect(ids({ afterId: 5 })).toEqual([6, 10, 12, 14, 16, 18, 20]);
    expect(ids({ afterId: 6, beforeId: 14 })).toEqual([10, 12]);
    expect(ids({ afterId: 6, beforeId: 14, desc: true })).toEqual([12, 10]);
    expect(ids({ afterId: 20 })).toEqual([]);
    expect(ids({ beforeId: 2 })).toEqual([]);
  });

  it("creates columns for custom fields on first sight", () => {
    const t = new ColumnarTable("deal");
    t.insert({ TITLE: "a" });
    t.insert({ UF_CRM_1721244482250: "Hello world!" });
    expect(t.get(1)!.UF_CRM_1721244482250).toBeNull();
    expect(t.get(2)!.UF_CRM_1721244482250).toBe("Hello world!");
    expect(t.fieldTypes().get("UF_CRM_1721244482250")).toBe("json");
  });

  it("packs multi-fields and restores TYPE_ID, assigning IDs when missing", () => {
    const t = new ColumnarTable("contact");
    t.insert({
      PHONE: [{ VALUE_TYPE: "WORK", VALUE: "+19998887766" }, { ID: "77", VALUE_TYPE: "MOBILE", VALUE: "+7 900" }],
      EMAIL: [],
    });
    const row = t.get(1)!;
    expect(row.PHONE).toEqual([
      { ID: "1", VALUE_TYPE: "WORK", VALUE: "+19998887766", TYPE_ID: "PHONE" },
      { ID: "77", VALUE_TYPE: "MOBILE", VALUE: "+7 900", TYPE_ID: "PHONE" },
    ]);
    expect(row.EMAIL).toBeNull();
  });

  it("dictionary-encodes strings until they outgrow 65 535 distinct values", () => {
    const col = new StringColumn(4);
    col.grow(100_000);
    for (let i = 0; i < 100_000; i++) col.set(i, i % 3 === 0 ? null : `v${i}`);
    expect(col.encoded).toBe(false);
    expect(col.get(0)).toBeNull();
    expect(col.get(1)).toBe("v1");
    expect(col.get(99_998)).toBe("v99998");
    const coded = new StringColumn(10);
    for (let i = 0; i < 10; i++) coded.set(i, ["NEW", "WON", "LOSE"][i % 3]);
    expect(coded.encoded).toBe(true);
    expect(coded.get(4)).toBe("WON");
  });

  it("finds a >ID page by binary search: 2 000 cursor pages over 1 M rows stay fast", () => {
    const t = new ColumnarTable("dealHistory");
    for (let i = 1; i <= 1_000_000; i++) t.append({ ID: i, TYPE_ID: 2, OWNER_ID: i >> 2 });
    const started = performance.now();
    let seen = 0;
    for (let page = 0; page < 2000; page++) {
      let n = 0;
      for (const pos of t.positions({ afterId: 500_000 + page * 50 })) {
        seen += t.idAt(pos);
        if (++n === 50) break;
      }
    }
    const elapsed = performance.now() - started;
    expect(seen).toBeGreaterThan(0);
    // A linear search for the start would touch ~10^9 positions here; binary search touches ~10^5.
    expect(elapsed).toBeLessThan(1500);
  });

  it("stays within the memory budget per row for realistic activities", () => {
    const t = new ColumnarTable("activity");
    const providers = ["VOXIMPLANT_CALL", "CRM_EMAIL", "IMOPENLINES_SESSION", "CRM_TODO"];
    const n = 200_000;
    for (let i = 1; i <= n; i++) {
      const at = T0 + i * 60_000;
      t.append({
        ID: i,
        OWNER_ID: (i * 7) % 1_000_000,
        OWNER_TYPE_ID: 2,
        TYPE_ID: 2,
        PROVIDER_ID: providers[i % 4],
        PROVIDER_TYPE_ID: "CALL",
        SUBJECT: `Call ${i % 500}`,
        CREATED: at,
        LAST_UPDATED: at,
        START_TIME: at,
        END_TIME: at + 60_000,
        DEADLINE: at,
        COMPLETED: true,
        STATUS: 2,
        DIRECTION: 1 + (i % 2),
        PRIORITY: 2,
        RESPONSIBLE_ID: 1 + (i % 40),
        AUTHOR_ID: 1 + (i % 40),
        EDITOR_ID: 1 + (i % 40),
        AUTOCOMPLETE_RULE: 0,
      });
    }
    t.trim();
    // 5 M activities at this size take ~250 MB, which leaves room for the other entities within ~1 GB.
    expect(t.estimateBytes() / n).toBeLessThan(55);
  });
});

describe("createPortalData", () => {
  it("creates one empty table per entity", () => {
    const data = createPortalData();
    expect(Object.keys(data.tables).sort()).toEqual(Object.keys(ENTITY_FIELDS).sort());
    for (const [name, table] of Object.entries(data.tables)) {
      expect(table.entity).toBe(name);
      expect(table.size).toBe(0);
    }
    expect(data.crmMode).toBe(1);
  });
});
