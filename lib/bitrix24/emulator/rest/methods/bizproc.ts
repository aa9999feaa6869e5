/** bizproc.workflow.template.list (`api-reference/bizproc/template/bizproc-workflow-template-list.md`). */
import { formatIso } from "../../time-zone";
import type { FieldType, FieldValue, WorkflowTemplateRecord } from "../../types";
import type { MethodDef, MethodTable } from "../context";
import { compileFilter } from "../filters";
import { listArray, parseOrder } from "../list";
import { listParam, objectParam, startParam } from "../params";

const TYPES = new Map<string, FieldType>([
  ["ID", "int"],
  ["MODULE_ID", "string"],
  ["ENTITY", "string"],
  ["DOCUMENT_TYPE", "json"],
  ["AUTO_EXECUTE", "int"],
  ["NAME", "string"],
  ["MODIFIED", "datetime"],
  ["USER_ID", "int"],
  ["SYSTEM_CODE", "string"],
]);

const read = (t: WorkflowTemplateRecord, f: string) => (t as unknown as Record<string, FieldValue>)[f] ?? null;

const templateList: MethodDef = {
  scope: ["bizproc"],
  run(ctx, params) {
    const zone = ctx.portal.timeZone;
    const filter = compileFilter(objectParam(params, "filter"), TYPES, zone, read, { upperCase: true });
    const order = parseOrder(objectParam(params, "order"), TYPES, true);
    const page = listArray(ctx.portal.data.workflowTemplates, filter.test, order, startParam(params), read);
    const select = listParam(params, "select").map((s) => s.toUpperCase()).filter((s) => TYPES.has(s));
    const fields = select.length ? select : [...TYPES.keys()];
    return {
      result: page.rows.map((t) => {
        const row: Record<string, unknown> = {};
        for (const f of fields) {
          const v = read(t, f);
          if (f === "MODIFIED") row[f] = v === null ? null : formatIso(v as number, zone);
          else if (TYPES.get(f) === "int") row[f] = v === null ? null : String(v);
          else row[f] = v;
        }
        return row;
      }),
      total: page.total,
      next: page.next,
    };
  },
};

export const bizprocMethods: MethodTable = {
  "bizproc.workflow.template.list": templateList,
};
