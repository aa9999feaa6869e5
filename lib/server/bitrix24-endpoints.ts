import type { Db } from "@/db";
import { negotiateLocale, type Locale } from "@/lib/i18n/config";
import { getTranslator } from "@/lib/i18n/messages";
import { getBitrix24Config, type Bitrix24AppConfig } from "./bitrix24-config";
import { appFramePayload, installEventPayload, portalEventPayload, readBitrix24Body } from "./bitrix24-payloads";
import { AppError } from "./errors";
import { handleAppPage, handleInstallEvent, handlePortalEvent, type Verdict } from "./services/portal-installs";

/**
 * The HTTP side of what Bitrix24 posts to the app, as plain Request → Response functions (the route handlers under
 * app/api/bitrix24/ are thin adapters; tests serve these to the emulator over real HTTP).
 */

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

/** Bitrix24 language ids of Russian-speaking portals get Russian; anything else is negotiated. */
function localeOf(request: Request, hint: unknown): Locale {
  if (typeof hint === "string" && /^(ru|ua|by|kz)$/i.test(hint)) return "ru";
  if (typeof hint === "string" && hint) return negotiateLocale(hint);
  return negotiateLocale(request.headers.get("accept-language"));
}

function page(locale: Locale, status: number, body: string): Response {
  const t = getTranslator(locale, "portals");
  const html = `<!doctype html><html lang="${locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(t("install.title"))}</title>
<style>body{font-family:system-ui,-apple-system,sans-serif;color:#0f172a;max-width:36rem;margin:2.5rem auto;padding:0 1rem;line-height:1.5}
h1{font-size:1.25rem}.code{font:600 2rem/1.2 ui-monospace,monospace;letter-spacing:.15em;background:#eef4ff;border:1px solid #c7d7fe;border-radius:.5rem;padding:.75rem 1rem;display:inline-block;margin:.5rem 0}
.muted{color:#475569;font-size:.9rem}</style></head><body><main>${body}</main></body></html>`;
  return new Response(html, { status, headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" } });
}

function messagePage(locale: Locale, status: number, key: string): Response {
  const t = getTranslator(locale, "portals");
  return page(locale, status, `<h1>${escapeHtml(t("install.title"))}</h1><p role="alert">${escapeHtml(t(key))}</p>`);
}

function failurePage(locale: Locale, verdict: Extract<Verdict<unknown>, { ok: false }>): Response {
  return messagePage(locale, verdict.status, verdict.status === 503 ? "install.unavailable" : "install.failed");
}

function claimPage(locale: Locale, domain: string, code: string): Response {
  const t = getTranslator(locale, "portals");
  return page(
    locale,
    200,
    `<h1>${escapeHtml(t("install.claimTitle"))}</h1>
<p>${escapeHtml(t("install.claimText", { domain }))}</p>
<p class="code" data-claim-code>${escapeHtml(code)}</p>
<p class="muted">${escapeHtml(t("install.claimExpiry"))}</p>`,
  );
}

function configOrNull(config?: Bitrix24AppConfig): Bitrix24AppConfig | null {
  if (config) return config;
  try {
    return getBitrix24Config();
  } catch (error) {
    if (error instanceof AppError) return null;
    throw error;
  }
}

/**
 * The app's installation callback and main page, one URL (`/api/bitrix24/install`):
 * - POST `event=ONAPPINSTALL&auth[…]` (API-only install): verified by trading its refresh token, stored as a
 *   portal-side install, answered with a page showing the claim code;
 * - POST `AUTH_ID, REFRESH_ID, member_id, APPLICATION_TOKEN` (the app opened in the portal's frame): the claim
 *   code, or that the portal is connected;
 * - GET: open the app from Bitrix24.
 * Malformed (400) and unverifiable (401) requests change nothing.
 */
export async function installEndpoint(db: Db, request: Request, config?: Bitrix24AppConfig): Promise<Response> {
  const url = new URL(request.url);
  if (request.method !== "POST") return messagePage(localeOf(request, url.searchParams.get("LANG")), 200, "install.openFromPortal");
  const body = await readBitrix24Body(request);
  const data = body?.data && typeof body.data === "object" ? (body.data as Record<string, unknown>) : {};
  const locale = localeOf(request, data.LANGUAGE_ID ?? body?.LANG ?? url.searchParams.get("LANG"));
  if (!body) return messagePage(locale, 400, "install.failed");
  const app = configOrNull(config);
  if (!app) return messagePage(locale, 503, "install.notConfigured");

  if ("event" in body) {
    const parsed = installEventPayload.safeParse(body);
    if (!parsed.success) return messagePage(locale, 400, "install.failed");
    const outcome = await handleInstallEvent(db, parsed.data, app);
    if (!outcome.ok) {
      console.warn(`[bitrix24 install] ONAPPINSTALL for ${parsed.data.auth.member_id} rejected: ${outcome.reason}`);
      return failurePage(locale, outcome);
    }
    return claimPage(locale, outcome.value.domain, outcome.value.claimCode);
  }

  // The frame's query string carries DOMAIN and LANG; the body the tokens.
  const parsed = appFramePayload.safeParse({ DOMAIN: url.searchParams.get("DOMAIN") ?? undefined, ...body });
  if (!parsed.success) return messagePage(locale, 400, "install.failed");
  const outcome = await handleAppPage(db, parsed.data, app);
  if (!outcome.ok) {
    console.warn(`[bitrix24 install] app page for ${parsed.data.member_id} rejected: ${outcome.reason}`);
    return failurePage(locale, outcome);
  }
  if (outcome.value.state === "connected") {
    const t = getTranslator(locale, "portals");
    return page(
      locale,
      200,
      `<h1>${escapeHtml(t("install.connectedTitle"))}</h1><p>${escapeHtml(t("install.connectedText", { domain: outcome.value.domain }))}</p>`,
    );
  }
  return claimPage(locale, outcome.value.domain, outcome.value.claimCode);
}

const json = (body: unknown, status = 200) => Response.json(body, { status, headers: { "cache-control": "no-store" } });

/**
 * The events handler bound on every connected portal (`/api/bitrix24/events`): ONAPPUNINSTALL and
 * ONCRM…ADD/UPDATE/DELETE, authenticated by their application_token. Answers at once (Bitrix24 does not resend
 * events); malformed payloads are 400, unverifiable ones 401, and neither changes anything.
 */
export async function eventsEndpoint(db: Db, request: Request, config?: Bitrix24AppConfig): Promise<Response> {
  const body = await readBitrix24Body(request);
  const parsed = body ? portalEventPayload.safeParse(body) : null;
  if (!parsed?.success) return json({ error: "malformed_payload" }, 400);
  const app = configOrNull(config);
  if (!app) return json({ error: "not_configured" }, 503);
  const outcome = await handlePortalEvent(db, parsed.data, app);
  if (!outcome.ok) {
    console.warn(`[bitrix24 events] ${parsed.data.event} for ${parsed.data.auth.member_id} rejected: ${outcome.reason}`);
    return json({ error: outcome.reason }, outcome.status);
  }
  return json({ ok: true, ...outcome.value });
}
