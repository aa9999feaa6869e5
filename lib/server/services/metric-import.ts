import Papa from "papaparse";
import { z } from "zod";
import { addMonths, METRIC_KEYS, monthOf, type MonthKey } from "@/lib/metrics";
import { fieldErrorsOf } from "@/lib/validation";
import { recordAudit } from "../audit-log";
import { AppError } from "../errors";
import { requestMetricsRecompute } from "../metrics/requests";
import { assertCan } from "../permissions";
import type { TenantContext } from "../tenant";
import { getClientInOrg } from "./clients";
import { baselineInput, targetInput, writeBaseline, writeTarget } from "./metric-goals";
import { MONTHLY_INPUT_FIELDS, monthlyInputsInput, writeMonthlyInputs } from "./metric-inputs";

/**
 * CSV import of manual inputs, baselines and targets. Every row is checked with the same rules as the forms; a
 * file with any bad row imports nothing and returns the problems row by row. Comma, semicolon or tab separated
 * (spreadsheets in Russian locales write semicolons), decimal comma or point.
 */

export const IMPORT_KINDS = ["inputs", "baselines", "targets"] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];

export const MAX_IMPORT_BYTES = 1024 * 1024;
export const MAX_IMPORT_ROWS = 5000;

const snake = (name: string) => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** The columns of each kind (CSV headers) and which of them hold values (a row with none of them is skipped). */
export const IMPORT_COLUMNS: Record<ImportKind, { columns: string[]; required: string[]; values: string[] }> = {
  inputs: { columns: ["month", ...MONTHLY_INPUT_FIELDS.map(snake)], required: ["month"], values: MONTHLY_INPUT_FIELDS.map(snake) },
  baselines: { columns: ["metric", "value", "note"], required: ["metric", "value"], values: ["value"] },
  targets: { columns: ["metric", "month", "value", "note"], required: ["metric", "value"], values: ["value"] },
};

export interface ImportRowError {
  /** Line in the file (the header is line 1). */
  line: number;
  /** The column, or null for the whole row / file. */
  column: string | null;
  /** A key of the `validation` messages (or `metricData.import.*` for file-level problems). */
  key: string;
  params?: Record<string, string | number>;
}

export type ImportResult = { ok: true; imported: number; skipped: number } | { ok: false; errors: ImportRowError[] };

/** The template of a kind: the header and, to fill in, rows for the ten metrics or the last twelve months. */
export function importTemplate(kind: ImportKind, now = Date.now(), zone = "UTC"): string {
  const { columns } = IMPORT_COLUMNS[kind];
  const rows: string[][] = [columns];
  if (kind === "inputs") {
    const last = monthOf(now, zone);
    for (let i = 11; i >= 0; i--) rows.push([addMonths(last, -i), ...columns.slice(1).map(() => "")]);
  } else {
    for (const metric of METRIC_KEYS) rows.push(columns.map((c) => (c === "metric" ? metric : "")));
  }
  return `${Papa.unparse(rows, { newline: "\r\n" })}\r\n`;
}

const camel = (name: string) => name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

const schemaOf: Record<ImportKind, z.ZodType> = { inputs: monthlyInputsInput, baselines: baselineInput, targets: targetInput };

/** Parses and checks a file without writing anything. */
export function checkImport(kind: ImportKind, text: string): { rows: { line: number; data: Record<string, unknown> }[]; skipped: number; errors: ImportRowError[] } {
  const errors: ImportRowError[] = [];
  const spec = IMPORT_COLUMNS[kind];
  if (text.length > MAX_IMPORT_BYTES) return { rows: [], skipped: 0, errors: [{ line: 0, column: null, key: "fileTooLarge" }] };
  const parsed = Papa.parse<string[]>(text.replace(/^\ufeff/, ""), { skipEmptyLines: "greedy", delimitersToGuess: [",", ";", "\t"] });
  const [header, ...body] = parsed.data;
  if (!header || header.every((h) => !h.trim())) return { rows: [], skipped: 0, errors: [{ line: 1, column: null, key: "emptyFile" }] };
  const columns = header.map((h) => h.trim().toLowerCase());
  for (const c of columns) if (!spec.columns.includes(c)) errors.push({ line: 1, column: c, key: "unknownColumn" });
  for (const c of spec.required) if (!columns.includes(c)) errors.push({ line: 1, column: c, key: "missingColumn" });
  if (body.length > MAX_IMPORT_ROWS) errors.push({ line: 0, column: null, key: "tooManyRows", params: { max: MAX_IMPORT_ROWS } });
  if (errors.length) return { rows: [], skipped: 0, errors };

  const rows: { line: number; data: Record<string, unknown> }[] = [];
  const seen = new Map<string, number>();
  let skipped = 0;
  body.forEach((cells, i) => {
    const line = i + 2;
    const record: Record<string, string> = {};
    columns.forEach((c, k) => (record[c] = (cells[k] ?? "").trim()));
    if (cells.length > columns.length && cells.slice(columns.length).some((v) => v.trim())) {
      errors.push({ line, column: null, key: "extraCells" });
      return;
    }
    if (spec.values.every((c) => !record[c])) {
      skipped++;
      return;
    }
    const input = Object.fromEntries(Object.entries(record).map(([k, v]) => [camel(k), v]));
    const result = schemaOf[kind].safeParse(input);
    if (!result.success) {
      for (const [field, problem] of Object.entries(fieldErrorsOf(result.error))) {
        errors.push({ line, column: snake(field), key: problem.key, params: problem.params });
      }
      return;
    }
    const data = result.data as Record<string, unknown>;
    const identity = kind === "inputs" ? String(data.month) : kind === "baselines" ? String(data.metric) : `${data.metric} ${data.month ?? ""}`;
    const first = seen.get(identity);
    if (first !== undefined) {
      errors.push({ line, column: null, key: "duplicateRow", params: { line: first } });
      return;
    }
    seen.set(identity, line);
    rows.push({ line, data });
  });
  return { rows, skipped, errors };
}

/**
 * Imports a CSV file of the given kind for a client (owners, admins, analysts): all rows or none. Entered
 * baselines and targets are marked as imported; inputs recompute the metrics from the earliest month imported.
 */
export async function importMetricCsv(ctx: TenantContext, clientId: string, kind: ImportKind, text: string): Promise<ImportResult> {
  assertCan(ctx, "metrics.write");
  if (!(IMPORT_KINDS as readonly string[]).includes(kind)) throw new AppError("validation", { fields: { kind: "choice" } });
  const client = await getClientInOrg(ctx, clientId);
  const checked = checkImport(kind, text);
  if (checked.errors.length > 0) return { ok: false, errors: checked.errors };
  if (checked.rows.length === 0) return { ok: false, errors: [{ line: 0, column: null, key: "noRows" }] };
  await ctx.db.transaction(async (tx) => {
    for (const { data } of checked.rows) {
      if (kind === "inputs") await writeMonthlyInputs(tx, ctx, client.id, data as never);
      else if (kind === "baselines") await writeBaseline(tx, ctx, client.id, data as never, "imported");
      else await writeTarget(tx, ctx, client.id, data as never, "imported");
    }
    await recordAudit(tx, ctx, "metrics.imported", { type: "client", id: client.id }, { name: client.name, kind, rows: checked.rows.length });
    if (kind === "inputs") {
      const first = checked.rows.map((r) => String(r.data.month) as MonthKey).sort()[0];
      await requestMetricsRecompute(tx, { orgId: ctx.orgId, clientId: client.id, scope: { fromMonth: first } });
    }
  });
  return { ok: true, imported: checked.rows.length, skipped: checked.skipped };
}
