"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { z } from "zod";
import { tenantFormAction, type FormState } from "@/lib/server/forms";
import { rememberOAuthNonce } from "@/lib/server/oauth-cookie";
import {
  claimPortal,
  createConnectLink,
  revokeConnectLink,
  startPortalConnect,
} from "@/lib/server/services/portals";

const id = z.string().min(1).max(100);

/** Flow (a): off to the portal's approve page; the callback brings the member back to the client's page. */
export const startPortalConnectAction = tenantFormAction(
  z.object({ clientId: id, portal: z.string().max(400) }),
  async ({ clientId, portal }, ctx): Promise<FormState> => {
    const { url, nonce } = await startPortalConnect(ctx, clientId, portal);
    await rememberOAuthNonce(nonce);
    redirect(url);
  },
);

/** The create form's state: on success it carries the link, which is shown once and never again. */
export interface ConnectLinkFormState extends FormState {
  link?: { url: string; expiresAt: string };
}

export const createConnectLinkAction = tenantFormAction(
  z.object({ clientId: id, expiresInDays: z.string().max(3).optional() }),
  async ({ clientId, expiresInDays }, ctx): Promise<ConnectLinkFormState> => {
    const link = await createConnectLink(ctx, clientId, { expiresInDays: expiresInDays ? Number(expiresInDays) : undefined });
    revalidatePath(`/clients/${clientId}`);
    const t = await getTranslations("portals");
    return { status: "success", message: t("links.created"), link: { url: link.url, expiresAt: link.expiresAt.toISOString() } };
  },
);

export const revokeConnectLinkAction = tenantFormAction(
  z.object({ clientId: id, linkId: id }),
  async ({ clientId, linkId }, ctx): Promise<FormState> => {
    await revokeConnectLink(ctx, linkId);
    revalidatePath(`/clients/${clientId}`);
    return { status: "success", message: (await getTranslations("portals"))("links.revoked") };
  },
);

/** Flow (c): the claim code shown in the portal after installing the app from Bitrix24. */
export const claimPortalAction = tenantFormAction(
  z.object({ clientId: id, code: z.string().trim().min(1, { error: "claimCode" }).max(40, { error: "claimCode" }) }),
  async ({ clientId, code }, ctx): Promise<FormState> => {
    await claimPortal(ctx, clientId, code);
    revalidatePath(`/clients/${clientId}`);
    // The card turns into the connected state, so the message travels in the URL like the OAuth flow's.
    redirect(`/clients/${clientId}?portal=claimed#portal`);
  },
);
