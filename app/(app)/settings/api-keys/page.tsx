import { getFormatter, getTranslations } from "next-intl/server";
import { CreateApiKeyForm } from "@/components/api-keys/create-api-key-form";
import { Alert } from "@/components/ui/alert";
import { Badge, Card, EmptyState } from "@/components/ui/card";
import { ConfirmAction } from "@/components/ui/confirm-action";
import { can } from "@/lib/server/permissions";
import { listApiKeys } from "@/lib/server/services/api-keys";
import { getPageTenantContext } from "@/lib/server/session";
import { revokeApiKeyAction } from "./actions";

export async function generateMetadata() {
  return { title: (await getTranslations("apiKeys"))("title") };
}

export default async function ApiKeysPage() {
  const ctx = await getPageTenantContext();
  const t = await getTranslations("apiKeys");
  const format = await getFormatter();
  const manage = can(ctx.role, "org.manage");
  const keys = manage ? await listApiKeys(ctx) : [];
  const date = (value: Date) => format.dateTime(value, { dateStyle: "medium", timeStyle: "short" });

  return (
    <div className="space-y-8">
      <Card>
        <h2 className="text-lg font-semibold">{t("title")}</h2>
        <p className="mt-1 text-sm text-slate-600">{t("description")}</p>
        <p className="mt-2 text-sm text-slate-600">
          {t.rich("usage", { code: (chunks) => <code className="rounded bg-slate-100 px-1">{chunks}</code> })}{" "}
          <a href="/openapi.json" className="font-medium text-brand-700 underline">
            {t("docsLink")}
          </a>
        </p>
      </Card>

      {!manage ? (
        <Alert>{t("readOnly")}</Alert>
      ) : (
        <div className="grid gap-8 lg:grid-cols-[2fr_1fr]">
          <Card>
            <h2 className="mb-4 text-lg font-semibold">{t("listTitle")}</h2>
            {keys.length === 0 ? (
              <EmptyState title={t("emptyTitle")} text={t("emptyText")} />
            ) : (
              <div className="overflow-x-auto">
                <table className="w-full text-left text-sm">
                  <thead className="border-b border-slate-200 text-xs uppercase text-slate-500">
                    <tr>
                      <th scope="col" className="py-2 pr-4 font-medium">{t("name")}</th>
                      <th scope="col" className="py-2 pr-4 font-medium">{t("prefix")}</th>
                      <th scope="col" className="py-2 pr-4 font-medium">{t("createdAtColumn")}</th>
                      <th scope="col" className="py-2 pr-4 font-medium">{t("lastUsed")}</th>
                      <th scope="col" className="py-2 pr-4 font-medium">{t("status")}</th>
                      <th scope="col" className="py-2 font-medium"><span className="sr-only">{t("revoke")}</span></th>
                    </tr>
                  </thead>
                  <tbody>
                    {keys.map((key) => (
                      <tr
                        key={key.id}
                        data-api-key={key.name}
                        className={`border-b border-slate-100 align-top last:border-0 ${key.revokedAt ? "text-slate-400" : ""}`}
                      >
                        <td className="py-3 pr-4">
                          <div className="font-medium">{key.name}</div>
                          <div className="text-xs text-slate-500">{t(`scopes.${key.scope}`)}</div>
                        </td>
                        <td className="whitespace-nowrap py-3 pr-4 font-mono text-xs">{key.prefix}…</td>
                        <td className="py-3 pr-4">
                          <div className="whitespace-nowrap">{date(key.createdAt)}</div>
                          {key.createdByName && <div className="text-xs text-slate-500">{t("createdBy", { name: key.createdByName })}</div>}
                        </td>
                        <td className="whitespace-nowrap py-3 pr-4">{key.lastUsedAt ? date(key.lastUsedAt) : t("never")}</td>
                        <td className="py-3 pr-4">
                          {key.revokedAt ? (
                            <Badge>{t("revoked", { date: date(key.revokedAt) })}</Badge>
                          ) : (
                            <Badge tone="good">{t("active")}</Badge>
                          )}
                        </td>
                        <td className="py-3 text-right">
                          {!key.revokedAt && (
                            <ConfirmAction
                              action={revokeApiKeyAction}
                              fields={{ apiKeyId: key.id }}
                              label={t("revoke")}
                              title={t("revokeTitle", { name: key.name })}
                              text={t("revokeText")}
                              confirmLabel={t("revokeConfirm")}
                              pendingLabel={t("revoking")}
                            />
                          )}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </Card>
          <Card>
            <h2 className="text-lg font-semibold">{t("createTitle")}</h2>
            <p className="mb-4 mt-1 text-sm text-slate-600">{t("createText")}</p>
            <CreateApiKeyForm />
          </Card>
        </div>
      )}
    </div>
  );
}
