import Link from "next/link";
import { redirect } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { SignUpForm } from "@/components/auth/sign-up-form";
import { Card } from "@/components/ui/card";
import { getSessionUser } from "@/lib/server/session";

export async function generateMetadata() {
  return { title: (await getTranslations("auth"))("signUpTitle") };
}

export default async function SignUpPage({ searchParams }: { searchParams: Promise<{ next?: string; email?: string }> }) {
  const { next, email } = await searchParams;
  if (await getSessionUser()) redirect(next?.startsWith("/") ? next : "/");
  const t = await getTranslations("auth");
  const invited = Boolean(next?.startsWith("/invite/"));
  return (
    <Card>
      <h1 className="text-2xl font-semibold">{t("signUpTitle")}</h1>
      <p className="mb-6 mt-1 text-sm text-slate-600">{t(invited ? "invitedSignUpSubtitle" : "signUpSubtitle")}</p>
      <SignUpForm next={next} email={email} invited={invited} />
      <p className="mt-6 text-center text-sm text-slate-600">
        {t("haveAccount")}{" "}
        <Link href={signInHref(next, email)} className="text-brand-600 underline">
          {t("signIn")}
        </Link>
      </p>
    </Card>
  );
}

function signInHref(next?: string, email?: string) {
  const query = new URLSearchParams();
  if (next) query.set("next", next);
  if (email) query.set("email", email);
  return query.size ? `/sign-in?${query}` : "/sign-in";
}
