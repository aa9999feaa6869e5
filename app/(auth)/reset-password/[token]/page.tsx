import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { getDb } from "@/db";
import { ResetPasswordForm } from "@/components/auth/reset-password-form";
import { Alert } from "@/components/ui/alert";
import { buttonClass } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { isPasswordResetUsable } from "@/lib/server/services/accounts";

export async function generateMetadata() {
  return { title: (await getTranslations("auth"))("newPasswordTitle"), referrer: "no-referrer" as const };
}

export default async function ResetPasswordPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const t = await getTranslations("auth");
  const usable = await isPasswordResetUsable(await getDb(), token);
  return (
    <Card>
      <h1 className="mb-6 text-2xl font-semibold">{t("newPasswordTitle")}</h1>
      {usable ? (
        <ResetPasswordForm token={token} />
      ) : (
        <div className="space-y-4">
          <Alert tone="error">{t("resetLinkInvalid")}</Alert>
          <Link href="/forgot-password" className={buttonClass("primary") + " w-full"}>
            {t("requestNewLink")}
          </Link>
        </div>
      )}
    </Card>
  );
}
