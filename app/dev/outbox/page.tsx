import Link from "next/link";
import { notFound } from "next/navigation";
import { connection } from "next/server";
import { getFormatter, getTranslations } from "next-intl/server";
import { getDb } from "@/db";
import { Alert } from "@/components/ui/alert";
import { buttonClass } from "@/components/ui/button";
import { Badge, EmptyState, PageHeader } from "@/components/ui/card";
import { isSmtpConfigured } from "@/lib/server/mail";
import { isOutboxEnabled, listOutbox } from "@/lib/server/services/outbox";

export async function generateMetadata() {
  return { title: (await getTranslations("outbox"))("title"), robots: { index: false } };
}

export default async function OutboxPage() {
  await connection();
  if (!isOutboxEnabled()) notFound();
  const t = await getTranslations("outbox");
  const format = await getFormatter();
  const messages = await listOutbox(await getDb());
  return (
    <div>
      <PageHeader
        title={t("title")}
        description={t("description")}
        actions={
          <Link href="/dev/outbox" className={buttonClass("secondary", "sm")}>
            {t("refresh")}
          </Link>
        }
      />
      <Alert className="mb-4">{isSmtpConfigured() ? t("smtpOn") : t("smtpOff")}</Alert>
      {messages.length === 0 ? (
        <EmptyState title={t("empty")} />
      ) : (
        <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm">
          <table className="w-full text-left text-sm">
            <thead className="border-b border-slate-200 text-xs uppercase text-slate-500">
              <tr>
                <th scope="col" className="px-5 py-2 font-medium">{t("when")}</th>
                <th scope="col" className="px-5 py-2 font-medium">{t("to")}</th>
                <th scope="col" className="px-5 py-2 font-medium">{t("subject")}</th>
                <th scope="col" className="px-5 py-2 font-medium">{t("status")}</th>
              </tr>
            </thead>
            <tbody>
              {messages.map((message) => (
                <tr key={message.id} className="border-b border-slate-100 last:border-0 hover:bg-slate-50">
                  <td className="whitespace-nowrap px-5 py-3 text-slate-600">
                    {format.dateTime(message.createdAt, { dateStyle: "short", timeStyle: "medium" })}
                  </td>
                  <td className="px-5 py-3">{message.to}</td>
                  <td className="px-5 py-3">
                    <Link href={`/dev/outbox/${message.id}`} className="text-brand-700 hover:underline">
                      {message.subject}
                    </Link>
                  </td>
                  <td className="px-5 py-3">
                    {message.error ? (
                      <Badge tone="bad">{t("failed")}</Badge>
                    ) : message.delivered ? (
                      <Badge tone="good">{t("delivered")}</Badge>
                    ) : (
                      <Badge>{t("kept")}</Badge>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
