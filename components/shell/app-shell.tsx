import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { signOutAction } from "@/app/(auth)/actions";
import { LocaleSwitcher } from "@/components/locale-switcher";
import { listUserOrgs } from "@/lib/server/services/orgs";
import { getSessionUser } from "@/lib/server/session";
import type { TenantContext } from "@/lib/server/tenant";
import { OrgSwitcher } from "./org-switcher";
import { NavLink } from "./nav-link";

/** The signed-in frame: navigation by role, org switcher, language, account. */
export async function AppShell({ ctx, children }: { ctx: TenantContext; children: React.ReactNode }) {
  const t = await getTranslations("nav");
  const tc = await getTranslations("common");
  const ta = await getTranslations("auth");
  const user = (await getSessionUser())!;
  const orgs = await listUserOrgs(ctx.db, user.id);
  // Every member reaches settings: others read the org and its members there, and anyone can leave from it.
  const links = ctx.clientScope
    ? [
        { href: `/clients/${ctx.clientScope}`, label: t("portfolio") },
        { href: "/settings", label: t("settings") },
      ]
    : [
        { href: "/", label: t("portfolio") },
        { href: "/clients", label: t("clients") },
        { href: "/compare", label: t("compare") },
        { href: "/settings", label: t("settings") },
      ];
  return (
    <div className="min-h-screen">
      <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:bg-white focus:p-2">
        {tc("skipToContent")}
      </a>
      <header className="no-print border-b border-slate-200 bg-white">
        <div className="mx-auto flex max-w-7xl flex-wrap items-center gap-4 px-6 py-3">
          <Link href="/" className="text-lg font-semibold text-brand-700">
            {tc("appName")}
          </Link>
          <nav aria-label={t("mainNav")} className="flex flex-1 flex-wrap gap-1">
            {links.map((link) => (
              <NavLink key={link.href} href={link.href}>
                {link.label}
              </NavLink>
            ))}
          </nav>
          <OrgSwitcher orgs={orgs} activeOrgId={ctx.orgId} />
          <LocaleSwitcher />
          <form action={signOutAction}>
            <button type="submit" className="rounded-md px-2 py-1 text-sm text-slate-700 hover:bg-slate-100" title={user.email}>
              {ta("signOut")}
            </button>
          </form>
        </div>
      </header>
      <main id="main" className="mx-auto max-w-7xl px-6 py-8">
        {children}
      </main>
    </div>
  );
}
