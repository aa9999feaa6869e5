"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { getLocale, getTranslations } from "next-intl/server";
import { z } from "zod";
import { isLocale } from "@/lib/i18n/config";
import { tenantFormAction, type FormState } from "@/lib/server/forms";
import {
  changeMemberRole,
  inviteInput,
  inviteMember,
  leaveOrg,
  removeMember,
  resendInvitation,
  revokeInvitation,
  type RoleChangeInput,
} from "@/lib/server/services/members";
import { orgInput, renameOrg } from "@/lib/server/services/orgs";

/** Invitation e-mails go out in the language the inviter is using. */
async function mailLocale() {
  const locale = await getLocale();
  return isLocale(locale) ? locale : "en";
}

const id = () => z.string().min(1).max(100);

export const renameOrgAction = tenantFormAction(orgInput, async (input, ctx): Promise<FormState> => {
  await renameOrg(ctx, input);
  revalidatePath("/", "layout");
  return { status: "success", message: (await getTranslations("orgs"))("renamed") };
});

export const inviteMemberAction = tenantFormAction(inviteInput, async (input, ctx): Promise<FormState> => {
  const { invitation } = await inviteMember(ctx, input, { locale: await mailLocale() });
  revalidatePath("/settings/members");
  return { status: "success", message: (await getTranslations("members"))("invited", { email: invitation.email }) };
});

/** Role and client are validated by the service, which also knows who may touch owners. */
export const changeRoleAction = tenantFormAction(z.looseObject({ userId: id() }), async (input, ctx): Promise<FormState> => {
  await changeMemberRole(ctx, input.userId, input as unknown as RoleChangeInput);
  revalidatePath("/settings/members");
  return { status: "success", message: (await getTranslations("members"))("roleChanged") };
});

export const removeMemberAction = tenantFormAction(z.object({ userId: id() }), async ({ userId }, ctx): Promise<FormState> => {
  await removeMember(ctx, userId);
  revalidatePath("/settings/members");
  return { status: "success", message: (await getTranslations("members"))("removed") };
});

export const leaveOrgAction = tenantFormAction(z.object({}), async (_input, ctx): Promise<FormState> => {
  await leaveOrg(ctx);
  revalidatePath("/", "layout");
  redirect("/");
});

export const resendInvitationAction = tenantFormAction(
  z.object({ invitationId: id() }),
  async ({ invitationId }, ctx): Promise<FormState> => {
    await resendInvitation(ctx, invitationId, { locale: await mailLocale() });
    revalidatePath("/settings/members");
    return { status: "success", message: (await getTranslations("members"))("resent") };
  },
);

export const revokeInvitationAction = tenantFormAction(
  z.object({ invitationId: id() }),
  async ({ invitationId }, ctx): Promise<FormState> => {
    await revokeInvitation(ctx, invitationId);
    revalidatePath("/settings/members");
    return { status: "success", message: (await getTranslations("members"))("revoked") };
  },
);
