import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { getDb } from "@/db";
import { AcceptInvitationForm } from "@/components/members/accept-invitation-form";
import { Alert } from "@/components/ui/alert";
import { buttonClass } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { describeInvitation } from "@/lib/server/services/members";
import { getSessionUser } from "@/lib/server/session";

export async function generateMetadata() {
  return { title: (await getTranslations("members"))("invitePageTitle"), referrer: "no-referrer" as const };
}

const STATE_MESSAGES = {
  valid: "inviteUnknown",
  expired: "inviteExpired",
  accepted: "inviteUsed",
  revoked: "inviteRevoked",
} as const;

/**
 * The page an invitation e-mail links to. Anyone holding the link sees what it is for; accepting needs an account
 * (see `acceptInvitation` for why its e-mail need not match the invited address).
 */
export default async function InvitationPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const t = await getTranslations("members");
  const ta = await getTranslations("auth");
  const [invitation, user] = await Promise.all([describeInvitation(await getDb(), token), getSessionUser()]);

  if (!invitation || invitation.state !== "valid") {
    return (
      <Card>
        <h1 className="mb-4 text-2xl font-semibold">{t("invitePageTitle")}</h1>
        <Alert tone="error">{t(invitation ? STATE_MESSAGES[invitation.state] : "inviteUnknown")}</Alert>
        <Link href={user ? "/" : "/sign-in"} className={buttonClass("secondary") + " mt-6 w-full"}>
          {user ? t("goToApp") : ta("signIn")}
        </Link>
      </Card>
    );
  }

  const role = t(`roles.${invitation.role}`);
  const next = `/invite/${token}`;
  const query = (path: string) => `${path}?${new URLSearchParams({ next, email: invitation.email })}`;
  const otherAccount = user && user.email.toLowerCase() !== invitation.email.toLowerCase();
  return (
    <Card>
      <h1 className="text-2xl font-semibold">{t("inviteHeading", { org: invitation.orgName })}</h1>
      <div className="mb-6 mt-3 space-y-2 text-sm text-slate-700">
        <p>
          {invitation.inviterName
            ? t("inviteLead", { inviter: invitation.inviterName, org: invitation.orgName, role })
            : t("inviteLeadNoInviter", { org: invitation.orgName, role })}
        </p>
        {invitation.clientName && <p>{t("inviteClient", { client: invitation.clientName })}</p>}
        <p className="text-slate-500">{t("inviteSentTo", { email: invitation.email })}</p>
      </div>
      {user ? (
        <div className="space-y-4">
          {otherAccount && <Alert tone="warning">{t("inviteOtherAccount", { email: user.email, org: invitation.orgName })}</Alert>}
          <AcceptInvitationForm token={token} />
        </div>
      ) : (
        <div className="space-y-3">
          <p className="text-sm text-slate-600">{t("inviteNeedsAccount")}</p>
          <Link href={query("/sign-in")} className={buttonClass("primary") + " w-full"}>
            {t("signInToAccept")}
          </Link>
          <Link href={query("/sign-up")} className={buttonClass("secondary") + " w-full"}>
            {t("signUpToAccept")}
          </Link>
        </div>
      )}
    </Card>
  );
}
