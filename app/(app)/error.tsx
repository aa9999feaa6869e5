"use client";

import { useTranslations } from "next-intl";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";

/** A signed-in page that failed keeps the navigation: the message and a retry replace only the page's content. */
export default function AppError({ reset }: { error: Error; reset: () => void }) {
  const t = useTranslations("common");
  return (
    <div className="mx-auto max-w-lg space-y-4 py-12 text-center">
      <Alert tone="error">
        <p className="font-medium">{t("errorTitle")}</p>
        <p className="mt-1">{t("errorText")}</p>
      </Alert>
      <Button onClick={reset}>{t("tryAgain")}</Button>
    </div>
  );
}
