import { cookies } from "next/headers";
import { appUrl } from "./mail";
import { STATE_TTL_SECONDS, stateCookieName } from "./oauth-state";

/** Where the nonce cookie is sent: only to the OAuth callback. */
export const STATE_COOKIE_PATH = "/api/bitrix24/oauth";

/**
 * Keeps an OAuth flow's nonce in this browser until the callback (SameSite=Lax: sent on the top-level redirect back
 * from the portal, never on cross-site subrequests).
 */
export async function rememberOAuthNonce(nonce: string): Promise<void> {
  (await cookies()).set(stateCookieName(nonce), nonce, {
    httpOnly: true,
    sameSite: "lax",
    secure: appUrl().startsWith("https:"),
    path: STATE_COOKIE_PATH,
    maxAge: STATE_TTL_SECONDS,
  });
}
