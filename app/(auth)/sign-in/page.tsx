import Link from "next/link";
import { redirect } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { SignInForm } from "@/components/auth/sign-in-form";
import { Card } from "@/components/ui/card";
import { getSessionUser } from "@/lib/server/session";

export async function generateMetadata() {
  return { title: (await getTranslations("auth"))("signInTitle") };
}

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ next?: string; email?: string }> }) {
  const { next, email } = await searchParams;
  if (await getSessionUser()) redirect(next?.startsWith("/") ? next : "/");
  const t = await getTranslations("auth");
  return (
    <Card>
      <h1 className="mb-6 text-2xl font-semibold">{t("signInTitle")}</h1>
      <SignInForm next={next} email={email} />
      <p className="mt-6 text-center text-sm text-slate-600">
        {t("noAccount")}{" "}
        <Link href={signUpHref(next, email)} className="text-brand-600 underline">
          {t("signUp")}
        </Link>
      </p>
    </Card>
  );
}

function signUpHref(next?: string, email?: string) {
  const query = new URLSearchParams();
  if (next) query.set("next", next);
  if (email) query.set("email", email);
  return query.size ? `/sign-up?${query}` : "/sign-up";
}
