import { getFormatter, getTranslations } from "next-intl/server";
import { getDb } from "@/db";
import { PublicConnectForm } from "@/components/portals/public-connect-form";
import { Alert } from "@/components/ui/alert";
import { Card } from "@/components/ui/card";
import { findConnectLink } from "@/lib/server/services/portals";

export async function generateMetadata() {
  // The token is in the URL: never leak it to the portal through the Referer header.
  return { title: (await getTranslations("portals"))("title"), referrer: "no-referrer" as const, robots: { index: false } };
}

/**
 * The page a connect link opens, for the client's portal admin (no Impact24 account): who asks for what access and
 * why, then the portal address and off to Bitrix24 to approve. Used, expired and revoked links say so.
 */
export default async function ConnectLinkPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const t = await getTranslations("portals.public");
  const format = await getFormatter();
  const link = await findConnectLink(await getDb(), token);

  if (!link || link.status !== "valid") {
    return (
      <Card className="space-y-4">
        <h1 className="text-2xl font-semibold">{t("unavailableTitle")}</h1>
        <Alert tone="error">{link ? t(link.status, { org: link.orgName }) : t("unknown")}</Alert>
      </Card>
    );
  }

  return (
    <Card className="space-y-5">
      <div className="space-y-2">
        <p className="text-sm font-medium uppercase tracking-wide text-brand-700">{link.orgName}</p>
        <h1 className="text-2xl font-semibold">{t("title", { org: link.orgName })}</h1>
        <p className="text-slate-700">{t("intro", { org: link.orgName, client: link.clientName })}</p>
      </div>
      <section aria-labelledby="connect-access" className="space-y-2">
        <h2 id="connect-access" className="font-semibold">
          {t("what")}
        </h2>
        <ul className="list-disc space-y-1 pl-5 text-sm text-slate-700">
          <li>{t("scopes.crm")}</li>
          <li>{t("scopes.user")}</li>
          <li>{t("scopes.bizproc")}</li>
        </ul>
        <p className="text-sm text-slate-700">{t("readOnly")}</p>
      </section>
      <Alert tone="info">{t("admin")}</Alert>
      <PublicConnectForm token={token} />
      <p className="text-xs text-slate-500">
        {t("expiresOn", { date: format.dateTime(link.expiresAt, { dateStyle: "long", timeStyle: "short" }) })}
      </p>
    </Card>
  );
}
