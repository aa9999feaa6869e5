/** A portal's data: one columnar table per entity plus the small reference lists. */
import { ENTITY_FIELDS, type EntityName, type PortalDataSink } from "../types";
import { ColumnarTable } from "./columnar-table";

/** The portal data with typed tables (what the REST layer reads). */
export interface PortalData extends PortalDataSink {
  tables: Record<EntityName, ColumnarTable>;
}

/** Creates an empty portal: empty tables, no stages, pipelines or currencies, classic CRM mode. */
export function createPortalData(): PortalData {
  const tables = {} as Record<EntityName, ColumnarTable>;
  for (const entity of Object.keys(ENTITY_FIELDS) as EntityName[]) tables[entity] = new ColumnarTable(entity);
  return {
    tables,
    statuses: [],
    categories: [],
    currencies: [],
    workflowTemplates: [],
    userFields: [],
    crmMode: 1,
  };
}

/** Releases growth slack in every table (after a bulk load). */
export function trimPortalData(data: PortalData): void {
  for (const table of Object.values(data.tables)) table.trim();
}
