"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import { getDb } from "@/db";
import { AppError } from "@/lib/server/errors";
import { formAction, type FormState } from "@/lib/server/forms";
import { acceptInvitation } from "@/lib/server/services/members";
import { createOrg, orgInput } from "@/lib/server/services/orgs";
import { getSessionUser } from "@/lib/server/session";

async function signedInUser() {
  const user = await getSessionUser();
  if (!user) throw new AppError("unauthorized");
  return user;
}

/** Creates an org owned by the signed-in user and opens it. */
export const createOrgAction = formAction(orgInput, async (input): Promise<FormState> => {
  const user = await signedInUser();
  await createOrg(await getDb(), user.id, input);
  revalidatePath("/", "layout");
  redirect("/");
});

/** Accepts the invitation behind a link for the signed-in user and opens its org. */
export const acceptInvitationAction = formAction(z.object({ token: z.string().min(1).max(200) }), async ({ token }): Promise<FormState> => {
  const user = await signedInUser();
  await acceptInvitation(await getDb(), token, user.id);
  revalidatePath("/", "layout");
  redirect("/");
});
