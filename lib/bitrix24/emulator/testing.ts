/**
 * Helpers for tests that talk to the emulator over HTTP: REST calls in the three request styles, a local
 * event handler that records what it receives, and a structural comparer for checking answers against the
 * official examples in /work/shared/bitrix24/fixtures.
 */
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { buildPhpQuery, parsePhpQuery, type PhpValue } from "./rest/php-query";

export interface RestAnswer {
  status: number;
  body: Record<string, unknown>;
  headers: Headers;
}

export type RequestStyle = "json" | "form" | "query";

/** Calls `{endpoint}{method}` with `auth` and `params` sent as a JSON body, a form body or a query string. */
export async function callRest(
  endpoint: string,
  method: string,
  params: Record<string, unknown>,
  auth: string | undefined,
  style: RequestStyle = "json",
): Promise<RestAnswer> {
  const all = auth === undefined ? params : { ...params, auth };
  let res: Response;
  if (style === "json") {
    res = await fetch(endpoint + method, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(all) });
  } else if (style === "form") {
    res = await fetch(endpoint + method, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: buildPhpQuery(all),
    });
  } else {
    res = await fetch(`${endpoint}${method}?${buildPhpQuery(all)}`, { redirect: "manual" });
  }
  const text = await res.text();
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    body = { __raw: text };
  }
  return { status: res.status, body, headers: res.headers };
}

export interface ReceivedPost {
  path: string;
  contentType: string;
  raw: string;
  /** The body parsed PHP-style (`auth[domain]` → {auth: {domain}}). */
  fields: Record<string, PhpValue>;
}

export interface HandlerSink {
  url: string;
  received: ReceivedPost[];
  /** Resolves once `count` posts have arrived (or rejects after `timeoutMs`). */
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedPost[]>;
  close(): Promise<void>;
}

/** A local HTTP server standing in for the app's event handler. */
export async function startHandlerSink(status = 200): Promise<HandlerSink> {
  const received: ReceivedPost[] = [];
  const waiters: (() => void)[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const raw = Buffer.concat(chunks).toString("utf8");
      received.push({ path: req.url ?? "/", contentType: String(req.headers["content-type"] ?? ""), raw, fields: parsePhpQuery(raw) });
      res.writeHead(status).end("OK");
      waiters.splice(0).forEach((w) => w());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  return {
    url,
    received,
    waitFor(count, timeoutMs = 5000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`expected ${count} posts, got ${received.length}`)), timeoutMs);
        const check = () => {
          if (received.length >= count) {
            clearTimeout(timer);
            resolve(received.slice());
          } else waiters.push(check);
        };
        check();
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** JSON type name, telling arrays and null apart from objects. */
export function jsonType(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  return typeof v;
}

export interface ShapeOptions {
  /** Paths (dot-joined, `[]` for list items) whose type may differ, e.g. documented inconsistencies. */
  ignore?: string[];
  /** For objects at these paths only compare keys that the predicate accepts (e.g. keys in our field list). */
  keyFilter?: (path: string, key: string) => boolean;
}

/**
 * Differences between `expected` (an official example) and `actual`: every key of the example must exist
 * in the answer with the same JSON type; arrays compare their first items with each other (an empty answer
 * where the example has items is a mismatch). Extra keys in the answer are allowed; null matches any type. Returns human-readable mismatches (empty when the shapes agree).
 */
export function shapeDiff(expected: unknown, actual: unknown, opts: ShapeOptions = {}, path = ""): string[] {
  if (opts.ignore?.includes(path)) return [];
  const te = jsonType(expected);
  const ta = jsonType(actual);
  // A value that may be empty is null in one place and a string in another: nullness is not a shape.
  if (te === "null" || ta === "null") return [];
  if (te !== ta) return [`${path || "(root)"}: expected ${te}, got ${ta}`];
  if (te === "array") {
    const e = expected as unknown[];
    const a = actual as unknown[];
    if (e.length === 0) return [];
    // An empty answer would prove nothing about the items' shape.
    if (a.length === 0) return [`${path || "(root)"}: expected items, got an empty list`];
    return shapeDiff(e[0], a[0], opts, `${path}[]`);
  }
  if (te === "object") {
    const out: string[] = [];
    const e = expected as Record<string, unknown>;
    const a = actual as Record<string, unknown>;
    for (const key of Object.keys(e)) {
      if (opts.keyFilter && !opts.keyFilter(path, key)) continue;
      const sub = path ? `${path}.${key}` : key;
      if (opts.ignore?.includes(sub)) continue;
      if (!(key in a)) {
        out.push(`${sub}: missing`);
        continue;
      }
      out.push(...shapeDiff(e[key], a[key], opts, sub));
    }
    return out;
  }
  return [];
}
