import { getTranslations } from "next-intl/server";
import { LocaleSwitcher } from "@/components/locale-switcher";

/** Public pages for a client's portal admin who has no Impact24 account: the connect link and its outcome. */
export default async function ConnectLayout({ children }: { children: React.ReactNode }) {
  const t = await getTranslations("common");
  return (
    <div className="flex min-h-screen flex-col bg-slate-50">
      <header className="flex items-center justify-between gap-4 px-6 py-4">
        <span className="text-lg font-semibold text-brand-700">{t("appName")}</span>
        <LocaleSwitcher />
      </header>
      <main id="main" className="mx-auto w-full max-w-xl flex-1 px-6 py-10">
        {children}
      </main>
    </div>
  );
}
