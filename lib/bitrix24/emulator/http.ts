/** Small node:http helpers shared by the OAuth server, the portals and the control API. */
import type { IncomingMessage, ServerResponse } from "node:http";
import { parsePhpQuery, type PhpValue } from "./rest/php-query";

const MAX_BODY = 20 * 1024 * 1024;

/** The whole request body as text (at most 20 MB). */
export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new Error("request body too large");
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** A request that cannot be read (invalid JSON body). */
export class BadRequest extends Error {}

/**
 * Request parameters as PHP's $_REQUEST sees them: the query string, overlaid by a JSON or form body.
 * Form and query values use PHP nesting (`filter[>ID]=5`).
 */
export function requestParams(req: IncomingMessage, body: string): Record<string, unknown> {
  const url = new URL(req.url ?? "/", "http://x");
  const params: Record<string, unknown> = parsePhpQuery(url.search.slice(1));
  if (!body.trim()) return params;
  const type = String(req.headers["content-type"] ?? "").toLowerCase();
  if (type.includes("application/json") || (!type.includes("form") && /^\s*[{[]/.test(body))) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      throw new BadRequest("Invalid JSON in request body");
    }
    if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) Object.assign(params, parsed);
    return params;
  }
  Object.assign(params, parsePhpQuery(body) as Record<string, PhpValue>);
  return params;
}

/** Answers with a JSON body. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** Answers with a text body of the given type. */
export function sendText(res: ServerResponse, status: number, text: string, contentType: string): void {
  res.writeHead(status, { "content-type": contentType, "content-length": Buffer.byteLength(text) });
  res.end(text);
}

/** Answers with an HTML page. */
export function sendHtml(res: ServerResponse, status: number, html: string): void {
  sendText(res, status, html, "text/html; charset=utf-8");
}

/** Answers with a redirect to `location`. */
export function redirect(res: ServerResponse, location: string, status = 302): void {
  res.writeHead(status, { location, "content-length": 0 });
  res.end();
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Escapes text for HTML. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}
