"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { getDb } from "@/db";
import { switchActiveOrg } from "@/lib/server/services/orgs";
import { requireSessionUser } from "@/lib/server/session";

/** Switches the signed-in user's active org. */
export async function switchOrgAction(orgId: string) {
  const user = await requireSessionUser();
  await switchActiveOrg(await getDb(), user.id, orgId);
  revalidatePath("/", "layout");
  redirect("/");
}
