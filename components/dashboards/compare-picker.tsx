import Link from "next/link";
import { useTranslations } from "next-intl";
import { buttonClass } from "@/components/ui/button";

const control = "block rounded-md border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm focus:border-brand-500 focus:outline-none focus:ring-2 focus:ring-brand-500/30";
const fieldLabel = "block text-sm font-medium text-slate-700";

/** Which clients and months to compare: a GET form, so a comparison is a link that can be shared. */
export function ComparePicker({ options, selected, from, to }: { options: { id: string; name: string }[]; selected: string[]; from: string | null; to: string | null }) {
  const t = useTranslations("dashboards");
  const names = new Map(options.map((o) => [o.id, o.name]));
  const without = (id: string) => {
    const params = new URLSearchParams();
    const rest = selected.filter((s) => s !== id);
    if (rest.length) params.set("clients", rest.join(","));
    if (from) params.set("from", from);
    if (to) params.set("to", to);
    return `/compare${params.size ? `?${params}` : ""}`;
  };
  return (
    <form method="get" action="/compare" aria-label={t("compare.formLabel")} className="no-print space-y-3 rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
      <div className="flex flex-wrap items-end gap-4">
        <div className="min-w-64 flex-1 space-y-1">
          <label htmlFor="compare-clients" className={fieldLabel}>
            {t("compare.clients")}
          </label>
          <select id="compare-clients" name="clients" multiple size={Math.min(8, Math.max(4, options.length))} defaultValue={selected} aria-describedby="compare-clients-hint" className={`${control} w-full`}>
            {options.map((o) => (
              <option key={o.id} value={o.id}>
                {o.name}
              </option>
            ))}
          </select>
          <p id="compare-clients-hint" className="text-xs text-slate-600">
            {t("compare.clientsHint")}
          </p>
        </div>
        <div className="space-y-1">
          <label htmlFor="compare-from" className={fieldLabel}>
            {t("client.from")}
          </label>
          <input id="compare-from" name="from" type="month" defaultValue={from ?? ""} className={control} />
        </div>
        <div className="space-y-1">
          <label htmlFor="compare-to" className={fieldLabel}>
            {t("client.to")}
          </label>
          <input id="compare-to" name="to" type="month" defaultValue={to ?? ""} className={control} />
        </div>
        <button type="submit" className={buttonClass("primary")}>
          {t("compare.submit")}
        </button>
      </div>
      {selected.length > 0 && (
        <ul className="flex flex-wrap gap-2 text-sm" aria-label={t("compare.selected")}>
          {selected.map((id) => (
            <li key={id} className="inline-flex items-center gap-1 rounded-full bg-brand-50 px-3 py-1 text-brand-700">
              {names.get(id) ?? id}
              <Link href={without(id)} className="rounded-full px-1 hover:bg-brand-100" aria-label={t("compare.remove", { name: names.get(id) ?? id })}>
                <span aria-hidden="true">×</span>
              </Link>
            </li>
          ))}
        </ul>
      )}
    </form>
  );
}
