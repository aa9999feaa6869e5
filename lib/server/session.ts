import { cache } from "react";
import { eq } from "drizzle-orm";
import { notFound, redirect } from "next/navigation";
import { getDb } from "@/db";
import { users } from "@/db/schema";
import { auth } from "./auth";
import { AppError, isAppError } from "./errors";
import { loadUserTenantContext, resolveRequestTenantContext, type TenantContext } from "./tenant";

export interface SessionUser {
  id: string;
  email: string;
  name: string;
  locale: string | null;
  activeOrgId: string | null;
}

/** The signed-in user, read fresh from the database (a deleted user's cookie signs nobody in). */
export const getSessionUser = cache(async (): Promise<SessionUser | null> => {
  const session = await auth();
  const id = session?.user?.id;
  if (!id) return null;
  const db = await getDb();
  const [user] = await db
    .select({ id: users.id, email: users.email, name: users.name, locale: users.locale, activeOrgId: users.activeOrgId })
    .from(users)
    .where(eq(users.id, id))
    .limit(1);
  return user ?? null;
});

/** The signed-in user, or a redirect to sign-in. */
export async function requireSessionUser(): Promise<SessionUser> {
  const user = await getSessionUser();
  if (!user) redirect("/sign-in");
  return user;
}

/**
 * The one place a session becomes a tenant context: the user's active org and role there. Throws `not_found`
 * (AppError) when there is no session or membership; route handlers and actions map it, pages use
 * `getPageTenantContext`.
 */
export const getTenantContext = cache(async (): Promise<TenantContext> => {
  const user = await getSessionUser();
  if (!user) throw new AppError("unauthorized");
  return loadUserTenantContext(await getDb(), user.id, user.activeOrgId).catch(async (error) => {
    // The active org may have been left; fall back to any membership.
    if (isAppError(error) && user.activeOrgId) return loadUserTenantContext(await getDb(), user.id, null);
    throw error;
  });
});

/**
 * For route handlers that serve both the app and API users (exports, JSON for live widgets): an org API key in
 * `Authorization: Bearer …`, else the session. Errors are AppErrors (`unauthorized` → 401).
 */
export async function getRequestTenantContext(request: Request): Promise<TenantContext> {
  return resolveRequestTenantContext(request, { db: await getDb(), session: getTenantContext });
}

/** For pages: redirect to sign-in without a session, to onboarding without an org. */
export async function getPageTenantContext(): Promise<TenantContext> {
  await requireSessionUser();
  try {
    return await getTenantContext();
  } catch (error) {
    if (isAppError(error) && error.code === "not_found") redirect("/orgs/new");
    throw error;
  }
}

/** For pages that take an id: AppError not_found becomes the 404 page. */
export async function orNotFoundPage<T>(promise: Promise<T>): Promise<T> {
  try {
    return await promise;
  } catch (error) {
    if (isAppError(error) && error.code === "not_found") notFound();
    throw error;
  }
}
