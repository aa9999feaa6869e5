import Link from "next/link";
import { getFormatter, getTranslations } from "next-intl/server";
import { describeAuditEntry } from "@/components/audit-log/describe-entry";
import { Alert } from "@/components/ui/alert";
import { buttonClass } from "@/components/ui/button";
import { Card, EmptyState } from "@/components/ui/card";
import type { Translate } from "@/lib/i18n/messages";
import { can } from "@/lib/server/permissions";
import { AUDIT_PAGE_SIZE, listAuditEntries } from "@/lib/server/services/audit-trail";
import { getPageTenantContext } from "@/lib/server/session";

export async function generateMetadata() {
  return { title: (await getTranslations("auditLog"))("title") };
}

export default async function AuditLogPage({ searchParams }: { searchParams: Promise<{ page?: string }> }) {
  const ctx = await getPageTenantContext();
  const t = await getTranslations("auditLog");
  if (!can(ctx.role, "audit.read")) return <Alert tone="error">{(await getTranslations("errors"))("forbidden")}</Alert>;
  const page = Math.max(1, Math.floor(Number((await searchParams).page) || 1));
  const { entries, hasMore } = await listAuditEntries(ctx, { offset: (page - 1) * AUDIT_PAGE_SIZE });
  const format = await getFormatter();
  const translators = {
    audit: t as unknown as Translate,
    roles: (await getTranslations("members.roles")) as unknown as Translate,
    fields: (await getTranslations("clients.fields")) as unknown as Translate,
  };

  return (
    <Card>
      <h2 className="text-lg font-semibold">{t("title")}</h2>
      <p className="mb-4 mt-1 text-sm text-slate-600">{t("description")}</p>
      {entries.length === 0 ? (
        <EmptyState title={t("empty")} />
      ) : (
        <div className="overflow-x-auto">
          <table className="w-full text-left text-sm">
            <thead className="border-b border-slate-200 text-xs uppercase text-slate-500">
              <tr>
                <th scope="col" className="py-2 pr-4 font-medium">{t("when")}</th>
                <th scope="col" className="py-2 pr-4 font-medium">{t("who")}</th>
                <th scope="col" className="py-2 font-medium">{t("what")}</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((entry) => {
                const { text, extra } = describeAuditEntry(entry, translators);
                const who =
                  entry.actorType === "user"
                    ? (entry.actorName ?? t("deletedUser"))
                    : entry.actorType === "api_key"
                      ? t("apiKey")
                      : t("system");
                return (
                  <tr key={entry.id} className="border-b border-slate-100 align-top last:border-0">
                    <td className="whitespace-nowrap py-2 pr-4 text-slate-600">
                      <time dateTime={entry.createdAt.toISOString()}>
                        {format.dateTime(entry.createdAt, { dateStyle: "medium", timeStyle: "short" })}
                      </time>
                    </td>
                    <td className="py-2 pr-4">
                      <div>{who}</div>
                      {entry.actorEmail && <div className="text-xs text-slate-500">{entry.actorEmail}</div>}
                    </td>
                    <td className="py-2">
                      <div>{text}</div>
                      {extra && <div className="text-xs text-slate-500">{extra}</div>}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {(page > 1 || hasMore) && (
        <nav className="mt-4 flex justify-between gap-2" aria-label={t("title")}>
          {page > 1 ? (
            <Link href={page === 2 ? "/settings/audit" : `/settings/audit?page=${page - 1}`} className={buttonClass("secondary", "sm")}>
              {t("newer")}
            </Link>
          ) : (
            <span />
          )}
          {hasMore && (
            <Link href={`/settings/audit?page=${page + 1}`} className={buttonClass("secondary", "sm")}>
              {t("older")}
            </Link>
          )}
        </nav>
      )}
    </Card>
  );
}
