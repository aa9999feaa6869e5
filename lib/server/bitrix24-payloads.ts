import { z } from "zod";

/**
 * What Bitrix24 posts to the app: form-encoded with PHP-style nesting (`auth[member_id]=…&data[FIELDS][ID]=5`),
 * parsed here into objects and validated. Anything that does not fit is rejected before it touches the database.
 */

export type FormValue = string | { [key: string]: FormValue };

const MAX_FIELDS = 300;
const MAX_DEPTH = 5;

function decode(text: string): string {
  return decodeURIComponent(text.replace(/\+/g, " "));
}

/**
 * Parses an application/x-www-form-urlencoded body the way PHP's parse_str nests it. Returns null for bodies that
 * are not such a form (bad percent-encoding, too many fields, too deep).
 */
export function parsePhpForm(body: string): Record<string, FormValue> | null {
  const result: Record<string, FormValue> = {};
  const pairs = body.split("&").filter(Boolean);
  if (pairs.length > MAX_FIELDS) return null;
  try {
    for (const pair of pairs) {
      const eq = pair.indexOf("=");
      const rawKey = decode(eq < 0 ? pair : pair.slice(0, eq));
      const value = eq < 0 ? "" : decode(pair.slice(eq + 1));
      const match = /^([^[\]]+)((?:\[[^[\]]*\])*)$/.exec(rawKey);
      if (!match) return null;
      const path = [match[1], ...[...match[2].matchAll(/\[([^[\]]*)\]/g)].map((m) => m[1])];
      if (path.length > MAX_DEPTH) return null;
      let node: Record<string, FormValue> = result;
      for (let i = 0; i < path.length - 1; i++) {
        const existing = node[path[i]];
        if (typeof existing === "string") return null;
        node = (existing ?? (node[path[i]] = {})) as Record<string, FormValue>;
      }
      let last = path.at(-1)!;
      if (last === "") last = String(Object.keys(node).length);
      if (typeof node[last] === "object") return null;
      node[last] = value;
    }
  } catch {
    return null;
  }
  return result;
}

const memberId = z.string().regex(/^[0-9a-f]{16,64}$/i);
const token = z.string().min(8).max(512).regex(/^[\w.-]+$/);
const applicationToken = z.string().min(8).max(128).regex(/^[\w.-]+$/);
const endpoint = z.string().max(500).url();
const domain = z.string().min(1).max(300).regex(/^[a-z0-9.:[\]-]+$/i);

/** ONAPPINSTALL as posted to the installation callback (API.md §1). */
export const installEventPayload = z.object({
  event: z.string().transform((s) => s.toUpperCase()).pipe(z.literal("ONAPPINSTALL")),
  auth: z.object({
    access_token: token,
    refresh_token: token,
    member_id: memberId,
    domain,
    client_endpoint: endpoint.optional(),
    server_endpoint: endpoint.optional(),
    application_token: applicationToken,
    scope: z.string().max(1000).optional(),
  }),
});
export type InstallEventPayload = z.output<typeof installEventPayload>;

/** The POST a portal sends when it opens the app's page in its frame (settings/oauth/simple-way.md). */
export const appFramePayload = z.object({
  AUTH_ID: token,
  REFRESH_ID: token,
  member_id: memberId,
  APPLICATION_TOKEN: applicationToken.optional(),
  DOMAIN: domain.optional(),
  LANG: z.string().max(10).optional(),
});
export type AppFramePayload = z.output<typeof appFramePayload>;

/** Any event posted to the events handler: the auth block always carries member_id and application_token. */
export const portalEventPayload = z.object({
  event: z
    .string()
    .max(100)
    .regex(/^[A-Za-z0-9_]+$/)
    .transform((s) => s.toUpperCase()),
  data: z.record(z.string(), z.unknown()).optional(),
  auth: z.object({
    member_id: memberId,
    application_token: applicationToken,
    access_token: token.optional(),
    domain: domain.optional(),
  }),
});
export type PortalEventPayload = z.output<typeof portalEventPayload>;

const CRM_ENTITIES = { LEAD: "lead", DEAL: "deal", CONTACT: "contact", COMPANY: "company", ACTIVITY: "activity" } as const;
export type CrmEntity = (typeof CRM_ENTITIES)[keyof typeof CRM_ENTITIES];
export type CrmAction = "add" | "update" | "delete";

const CRM_RECORD_EVENT = /^ONCRM(LEAD|DEAL|CONTACT|COMPANY|ACTIVITY)(ADD|UPDATE|DELETE|MOVETOCATEGORY)$/;

/** Whether an event reports a change of a CRM record the sync mirrors (then it must name the record). */
export function isCrmRecordEvent(event: string): boolean {
  return CRM_RECORD_EVENT.test(event);
}

/** The CRM record an ONCRM… event is about; null when the event is not a record change or names no valid ID. */
export function crmChangeOf(event: string, data: Record<string, unknown> | undefined): { entity: CrmEntity; action: CrmAction; entityId: string } | null {
  const match = CRM_RECORD_EVENT.exec(event);
  if (!match) return null;
  const fields = data?.FIELDS;
  const id = fields && typeof fields === "object" ? (fields as Record<string, unknown>).ID : undefined;
  if (typeof id !== "string" || !/^\d{1,18}$/.test(id)) return null;
  const action = match[2] === "MOVETOCATEGORY" ? "update" : (match[2].toLowerCase() as CrmAction);
  return { entity: CRM_ENTITIES[match[1] as keyof typeof CRM_ENTITIES], action, entityId: id };
}

/** Bitrix24's posts are small; anything bigger is not from Bitrix24. */
export const MAX_PAYLOAD_BYTES = 64 * 1024;

/**
 * Reads a request body posted by Bitrix24 (form-encoded, or JSON from tools) as a nested object; null when it is
 * too large or cannot be parsed.
 */
export async function readBitrix24Body(request: Request): Promise<Record<string, unknown> | null> {
  const declared = Number(request.headers.get("content-length") ?? 0);
  if (declared > MAX_PAYLOAD_BYTES) return null;
  const buffer = await request.arrayBuffer().catch(() => null);
  if (!buffer || buffer.byteLength > MAX_PAYLOAD_BYTES) return null;
  const text = new TextDecoder().decode(buffer);
  if ((request.headers.get("content-type") ?? "").includes("application/json")) {
    try {
      const parsed: unknown = JSON.parse(text);
      return parsed && typeof parsed === "object" && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : null;
    } catch {
      return null;
    }
  }
  return parsePhpForm(text);
}
