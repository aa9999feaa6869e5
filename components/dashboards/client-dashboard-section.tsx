import Link from "next/link";
import { getFormatter, getTranslations } from "next-intl/server";
import { LineChart, type ChartMarker, type ChartSeries } from "@/components/charts/line-chart";
import { buttonClass } from "@/components/ui/button";
import { Card, EmptyState } from "@/components/ui/card";
import { addMonths, type MetricKey, type MonthKey } from "@/lib/metrics";
import { getClientDashboard, type ClientDashboard, type ClientMetric } from "@/lib/server/dashboards/client-dashboard";
import { clientViewOptions, clientViewParams, type ClientView } from "@/lib/server/dashboards/client-view";
import type { Delta } from "@/lib/server/dashboards/compute";
import type { TenantContext } from "@/lib/server/tenant";
import { ConnectionState, DeltaBadge, VerdictBadge } from "./badges";
import { formatMetricValue, monthDate, MONTH_FORMAT, type FormatNumber } from "./format";
import { MonthNav } from "./portfolio-filters";
import { PrintButton } from "./print-button";
import { Sparkline } from "./sparkline";

const control = "block rounded-md border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm focus:border-brand-500 focus:outline-none focus:ring-2 focus:ring-brand-500/30";
const fieldLabel = "block text-sm font-medium text-slate-700";

/**
 * The client's dashboard on /clients/[id]: verdict, ten metric cards, a history chart per metric, before/after
 * go-live and period against period, with CSV exports of each table and a print view. Everything is computed on the
 * server; the charts are the only client-side script.
 */
export async function ClientDashboardSection({ ctx, clientId, view }: { ctx: TenantContext; clientId: string; view: ClientView }) {
  const d = await getClientDashboard(ctx, clientId, clientViewOptions(view));
  const t = await getTranslations("dashboards");
  const tm = await getTranslations("metrics");
  const tn = await getTranslations("metricData.nav");
  const format = await getFormatter();
  const number: FormatNumber = (v, o) => format.number(v, o);
  const currency = d.client.baseCurrency;
  const fmt = (m: { unit: ClientMetric["unit"] }, value: number | null) => formatMetricValue(number, m.unit, value, currency);
  const monthLong = (m: MonthKey) => format.dateTime(monthDate(m), MONTH_FORMAT.long);
  const monthShort = (m: MonthKey) => format.dateTime(monthDate(m), MONTH_FORMAT.short);
  const rangeText = (r: { from: MonthKey; to: MonthKey }) => (r.from === r.to ? monthLong(r.from) : t("client.range", { from: monthShort(r.from), to: monthShort(r.to) }));
  const base = `/clients/${d.client.id}`;
  const current: ClientView = { ...view, month: d.month };
  const href = (patch: Partial<ClientView>, hash = "") => {
    const params = clientViewParams({ ...current, ...patch });
    return `${base}${params.size ? `?${params}` : ""}${hash}`;
  };
  const historyCsv = `${base}/metrics.csv?from=${d.history.from}&to=${d.history.to}`;

  return (
    <section aria-labelledby="client-metrics" className="space-y-6" data-testid="client-dashboard">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h2 id="client-metrics" className="text-lg font-semibold">
            {t("client.title")}
          </h2>
          <p className="text-sm text-slate-600">{t("client.asOf", { month: monthLong(d.month) })}</p>
        </div>
        <div className="no-print flex flex-wrap items-end gap-2">
          <form method="get" action={base} className="flex items-end gap-2" aria-label={t("client.monthForm")}>
            <div className="space-y-1">
              <label htmlFor="client-month" className={fieldLabel}>
                {t("filters.month")}
              </label>
              <input id="client-month" name="month" type="month" defaultValue={d.month} className={control} />
            </div>
            {view.from && <input type="hidden" name="from" value={view.from} />}
            {view.to && <input type="hidden" name="to" value={view.to} />}
            <button type="submit" className={buttonClass("secondary")}>
              {t("filters.apply")}
            </button>
          </form>
          <MonthNav previousHref={href({ month: addMonths(d.month, -1) })} nextHref={href({ month: addMonths(d.month, 1) })} previousLabel={t("month.previous")} nextLabel={t("month.next")} />
          <PrintButton />
        </div>
      </div>

      <VerdictPanel d={d} monthLong={monthLong} />

      <nav aria-label={t("client.dataLinks")} className="no-print flex flex-wrap gap-x-4 gap-y-1 text-sm">
        <Link href={`${base}/metrics?month=${d.month}`} className="text-brand-700 hover:underline">
          {tn("overview")}
        </Link>
        <Link href={`${base}/metrics/inputs?month=${d.month}`} className="text-brand-700 hover:underline">
          {tn("inputs")}
        </Link>
        <Link href={`${base}/metrics/goals`} className="text-brand-700 hover:underline">
          {tn("goals")}
        </Link>
        <Link href={`${base}/metrics/settings`} className="text-brand-700 hover:underline">
          {tn("settings")}
        </Link>
        <Link href={`${base}/metrics/processes`} className="text-brand-700 hover:underline">
          {tn("processes")}
        </Link>
      </nav>

      {!d.hasSnapshots ? (
        <EmptyState
          title={d.connection ? t("client.noSnapshotsTitle") : t("client.noPortalTitle")}
          text={d.connection ? t("client.noSnapshotsText") : t("client.noPortalText")}
          action={
            !d.connection && (
              <a href="#portal" className={buttonClass("secondary", "sm")}>
                {t("client.connectPortal")}
              </a>
            )
          }
        />
      ) : (
        <>
          <ul className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3 xl:grid-cols-5" aria-label={t("client.cards")}>
            {d.metrics.map((m) => (
              <li key={m.key}>
                <MetricCard m={m} name={tm(`names.${m.key}`)} definition={tm(`definitions.${m.key}`)} fmt={fmt} number={number} drillDown={`${base}/metrics/${m.key}/${d.month}`} goals={`${base}/metrics/goals`} />
              </li>
            ))}
          </ul>
          <p className="no-print text-sm">
            <a href={`${base}/metrics.csv?from=${d.month}&to=${d.month}`} className="text-brand-700 hover:underline" download>
              {t("export.cardsCsv")}
            </a>
          </p>

          <section aria-labelledby="history-title" className="space-y-4">
            <div className="flex flex-wrap items-end justify-between gap-3">
              <div>
                <h3 id="history-title" className="text-base font-semibold">
                  {t("client.historyTitle")}
                </h3>
                <p className="text-sm text-slate-600">{rangeText(d.history)}</p>
              </div>
              <form method="get" action={`${base}#history-title`} className="no-print flex flex-wrap items-end gap-2" aria-label={t("client.rangeForm")}>
                <input type="hidden" name="month" value={d.month} />
                <div className="space-y-1">
                  <label htmlFor="history-from" className={fieldLabel}>
                    {t("client.from")}
                  </label>
                  <input id="history-from" name="from" type="month" defaultValue={d.history.from} className={control} />
                </div>
                <div className="space-y-1">
                  <label htmlFor="history-to" className={fieldLabel}>
                    {t("client.to")}
                  </label>
                  <input id="history-to" name="to" type="month" defaultValue={d.history.to} className={control} />
                </div>
                <button type="submit" className={buttonClass("secondary")}>
                  {t("filters.apply")}
                </button>
                <a href={historyCsv} className={buttonClass("ghost")} download>
                  {t("export.historyCsv")}
                </a>
              </form>
            </div>
            <div className="grid gap-4 lg:grid-cols-2">
              {d.metrics.map((m) => (
                <HistoryChart key={m.key} d={d} m={m} name={tm(`names.${m.key}`)} fmt={fmt} monthShort={monthShort} />
              ))}
            </div>
          </section>

          <BeforeAfter d={d} fmt={fmt} rangeText={rangeText} metricName={(k) => tm(`names.${k}`)} />
          <PeriodComparison d={d} view={current} fmt={fmt} rangeText={rangeText} metricName={(k) => tm(`names.${k}`)} />
        </>
      )}
    </section>
  );
}

async function VerdictPanel({ d, monthLong }: { d: ClientDashboard; monthLong: (m: MonthKey) => string }) {
  const t = await getTranslations("dashboards");
  const v = d.verdict;
  const format = await getFormatter();
  return (
    <Card className="flex flex-wrap items-start justify-between gap-4" aria-labelledby="verdict-title">
      <div className="space-y-2">
        <h3 id="verdict-title" className="flex items-center gap-2 text-base font-semibold">
          {t("client.verdictTitle")} <VerdictBadge verdict={v.verdict} />
        </h3>
        <p className="text-sm text-slate-700" data-testid="verdict-text">
          {v.reason === null
            ? t("client.verdictCounts", { improved: v.improved, flat: v.flat, worse: v.worse, measurable: v.measurable, from: monthLong(v.window![0]), to: monthLong(v.window![2]) })
            : t(`client.verdictReasons.${v.reason}`)}
        </p>
      </div>
      <dl className="grid gap-x-6 gap-y-2 text-sm sm:grid-cols-2">
        <div>
          <dt className="text-slate-500">{t("client.portal")}</dt>
          <dd className="mt-1">
            <ConnectionState status={d.connection?.status ?? null} lastSyncedAt={d.connection?.lastSyncedAt ?? null} now={new Date()} />
          </dd>
        </div>
        <div>
          <dt className="text-slate-500">{t("client.computedAt")}</dt>
          <dd className="mt-1">{d.computedAt ? format.dateTime(d.computedAt, { dateStyle: "medium", timeStyle: "short" }) : t("client.never")}</dd>
        </div>
      </dl>
    </Card>
  );
}

async function MetricCard({
  m,
  name,
  definition,
  fmt,
  number,
  drillDown,
  goals,
}: {
  m: ClientMetric;
  name: string;
  definition: string;
  fmt: (m: ClientMetric, v: number | null) => string | null;
  number: FormatNumber;
  drillDown: string;
  goals: string;
}) {
  const t = await getTranslations("dashboards");
  const value = fmt(m, m.current?.value ?? null);
  const titleId = `card-${m.key}`;
  return (
    <article aria-labelledby={titleId} className="flex h-full flex-col gap-2 rounded-lg border border-slate-200 bg-white p-4 shadow-sm" data-testid={`metric-card-${m.key}`}>
      <h4 id={titleId} className="text-sm font-medium text-slate-700" title={definition}>
        <a href={`#chart-${m.key}`} className="hover:text-brand-700 hover:underline">
          {name}
        </a>
      </h4>
      <p className="text-2xl font-semibold tabular-nums" data-value={m.current?.value ?? ""}>
        {value ?? <span className="text-base font-normal text-slate-500">{m.current ? t("notEnoughData") : t("noData")}</span>}
      </p>
      <div className="flex flex-wrap gap-x-3 gap-y-1">
        <DeltaBadge delta={m.vsPrevious} reference={t("client.vsPrevious")} />
        <DeltaBadge delta={m.vsBaseline} reference={t("client.vsBaseline")} />
      </div>
      <Sparkline values={m.sparkline} good={m.good} label={t("client.sparkline", { name, latest: value ?? t("noData") })} />
      <dl className="mt-auto space-y-0.5 text-xs text-slate-600">
        <div className="flex justify-between gap-2">
          <dt>
            <Link href={goals} className="hover:text-brand-700 hover:underline">
              {t("client.baseline")}
            </Link>
          </dt>
          <dd className="tabular-nums">
            {fmt(m, m.baseline.value) ?? t("client.notSet")}
            {m.baseline.source && <span className="sr-only"> ({t(`client.baselineSources.${m.baseline.source}`)})</span>}
          </dd>
        </div>
        <div className="flex justify-between gap-2">
          <dt>{t("client.target")}</dt>
          <dd className="tabular-nums">
            {fmt(m, m.target) ?? t("client.notSet")}
            {m.targetProgress.achieved !== null && (
              <span className={m.targetProgress.achieved ? "text-good" : "text-slate-600"}>
                {" "}
                {m.targetProgress.achieved ? t("client.achieved") : m.targetProgress.progress !== null ? t("client.progress", { progress: number(m.targetProgress.progress / 100, { style: "percent", maximumFractionDigits: 0 }) }) : ""}
              </span>
            )}
          </dd>
        </div>
        {m.benchmark && m.benchmark.count > 0 && (
          <div className="flex justify-between gap-2" data-testid={`benchmark-${m.key}`}>
            <dt>{t("client.benchmark")}</dt>
            <dd className="tabular-nums" title={t("client.benchmarkHint", { count: m.benchmark.count })}>
              {fmt(m, m.benchmark.p25)} · <strong>{fmt(m, m.benchmark.median)}</strong> · {fmt(m, m.benchmark.p75)}
            </dd>
          </div>
        )}
      </dl>
      <Link href={drillDown} className="no-print text-xs text-brand-700 hover:underline">
        {t("client.drillDown")}
        <span className="sr-only">: {name}</span>
      </Link>
    </article>
  );
}

async function HistoryChart({ d, m, name, fmt, monthShort }: { d: ClientDashboard; m: ClientMetric; name: string; fmt: (m: ClientMetric, v: number | null) => string | null; monthShort: (m: MonthKey) => string }) {
  const t = await getTranslations("dashboards");
  const months = d.history.months;
  const labels = months.map(monthShort);
  const series: ChartSeries[] = [{ label: name, data: m.history }];
  if (m.benchmarkHistory && m.benchmarkHistory.median.some((v) => v !== null)) {
    series.push({ label: `\u200b${t("client.p25")}`, data: m.benchmarkHistory.p25, kind: "bandLow" });
    series.push({ label: `\u200b${t("client.p75")}`, data: m.benchmarkHistory.p75, kind: "bandHigh" });
    series.push({ label: t("client.portfolioMedian"), data: m.benchmarkHistory.median, kind: "benchmark" });
  }
  if (m.historyTargets.some((v) => v !== null)) series.push({ label: t("client.monthlyTarget"), data: m.historyTargets, kind: "points" });
  const markers: ChartMarker[] = [];
  for (const e of d.events) {
    const index = months.indexOf(e.month);
    if (index >= 0) markers.push({ index, kind: e.kind, label: e.kind === "go_live" ? t("client.goLive") : t("client.audit") });
  }
  if (m.baseline.value !== null) markers.push({ value: m.baseline.value, kind: "baseline", label: t("client.baseline") });
  if (m.generalTarget !== null) markers.push({ value: m.generalTarget, kind: "target", label: t("client.target") });
  const known = m.history.filter((v) => v !== null).length;
  const latestIndex = m.history.findLastIndex((v) => v !== null);
  const summary = t("client.chartSummary", {
    name,
    count: known,
    months: months.length,
    from: labels[0],
    to: labels[labels.length - 1],
    latest: latestIndex >= 0 ? `${labels[latestIndex]}: ${fmt(m, m.history[latestIndex])}` : t("noData"),
    baseline: fmt(m, m.baseline.value) ?? t("client.notSet"),
    target: fmt(m, m.generalTarget) ?? t("client.notSet"),
  });
  return (
    <Card id={`chart-${m.key}`} aria-labelledby={`chart-title-${m.key}`} className="space-y-2">
      <h4 id={`chart-title-${m.key}`} className="text-sm font-semibold">
        {name}
      </h4>
      {known === 0 ? (
        <p className="py-10 text-center text-sm text-slate-500">{t("client.noHistory")}</p>
      ) : (
        <LineChart labels={labels} series={series} unit={m.unit} currency={d.client.baseCurrency} markers={markers} summary={summary} testId={`chart-${m.key}`} />
      )}
      <details className="no-print text-sm">
        <summary className="cursor-pointer text-brand-700">{t("client.dataTable")}</summary>
        <div className="mt-2 max-h-64 overflow-auto">
          <table className="w-full text-left text-xs">
            <caption className="sr-only">{t("client.dataTableCaption", { name })}</caption>
            <thead className="text-slate-500">
              <tr>
                <th scope="col" className="py-1 pr-3 font-medium">{t("client.month")}</th>
                <th scope="col" className="py-1 pr-3 text-right font-medium">{t("client.value")}</th>
                {m.benchmarkHistory && <th scope="col" className="py-1 pr-3 text-right font-medium">{t("client.portfolioMedian")}</th>}
                <th scope="col" className="py-1 text-right font-medium">{t("client.target")}</th>
              </tr>
            </thead>
            <tbody>
              {months.map((month, i) => (
                <tr key={month} className="border-t border-slate-100">
                  <th scope="row" className="py-1 pr-3 font-normal">{labels[i]}</th>
                  <td className="py-1 pr-3 text-right tabular-nums">{fmt(m, m.history[i]) ?? "—"}</td>
                  {m.benchmarkHistory && <td className="py-1 pr-3 text-right tabular-nums">{fmt(m, m.benchmarkHistory.median[i]) ?? "—"}</td>}
                  <td className="py-1 text-right tabular-nums">{fmt(m, m.historyTargets[i] ?? m.generalTarget) ?? "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </Card>
  );
}

/** A two-period table: metric, A, B, change. */
async function PeriodTable({
  caption,
  headA,
  headB,
  a,
  b,
  delta,
  d,
  fmt,
  metricName,
  testId,
}: {
  caption: string;
  headA: string;
  headB: string;
  a: Record<MetricKey, number | null> | null;
  b: Record<MetricKey, number | null> | null;
  delta: Record<MetricKey, Delta> | null;
  d: ClientDashboard;
  fmt: (m: ClientMetric, v: number | null) => string | null;
  metricName: (k: MetricKey) => string;
  testId: string;
}) {
  const t = await getTranslations("dashboards");
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-left text-sm" data-testid={testId}>
        <caption className="sr-only">{caption}</caption>
        <thead className="border-b border-slate-200 text-xs text-slate-500">
          <tr>
            <th scope="col" className="py-2 pr-3 font-medium">{t("client.metric")}</th>
            <th scope="col" className="py-2 pr-3 text-right font-medium">{headA}</th>
            <th scope="col" className="py-2 pr-3 text-right font-medium">{headB}</th>
            <th scope="col" className="py-2 text-right font-medium">{t("client.change")}</th>
          </tr>
        </thead>
        <tbody>
          {d.metrics.map((m) => (
            <tr key={m.key} className="border-b border-slate-100 last:border-0">
              <th scope="row" className="py-2 pr-3 font-medium">{metricName(m.key)}</th>
              <td className="py-2 pr-3 text-right tabular-nums">{fmt(m, a?.[m.key] ?? null) ?? "—"}</td>
              <td className="py-2 pr-3 text-right tabular-nums">{fmt(m, b?.[m.key] ?? null) ?? "—"}</td>
              <td className="py-2 text-right">{delta ? <DeltaBadge delta={delta[m.key]} reference={headA} /> : "—"}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

async function BeforeAfter({ d, fmt, rangeText, metricName }: { d: ClientDashboard; fmt: (m: ClientMetric, v: number | null) => string | null; rangeText: (r: { from: MonthKey; to: MonthKey }) => string; metricName: (k: MetricKey) => string }) {
  const t = await getTranslations("dashboards");
  const ba = d.beforeAfter;
  return (
    <Card aria-labelledby="before-after-title" className="space-y-3">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h3 id="before-after-title" className="text-base font-semibold">
          {t("client.beforeAfterTitle")}
        </h3>
        {ba && (
          <a href={`/clients/${d.client.id}/periods.csv?table=go_live`} className="no-print text-sm text-brand-700 hover:underline" download>
            {t("export.csv")}
          </a>
        )}
      </div>
      {!ba ? (
        <p className="text-sm text-slate-600">
          {t("client.noGoLive")}{" "}
          <Link href={`/clients/${d.client.id}/edit`} className="text-brand-700 hover:underline">
            {t("client.setGoLive")}
          </Link>
        </p>
      ) : (
        <>
          <p className="text-sm text-slate-600">
            {t("client.beforeAfterText", { before: ba.before ? rangeText(ba.before.range) : t("client.noMonths"), after: ba.after ? rangeText(ba.after.range) : t("client.noMonths") })}
          </p>
          <PeriodTable
            caption={t("client.beforeAfterTitle")}
            headA={t("client.before")}
            headB={t("client.after")}
            a={ba.before?.values ?? null}
            b={ba.after?.values ?? null}
            delta={ba.delta}
            d={d}
            fmt={fmt}
            metricName={metricName}
            testId="before-after-table"
          />
        </>
      )}
    </Card>
  );
}

async function PeriodComparison({ d, view, fmt, rangeText, metricName }: { d: ClientDashboard; view: ClientView; fmt: (m: ClientMetric, v: number | null) => string | null; rangeText: (r: { from: MonthKey; to: MonthKey }) => string; metricName: (k: MetricKey) => string }) {
  const t = await getTranslations("dashboards");
  const c = d.comparison;
  const custom = view.custom ?? { a: c.a.range, b: c.b.range };
  const params = clientViewParams({ ...view, cmp: c.mode });
  return (
    <Card aria-labelledby="periods-title" className="space-y-3">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h3 id="periods-title" className="text-base font-semibold">
          {t("client.periodsTitle")}
        </h3>
        <a href={`/clients/${d.client.id}/periods.csv?table=period&${params}`} className="no-print text-sm text-brand-700 hover:underline" download>
          {t("export.csv")}
        </a>
      </div>
      <form method="get" action={`/clients/${d.client.id}#periods-title`} className="no-print flex flex-wrap items-end gap-3" aria-label={t("client.periodsForm")}>
        <input type="hidden" name="month" value={d.month} />
        <div className="space-y-1">
          <label htmlFor="periods-cmp" className={fieldLabel}>
            {t("client.compareWith")}
          </label>
          <select id="periods-cmp" name="cmp" defaultValue={c.mode} className={control}>
            {(["previous", "year", "custom"] as const).map((mode) => (
              <option key={mode} value={mode}>
                {t(`client.modes.${mode}`)}
              </option>
            ))}
          </select>
        </div>
        <fieldset className="flex flex-wrap items-end gap-2">
          <legend className="mb-1 text-sm font-medium text-slate-700">{t("client.periodA")}</legend>
          <label className="sr-only" htmlFor="periods-af">{t("client.periodAFrom")}</label>
          <input id="periods-af" name="af" type="month" defaultValue={custom.a.from} className={control} />
          <label className="sr-only" htmlFor="periods-at">{t("client.periodATo")}</label>
          <input id="periods-at" name="at" type="month" defaultValue={custom.a.to} className={control} />
        </fieldset>
        <fieldset className="flex flex-wrap items-end gap-2">
          <legend className="mb-1 text-sm font-medium text-slate-700">{t("client.periodB")}</legend>
          <label className="sr-only" htmlFor="periods-bf">{t("client.periodBFrom")}</label>
          <input id="periods-bf" name="bf" type="month" defaultValue={custom.b.from} className={control} />
          <label className="sr-only" htmlFor="periods-bt">{t("client.periodBTo")}</label>
          <input id="periods-bt" name="bt" type="month" defaultValue={custom.b.to} className={control} />
        </fieldset>
        <button type="submit" className={buttonClass("secondary")}>
          {t("filters.apply")}
        </button>
      </form>
      <p className="text-sm text-slate-600">{t("client.periodsText", { a: rangeText(c.a.range), b: rangeText(c.b.range) })}</p>
      <PeriodTable
        caption={t("client.periodsTitle")}
        headA={rangeText(c.a.range)}
        headB={rangeText(c.b.range)}
        a={c.a.values}
        b={c.b.values}
        delta={c.delta}
        d={d}
        fmt={fmt}
        metricName={metricName}
        testId="periods-table"
      />
    </Card>
  );
}
