import Link from "next/link";
import { redirect } from "next/navigation";
import { getFormatter, getTranslations } from "next-intl/server";
import { ClientStatusBadge } from "@/components/clients/client-status-badge";
import { ButtonLink, buttonClass } from "@/components/ui/button";
import { EmptyState, PageHeader } from "@/components/ui/card";
import { can } from "@/lib/server/permissions";
import { CLIENT_FILTERS, CLIENT_PAGE_SIZE, listClients, type ClientFilter } from "@/lib/server/services/clients";
import { getPageTenantContext } from "@/lib/server/session";

export async function generateMetadata() {
  return { title: (await getTranslations("clients"))("title") };
}

type Search = { q?: string; status?: string; page?: string };

function href(search: { q: string; status: ClientFilter; page: number }) {
  const query = new URLSearchParams();
  if (search.q) query.set("q", search.q);
  if (search.status !== "current") query.set("status", search.status);
  if (search.page > 1) query.set("page", String(search.page));
  return query.size ? `/clients?${query}` : "/clients";
}

export default async function ClientsPage({ searchParams }: { searchParams: Promise<Search> }) {
  const ctx = await getPageTenantContext();
  // A client viewer has exactly one client: their list is that client's page.
  if (ctx.clientScope) redirect(`/clients/${ctx.clientScope}`);
  const params = await searchParams;
  const q = (params.q ?? "").trim().slice(0, 200);
  const status: ClientFilter = CLIENT_FILTERS.includes(params.status as ClientFilter) ? (params.status as ClientFilter) : "current";
  const page = Math.max(1, Math.floor(Number(params.page) || 1));
  const { items, total } = await listClients(ctx, { q, status, offset: (page - 1) * CLIENT_PAGE_SIZE });
  const pages = Math.max(1, Math.ceil(total / CLIENT_PAGE_SIZE));
  const t = await getTranslations("clients");
  const format = await getFormatter();
  const writer = can(ctx.role, "clients.write");
  const filtered = q !== "" || status !== "current";

  return (
    <div>
      <PageHeader
        title={t("title")}
        description={t("description")}
        actions={writer && <ButtonLink href="/clients/new">{t("new")}</ButtonLink>}
      />
      <form method="get" action="/clients" role="search" className="mb-4 flex flex-wrap items-end gap-3">
        <div className="min-w-56 flex-1 space-y-1">
          <label htmlFor="clients-q" className="block text-sm font-medium text-slate-700">
            {t("searchLabel")}
          </label>
          <input
            id="clients-q"
            name="q"
            type="search"
            defaultValue={q}
            placeholder={t("searchPlaceholder")}
            className="block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm focus:border-brand-500 focus:outline-none focus:ring-2 focus:ring-brand-500/30"
          />
        </div>
        <div className="space-y-1">
          <label htmlFor="clients-status" className="block text-sm font-medium text-slate-700">
            {t("statusFilter")}
          </label>
          <select
            id="clients-status"
            name="status"
            defaultValue={status}
            className="block rounded-md border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm"
          >
            {CLIENT_FILTERS.map((filter) => (
              <option key={filter} value={filter}>
                {t(`filters.${filter}`)}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" className={buttonClass("secondary")}>
          {t("apply")}
        </button>
        {filtered && (
          <Link href="/clients" className={buttonClass("ghost")}>
            {t("clear")}
          </Link>
        )}
      </form>

      {items.length === 0 ? (
        filtered || page > 1 ? (
          <EmptyState title={t("noMatchTitle")} text={t("noMatchText")} />
        ) : (
          <EmptyState
            title={t("emptyTitle")}
            text={writer ? t("emptyText") : t("emptyViewer")}
            action={writer && <ButtonLink href="/clients/new">{t("new")}</ButtonLink>}
          />
        )
      ) : (
        <div className="rounded-lg border border-slate-200 bg-white shadow-sm">
          <p className="border-b border-slate-200 px-5 py-3 text-sm text-slate-600" role="status">
            {t("count", { count: total })}
          </p>
          <div className="overflow-x-auto">
            <table className="w-full text-left text-sm">
              <thead className="border-b border-slate-200 text-xs uppercase text-slate-500">
                <tr>
                  <th scope="col" className="px-5 py-2 font-medium">{t("fields.name")}</th>
                  <th scope="col" className="px-5 py-2 font-medium">{t("fields.status")}</th>
                  <th scope="col" className="px-5 py-2 font-medium">{t("fields.timeZone")}</th>
                  <th scope="col" className="px-5 py-2 font-medium">{t("fields.baseCurrency")}</th>
                  <th scope="col" className="px-5 py-2 font-medium">{t("fields.goLiveDate")}</th>
                </tr>
              </thead>
              <tbody>
                {items.map((client) => (
                  <tr key={client.id} className="border-b border-slate-100 last:border-0 hover:bg-slate-50">
                    <td className="px-5 py-3 font-medium">
                      <Link href={`/clients/${client.id}`} className="text-brand-700 hover:underline">
                        {client.name}
                      </Link>
                    </td>
                    <td className="px-5 py-3">
                      <ClientStatusBadge status={client.status} />
                    </td>
                    <td className="px-5 py-3 text-slate-600">{client.timeZone}</td>
                    <td className="px-5 py-3 text-slate-600">{client.baseCurrency}</td>
                    <td className="px-5 py-3 text-slate-600">
                      {client.goLiveDate ? format.dateTime(new Date(`${client.goLiveDate}T00:00:00Z`), { dateStyle: "medium", timeZone: "UTC" }) : t("notSet")}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      )}

      {pages > 1 && (
        <nav aria-label={t("pagination")} className="mt-4 flex items-center justify-between gap-2 text-sm">
          {page > 1 ? (
            <Link href={href({ q, status, page: page - 1 })} className={buttonClass("secondary", "sm")}>
              {t("previous")}
            </Link>
          ) : (
            <span />
          )}
          <span className="text-slate-600">{t("pageOf", { page, pages })}</span>
          {page < pages ? (
            <Link href={href({ q, status, page: page + 1 })} className={buttonClass("secondary", "sm")}>
              {t("next")}
            </Link>
          ) : (
            <span />
          )}
        </nav>
      )}
    </div>
  );
}
