import { getTranslations } from "next-intl/server";
import { LocaleSwitcher } from "@/components/locale-switcher";

export default async function AuthLayout({ children }: { children: React.ReactNode }) {
  const t = await getTranslations("common");
  return (
    <div className="flex min-h-screen flex-col">
      <header className="flex items-center justify-between px-6 py-4">
        <span className="text-lg font-semibold text-brand-700">{t("appName")}</span>
        <LocaleSwitcher />
      </header>
      <main id="main" className="mx-auto w-full max-w-md flex-1 px-6 py-10">
        {children}
      </main>
    </div>
  );
}
