"use server";

import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { z } from "zod";
import { getDb } from "@/db";
import { clientAddress } from "@/lib/server/auth";
import { AppError } from "@/lib/server/errors";
import { formAction, type FormState } from "@/lib/server/forms";
import { rememberOAuthNonce } from "@/lib/server/oauth-cookie";
import { hitRateLimit } from "@/lib/server/rate-limit";
import { startLinkConnect } from "@/lib/server/services/portals";

/** Starts of the connect-link flow per visitor address and hour: the page is public. */
const START_LIMIT = { perIp: 30, windowSeconds: 60 * 60 };

/** Flow (b): the portal admin confirmed the address; off to their portal's approve page. */
export const startLinkConnectAction = formAction(
  z.object({ token: z.string().min(1).max(200), portal: z.string().max(400) }),
  async ({ token, portal }): Promise<FormState> => {
    const db = await getDb();
    const limit = await hitRateLimit(db, `connect-link:ip:${clientAddress(await headers())}`, START_LIMIT.perIp, START_LIMIT.windowSeconds);
    if (!limit.allowed) throw new AppError("rate_limited");
    const { url, nonce } = await startLinkConnect(db, token, portal);
    await rememberOAuthNonce(nonce);
    redirect(url);
  },
);
