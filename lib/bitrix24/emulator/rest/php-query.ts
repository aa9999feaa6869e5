/**
 * PHP-style query strings, the way Bitrix24 reads and writes them: `filter[>ID]=5&select[]=ID` parses to
 * `{filter: {">ID": "5"}, select: ["ID"]}`, and events are sent in the same nested form.
 */

export type PhpValue = string | PhpValue[] | { [key: string]: PhpValue };

function decode(s: string): string {
  const plus = s.replace(/\+/g, " ");
  try {
    return decodeURIComponent(plus);
  } catch {
    return plus;
  }
}

/** Splits `a[b][][c]` into ["a", "b", "", "c"]; a key without well-formed brackets is one segment. */
function keySegments(key: string): string[] {
  const open = key.indexOf("[");
  if (open <= 0) return [key];
  const segments = [key.slice(0, open)];
  let rest = key.slice(open);
  while (rest.startsWith("[")) {
    const close = rest.indexOf("]");
    if (close < 0) break;
    segments.push(rest.slice(1, close));
    rest = rest.slice(close + 1);
  }
  return segments;
}

type Tree = { [key: string]: Tree | string };

/** Parses a query string or form body into nested objects and arrays (PHP's parse_str). */
export function parsePhpQuery(query: string): Record<string, PhpValue> {
  const root: Tree = {};
  for (const part of query.split("&")) {
    if (!part) continue;
    const eq = part.indexOf("=");
    const key = decode(eq < 0 ? part : part.slice(0, eq));
    const value = eq < 0 ? "" : decode(part.slice(eq + 1));
    if (!key) continue;
    const segments = keySegments(key);
    let node = root;
    for (let i = 0; i < segments.length; i++) {
      let seg = segments[i];
      if (seg === "" && i > 0) seg = String(nextIndex(node));
      if (i === segments.length - 1) {
        node[seg] = value;
      } else {
        const child = node[seg];
        if (typeof child !== "object") node[seg] = {};
        node = node[seg] as Tree;
      }
    }
  }
  const out: Record<string, PhpValue> = {};
  for (const k of Object.keys(root)) out[k] = normalise(root[k]);
  return out;
}

function nextIndex(node: Tree): number {
  let max = -1;
  for (const k of Object.keys(node)) if (/^\d+$/.test(k)) max = Math.max(max, Number(k));
  return max + 1;
}

/** PHP has one array type: objects keyed 0..n-1 in order become JSON arrays, like json_encode does. */
function normalise(node: Tree | string): PhpValue {
  if (typeof node === "string") return node;
  const keys = Object.keys(node);
  const out: Record<string, PhpValue> = {};
  for (const k of keys) out[k] = normalise(node[k]);
  return isList(keys) ? keys.map((k) => out[k]) : out;
}

function isList(keys: string[]): boolean {
  if (keys.length === 0) return false;
  return keys.every((k, i) => k === String(i));
}

/** Builds a form body from nested values (PHP's http_build_query); null and undefined are left out. */
export function buildPhpQuery(value: Record<string, unknown>): string {
  const parts: string[] = [];
  const walk = (prefix: string, v: unknown) => {
    if (v === null || v === undefined) return;
    if (Array.isArray(v)) {
      v.forEach((item, i) => walk(`${prefix}[${i}]`, item));
    } else if (typeof v === "object") {
      for (const [k, item] of Object.entries(v as Record<string, unknown>)) walk(`${prefix}[${k}]`, item);
    } else {
      const s = typeof v === "boolean" ? (v ? "1" : "0") : String(v);
      parts.push(`${encodeURIComponent(prefix)}=${encodeURIComponent(s)}`);
    }
  };
  for (const [k, v] of Object.entries(value)) walk(k, v);
  return parts.join("&");
}
