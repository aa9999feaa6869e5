import { eq } from "drizzle-orm";
import type { Db } from "@/db";
import { emails } from "@/db/schema";

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
}

type Transport = { sendMail(message: MailMessage & { from: string }): Promise<unknown> };
let transport: Promise<Transport> | undefined;

function getTransport(url: string): Promise<Transport> {
  transport ??= import("nodemailer").then((nodemailer) => nodemailer.createTransport(url) as unknown as Transport);
  return transport;
}

/** Whether mail leaves the building (SMTP_URL set) or lands in the development outbox. */
export function isSmtpConfigured() {
  return Boolean(process.env.SMTP_URL);
}

/**
 * Sends an e-mail. Every message is recorded first; with SMTP_URL it is then delivered through nodemailer (a failure
 * is recorded and rethrown), without it the record is the development outbox at /dev/outbox. Never dropped silently.
 */
export async function sendMail(db: Db, message: MailMessage): Promise<{ id: string }> {
  const [row] = await db.insert(emails).values(message).returning({ id: emails.id });
  const url = process.env.SMTP_URL;
  if (!url) return row;
  try {
    await (await getTransport(url)).sendMail({ ...message, from: process.env.MAIL_FROM ?? "Impact24 <no-reply@localhost>" });
    await db.update(emails).set({ delivered: true }).where(eq(emails.id, row.id));
  } catch (error) {
    await db.update(emails).set({ error: String(error) }).where(eq(emails.id, row.id));
    throw error;
  }
  return row;
}

/** The public address of the app, for links in e-mails. */
export function appUrl(path = "/"): string {
  const base = process.env.APP_URL ?? process.env.AUTH_URL ?? `http://localhost:${process.env.PORT ?? 3000}`;
  return new URL(path, base).toString();
}

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

/** A plain, accessible e-mail: a heading, paragraphs and an optional button, as HTML and as text. */
export function composeMail(
  to: string,
  subject: string,
  paragraphs: string[],
  action?: { label: string; url: string },
  footer?: string,
): MailMessage {
  const text = [...paragraphs, ...(action ? [`${action.label}: ${action.url}`] : []), ...(footer ? [footer] : [])].join("\n\n");
  const html = `<!doctype html><html><body style="font-family:system-ui,sans-serif;color:#0f172a;max-width:560px;margin:auto;padding:24px">
<h1 style="font-size:20px">${escapeHtml(subject)}</h1>
${paragraphs.map((p) => `<p style="line-height:1.5">${escapeHtml(p)}</p>`).join("\n")}
${action ? `<p><a href="${escapeHtml(action.url)}" style="display:inline-block;background:#1f5ad4;color:#fff;padding:10px 18px;border-radius:6px;text-decoration:none">${escapeHtml(action.label)}</a></p><p style="font-size:12px;color:#64748b">${escapeHtml(action.url)}</p>` : ""}
${footer ? `<p style="font-size:12px;color:#64748b">${escapeHtml(footer)}</p>` : ""}
</body></html>`;
  return { to, subject, text, html };
}
