import type { Db } from "@/db";
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
