import type { Db } from "@/db";
import { createRng } from "@/lib/bitrix24/emulator/rng";
import type { RequestActivity } from "@/lib/metrics";
import {
  mirrorActivities,
  mirrorCurrencies,
  mirrorDealStageHistory,
  mirrorDeals,
  mirrorLeadStageHistory,
  mirrorLeads,
  mirrorWorkflowTemplates,
} from "@/db/schema";

/**
 * Test fixtures: mirror rows written by hand, as the sync engine would have stored them. Instants are ISO strings
 * (UTC), dates `YYYY-MM-DD`.
 */

export interface MirrorKey {
  orgId: string;
  connectionId: string;
}

const at = (iso: string | null | undefined) => (iso ? new Date(iso) : null);

export interface LeadFixture {
  id: number;
  created: string;
  semantic?: "P" | "S" | "F";
  statusId?: string;
  closed?: string | null;
  sourceId?: string | null;
  assignedById?: number | null;
  createdById?: number | null;
}

export interface DealFixture {
  id: number;
  created: string;
  semantic?: "P" | "S" | "F";
  stageId?: string;
  amount?: number;
  currency?: string | null;
  leadId?: number | null;
  companyId?: number | null;
  contactId?: number | null;
  closeDate?: string | null;
  movedTime?: string | null;
}

export interface ActivityFixture {
  id: number;
  ownerType: 1 | 2 | 3 | 4;
  ownerId: number;
  created: string;
  /** 1 meeting, 2 call, 3 task, 4 e-mail, 6 provider. */
  typeId?: number;
  providerId?: string;
  direction?: 0 | 1 | 2;
  completed?: boolean;
  status?: 1 | 2 | 3;
  lastUpdated?: string | null;
}

export interface HistoryFixture {
  id: number;
  ownerId: number;
  created: string;
  typeId: 1 | 2 | 3 | 5;
  semantic: "P" | "S" | "F";
  stageId?: string;
}

export interface MirrorFixture {
  currencies?: { currency: string; amount: number; amountCnt?: number; base?: boolean }[];
  leads?: LeadFixture[];
  deals?: DealFixture[];
  activities?: ActivityFixture[];
  dealHistory?: HistoryFixture[];
  leadHistory?: HistoryFixture[];
  templates?: { id: number; autoExecute: number; modified: string }[];
}

/** Inserts hand-written mirror rows for one connection. */
export async function insertMirror(db: Db, key: MirrorKey, data: MirrorFixture): Promise<void> {
  if (data.currencies?.length)
    await db.insert(mirrorCurrencies).values(
      data.currencies.map((c) => ({ ...key, currency: c.currency, amount: c.amount, amountCnt: c.amountCnt ?? 1, base: c.base ?? false })),
    );
  if (data.leads?.length)
    await db.insert(mirrorLeads).values(
      data.leads.map((l) => ({
        ...key,
        id: l.id,
        dateCreate: at(l.created),
        statusSemanticId: l.semantic ?? "P",
        statusId: l.statusId ?? (l.semantic === "S" ? "CONVERTED" : l.semantic === "F" ? "JUNK" : "NEW"),
        dateClosed: at(l.closed),
        dateModify: at(l.closed ?? l.created),
        sourceId: l.sourceId ?? null,
        assignedById: l.assignedById ?? 1,
        createdById: l.createdById ?? l.assignedById ?? 1,
      })),
    );
  if (data.deals?.length)
    await db.insert(mirrorDeals).values(
      data.deals.map((d) => ({
        ...key,
        id: d.id,
        dateCreate: at(d.created),
        dateModify: at(d.movedTime ?? d.created),
        stageSemanticId: d.semantic ?? "P",
        stageId: d.stageId ?? (d.semantic === "S" ? "WON" : d.semantic === "F" ? "LOSE" : "NEW"),
        opportunity: d.amount ?? 0,
        currencyId: d.currency === undefined ? "RUB" : d.currency,
        leadId: d.leadId ?? null,
        companyId: d.companyId ?? null,
        contactId: d.contactId ?? null,
        closeDate: d.closeDate ?? null,
        movedTime: at(d.movedTime),
        closed: d.semantic === "S" || d.semantic === "F",
      })),
    );
  if (data.activities?.length)
    await db.insert(mirrorActivities).values(
      data.activities.map((a) => ({
        ...key,
        id: a.id,
        ownerTypeId: a.ownerType,
        ownerId: a.ownerId,
        typeId: a.typeId ?? 6,
        providerId: a.providerId ?? "CRM_TODO",
        direction: a.direction ?? 0,
        created: at(a.created),
        lastUpdated: at(a.lastUpdated ?? a.created),
        completed: a.completed ?? false,
        status: a.status ?? (a.completed ? 2 : 1),
      })),
    );
  if (data.dealHistory?.length)
    await db.insert(mirrorDealStageHistory).values(
      data.dealHistory.map((h) => ({
        ...key,
        id: h.id,
        ownerId: h.ownerId,
        typeId: h.typeId,
        createdTime: at(h.created),
        stageSemanticId: h.semantic,
        stageId: h.stageId ?? (h.semantic === "S" ? "WON" : h.semantic === "F" ? "LOSE" : "NEW"),
        categoryId: 0,
      })),
    );
  if (data.leadHistory?.length)
    await db.insert(mirrorLeadStageHistory).values(
      data.leadHistory.map((h) => ({
        ...key,
        id: h.id,
        ownerId: h.ownerId,
        typeId: h.typeId,
        createdTime: at(h.created),
        statusSemanticId: h.semantic,
        statusId: h.stageId ?? "NEW",
      })),
    );
  if (data.templates?.length)
    await db.insert(mirrorWorkflowTemplates).values(
      data.templates.map((t) => ({ ...key, id: t.id, autoExecute: t.autoExecute, modified: at(t.modified), moduleId: "crm", name: `Template ${t.id}` })),
    );
}

const MIN = 60_000;

/**
 * 120 random records (leads, deals, contacts) from 20 Feb 2024 on, with random activities of every kind: for the
 * tests of the request pairing against its reference definition (lib/metrics/inbound-requests.ts).
 */
export function randomRequestRecords(seed: number, start = Date.parse("2024-02-20T00:00:00Z")) {
  const r = createRng(seed);
  const leads: LeadFixture[] = [];
  const activities: ActivityFixture[] = [];
  let actId = 0;
  const records: { ot: 1 | 2 | 3; id: number; leadAt: number | null; acts: RequestActivity[] }[] = [];
  for (let i = 1; i <= 120; i++) {
    const ot = (1 + Math.floor(r() * 3)) as 1 | 2 | 3;
    const base = start + Math.floor(r() * 55 * 24 * 60) * MIN;
    const leadAt = ot === 1 ? base : null;
    if (ot === 1) leads.push({ id: i, created: new Date(base).toISOString() });
    const acts: RequestActivity[] = [];
    const count = Math.floor(r() * 6);
    for (let k = 0; k < count; k++) {
      const created = base + Math.floor((r() - 0.1) * 3 * 24 * 60) * MIN;
      const kind = r();
      const completed = r() < 0.5;
      const status = completed ? (r() < 0.8 ? 2 : 3) : 1;
      const lastUpdated = completed ? created + Math.floor(r() * 600) * MIN : created;
      const a: RequestActivity =
        kind < 0.3
          ? { id: ++actId, created, lastUpdated, direction: 1, typeId: 2, providerId: "VOXIMPLANT_CALL", completed, status }
          : kind < 0.45
            ? { id: ++actId, created, lastUpdated, direction: 1, typeId: 6, providerId: r() < 0.5 ? "IMOPENLINES_SESSION" : "CRM_WEBFORM", completed, status }
            : kind < 0.7
              ? { id: ++actId, created, lastUpdated, direction: 2, typeId: 4, providerId: "CRM_EMAIL", completed, status }
              : { id: ++actId, created, lastUpdated, direction: 0, typeId: 6, providerId: "CRM_TODO", completed, status };
      acts.push(a);
      activities.push({
        id: a.id,
        ownerType: ot,
        ownerId: i,
        created: new Date(a.created).toISOString(),
        lastUpdated: new Date(a.lastUpdated!).toISOString(),
        typeId: a.typeId,
        providerId: a.providerId!,
        direction: a.direction as 0 | 1 | 2,
        completed: a.completed,
        status: a.status as 1 | 2 | 3,
      });
    }
    records.push({ ot, id: i, leadAt, acts });
  }
  return { leads, activities, records };
}
