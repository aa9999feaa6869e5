/**
 * The portal's `/oauth/authorize/` page (`settings/oauth/index.md`): the portal admin approves the app
 * (installing it first if needed, which posts ONAPPINSTALL) and is sent back to the app's redirect URI with
 * `code, state, domain, member_id, scope, server_domain`. Failures show an error page, never a redirect.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { ADMIN_USER_ID, type Engine } from "./engine";
import { escapeHtml, readBody, redirect, requestParams, sendHtml } from "./http";
import type { Portal } from "./portal";

type Lang = "en" | "ru";

const TEXT = {
  en: {
    title: "Application access",
    asks: (app: string, portal: string) => `The application “${app}” asks for access to your Bitrix24 ${portal}.`,
    install: "It is not installed yet: allowing will install it.",
    scopes: "Requested permissions",
    allow: "Allow",
    deny: "Deny",
    denied: "Access was denied. You can close this page.",
    unknownApp: "Application not found.",
    badRedirect: "The redirect address does not match the application settings.",
    deleted: "This Bitrix24 has been deleted.",
    user: "Signed in as the portal administrator",
  },
  ru: {
    title: "Доступ приложения",
    asks: (app: string, portal: string) => `Приложение «${app}» запрашивает доступ к вашему Битрикс24 ${portal}.`,
    install: "Оно ещё не установлено: разрешение установит его.",
    scopes: "Запрошенные права",
    allow: "Разрешить",
    deny: "Отклонить",
    denied: "В доступе отказано. Страницу можно закрыть.",
    unknownApp: "Приложение не найдено.",
    badRedirect: "Адрес возврата не совпадает с настройками приложения.",
    deleted: "Этот Битрикс24 удалён.",
    user: "Вы вошли как администратор портала",
  },
};

function page(lang: Lang, body: string): string {
  return `<!DOCTYPE html><html lang="${lang}"><head><meta charset="utf-8"><title>Bitrix24 — ${TEXT[lang].title}</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#333}
button{font-size:1rem;padding:.5rem 1.25rem;margin-right:.5rem}ul{color:#555}</style></head><body>${body}</body></html>`;
}

function errorPage(res: ServerResponse, status: number, lang: Lang, message: string): void {
  sendHtml(res, status, page(lang, `<h1>Bitrix24</h1><p role="alert">${escapeHtml(message)}</p>`));
}

function langOf(portal: Portal, params: Record<string, unknown>): Lang {
  const requested = String(params.lang ?? portal.languageId);
  return requested === "ru" ? "ru" : "en";
}

/** Where the user goes back to: the registered redirect URI; a requested one must start with it. */
function redirectTarget(registered: string | undefined, requested: unknown): string | null {
  const asked = typeof requested === "string" && requested ? requested : undefined;
  if (registered && asked) return asked.startsWith(registered) ? asked : null;
  return registered ?? asked ?? null;
}

/** Handles GET (the page, or an immediate approval when the portal auto-approves) and POST (the decision). */
export async function handleAuthorize(engine: Engine, portal: Portal, req: IncomingMessage, res: ServerResponse): Promise<void> {
  engine.counters.http(portal.name, "oauth/authorize");
  const params = requestParams(req, await readBody(req));
  const lang = langOf(portal, params);
  const t = TEXT[lang];
  if (portal.deleted) return errorPage(res, 404, lang, t.deleted);
  const appIndex = engine.appIndex(String(params.client_id ?? ""));
  if (appIndex < 0) return errorPage(res, 400, lang, t.unknownApp);
  const app = engine.apps[appIndex];
  const target = redirectTarget(app.redirectUri, params.redirect_uri);
  if (!target) return errorPage(res, 400, lang, t.badRedirect);
  const state = String(params.state ?? "");

  const decision = req.method === "POST" ? String(params.decision ?? "") : portal.autoApprove ? "allow" : "";
  if (decision === "deny") return errorPage(res, 403, lang, t.denied);
  if (decision === "allow") {
    if (!portal.isInstalled(appIndex)) engine.install(portal, appIndex);
    const code = engine.issueCode(portal, appIndex, ADMIN_USER_ID);
    const url = new URL(target);
    url.searchParams.set("code", code);
    url.searchParams.set("state", state);
    url.searchParams.set("domain", portal.domain);
    url.searchParams.set("member_id", portal.memberId);
    url.searchParams.set("scope", app.scope.join(","));
    url.searchParams.set("server_domain", engine.oauthHost);
    return redirect(res, url.toString());
  }

  const hidden = (name: string, value: string) => `<input type="hidden" name="${name}" value="${escapeHtml(value)}">`;
  sendHtml(
    res,
    200,
    page(
      lang,
      `<h1>${escapeHtml(t.title)}</h1>
<p>${escapeHtml(t.asks(app.code, portal.domain))}</p>
${portal.isInstalled(appIndex) ? "" : `<p>${escapeHtml(t.install)}</p>`}
<p>${escapeHtml(t.scopes)}:</p><ul>${app.scope.map((s) => `<li>${escapeHtml(s)}</li>`).join("")}</ul>
<p><small>${escapeHtml(t.user)}</small></p>
<form method="post" action="/oauth/authorize/">
${hidden("client_id", app.clientId)}${hidden("state", state)}${hidden("redirect_uri", typeof params.redirect_uri === "string" ? params.redirect_uri : "")}${hidden("lang", lang)}
<button type="submit" name="decision" value="allow">${escapeHtml(t.allow)}</button>
<button type="submit" name="decision" value="deny">${escapeHtml(t.deny)}</button>
</form>`,
    ),
  );
}
