import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { signOutAction } from "@/app/(auth)/actions";
import { LocaleSwitcher } from "@/components/locale-switcher";
import { getSessionUser } from "@/lib/server/session";

/** Pages between signing in and working in an org: creating an org, opening an invitation. */
export default async function OnboardingLayout({ children }: { children: React.ReactNode }) {
  const t = await getTranslations("common");
  const ta = await getTranslations("auth");
  const user = await getSessionUser();
  return (
    <div className="flex min-h-screen flex-col">
      <header className="flex items-center justify-between gap-4 px-6 py-4">
        <Link href="/" className="text-lg font-semibold text-brand-700">
          {t("appName")}
        </Link>
        <div className="flex items-center gap-3">
          <LocaleSwitcher />
          {user && (
            <form action={signOutAction}>
              <button type="submit" className="rounded-md px-2 py-1 text-sm text-slate-700 hover:bg-slate-100" title={user.email}>
                {ta("signOut")}
              </button>
            </form>
          )}
        </div>
      </header>
      <main id="main" className="mx-auto w-full max-w-md flex-1 px-6 py-10">
        {children}
      </main>
    </div>
  );
}
