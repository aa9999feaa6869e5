import { describe, expect, it } from "vitest";
import { ahead } from "./engine";
import { RECORD_SPECS } from "./entities";
import { normaliseAll, normaliseEmail, normalisePhone } from "./normalise";
import { progressFigures } from "./progress";

describe("contact normalisation", () => {
  it("makes one phone of its spellings and drops junk", () => {
    expect(normalisePhone("+7 (912) 345-67-89")).toBe("79123456789");
    expect(normalisePhone("8 912 345 67 89")).toBe("79123456789");
    expect(normalisePhone("ext. 12")).toBeNull();
    expect(normaliseAll(["+7 912 345-67-89", "89123456789", "123"], normalisePhone)).toEqual(["79123456789"]);
    expect(normaliseAll(null, normalisePhone)).toEqual([]);
  });

  it("lower-cases e-mails and drops what is not one", () => {
    expect(normaliseEmail(" Anna@Example.COM ")).toBe("anna@example.com");
    expect(normaliseEmail("not an address")).toBeNull();
  });
});

describe("progress figures", () => {
  it("gives rate and ETA once there is something to measure", () => {
    expect(progressFigures({ rowsFetched: 0, rowsThisAttempt: 0, elapsedMs: 100, total: 1000 })).toEqual({ rate: null, etaSeconds: null });
    expect(progressFigures({ rowsFetched: 600, rowsThisAttempt: 500, elapsedMs: 10_000, total: 1100 })).toEqual({ rate: 50, etaSeconds: 10 });
    expect(progressFigures({ rowsFetched: 600, rowsThisAttempt: 500, elapsedMs: 10_000, total: null })).toEqual({ rate: 50, etaSeconds: null });
  });
});

describe("ahead", () => {
  it("asks for the next page while the current one is being used, and yields them in order", async () => {
    const log: string[] = [];
    async function* source() {
      for (let i = 1; i <= 3; i++) {
        log.push(`fetch ${i}`);
        await new Promise((r) => setTimeout(r, 5));
        yield i;
      }
    }
    const seen: number[] = [];
    for await (const page of ahead(source())) {
      log.push(`use ${page}`);
      seen.push(page);
    }
    expect(seen).toEqual([1, 2, 3]);
    // Page 2 was already requested when page 1 was used.
    expect(log.indexOf("fetch 2")).toBeLessThan(log.indexOf("use 1"));
  });

  it("closes the source when the consumer stops early", async () => {
    let closed = false;
    async function* source() {
      try {
        for (let i = 1; ; i++) yield i;
      } finally {
        closed = true;
      }
    }
    for await (const page of ahead(source())) if (page === 2) break;
    expect(closed).toBe(true);
  });
});

describe("entity rows", () => {
  it("turns a legacy deal into a mirror row: numbers, booleans, UTC instants, portal dates, custom fields", () => {
    const row = RECORD_SPECS.deal.toRow({
      ID: "37",
      TITLE: "Deal",
      CATEGORY_ID: "2",
      STAGE_ID: "C2:WON",
      STAGE_SEMANTIC_ID: "S",
      CLOSED: "Y",
      OPPORTUNITY: "19999.99",
      CURRENCY_ID: "RUB",
      COMPANY_ID: "0",
      BEGINDATE: "2024-08-30T02:00:00+02:00",
      DATE_CREATE: "2024-08-30T14:29:00+02:00",
      UTM_CONTENT: "",
      UF_CRM_REGION: "North",
      UF_CRM_EMPTY: null,
    });
    expect(row).toMatchObject({
      id: 37,
      category_id: 2,
      stage_semantic_id: "S",
      closed: true,
      opportunity: 19999.99,
      company_id: null,
      begin_date: "2024-08-30",
      date_create: "2024-08-30T12:29:00.000Z",
      utm_content: null,
      uf: { UF_CRM_REGION: "North" },
    });
  });

  it("rejects a row that does not parse (the run fails with the reason)", () => {
    expect(() => RECORD_SPECS.activity.toRow({ ID: "x" })).toThrow();
  });
});
