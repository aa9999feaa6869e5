import { desc, eq } from "drizzle-orm";
import type { Db } from "@/db";
import { emails } from "@/db/schema";
import { isUuid } from "../ids";
import { isConfiguredDeployment } from "../secrets";

/**
 * Whether the development outbox exists. It shows every e-mail the app sent, to anyone, which is what a newcomer
 * running the embedded default needs to read invitation and reset e-mails, and what a configured production
 * deployment (NODE_ENV=production with DATABASE_URL) must never expose.
 */
export function isOutboxEnabled(): boolean {
  return !isConfiguredDeployment();
}

/** The newest e-mails, without their bodies. */
export async function listOutbox(db: Db, limit = 100) {
  return db
    .select({ id: emails.id, to: emails.to, subject: emails.subject, delivered: emails.delivered, error: emails.error, createdAt: emails.createdAt })
    .from(emails)
    .orderBy(desc(emails.createdAt), desc(emails.id))
    .limit(limit);
}

/** One e-mail with its bodies, or null. */
export async function getOutboxMessage(db: Db, id: string) {
  if (!isUuid(id)) return null;
  const [message] = await db.select().from(emails).where(eq(emails.id, id)).limit(1);
  return message ?? null;
}

/** The links in a message's text body, in order and without duplicates (the text body is what we compose links into). */
export function extractLinks(text: string): string[] {
  return [...new Set(text.match(/https?:\/\/[^\s<>"']+/g) ?? [])];
}
