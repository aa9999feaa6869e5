import Link from "next/link";
import { getFormatter, getTranslations } from "next-intl/server";
import { MONTH_FORMAT, monthDate } from "@/components/dashboards/format";
import { ImportForm } from "@/components/metrics/import-form";
import { InputsForm } from "@/components/metrics/inputs-form";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { isMonthKey, monthOf } from "@/lib/metrics";
import { can } from "@/lib/server/permissions";
import { getClientInOrg } from "@/lib/server/services/clients";
import { getMonthlyInputs, listMonthlyInputs } from "@/lib/server/services/metric-inputs";
import { getPageTenantContext, orNotFoundPage } from "@/lib/server/session";

/** Manual inputs per month: pick a month, edit its inputs; import many months from CSV. */
export default async function MetricInputsPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<{ month?: string }> }) {
  const ctx = await getPageTenantContext();
  const client = await orNotFoundPage(getClientInOrg(ctx, (await params).id));
  const requested = (await searchParams).month;
  const month = requested && isMonthKey(requested) ? requested : monthOf(Date.now(), client.timeZone);
  const [inputs, months] = await Promise.all([getMonthlyInputs(ctx, client.id, month), listMonthlyInputs(ctx, client.id)]);
  const t = await getTranslations("metricData");
  const format = await getFormatter();
  const writer = can(ctx.role, "metrics.write");
  const label = (m: string) => format.dateTime(monthDate(m), MONTH_FORMAT.long);
  const values = Object.fromEntries(Object.entries(inputs).filter(([k]) => k !== "month")) as Record<string, number | null>;

  return (
    <div className="grid gap-6 lg:grid-cols-[1fr_16rem]">
      <div className="space-y-6">
        <p className="text-sm text-slate-600">{t("inputs.description", { currency: client.baseCurrency })}</p>
        <form method="get" className="flex items-end gap-2">
          <div className="space-y-1">
            <label htmlFor="inputs-month" className="block text-sm font-medium text-slate-700">
              {t("inputs.month")}
            </label>
            <input id="inputs-month" name="month" type="month" defaultValue={month} required className="rounded-md border border-slate-300 px-3 py-2 text-sm" />
          </div>
          <Button type="submit" variant="secondary">
            {t("inputs.show")}
          </Button>
        </form>
        <Card>
          <h2 className="mb-4 text-lg font-semibold">{t("inputs.editing", { month: label(month) })}</h2>
          <InputsForm key={month} clientId={client.id} month={month} values={values} disabled={!writer} />
        </Card>
        {writer && (
          <Card>
            <h2 className="mb-4 text-lg font-semibold">{t("import.title")}</h2>
            <ImportForm clientId={client.id} kinds={["inputs"]} />
          </Card>
        )}
      </div>
      <aside>
        <h2 className="mb-2 text-sm font-semibold text-slate-700">{t("inputs.monthsWithInputs")}</h2>
        {months.length === 0 ? (
          <p className="text-sm text-slate-500">{t("inputs.none")}</p>
        ) : (
          <ul className="space-y-1 text-sm">
            {months.map((m) => (
              <li key={m.month}>
                <Link href={`?month=${m.month}`} aria-current={m.month === month ? "page" : undefined} className="text-brand-700 hover:underline aria-[current=page]:font-semibold">
                  {label(m.month)}
                </Link>
              </li>
            ))}
          </ul>
        )}
      </aside>
    </div>
  );
}
