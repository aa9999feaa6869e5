import { getFormatter, getTranslations } from "next-intl/server";
import { InviteForm } from "@/components/members/invite-form";
import { MemberRoleForm } from "@/components/members/member-role-form";
import { ActionButton } from "@/components/ui/action-button";
import { Alert } from "@/components/ui/alert";
import { Badge, Card } from "@/components/ui/card";
import { ConfirmAction } from "@/components/ui/confirm-action";
import { ROLES, type Role } from "@/db/schema";
import { can } from "@/lib/server/permissions";
import { listClientOptions } from "@/lib/server/services/clients";
import { listInvitations, listMembers } from "@/lib/server/services/members";
import { getCurrentOrg } from "@/lib/server/services/orgs";
import { getPageTenantContext } from "@/lib/server/session";
import {
  leaveOrgAction,
  removeMemberAction,
  resendInvitationAction,
  revokeInvitationAction,
} from "../actions";

export async function generateMetadata() {
  return { title: (await getTranslations("members"))("title") };
}

export default async function MembersPage() {
  const ctx = await getPageTenantContext();
  const t = await getTranslations("members");
  const format = await getFormatter();
  const org = await getCurrentOrg(ctx);
  const me = ctx.actor.id;
  const manage = can(ctx.role, "members.manage");
  const isViewer = ctx.role === "client_viewer";
  const [members, invitations, clients] = await Promise.all([
    isViewer ? [] : listMembers(ctx),
    manage ? listInvitations(ctx) : [],
    manage ? listClientOptions(ctx) : [],
  ]);
  // Only owners hand out, change or take away ownership.
  const assignable: readonly Role[] = ctx.role === "owner" ? ROLES : ROLES.filter((role) => role !== "owner");
  const date = (value: Date) => format.dateTime(value, { dateStyle: "medium" });

  return (
    <div className="space-y-8">
      {!isViewer && (
        <Card>
          <h2 className="text-lg font-semibold">{t("title")}</h2>
          <p className="mb-4 mt-1 text-sm text-slate-600">{t("description")}</p>
          {!manage && <Alert className="mb-4">{t("readOnly")}</Alert>}
          <div className="overflow-x-auto">
            <table className="w-full text-left text-sm">
              <thead className="border-b border-slate-200 text-xs uppercase text-slate-500">
                <tr>
                  <th scope="col" className="py-2 pr-4 font-medium">{t("name")}</th>
                  <th scope="col" className="py-2 pr-4 font-medium">{t("role")}</th>
                  <th scope="col" className="py-2 pr-4 font-medium">{t("joined")}</th>
                  {manage && <th scope="col" className="py-2 font-medium"><span className="sr-only">{t("remove")}</span></th>}
                </tr>
              </thead>
              <tbody>
                {members.map((member) => {
                  const self = member.userId === me;
                  const ownerLocked = member.role === "owner" && ctx.role !== "owner";
                  return (
                    <tr key={member.userId} className="border-b border-slate-100 align-top last:border-0" data-member={member.email}>
                      <td className="py-3 pr-4">
                        <div className="font-medium">
                          {member.name} {self && <Badge tone="info">{t("you")}</Badge>}
                        </div>
                        <div className="text-slate-500">{member.email}</div>
                      </td>
                      <td className="py-3 pr-4">
                        {manage && !ownerLocked ? (
                          <MemberRoleForm
                            userId={member.userId}
                            name={member.name}
                            role={member.role}
                            clientId={member.clientId}
                            roles={assignable}
                            clients={clients}
                          />
                        ) : (
                          <div>
                            <span>{t(`roles.${member.role}`)}</span>
                            {member.clientName && <span className="text-slate-500"> · {member.clientName}</span>}
                            {manage && ownerLocked && <p className="text-xs text-slate-500">{t("ownerOnlyHint")}</p>}
                          </div>
                        )}
                      </td>
                      <td className="whitespace-nowrap py-3 pr-4 text-slate-600">{date(member.joinedAt)}</td>
                      {manage && (
                        <td className="py-3 text-right">
                          {!self && !ownerLocked && (
                            <ConfirmAction
                              action={removeMemberAction}
                              fields={{ userId: member.userId }}
                              label={t("remove")}
                              title={t("removeTitle", { name: member.name })}
                              text={t("removeText", { name: member.name })}
                              confirmLabel={t("removeConfirm")}
                              variant="secondary"
                            />
                          )}
                        </td>
                      )}
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        </Card>
      )}

      {manage && (
        <div className="grid gap-8 lg:grid-cols-2">
          <Card>
            <h2 className="text-lg font-semibold">{t("inviteTitle")}</h2>
            <p className="mb-4 mt-1 text-sm text-slate-600">{t("inviteText")}</p>
            <InviteForm roles={assignable} clients={clients} />
          </Card>
          <Card>
            <h2 className="mb-4 text-lg font-semibold">{t("pendingTitle")}</h2>
            {invitations.length === 0 ? (
              <p className="text-sm text-slate-600">{t("pendingEmpty")}</p>
            ) : (
              <ul className="divide-y divide-slate-100">
                {invitations.map((invitation) => {
                  const ownerLocked = invitation.role === "owner" && ctx.role !== "owner";
                  return (
                    <li key={invitation.id} className="space-y-2 py-3" data-invitation={invitation.email}>
                      <div>
                        <span className="font-medium">{invitation.email}</span>{" "}
                        {invitation.expired && <Badge tone="warn">{t("expiredBadge")}</Badge>}
                      </div>
                      <div className="text-sm text-slate-600">
                        {t(`roles.${invitation.role}`)}
                        {invitation.clientName && ` · ${invitation.clientName}`}
                        {invitation.invitedByName && ` · ${t("invitedBy", { name: invitation.invitedByName })}`}
                        {!invitation.expired && ` · ${t("expires", { date: date(invitation.expiresAt) })}`}
                      </div>
                      {!ownerLocked && (
                        <div className="flex flex-wrap items-center gap-2">
                          <ActionButton
                            action={resendInvitationAction}
                            fields={{ invitationId: invitation.id }}
                            label={t("resend")}
                            pendingLabel={t("inviting")}
                          />
                          <ConfirmAction
                            action={revokeInvitationAction}
                            fields={{ invitationId: invitation.id }}
                            label={t("revoke")}
                            title={t("revokeTitle", { email: invitation.email })}
                            text={t("revokeText")}
                            confirmLabel={t("revokeConfirm")}
                            variant="secondary"
                          />
                        </div>
                      )}
                    </li>
                  );
                })}
              </ul>
            )}
          </Card>
        </div>
      )}

      <Card className="border-red-200">
        <h2 className="text-lg font-semibold">{t("leaveTitle")}</h2>
        <p className="mb-4 mt-1 text-sm text-slate-600">{t("leaveText", { org: org.name })}</p>
        <ConfirmAction
          action={leaveOrgAction}
          fields={{}}
          label={t("leave")}
          title={t("leaveConfirmTitle", { org: org.name })}
          text={t("leaveText", { org: org.name })}
          confirmLabel={t("leaveConfirm")}
          size="md"
        />
      </Card>
    </div>
  );
}
