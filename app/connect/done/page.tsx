import { getTranslations } from "next-intl/server";
import { Alert } from "@/components/ui/alert";
import { Card } from "@/components/ui/card";

export async function generateMetadata() {
  return { title: (await getTranslations("portals"))("title"), robots: { index: false } };
}

/** Where a connect link's OAuth round trip ends: success, or what went wrong (known message keys only). */
export default async function ConnectDonePage({ searchParams }: { searchParams: Promise<{ status?: string; error?: string }> }) {
  const { status, error } = await searchParams;
  const t = await getTranslations("portals.public");
  const te = await getTranslations("errors.portal");
  if (status === "connected") {
    return (
      <Card className="space-y-3">
        <h1 className="text-2xl font-semibold">{t("doneTitle")}</h1>
        <Alert tone="success">{t("doneText")}</Alert>
      </Card>
    );
  }
  const known = typeof error === "string" && /^[a-zA-Z]+$/.test(error) && te.has(error as never);
  return (
    <Card className="space-y-3">
      <h1 className="text-2xl font-semibold">{t("failedTitle")}</h1>
      <Alert tone="error">{known ? te(error as never) : te("exchangeFailed")}</Alert>
      <p className="text-sm text-slate-600">{t("failedText")}</p>
    </Card>
  );
}
