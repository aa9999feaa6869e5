/**
 * Changing CRM records the way users do in Bitrix24: dates of creation and modification are stamped, stage
 * moves append stage history, and ONCRM*ADD / UPDATE / DELETE events go out to bound handlers.
 */
import { dealStageEntityId, stageSemantic } from "./defaults";
import { ADMIN_USER_ID, type Engine } from "./engine";
import type { Portal } from "./portal";
import type { EntityName, Row } from "./types";

const EVENT_ENTITY: Partial<Record<EntityName, string>> = {
  lead: "LEAD",
  deal: "DEAL",
  contact: "CONTACT",
  company: "COMPANY",
  activity: "ACTIVITY",
};

/** [created, modified] stamp fields per entity. */
const STAMPS: Partial<Record<EntityName, [string, string]>> = {
  lead: ["DATE_CREATE", "DATE_MODIFY"],
  deal: ["DATE_CREATE", "DATE_MODIFY"],
  contact: ["DATE_CREATE", "DATE_MODIFY"],
  company: ["DATE_CREATE", "DATE_MODIFY"],
  activity: ["CREATED", "LAST_UPDATED"],
};

const fire = (engine: Engine, portal: Portal, entity: EntityName, action: string, fields: Record<string, unknown>) => {
  const name = EVENT_ENTITY[entity];
  if (name) engine.fireEvent(portal, `ONCRM${name}${action}`, { FIELDS: fields });
};

function firstStage(portal: Portal, categoryId: number): string {
  const entityId = dealStageEntityId(categoryId);
  const stages = portal.data.statuses.filter((s) => s.ENTITY_ID === entityId).sort((a, b) => a.SORT - b.SORT);
  return stages[0]?.STATUS_ID ?? (categoryId === 0 ? "NEW" : `C${categoryId}:NEW`);
}

/** History row type: 2 intermediate stage, 3 final (won or lost). */
const moveType = (semantic: string) => (semantic === "P" ? 2 : 3);

/** Creates a record with the next ID; returns it. */
export function createRecord(engine: Engine, portal: Portal, entity: EntityName, fields: Row): Row {
  const now = engine.clock.now();
  const row: Row = { ...fields };
  const stamps = STAMPS[entity];
  if (stamps) {
    row[stamps[0]] ??= now;
    row[stamps[1]] ??= now;
  }
  if (entity === "deal" || entity === "lead") {
    row.ASSIGNED_BY_ID ??= ADMIN_USER_ID;
    row.CREATED_BY_ID ??= ADMIN_USER_ID;
    row.MODIFY_BY_ID ??= ADMIN_USER_ID;
    row.MOVED_BY_ID ??= ADMIN_USER_ID;
    row.MOVED_TIME ??= now;
    row.CURRENCY_ID ??= portal.baseCurrency;
    row.OPPORTUNITY ??= 0;
    row.IS_MANUAL_OPPORTUNITY ??= false;
    row.IS_RETURN_CUSTOMER ??= false;
    row.OPENED ??= true;
  }
  if (entity === "deal") {
    row.CATEGORY_ID ??= 0;
    row.STAGE_ID ??= firstStage(portal, Number(row.CATEGORY_ID));
    row.STAGE_SEMANTIC_ID ??= stageSemantic(portal.data, dealStageEntityId(Number(row.CATEGORY_ID)), String(row.STAGE_ID));
    row.CLOSED ??= row.STAGE_SEMANTIC_ID !== "P";
    row.IS_NEW ??= true;
    row.IS_REPEATED_APPROACH ??= false;
    row.IS_RECURRING ??= false;
    row.BEGINDATE ??= now;
  }
  if (entity === "lead") {
    row.STATUS_ID ??= "NEW";
    row.STATUS_SEMANTIC_ID ??= stageSemantic(portal.data, "STATUS", String(row.STATUS_ID));
  }
  const created = portal.data.tables[entity].insert(row);
  const id = created.ID as number;
  if (entity === "deal") {
    portal.data.tables.dealHistory.insert({
      TYPE_ID: 1,
      OWNER_ID: id,
      CREATED_TIME: now,
      CATEGORY_ID: created.CATEGORY_ID,
      STAGE_ID: created.STAGE_ID,
      STAGE_SEMANTIC_ID: created.STAGE_SEMANTIC_ID,
    });
  }
  if (entity === "lead") {
    portal.data.tables.leadHistory.insert({
      TYPE_ID: 1,
      OWNER_ID: id,
      CREATED_TIME: now,
      STATUS_ID: created.STATUS_ID,
      STATUS_SEMANTIC_ID: created.STATUS_SEMANTIC_ID,
    });
  }
  fire(engine, portal, entity, "ADD", { ID: String(id) });
  return created;
}

/** Merges `patch` into a record, bumping its modification date; undefined when it does not exist. */
export function updateRecord(engine: Engine, portal: Portal, entity: EntityName, id: number, patch: Row): Row | undefined {
  const table = portal.data.tables[entity];
  const before = table.get(id);
  if (!before) return undefined;
  const now = engine.clock.now();
  const next: Row = { ...patch };
  const stamps = STAMPS[entity];
  if (stamps) next[stamps[1]] ??= now;
  if (entity === "deal" || entity === "lead") next.MODIFY_BY_ID ??= ADMIN_USER_ID;

  let movedCategory = false;
  if (entity === "deal") {
    const category = Number(next.CATEGORY_ID ?? before.CATEGORY_ID ?? 0);
    movedCategory = next.CATEGORY_ID !== undefined && category !== Number(before.CATEGORY_ID ?? 0);
    if (movedCategory && next.STAGE_ID === undefined) next.STAGE_ID = firstStage(portal, category);
    const stage = String(next.STAGE_ID ?? before.STAGE_ID);
    if (stage !== before.STAGE_ID || movedCategory) {
      const semantic = stageSemantic(portal.data, dealStageEntityId(category), stage);
      next.STAGE_SEMANTIC_ID ??= semantic;
      next.CLOSED ??= semantic !== "P";
      next.MOVED_TIME ??= now;
      next.MOVED_BY_ID ??= ADMIN_USER_ID;
      portal.data.tables.dealHistory.insert({
        TYPE_ID: movedCategory ? 5 : moveType(semantic),
        OWNER_ID: id,
        CREATED_TIME: now,
        CATEGORY_ID: category,
        STAGE_ID: stage,
        STAGE_SEMANTIC_ID: semantic,
      });
    }
  }
  if (entity === "lead" && next.STATUS_ID !== undefined && next.STATUS_ID !== before.STATUS_ID) {
    const semantic = stageSemantic(portal.data, "STATUS", String(next.STATUS_ID));
    next.STATUS_SEMANTIC_ID ??= semantic;
    next.MOVED_TIME ??= now;
    if (semantic !== "P") next.DATE_CLOSED ??= now;
    portal.data.tables.leadHistory.insert({
      TYPE_ID: moveType(semantic),
      OWNER_ID: id,
      CREATED_TIME: now,
      STATUS_ID: next.STATUS_ID,
      STATUS_SEMANTIC_ID: semantic,
    });
  }

  const updated = table.update(id, next)!;
  fire(engine, portal, entity, "UPDATE", { ID: String(id) });
  if (movedCategory) {
    engine.fireEvent(portal, "ONCRMDEALMOVETOCATEGORY", {
      FIELDS: { ID: String(id), CATEGORY_ID: String(updated.CATEGORY_ID), STAGE_ID: String(updated.STAGE_ID) },
    });
  }
  return updated;
}

/** Deletes a record; false when it did not exist. */
export function deleteRecord(engine: Engine, portal: Portal, entity: EntityName, id: number): boolean {
  if (!portal.data.tables[entity].delete(id)) return false;
  fire(engine, portal, entity, "DELETE", { ID: String(id) });
  return true;
}
