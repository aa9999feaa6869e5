import Link from "next/link";
import { notFound } from "next/navigation";
import { connection } from "next/server";
import { getFormatter, getTranslations } from "next-intl/server";
import { getDb } from "@/db";
import { Alert } from "@/components/ui/alert";
import { Card } from "@/components/ui/card";
import { extractLinks, getOutboxMessage, isOutboxEnabled } from "@/lib/server/services/outbox";

export async function generateMetadata() {
  return { title: (await getTranslations("outbox"))("title"), robots: { index: false }, referrer: "no-referrer" as const };
}

/** Links in the message open in a new tab: the preview frame is sandboxed and may not navigate this page. */
const withBaseTarget = (html: string) => html.replace(/<head>|<body([^>]*)>/i, (tag) => `${tag}<base target="_blank">`);

export default async function OutboxMessagePage({ params }: { params: Promise<{ id: string }> }) {
  await connection();
  if (!isOutboxEnabled()) notFound();
  const message = await getOutboxMessage(await getDb(), (await params).id);
  if (!message) notFound();
  const t = await getTranslations("outbox");
  const format = await getFormatter();
  const links = extractLinks(message.text);
  return (
    <div className="space-y-6">
      <Link href="/dev/outbox" className="text-sm text-brand-600 underline">
        ← {t("back")}
      </Link>
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">{message.subject}</h1>
        <dl className="mt-2 grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm">
          <dt className="text-slate-500">{t("to")}</dt>
          <dd>{message.to}</dd>
          <dt className="text-slate-500">{t("when")}</dt>
          <dd>{format.dateTime(message.createdAt, { dateStyle: "medium", timeStyle: "medium" })}</dd>
        </dl>
      </div>
      {message.error && <Alert tone="error">{t("error", { error: message.error })}</Alert>}
      <Card>
        <h2 className="mb-2 text-lg font-semibold">{t("links")}</h2>
        {links.length === 0 ? (
          <p className="text-sm text-slate-600">{t("noLinks")}</p>
        ) : (
          <ul className="space-y-1 text-sm">
            {links.map((link) => (
              <li key={link}>
                <a href={link} className="break-all text-brand-700 underline" data-outbox-link>
                  {link}
                </a>
              </li>
            ))}
          </ul>
        )}
      </Card>
      <Card>
        <h2 className="mb-3 text-lg font-semibold">{t("html")}</h2>
        {/* The HTML is rendered in a sandbox with no scripts, no forms and no access to this page. */}
        <iframe
          title={t("html")}
          sandbox="allow-popups allow-popups-to-escape-sandbox"
          srcDoc={withBaseTarget(message.html)}
          className="h-[28rem] w-full rounded border border-slate-200 bg-white"
        />
      </Card>
      <Card>
        <h2 className="mb-3 text-lg font-semibold">{t("text")}</h2>
        <pre className="whitespace-pre-wrap break-words text-sm">{message.text}</pre>
      </Card>
    </div>
  );
}
