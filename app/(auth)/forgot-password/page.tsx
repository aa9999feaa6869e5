import { getTranslations } from "next-intl/server";
import { ForgotPasswordForm } from "@/components/auth/forgot-password-form";
import { Card } from "@/components/ui/card";

export async function generateMetadata() {
  return { title: (await getTranslations("auth"))("resetTitleShort") };
}

export default async function ForgotPasswordPage() {
  const t = await getTranslations("auth");
  return (
    <Card>
      <h1 className="text-2xl font-semibold">{t("resetTitle")}</h1>
      <p className="mb-6 mt-1 text-sm text-slate-600">{t("resetText")}</p>
      <ForgotPasswordForm />
    </Card>
  );
}
