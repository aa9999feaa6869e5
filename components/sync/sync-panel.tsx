"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useFormatter, useTranslations } from "next-intl";
import { useState } from "react";
import { requestSyncAction } from "@/app/actions/sync";
import { Button } from "@/components/ui/button";
import { Badge } from "@/components/ui/card";
import { Spinner } from "@/components/ui/spinner";
import type { SyncEntityJson, SyncRunJson, SyncStatusJson } from "./types";

const RUN_TONES: Record<SyncRunJson["status"], "good" | "bad" | "warn" | "neutral" | "info"> = {
  queued: "info",
  running: "info",
  succeeded: "good",
  failed: "bad",
  cancelled: "neutral",
};

const ENTITY_TONES: Record<string, "good" | "bad" | "warn" | "neutral" | "info"> = {
  pending: "neutral",
  running: "info",
  done: "good",
  failed: "bad",
  skipped: "warn",
};

/** The order lists appear in: the big CRM lists first, then the dictionaries. */
const ENTITY_ORDER = [
  "deal",
  "lead",
  "contact",
  "company",
  "activity",
  "dealStageHistory",
  "leadStageHistory",
  "users",
  "statuses",
  "categories",
  "currencies",
  "userFields",
  "workflowTemplates",
  "crmMode",
];

/** Query key of a client's sync status: org first, so switching orgs never shows another org's cache. */
export const syncQueryKey = (orgId: string, clientId: string) => ["org", orgId, "client", clientId, "sync"] as const;

async function fetchStatus(clientId: string): Promise<SyncStatusJson> {
  const res = await fetch(`/api/clients/${encodeURIComponent(clientId)}/sync`, { headers: { accept: "application/json" } });
  if (!res.ok) throw new Error(((await res.json().catch(() => ({}))) as { error?: string }).error ?? String(res.status));
  return (await res.json()) as SyncStatusJson;
}

/**
 * Live sync progress of a client's portal: the run in progress with rows, totals, rate and ETA per list (polled
 * every two seconds while a run is active), "Sync now" and "Full re-sync" for members allowed to sync, and the
 * history of the last runs with their errors.
 */
export function SyncPanel({
  orgId,
  clientId,
  canSync,
  initial,
}: {
  orgId: string;
  clientId: string;
  canSync: boolean;
  initial?: SyncStatusJson;
}) {
  const t = useTranslations("sync");
  const queryClient = useQueryClient();
  const [message, setMessage] = useState<{ tone: "success" | "error"; text: string } | null>(null);
  const key = syncQueryKey(orgId, clientId);
  const query = useQuery({
    queryKey: key,
    queryFn: () => fetchStatus(clientId),
    initialData: initial,
    refetchInterval: (q) => (q.state.data?.current ? 2000 : 30_000),
  });
  const mutation = useMutation({
    mutationFn: (kind: "incremental" | "full") => requestSyncAction(clientId, kind),
    onSuccess: (state) => {
      setMessage(state.message ? { tone: state.status === "error" ? "error" : "success", text: state.message } : null);
      void queryClient.invalidateQueries({ queryKey: key });
    },
    onError: () => setMessage({ tone: "error", text: t("requestFailed") }),
  });

  const data = query.data;
  const current = data?.current ?? null;

  return (
    <section aria-labelledby={`sync-title-${clientId}`} className="space-y-4 border-t border-slate-100 pt-4" data-testid="sync-panel">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h3 id={`sync-title-${clientId}`} className="font-medium">
          {t("title")}
        </h3>
        {canSync && (
          <div className="flex flex-wrap items-center gap-2">
            <Button size="sm" onClick={() => mutation.mutate("incremental")} disabled={mutation.isPending} data-testid="sync-now">
              {mutation.isPending && mutation.variables === "incremental" ? <Spinner /> : null}
              {t("syncNow")}
            </Button>
            <Button size="sm" variant="secondary" onClick={() => mutation.mutate("full")} disabled={mutation.isPending}>
              {mutation.isPending && mutation.variables === "full" ? <Spinner /> : null}
              {t("fullSync")}
            </Button>
          </div>
        )}
      </div>
      {message && (
        <p role={message.tone === "error" ? "alert" : "status"} className={message.tone === "error" ? "text-sm text-red-600" : "text-sm text-green-700"}>
          {message.text}
        </p>
      )}

      {query.isError && !data && (
        <p role="alert" className="text-sm text-red-600">
          {t("loadFailed")}
        </p>
      )}
      {!data && query.isPending && <Spinner label={t("loading")} />}

      {data && (
        <>
          {current ? <CurrentRun run={current} /> : <p className="text-sm text-slate-600">{t("idle")}</p>}
          <History runs={data.recent} />
        </>
      )}
    </section>
  );
}

function CurrentRun({ run }: { run: SyncRunJson }) {
  const t = useTranslations("sync");
  const format = useFormatter();
  const entities = sortEntities(run.entities);
  return (
    <div className="space-y-2" aria-live="polite">
      <p className="flex flex-wrap items-center gap-2 text-sm">
        <Badge tone={RUN_TONES[run.status]}>{t(`runStatus.${run.status}`)}</Badge>
        <span>{t(`kind.${run.kind}`)}</span>
        <span className="text-slate-500">
          {run.startedAt
            ? t("startedAt", { date: format.dateTime(new Date(run.startedAt), { dateStyle: "medium", timeStyle: "short" }) })
            : t("queuedAt", { date: format.dateTime(new Date(run.queuedAt), { dateStyle: "medium", timeStyle: "short" }) })}
        </span>
        {run.attempts > 1 && <span className="text-slate-500">{t("resumed", { attempts: run.attempts })}</span>}
      </p>
      {entities.length > 0 && <EntityTable entities={entities} live />}
    </div>
  );
}

function EntityTable({ entities, live = false }: { entities: SyncEntityJson[]; live?: boolean }) {
  const t = useTranslations("sync");
  const format = useFormatter();
  const number = (n: number) => format.number(n);
  return (
    <div className="overflow-x-auto">
      <table className="min-w-full text-left text-sm">
        <thead className="text-xs uppercase text-slate-500">
          <tr>
            <th scope="col" className="py-1 pr-4 font-medium">{t("columns.entity")}</th>
            <th scope="col" className="py-1 pr-4 font-medium">{t("columns.status")}</th>
            <th scope="col" className="py-1 pr-4 text-right font-medium">{t("columns.rows")}</th>
            {live && <th scope="col" className="py-1 pr-4 font-medium">{t("columns.progress")}</th>}
            {live && <th scope="col" className="py-1 pr-4 text-right font-medium">{t("columns.rate")}</th>}
            {live && <th scope="col" className="py-1 pr-4 text-right font-medium">{t("columns.eta")}</th>}
            <th scope="col" className="py-1 pr-4 text-right font-medium">{t("columns.deleted")}</th>
            <th scope="col" className="py-1 text-right font-medium">{t("columns.requests")}</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {entities.map((e) => {
            const share = e.rowsTotal ? Math.min(1, e.rowsFetched / e.rowsTotal) : null;
            return (
              <tr key={e.entity} data-entity={e.entity}>
                <th scope="row" className="py-1 pr-4 font-normal">
                  {t.has(`entities.${e.entity}` as never) ? t(`entities.${e.entity}` as never) : e.entity}
                </th>
                <td className="py-1 pr-4">
                  <Badge tone={ENTITY_TONES[e.status] ?? "neutral"}>
                    {e.status === "running" && e.phase ? t(`phase.${e.phase}` as never) : t(`entityStatus.${e.status}` as never)}
                  </Badge>
                  {e.error && <span className="mt-1 block max-w-md text-xs text-red-700">{e.error}</span>}
                </td>
                <td className="py-1 pr-4 text-right tabular-nums">
                  {e.rowsTotal !== null ? t("rowsOf", { rows: number(e.rowsFetched), total: number(e.rowsTotal) }) : number(e.rowsFetched)}
                </td>
                {live && (
                  <td className="py-1 pr-4">
                    {share !== null && (
                      <span
                        role="progressbar"
                        aria-valuemin={0}
                        aria-valuemax={100}
                        aria-valuenow={Math.round(share * 100)}
                        aria-label={t.has(`entities.${e.entity}` as never) ? t(`entities.${e.entity}` as never) : e.entity}
                        className="block h-2 w-32 overflow-hidden rounded bg-slate-100"
                      >
                        <span className="block h-full bg-brand-500" style={{ width: `${Math.round(share * 100)}%` }} />
                      </span>
                    )}
                  </td>
                )}
                {live && (
                  <td className="py-1 pr-4 text-right tabular-nums">
                    {e.rate !== null ? t("rate", { rate: format.number(e.rate, { maximumFractionDigits: 0 }) }) : "—"}
                  </td>
                )}
                {live && (
                  <td className="py-1 pr-4 text-right tabular-nums">
                    {e.etaSeconds !== null && e.status === "running" ? duration(t, e.etaSeconds) : "—"}
                  </td>
                )}
                <td className="py-1 pr-4 text-right tabular-nums">{number(e.rowsDeleted)}</td>
                <td className="py-1 text-right tabular-nums">{number(e.requests)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function History({ runs }: { runs: SyncRunJson[] }) {
  const t = useTranslations("sync");
  const format = useFormatter();
  const [open, setOpen] = useState<string | null>(null);
  if (runs.length === 0) return <p className="text-sm text-slate-600">{t("noHistory")}</p>;
  return (
    <div className="space-y-2">
      <h4 className="text-sm font-medium text-slate-700">{t("history")}</h4>
      <ul className="divide-y divide-slate-100 rounded-md border border-slate-200" data-testid="sync-history">
        {runs.map((run) => {
          const rows = run.entities.reduce((s, e) => s + e.rowsFetched, 0);
          const seconds =
            run.startedAt && run.finishedAt ? Math.max(0, (Date.parse(run.finishedAt) - Date.parse(run.startedAt)) / 1000) : null;
          const expanded = open === run.id;
          return (
            <li key={run.id} className="px-3 py-2 text-sm">
              <div className="flex flex-wrap items-center justify-between gap-2">
                <span className="flex flex-wrap items-center gap-2">
                  <Badge tone={RUN_TONES[run.status]}>{t(`runStatus.${run.status}`)}</Badge>
                  <span>{t(`kind.${run.kind}`)}</span>
                  <span className="text-slate-500">
                    {format.dateTime(new Date(run.finishedAt ?? run.queuedAt), { dateStyle: "medium", timeStyle: "short" })}
                  </span>
                  <span className="text-slate-500">{t.has(`reason.${run.reason}` as never) ? t(`reason.${run.reason}` as never) : run.reason}</span>
                </span>
                <span className="flex items-center gap-3 text-slate-600">
                  <span>{t("rowsCount", { rows: format.number(rows) })}</span>
                  {seconds !== null && <span>{duration(t, seconds)}</span>}
                  {run.entities.length > 0 && (
                    <Button
                      size="sm"
                      variant="ghost"
                      aria-expanded={expanded}
                      aria-controls={`sync-run-${run.id}`}
                      onClick={() => setOpen(expanded ? null : run.id)}
                    >
                      {expanded ? t("hideDetails") : t("showDetails")}
                    </Button>
                  )}
                </span>
              </div>
              {run.status === "failed" && (
                <p className="mt-1 text-red-700" role="note">
                  {errorText(t, run.errorCode, run.error)}
                </p>
              )}
              {expanded && (
                <div id={`sync-run-${run.id}`} className="mt-2">
                  <EntityTable entities={sortEntities(run.entities)} />
                </div>
              )}
            </li>
          );
        })}
      </ul>
    </div>
  );
}

type T = ReturnType<typeof useTranslations<"sync">>;

/** The translated cause of a failed run, with the technical detail after it. */
function errorText(t: T, code: string | null, detail: string | null): string {
  const key = `errors.${code ?? "unknown"}`;
  const text = t.has(key as never) ? t(key as never) : t("errors.unknown");
  return detail ? t("errorWithDetail", { text, detail }) : text;
}

function duration(t: T, seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return t("seconds", { n: s });
  if (s < 3600) return t("minutes", { m: Math.floor(s / 60), s: s % 60 });
  return t("hours", { h: Math.floor(s / 3600), m: Math.floor((s % 3600) / 60) });
}

function sortEntities(entities: SyncEntityJson[]): SyncEntityJson[] {
  const rank = (e: string) => {
    const i = ENTITY_ORDER.indexOf(e);
    return i < 0 ? ENTITY_ORDER.length : i;
  };
  return [...entities].sort((a, b) => rank(a.entity) - rank(b.entity));
}
