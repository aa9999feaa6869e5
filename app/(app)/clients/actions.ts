"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { z } from "zod";
import { tenantFormAction, type FormState } from "@/lib/server/forms";
import {
  archiveClient,
  clientInput,
  clientUpdateInput,
  createClient,
  restoreClient,
  updateClient,
} from "@/lib/server/services/clients";

const clientId = z.object({ clientId: z.string().min(1).max(100) });

export const createClientAction = tenantFormAction(clientInput, async (input, ctx): Promise<FormState> => {
  const client = await createClient(ctx, input);
  revalidatePath("/clients");
  redirect(`/clients/${client.id}`);
});

export const updateClientAction = tenantFormAction(clientUpdateInput.extend(clientId.shape), async ({ clientId, ...input }, ctx): Promise<FormState> => {
  await updateClient(ctx, clientId, input);
  revalidatePath("/clients");
  redirect(`/clients/${clientId}`);
});

export const archiveClientAction = tenantFormAction(clientId, async ({ clientId }, ctx): Promise<FormState> => {
  await archiveClient(ctx, clientId);
  revalidatePath("/clients", "layout");
  return { status: "success", message: (await getTranslations("clients"))("archived") };
});

export const restoreClientAction = tenantFormAction(clientId, async ({ clientId }, ctx): Promise<FormState> => {
  await restoreClient(ctx, clientId);
  revalidatePath("/clients", "layout");
  return { status: "success", message: (await getTranslations("clients"))("restored") };
});
