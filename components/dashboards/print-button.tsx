"use client";

import { useTranslations } from "next-intl";
import { buttonClass } from "@/components/ui/button";

/** Opens the browser's print dialog, where the page can also be saved as PDF (print styles hide the controls). */
export function PrintButton() {
  const t = useTranslations("dashboards.client");
  return (
    <button type="button" onClick={() => window.print()} className={`no-print ${buttonClass("secondary", "sm")}`}>
      {t("print")}
    </button>
  );
}
