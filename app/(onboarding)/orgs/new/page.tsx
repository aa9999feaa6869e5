import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { getDb } from "@/db";
import { OrgNameForm } from "@/components/orgs/org-name-form";
import { Card } from "@/components/ui/card";
import { listUserOrgs } from "@/lib/server/services/orgs";
import { requireSessionUser } from "@/lib/server/session";
import { createOrgAction } from "../../actions";

export async function generateMetadata() {
  return { title: (await getTranslations("orgs"))("newTitle") };
}

export default async function NewOrgPage() {
  const user = await requireSessionUser();
  const orgs = await listUserOrgs(await getDb(), user.id);
  const current = orgs.find((org) => org.id === user.activeOrgId) ?? orgs[0];
  const t = await getTranslations("orgs");
  return (
    <Card>
      <h1 className="text-2xl font-semibold">{t("newTitle")}</h1>
      <p className="mb-6 mt-1 text-sm text-slate-600">{orgs.length ? t("newText") : t("noOrgText")}</p>
      <OrgNameForm action={createOrgAction} submitLabel={t("create")} pendingLabel={t("creating")} autoFocus />
      {current && (
        <p className="mt-6 text-center text-sm">
          <Link href="/" className="text-brand-600 underline">
            {t("backToApp", { org: current.name })}
          </Link>
        </p>
      )}
    </Card>
  );
}
