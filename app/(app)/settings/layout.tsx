import { getTranslations } from "next-intl/server";
import { SettingsNav } from "@/components/settings/settings-nav";
import { PageHeader } from "@/components/ui/card";
import { can } from "@/lib/server/permissions";
import { getPageTenantContext } from "@/lib/server/session";

export default async function SettingsLayout({ children }: { children: React.ReactNode }) {
  const ctx = await getPageTenantContext();
  const t = await getTranslations("orgs");
  const links = [
    { href: "/settings", label: t("general") },
    { href: "/settings/members", label: t("members") },
    ...(can(ctx.role, "audit.read") ? [{ href: "/settings/audit", label: t("auditLog") }] : []),
    ...(can(ctx.role, "org.manage") ? [{ href: "/settings/api-keys", label: (await getTranslations("apiKeys"))("title") }] : []),
    ...(can(ctx.role, "portfolio.read") ? [{ href: "/settings/sync", label: (await getTranslations("sync"))("settings.title") }] : []),
  ];
  return (
    <div>
      <PageHeader title={t("settingsTitle")} />
      <SettingsNav label={t("settingsNav")} links={links} />
      {children}
    </div>
  );
}
