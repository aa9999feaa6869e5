"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { useTranslations } from "next-intl";
import { cn } from "@/components/ui/cn";

const SECTIONS = [
  { key: "overview", path: "" },
  { key: "inputs", path: "/inputs" },
  { key: "settings", path: "/settings" },
  { key: "processes", path: "/processes" },
  { key: "goals", path: "/goals" },
] as const;

/** Tabs of a client's metric pages; the current one is marked for assistive technology. */
export function MetricSectionNav({ clientId }: { clientId: string }) {
  const t = useTranslations("metricData.nav");
  const pathname = usePathname();
  const base = `/clients/${clientId}/metrics`;
  return (
    <nav aria-label={t("label")} className="mb-6 border-b border-slate-200">
      <ul className="-mb-px flex flex-wrap gap-1">
        {SECTIONS.map((s) => {
          const href = `${base}${s.path}`;
          const current = s.path === "" ? pathname === base : pathname.startsWith(href);
          return (
            <li key={s.key}>
              <Link
                href={href}
                aria-current={current ? "page" : undefined}
                className={cn(
                  "inline-block border-b-2 px-3 py-2 text-sm font-medium focus:outline-none focus-visible:ring-2 focus-visible:ring-brand-500",
                  current ? "border-brand-600 text-brand-700" : "border-transparent text-slate-600 hover:border-slate-300 hover:text-slate-800",
                )}
              >
                {t(s.key)}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
