"use server";

import { AuthError } from "next-auth";
import { cookies, headers } from "next/headers";
import { redirect } from "next/navigation";
import { getLocale, getTranslations } from "next-intl/server";
import { z } from "zod";
import { getDb } from "@/db";
import { LOCALE_COOKIE, isLocale } from "@/lib/i18n/config";
import { getTranslator } from "@/lib/i18n/messages";
import { clientAddress, signIn, signOut } from "@/lib/server/auth";
import { AppError } from "@/lib/server/errors";
import { formAction, type FormState } from "@/lib/server/forms";
import { appUrl, composeMail, sendMail } from "@/lib/server/mail";
import { hitRateLimit } from "@/lib/server/rate-limit";
import {
  createPasswordReset,
  findUserByEmail,
  inviteeSignUpInput,
  resetPassword,
  signUp,
  signUpInput,
  type InviteeSignUpInput,
  type SignUpInput,
} from "@/lib/server/services/accounts";
import { emailAddress, newPassword } from "@/lib/validation";

/** Sign-ups per client address per hour (SIGNUP_LIMIT_PER_HOUR raises it, e.g. for a training room or the browser tests). */
const SIGN_UP_LIMIT = { perIp: Number(process.env.SIGNUP_LIMIT_PER_HOUR) || 10, windowSeconds: 60 * 60 };

function safeNext(value: FormDataEntryValue | null): string {
  const next = typeof value === "string" ? value : "";
  // Only local paths: an open redirect after sign-in would be a phishing aid.
  return next.startsWith("/") && !next.startsWith("//") ? next : "/";
}

async function rememberLocale(email: string) {
  const user = await findUserByEmail(await getDb(), email);
  if (user?.locale) (await cookies()).set(LOCALE_COOKIE, user.locale, { maxAge: 365 * 24 * 3600, sameSite: "lax" });
}

export const signInAction = formAction(
  z.object({ email: emailAddress(), password: z.string().min(1, { error: "required" }) }),
  async ({ email, password }, formData): Promise<FormState> => {
    try {
      await signIn("credentials", { email, password, redirect: false });
    } catch (error) {
      if (error instanceof AuthError) {
        const code = (error as AuthError & { code?: string }).code;
        if (code === "rate_limited") throw new AppError("rate_limited");
        const t = await getTranslations("auth");
        return { status: "error", message: t("wrongCredentials"), values: { email } };
      }
      throw error;
    }
    await rememberLocale(email);
    redirect(safeNext(formData.get("next")));
  },
);

async function signUpAndSignIn(input: SignUpInput | InviteeSignUpInput, formData: FormData): Promise<FormState> {
  const db = await getDb();
  const limit = await hitRateLimit(db, `signup:ip:${clientAddress(await headers())}`, SIGN_UP_LIMIT.perIp, SIGN_UP_LIMIT.windowSeconds);
  if (!limit.allowed) throw new AppError("rate_limited");
  const locale = await getLocale();
  await signUp(db, input, isLocale(locale) ? locale : undefined);
  await signIn("credentials", { email: input.email, password: input.password, redirect: false });
  redirect(safeNext(formData.get("next")));
}

export const signUpAction = formAction(signUpInput, signUpAndSignIn);

/** Sign-up from an invitation link: no org of one's own; `next` leads back to the invitation to accept it. */
export const inviteeSignUpAction = formAction(inviteeSignUpInput, signUpAndSignIn);

export async function signOutAction() {
  await signOut({ redirectTo: "/sign-in" });
}

export const requestResetAction = formAction(z.object({ email: emailAddress() }), async ({ email }): Promise<FormState> => {
  const db = await getDb();
  const limit = await hitRateLimit(db, `reset:ip:${clientAddress(await headers())}`, 10, 3600);
  if (!limit.allowed) throw new AppError("rate_limited");
  const reset = await createPasswordReset(db, email);
  if (reset) {
    const locale = isLocale(reset.user.locale) ? reset.user.locale : isLocale(await getLocale()) ? ((await getLocale()) as "en" | "ru") : "en";
    const t = getTranslator(locale, "auth");
    await sendMail(
      db,
      composeMail(reset.user.email, t("resetMailSubject"), [t("resetMailText")], {
        label: t("resetMailAction"),
        url: appUrl(`/reset-password/${reset.token}`),
      }),
    );
  }
  const t = await getTranslations("auth");
  return { status: "success", message: t("resetSent") };
});

export const resetPasswordAction = formAction(
  z
    .object({ token: z.string().min(1), password: newPassword(), confirm: z.string() })
    .refine((v) => v.password === v.confirm, { error: "passwordsDiffer", path: ["confirm"] }),
  async ({ token, password }): Promise<FormState> => {
    await resetPassword(await getDb(), token, password);
    const t = await getTranslations("auth");
    return { status: "success", message: t("passwordChanged") };
  },
);
