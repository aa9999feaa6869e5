/**
 * CSV for spreadsheets (RFC 4180): fields quoted when they hold a comma, quote, line break or leading/trailing
 * space; quotes doubled; CRLF line ends; a UTF-8 byte-order mark first so Excel reads Cyrillic names correctly.
 * Numbers are written as JavaScript prints them (full precision, `.` as the decimal point), empty for null, so the
 * values stay machine-readable whatever the reader's locale.
 */

export type CsvValue = string | number | boolean | null | undefined;

export const CSV_BOM = "\uFEFF";

/**
 * Spreadsheets run a cell that starts with =, +, - or @ as a formula; a client or metric name must never become one
 * (CSV injection). Such text is prefixed with an apostrophe. Numbers are never touched.
 */
function neutralise(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

/** One field. */
export function csvField(value: CsvValue): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "";
  if (typeof value === "boolean") return value ? "true" : "false";
  const text = neutralise(value);
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A whole document: header row, then the rows, each ended with CRLF, with the byte-order mark. */
export function toCsv(header: readonly string[], rows: Iterable<readonly CsvValue[]>, options: { bom?: boolean } = {}): string {
  const lines = [header.map(csvField).join(",")];
  for (const row of rows) lines.push(row.map(csvField).join(","));
  return (options.bom === false ? "" : CSV_BOM) + lines.join("\r\n") + "\r\n";
}

/** A file name safe in a Content-Disposition header: letters, digits, dot, dash and underscore. */
export function csvFileName(...parts: string[]): string {
  const base = parts
    .map((p) => p.normalize("NFKD").replace(/[^\w.-]+/g, "-").replace(/^-+|-+$/g, ""))
    .filter(Boolean)
    .join("_");
  return `${base || "export"}.csv`;
}

/** A CSV download response. */
export function csvResponse(body: string, fileName: string): Response {
  return new Response(body, {
    status: 200,
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="${fileName}"`,
      "cache-control": "no-store",
    },
  });
}
