/**
 * PHP-style query strings for batch commands: `crm.deal.list?filter[>ID]=5&order[ID]=ASC&select[0]=ID`.
 *
 * Bitrix24 runs each command string through parse_str (which percent-decodes) and only then substitutes
 * `$result[cmd][…]` references in the decoded values (CRestUtil::ParseBatchQuery → processBatchStructure), so
 * percent-encoding a reference is safe; the official PHP SDK sends them fully encoded via http_build_query.
 * We still leave `$ [ ] > < @ : ,` readable where parse_str does not care, so commands stay legible in logs and
 * the references are visible as such.
 */

/** Characters parse_str treats literally in a value; everything else is percent-encoded. */
const VALUE_SAFE: Record<string, string> = {
  "%24": "$",
  "%5B": "[",
  "%5D": "]",
  "%3E": ">",
  "%3C": "<",
  "%40": "@",
  "%3A": ":",
  "%2C": ",",
};

/** In keys, brackets are structure, so only the filter-prefix characters are left readable. */
const KEY_SAFE: Record<string, string> = {
  "%24": "$",
  "%3E": ">",
  "%3C": "<",
  "%40": "@",
  "%3A": ":",
  "%2C": ",",
};

function encodeWith(s: string, safe: Record<string, string>): string {
  return encodeURIComponent(s).replace(/%[0-9A-F]{2}/g, (m) => safe[m] ?? m);
}

function scalarToString(v: unknown): string | undefined {
  if (v === null || v === undefined) return undefined;
  if (typeof v === "boolean") return v ? "1" : "0";
  if (v instanceof Date) return v.toISOString();
  if (typeof v === "number" || typeof v === "bigint") return String(v);
  return String(v);
}

/**
 * Encodes nested params the way PHP's http_build_query does (arrays as `[0]`, `[1]`…, objects as `[key]`,
 * null/undefined and empty arrays dropped, booleans as 1/0), keeping `$result[…]` references readable.
 */
export function toPhpQuery(params: Record<string, unknown>): string {
  const parts: string[] = [];
  const walk = (key: string, value: unknown) => {
    if (Array.isArray(value)) {
      value.forEach((item, i) => walk(`${key}[${i}]`, item));
    } else if (value !== null && typeof value === "object" && !(value instanceof Date)) {
      for (const [k, item] of Object.entries(value as Record<string, unknown>)) {
        walk(`${key}[${encodeWith(k, KEY_SAFE)}]`, item);
      }
    } else {
      const s = scalarToString(value);
      if (s !== undefined) parts.push(`${key}=${encodeWith(s, VALUE_SAFE)}`);
    }
  };
  for (const [k, v] of Object.entries(params)) walk(encodeWith(k, KEY_SAFE), v);
  return parts.join("&");
}

/** A batch command string: `method?query` (or just `method` without params). */
export function toBatchCommand(method: string, params: Record<string, unknown> = {}): string {
  const query = toPhpQuery(params);
  return query ? `${method}?${query}` : method;
}
