"use server";

import { revalidatePath } from "next/cache";
import { getTranslations } from "next-intl/server";
import { z } from "zod";
import { tenantFormAction, type FormState } from "@/lib/server/forms";
import { apiKeyInput, createApiKey, revokeApiKey } from "@/lib/server/services/api-keys";

/** The create form's state: on success it carries the new key, which the page shows once and never again. */
export interface ApiKeyFormState extends FormState {
  key?: string;
  keyName?: string;
}

export const createApiKeyAction = tenantFormAction(apiKeyInput, async (input, ctx): Promise<ApiKeyFormState> => {
  const { apiKey, key } = await createApiKey(ctx, input);
  revalidatePath("/settings/api-keys");
  const t = await getTranslations("apiKeys");
  return { status: "success", message: t("created", { name: apiKey.name }), key, keyName: apiKey.name };
});

export const revokeApiKeyAction = tenantFormAction(
  z.object({ apiKeyId: z.string().min(1).max(100) }),
  async ({ apiKeyId }, ctx): Promise<FormState> => {
    await revokeApiKey(ctx, apiKeyId);
    revalidatePath("/settings/api-keys");
    return { status: "success", message: (await getTranslations("apiKeys"))("revokedMessage") };
  },
);
