import { beforeAll, describe, expect, it } from "vitest";
import { createPortalData, type PortalData } from "../store/portal-data";
import { ENTITY_FIELDS, PROFILES, type EntityName, type GenerateOptions, type Row } from "../types";
import { generatePortalData } from "./index";
import { historyStart } from "./timeline";

const DAY = 86_400_000;
const BASE: GenerateOptions = {
  profile: "healthy",
  seed: 7,
  deals: 2000,
  goLive: Date.UTC(2025, 2, 1),
  now: Date.UTC(2026, 10, 20, 12, 30),
  timeZone: "Europe/Moscow",
  baseCurrency: "RUB",
};

function generate(overrides: Partial<GenerateOptions> = {}): PortalData {
  const data = createPortalData();
  generatePortalData({ ...BASE, ...overrides }, data);
  return data;
}

function rows(data: PortalData, entity: EntityName): Row[] {
  return [...data.tables[entity].scan()];
}

/** FNV-1a over every row and reference list: equal checksums mean equal portals. */
function checksum(data: PortalData): string {
  let h = 0x811c9dc5;
  const feed = (s: string) => {
    for (let i = 0; i < s.length; i++) {
      h ^= s.charCodeAt(i);
      h = Math.imul(h, 0x01000193);
    }
  };
  for (const entity of Object.keys(ENTITY_FIELDS) as EntityName[]) {
    for (const row of data.tables[entity].scan()) feed(JSON.stringify(row));
  }
  feed(JSON.stringify([data.statuses, data.categories, data.currencies, data.workflowTemplates, data.userFields, data.crmMode]));
  return (h >>> 0).toString(16);
}

const n = (v: unknown) => v as number;

describe("determinism", () => {
  it("gives the same portal for the same options and another one for another seed", () => {
    const a = checksum(generate());
    expect(checksum(generate())).toBe(a);
    expect(checksum(generate({ seed: 8 }))).not.toBe(a);
  });

  it("gives every profile its own portal", () => {
    const sums = new Set(PROFILES.map((profile) => checksum(generate({ profile, deals: 400 }))));
    expect(sums.size).toBe(PROFILES.length);
  });
});

describe.each([
  { label: "healthy, Moscow, RUB", opts: {} },
  { label: "integrator errors, New York (DST), USD", opts: { profile: "integrator_errors", timeZone: "America/New_York", baseCurrency: "USD", seed: 3 } },
  { label: "big bang, go-live 4 months ago", opts: { profile: "big_bang", goLive: BASE.now - 120 * DAY, seed: 5 } },
] as { label: string; opts: Partial<GenerateOptions> }[])("portal integrity: $label", ({ opts }) => {
  const options = { ...BASE, ...opts };
  let data: PortalData;
  let all: Record<EntityName, Row[]>;
  let users: Set<number>;
  let leads: Map<number, Row>;
  let deals: Map<number, Row>;
  let contacts: Set<number>;
  let companies: Set<number>;
  beforeAll(() => {
    data = generate(opts);
    all = Object.fromEntries((Object.keys(ENTITY_FIELDS) as EntityName[]).map((e) => [e, rows(data, e)])) as Record<EntityName, Row[]>;
    const idSet = (e: EntityName) => new Set(all[e].map((r) => n(r.ID)));
    users = idSet("user");
    leads = new Map(all.lead.map((r) => [n(r.ID), r]));
    deals = new Map(all.deal.map((r) => [n(r.ID), r]));
    contacts = idSet("contact");
    companies = idSet("company");
  }, 180_000);

  it("holds exactly the requested number of deals", () => {
    expect(all.deal.length).toBe(options.deals);
  });

  it("points every reference at an existing record", () => {
    const errors: string[] = [];
    const check = (ok: boolean, what: string) => {
      if (!ok && errors.length < 20) errors.push(what);
    };
    const optional = (v: unknown, set: { has(id: number): boolean }) => v === null || set.has(n(v));
    for (const d of all.deal) {
      check(optional(d.LEAD_ID, leads), `deal ${d.ID} LEAD_ID ${d.LEAD_ID}`);
      check(optional(d.CONTACT_ID, contacts), `deal ${d.ID} CONTACT_ID ${d.CONTACT_ID}`);
      check(optional(d.COMPANY_ID, companies), `deal ${d.ID} COMPANY_ID ${d.COMPANY_ID}`);
      for (const f of ["ASSIGNED_BY_ID", "CREATED_BY_ID", "MODIFY_BY_ID", "MOVED_BY_ID"]) check(users.has(n(d[f])), `deal ${d.ID} ${f}`);
    }
    for (const l of all.lead) {
      check(optional(l.CONTACT_ID, contacts), `lead ${l.ID} CONTACT_ID`);
      check(optional(l.COMPANY_ID, companies), `lead ${l.ID} COMPANY_ID`);
      check(users.has(n(l.ASSIGNED_BY_ID)), `lead ${l.ID} ASSIGNED_BY_ID`);
    }
    for (const c of all.contact) {
      check(optional(c.COMPANY_ID, companies), `contact ${c.ID} COMPANY_ID`);
      check(users.has(n(c.ASSIGNED_BY_ID)), `contact ${c.ID} ASSIGNED_BY_ID`);
    }
    const owners: Record<number, { has(id: number): boolean }> = { 1: leads, 2: deals, 3: contacts, 4: companies };
    for (const a of all.activity) {
      check(owners[n(a.OWNER_TYPE_ID)]?.has(n(a.OWNER_ID)) === true, `activity ${a.ID} owner ${a.OWNER_TYPE_ID}/${a.OWNER_ID}`);
      check(users.has(n(a.RESPONSIBLE_ID)) && users.has(n(a.AUTHOR_ID)), `activity ${a.ID} users`);
    }
    for (const h of all.dealHistory) check(deals.has(n(h.OWNER_ID)), `deal history ${h.ID}`);
    for (const h of all.leadHistory) check(leads.has(n(h.OWNER_ID)), `lead history ${h.ID}`);
    expect(errors).toEqual([]);
  });

  it("keeps stage history consistent with each record's current stage and dates", () => {
    const errors: string[] = [];
    const check = (ok: boolean, what: string) => {
      if (!ok && errors.length < 20) errors.push(what);
    };
    const stageSemantics = new Map(
      data.statuses.filter((s) => s.ENTITY_ID.startsWith("DEAL_STAGE")).map((s) => [s.STATUS_ID, s.SEMANTICS]),
    );
    const semanticOf = (stage: string) => {
      const s = stageSemantics.get(stage);
      return s === "success" ? "S" : s === "failure" || s === "apology" ? "F" : "P";
    };
    const byDeal = new Map<number, Row[]>();
    for (const h of all.dealHistory) {
      const list = byDeal.get(n(h.OWNER_ID)) ?? [];
      list.push(h);
      byDeal.set(n(h.OWNER_ID), list);
    }
    for (const d of all.deal) {
      const hist = byDeal.get(n(d.ID)) ?? [];
      const first = hist[0];
      const last = hist[hist.length - 1];
      check(first?.TYPE_ID === 1 && first.CREATED_TIME === d.DATE_CREATE, `deal ${d.ID}: history starts at creation`);
      check(hist.every((h, i) => i === 0 || n(h.CREATED_TIME) >= n(hist[i - 1].CREATED_TIME)), `deal ${d.ID}: history in time order`);
      check(hist.filter((h) => h.TYPE_ID === 1).length === 1, `deal ${d.ID}: one creation entry`);
      check(last?.STAGE_ID === d.STAGE_ID && last.CATEGORY_ID === d.CATEGORY_ID, `deal ${d.ID}: last stage ${last?.STAGE_ID} vs ${d.STAGE_ID}`);
      check(last?.CREATED_TIME === d.MOVED_TIME, `deal ${d.ID}: MOVED_TIME`);
      check((last?.TYPE_ID === 3) === d.CLOSED, `deal ${d.ID}: CLOSED matches a final entry`);
      check(d.STAGE_SEMANTIC_ID === semanticOf(String(d.STAGE_ID)), `deal ${d.ID}: semantic of ${d.STAGE_ID}`);
      const prefix = d.CATEGORY_ID === 0 ? "" : `C${d.CATEGORY_ID}:`;
      check(String(d.STAGE_ID).startsWith(prefix) && (prefix !== "" || !String(d.STAGE_ID).includes(":")), `deal ${d.ID}: stage of its pipeline`);
      if (d.STAGE_SEMANTIC_ID === "S") {
        check(d.CLOSED === true && d.CLOSEDATE !== null && n(d.CLOSEDATE) <= n(d.MOVED_TIME), `deal ${d.ID}: won deal closed with CLOSEDATE`);
      }
      check(n(d.DATE_MODIFY) >= n(d.DATE_CREATE), `deal ${d.ID}: DATE_MODIFY ≥ DATE_CREATE`);
      if (d.LEAD_ID !== null) {
        const lead = leads.get(n(d.LEAD_ID))!;
        check(lead.STATUS_ID === "CONVERTED" && lead.STATUS_SEMANTIC_ID === "S", `deal ${d.ID}: its lead is converted`);
        check(n(lead.DATE_CREATE) <= n(d.DATE_CREATE), `deal ${d.ID}: lead created first`);
      }
    }
    const byLead = new Map<number, Row[]>();
    for (const h of all.leadHistory) {
      const list = byLead.get(n(h.OWNER_ID)) ?? [];
      list.push(h);
      byLead.set(n(h.OWNER_ID), list);
    }
    const convertedLeads = new Set(all.deal.filter((d) => d.LEAD_ID !== null).map((d) => n(d.LEAD_ID)));
    for (const l of all.lead) {
      const hist = byLead.get(n(l.ID)) ?? [];
      const last = hist[hist.length - 1];
      check(hist[0]?.TYPE_ID === 1 && hist[0].CREATED_TIME === l.DATE_CREATE, `lead ${l.ID}: history starts at creation`);
      check(last?.STATUS_ID === l.STATUS_ID && last.CREATED_TIME === l.MOVED_TIME, `lead ${l.ID}: last status`);
      check((last?.TYPE_ID === 3) === (l.DATE_CLOSED !== null), `lead ${l.ID}: DATE_CLOSED matches a final entry`);
      check((l.STATUS_ID === "CONVERTED") === convertedLeads.has(n(l.ID)), `lead ${l.ID}: converted ⇔ has a deal`);
      check(n(l.DATE_MODIFY) >= n(l.DATE_CREATE), `lead ${l.ID}: DATE_MODIFY`);
    }
    expect(errors).toEqual([]);
  });

  it("dates nothing after now and nothing before the history starts", () => {
    const start = historyStart(options.goLive, options.now);
    const errors: string[] = [];
    for (const entity of Object.keys(ENTITY_FIELDS) as EntityName[]) {
      const timeFields = ENTITY_FIELDS[entity].filter((f) => f.type === "datetime" || f.type === "date").map((f) => f.name);
      for (const r of all[entity]) {
        for (const f of timeFields) {
          const v = r[f];
          if (v === null) continue;
          // Local midnight of the first day may precede the first instant.
          if (n(v) > options.now || n(v) < start - DAY) errors.push(`${entity} ${r.ID} ${f} ${new Date(n(v)).toISOString()}`);
        }
      }
    }
    for (const t of [
      ...data.categories.map((c) => c.createdTime),
      ...data.userFields.map((f) => f.createdTime),
      ...data.workflowTemplates.map((w) => w.MODIFIED),
    ]) {
      if (t > options.now) errors.push(`configuration dated ${new Date(t).toISOString()}`);
    }
    expect(errors.slice(0, 10)).toEqual([]);
  });

  it("assigns IDs in creation order, as auto-increment keys do", () => {
    const field: Partial<Record<EntityName, string>> = {
      lead: "DATE_CREATE",
      deal: "DATE_CREATE",
      contact: "DATE_CREATE",
      company: "DATE_CREATE",
      activity: "CREATED",
      leadHistory: "CREATED_TIME",
      dealHistory: "CREATED_TIME",
      user: "DATE_REGISTER",
    };
    for (const [entity, f] of Object.entries(field) as [EntityName, string][]) {
      const list = all[entity];
      const unordered = list.findIndex((r, i) => i > 0 && n(r[f]) < n(list[i - 1][f]));
      expect(unordered, `${entity} ordered by ${f}`).toBe(-1);
      expect(list.every((r, i) => r.ID === i + 1)).toBe(true);
    }
  });

  it("keeps activities coherent", () => {
    const bad = all.activity.filter(
      (a) =>
        n(a.LAST_UPDATED) < n(a.CREATED) ||
        (a.STATUS === 1) === a.COMPLETED ||
        ![1, 2, 3].includes(n(a.STATUS)) ||
        ![0, 1, 2].includes(n(a.DIRECTION)) ||
        (a.COMPLETED === true && n(a.LAST_UPDATED) > options.now),
    );
    expect(bad.slice(0, 5)).toEqual([]);
  });
});

describe("proportions and realism", () => {
  let data: PortalData;
  let deals: Row[];
  let acts: Row[];
  const size = (e: EntityName) => data.tables[e].size;
  beforeAll(() => {
    data = generate({ deals: 5000, seed: 21 });
    deals = rows(data, "deal");
    acts = rows(data, "activity");
  }, 180_000);

  it("scales every entity with the number of deals", () => {
    expect(size("lead") / 5000).toBeGreaterThan(0.8);
    expect(size("lead") / 5000).toBeLessThan(1.5);
    expect(size("contact") / 5000).toBeGreaterThan(0.6);
    expect(size("contact") / 5000).toBeLessThan(1);
    expect(size("company") / 5000).toBeGreaterThan(0.2);
    expect(size("company") / 5000).toBeLessThan(0.45);
    expect(size("activity") / 5000).toBeGreaterThan(4);
    expect(size("activity") / 5000).toBeLessThan(7);
    expect(size("dealHistory")).toBeGreaterThan(2 * 5000);
    expect(size("user")).toBeGreaterThan(20);
    expect(size("user")).toBeLessThan(60);
  });

  it("sizes the team with the portal: about ten users for a small one, hundreds for a million deals", () => {
    expect(generate({ deals: 300 }).tables.user.size).toBeLessThanOrEqual(12);
    expect(generate({ deals: 0 }).tables.deal.size).toBe(0);
    const users = rows(data, "user");
    expect(users.some((u) => u.ACTIVE === false)).toBe(true);
  });

  it("uses every kind of activity, both directions, and all three statuses", () => {
    const providers = new Set(acts.map((a) => a.PROVIDER_ID));
    for (const p of ["VOXIMPLANT_CALL", "CRM_EMAIL", "IMOPENLINES_SESSION", "CRM_WEBFORM", "CRM_TODO", "TASKS"]) expect(providers).toContain(p);
    expect(new Set(acts.map((a) => a.DIRECTION))).toEqual(new Set([0, 1, 2]));
    expect(new Set(acts.map((a) => a.STATUS))).toEqual(new Set([1, 2, 3]));
    expect(new Set(acts.map((a) => a.OWNER_TYPE_ID))).toEqual(new Set([1, 2, 3, 4]));
  });

  it("records less before go-live than after", () => {
    const goLive = BASE.goLive;
    const dealsBefore = deals.filter((d) => n(d.DATE_CREATE) < goLive).length;
    const actsBefore = acts.filter((a) => n(a.CREATED) < goLive).length;
    expect(dealsBefore).toBeGreaterThan(500);
    expect(actsBefore / dealsBefore).toBeLessThan((acts.length - actsBefore) / (deals.length - dealsBefore) / 1.5);
  });

  it("has returning, churned and reactivated customers", () => {
    const wins = new Map<string, number[]>();
    for (const d of deals) {
      if (d.STAGE_SEMANTIC_ID !== "S") continue;
      const key = d.COMPANY_ID !== null ? `co${d.COMPANY_ID}` : d.CONTACT_ID !== null ? `ct${d.CONTACT_ID}` : null;
      if (key) wins.set(key, [...(wins.get(key) ?? []), n(d.CLOSEDATE)]);
    }
    const lists = [...wins.values()].map((l) => l.sort((a, b) => a - b));
    expect(lists.filter((l) => l.length >= 3).length).toBeGreaterThan(20);
    expect(lists.filter((l) => l.some((t, i) => i > 0 && t - l[i - 1] > 365 * DAY)).length).toBeGreaterThan(0);
    expect(lists.filter((l) => l[l.length - 1] < BASE.now - 365 * DAY).length / lists.length).toBeGreaterThan(0.1);
    expect(deals.some((d) => d.IS_RETURN_CUSTOMER === true)).toBe(true);
  });

  it("keeps a small share of deals in the two foreign currencies", () => {
    expect(data.currencies.map((c) => c.CURRENCY)).toEqual(["RUB", "USD", "EUR"]);
    expect(data.currencies.filter((c) => c.BASE)).toHaveLength(1);
    const foreign = deals.filter((d) => d.CURRENCY_ID !== "RUB").length / deals.length;
    expect(foreign).toBeGreaterThan(0.01);
    expect(foreign).toBeLessThan(0.08);
  });

  it("keeps duplicates (same phone or e-mail) rare in a healthy portal", () => {
    const seen = new Set<string>();
    let dup = 0;
    const contacts = rows(data, "contact");
    for (const c of contacts) {
      const values = [...((c.PHONE as { VALUE: string }[]) ?? []), ...((c.EMAIL as { VALUE: string }[]) ?? [])].map((v) => v.VALUE);
      if (values.some((v) => seen.has(v))) dup++;
      values.forEach((v) => seen.add(v));
    }
    expect(dup).toBeGreaterThan(0);
    expect(dup / contacts.length).toBeLessThan(0.05);
  });

  it("puts employees' work in office hours of the portal's time zone", () => {
    const fmt = new Intl.DateTimeFormat("en-GB", { timeZone: BASE.timeZone, hour: "2-digit", hourCycle: "h23", weekday: "short" });
    const outgoing = acts.filter((a) => a.DIRECTION === 2).slice(0, 3000);
    const inHours = outgoing.filter((a) => {
      const parts = fmt.formatToParts(new Date(n(a.CREATED)));
      const hour = Number(parts.find((p) => p.type === "hour")!.value);
      const day = parts.find((p) => p.type === "weekday")!.value;
      return hour >= 9 && hour < 18 && day !== "Sat" && day !== "Sun";
    });
    expect(inHours.length / outgoing.length).toBeGreaterThan(0.9);
  });
});
