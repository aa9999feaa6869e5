import Link from "next/link";
import { notFound } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { LocaleSwitcher } from "@/components/locale-switcher";
import { isOutboxEnabled } from "@/lib/server/services/outbox";

/** The development outbox's frame. Nobody signs in for it, so it must not exist in a configured deployment. */
export default async function OutboxLayout({ children }: { children: React.ReactNode }) {
  if (!isOutboxEnabled()) notFound();
  const t = await getTranslations("common");
  return (
    <div className="min-h-screen">
      <header className="flex items-center justify-between gap-4 border-b border-slate-200 bg-white px-6 py-3">
        <Link href="/" className="text-lg font-semibold text-brand-700">
          {t("appName")}
        </Link>
        <LocaleSwitcher />
      </header>
      <main id="main" className="mx-auto max-w-5xl px-6 py-8">
        {children}
      </main>
    </div>
  );
}
