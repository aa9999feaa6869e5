import { cookies } from "next/headers";
import { NextResponse, type NextRequest } from "next/server";
import { getDb } from "@/db";
import { appUrl } from "@/lib/server/mail";
import { STATE_COOKIE_PATH } from "@/lib/server/oauth-cookie";
import { stateCookieName } from "@/lib/server/oauth-state";
import { completePortalConnect } from "@/lib/server/services/portals";
import { getSessionUser } from "@/lib/server/session";

/**
 * GET /api/bitrix24/oauth/callback — where Bitrix24 sends the browser back after the portal admin approved access
 * (`?code&state&domain&member_id&scope&server_domain`). `domain`, `member_id` and `server_domain` are not trusted:
 * the code is exchanged at the configured OAuth server, whose answer names the portal. Members go back to the
 * client's page, connect-link visitors to the public result page, each with a message.
 */
export async function GET(request: NextRequest) {
  const params = request.nextUrl.searchParams;
  const jar = await cookies();
  const user = await getSessionUser();
  const outcome = await completePortalConnect(await getDb(), {
    state: params.get("state"),
    code: params.get("code"),
    denied: params.has("error"),
    cookie: (name) => jar.get(name)?.value,
    sessionUserId: user?.id ?? null,
  });

  let target: string;
  if (outcome.state?.kind === "user") {
    const query = outcome.ok ? "portal=connected" : `portalError=${encodeURIComponent(outcome.error)}`;
    target = `/clients/${outcome.state.clientId}?${query}#portal`;
  } else {
    target = outcome.ok ? "/connect/done?status=connected" : `/connect/done?error=${encodeURIComponent(outcome.error)}`;
  }
  const response = NextResponse.redirect(appUrl(target), 303);
  // The nonce has done its job: one state, one use.
  if (outcome.state) response.cookies.set(stateCookieName(outcome.state.nonce), "", { path: STATE_COOKIE_PATH, maxAge: 0 });
  response.headers.set("cache-control", "no-store");
  return response;
}
