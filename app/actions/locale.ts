"use server";

import { cookies } from "next/headers";
import { revalidatePath } from "next/cache";
import { getDb } from "@/db";
import { LOCALE_COOKIE, isLocale } from "@/lib/i18n/config";
import { setUserLocale } from "@/lib/server/services/accounts";
import { getSessionUser } from "@/lib/server/session";

/** Sets the interface language: in a cookie for this browser, and on the account when signed in. */
export async function setLocaleAction(locale: string) {
  if (!isLocale(locale)) return;
  (await cookies()).set(LOCALE_COOKIE, locale, { maxAge: 365 * 24 * 3600, sameSite: "lax", path: "/" });
  const user = await getSessionUser();
  if (user) await setUserLocale(await getDb(), user.id, locale);
  revalidatePath("/", "layout");
}
