"use server";

import { revalidatePath } from "next/cache";
import { getTranslations } from "next-intl/server";
import { runTenantAction, tenantFormAction, type FormState } from "@/lib/server/forms";
import { syncSettingsInput, updateOrgSyncSettings } from "@/lib/server/services/sync-settings";
import { startClientSync } from "@/lib/server/services/syncs";

/**
 * "Sync now" (incremental) and "Full re-sync" on the client's page: queues a run (or joins the waiting one) and says
 * so; the live panel picks the run up at its next poll. Needs the `portals.sync` permission.
 */
export async function requestSyncAction(clientId: string, kind: "incremental" | "full"): Promise<FormState> {
  return runTenantAction(async (ctx) => {
    const { created } = await startClientSync(ctx, String(clientId), { kind: kind === "full" ? "full" : "incremental" });
    const t = await getTranslations("sync");
    return { status: "success", message: created ? t("requested") : t("joined") };
  });
}

/** The org's sync schedule form (owners and admins). */
export const updateSyncSettingsAction = tenantFormAction(syncSettingsInput, async (input, ctx): Promise<FormState> => {
  await updateOrgSyncSettings(ctx, input);
  revalidatePath("/settings/sync");
  return { status: "success", message: (await getTranslations("sync"))("settings.saved") };
});
