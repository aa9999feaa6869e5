import crypto from "node:crypto";
import { z } from "zod";
import { getSecret } from "./secrets";

/**
 * The `state` of the Bitrix24 authorization-code flow. It carries who asked and for which client, signed with a key
 * derived from AUTH_SECRET, so the callback can trust it without a server-side session table; it expires after ten
 * minutes and names a nonce that must also come back in a cookie of the browser that started the flow (so a state
 * copied into someone else's browser is useless).
 *
 * Two kinds: `user` (an org member on the client's page: the callback also requires that member's session) and
 * `link` (a one-time connect link opened by the client's portal admin, who has no account).
 */

export const STATE_TTL_SECONDS = 10 * 60;

const payload = z.discriminatedUnion("k", [
  z.object({
    v: z.literal(1),
    k: z.literal("user"),
    /** Org, client, user. */
    o: z.string(),
    c: z.string(),
    u: z.string(),
    /** Portal origin the user typed, e.g. "https://acme.bitrix24.ru". */
    p: z.string(),
    n: z.string(),
    /** Expiry, unix seconds. */
    e: z.number(),
  }),
  z.object({
    v: z.literal(1),
    k: z.literal("link"),
    o: z.string(),
    c: z.string(),
    /** The connect link's id. */
    l: z.string(),
    p: z.string(),
    n: z.string(),
    e: z.number(),
  }),
]);

export type OAuthState =
  | { kind: "user"; orgId: string; clientId: string; userId: string; portal: string; nonce: string; expiresAt: number }
  | { kind: "link"; orgId: string; clientId: string; linkId: string; portal: string; nonce: string; expiresAt: number };

export type OAuthStateInput =
  | { kind: "user"; orgId: string; clientId: string; userId: string; portal: string }
  | { kind: "link"; orgId: string; clientId: string; linkId: string; portal: string };

function stateKey(secret = getSecret("AUTH_SECRET")): Buffer {
  // A key of its own, so a state's MAC can never be confused with a session token signed by the same secret.
  return crypto.createHmac("sha256", secret).update("impact24:bitrix24-oauth-state:v1").digest();
}

function mac(data: string, key: Buffer): string {
  return crypto.createHmac("sha256", key).update(data).digest("base64url");
}

/** Signs a new state; returns it with its nonce (for the browser cookie). */
export function signOAuthState(
  input: OAuthStateInput,
  options: { now?: number; secret?: string } = {},
): { state: string; nonce: string; expiresAt: number } {
  const nowSec = Math.floor((options.now ?? Date.now()) / 1000);
  const nonce = crypto.randomBytes(16).toString("base64url");
  const expiresAt = nowSec + STATE_TTL_SECONDS;
  const body =
    input.kind === "user"
      ? { v: 1, k: "user", o: input.orgId, c: input.clientId, u: input.userId, p: input.portal, n: nonce, e: expiresAt }
      : { v: 1, k: "link", o: input.orgId, c: input.clientId, l: input.linkId, p: input.portal, n: nonce, e: expiresAt };
  const data = Buffer.from(JSON.stringify(body)).toString("base64url");
  return { state: `${data}.${mac(data, stateKey(options.secret))}`, nonce, expiresAt };
}

export type StateProblem = "malformed" | "bad_signature" | "expired";

/** Verifies a state's signature and expiry; the caller checks the cookie nonce and who is signed in. */
export function verifyOAuthState(
  state: string | null | undefined,
  options: { now?: number; secret?: string } = {},
): { ok: true; state: OAuthState } | { ok: false; problem: StateProblem } {
  if (!state || state.length > 2000) return { ok: false, problem: "malformed" };
  const parts = state.split(".");
  if (parts.length !== 2) return { ok: false, problem: "malformed" };
  const [data, signature] = parts;
  const expected = Buffer.from(mac(data, stateKey(options.secret)));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !crypto.timingSafeEqual(expected, given)) {
    return { ok: false, problem: "bad_signature" };
  }
  let parsed: z.output<typeof payload>;
  try {
    const result = payload.safeParse(JSON.parse(Buffer.from(data, "base64url").toString("utf8")));
    if (!result.success) return { ok: false, problem: "malformed" };
    parsed = result.data;
  } catch {
    return { ok: false, problem: "malformed" };
  }
  const nowSec = Math.floor((options.now ?? Date.now()) / 1000);
  if (parsed.e <= nowSec) return { ok: false, problem: "expired" };
  const common = { orgId: parsed.o, clientId: parsed.c, portal: parsed.p, nonce: parsed.n, expiresAt: parsed.e };
  return {
    ok: true,
    state: parsed.k === "user" ? { kind: "user", userId: parsed.u, ...common } : { kind: "link", linkId: parsed.l, ...common },
  };
}

/** Cookie carrying a flow's nonce: named after the nonce, so flows started in several tabs do not overwrite each other. */
export function stateCookieName(nonce: string): string {
  return `i24_oauth_${crypto.createHash("sha256").update(nonce).digest("hex").slice(0, 16)}`;
}

/** Constant-time check of the cookie's value against the state's nonce. */
export function nonceMatches(cookieValue: string | undefined, nonce: string): boolean {
  if (!cookieValue) return false;
  const a = Buffer.from(cookieValue);
  const b = Buffer.from(nonce);
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}
