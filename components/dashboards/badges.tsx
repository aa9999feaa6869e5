import { useFormatter, useTranslations } from "next-intl";
import { Badge } from "@/components/ui/card";
import { cn } from "@/components/ui/cn";
import type { ConnectionStatus } from "@/db/schema";
import type { Outcome, Verdict } from "@/lib/metrics";
import type { Delta } from "@/lib/server/dashboards/compute";
import { formatChange } from "./format";

const OUTCOME_CLASS: Record<Outcome, string> = { improved: "text-good", worse: "text-bad", flat: "text-flat" };

/**
 * A delta coloured by the metric's good direction, never by colour alone: an arrow for the direction of the
 * change, the signed change, and (for screen readers) whether that is better, worse or flat against `reference`.
 */
export function DeltaBadge({ delta, reference, className }: { delta: Delta; reference: string; className?: string }) {
  const t = useTranslations("dashboards.outcomes");
  const format = useFormatter();
  const labels = { improved: t("improved"), flat: t("flat"), worse: t("worse"), unknown: t("unknown") };
  return <DeltaView delta={delta} reference={reference} labels={labels} change={formatChange((v, o) => format.number(v, o), delta.change)} className={className} />;
}

export type OutcomeLabels = Record<Outcome | "unknown", string>;

/** DeltaBadge without hooks, for tables that render hundreds of them with the same labels. */
export function DeltaView({ delta, reference, labels, change, className }: { delta: Delta; reference: string; labels: OutcomeLabels; change: string | null; className?: string }) {
  if (delta.outcome === null) {
    return (
      <span className={cn("text-xs text-slate-500", className)}>
        <span aria-hidden="true">—</span>
        <span className="sr-only">
          {reference}: {labels.unknown}
        </span>
      </span>
    );
  }
  const arrow = delta.difference === null || delta.difference === 0 ? "▬" : delta.difference > 0 ? "▲" : "▼";
  return (
    <span className={cn("whitespace-nowrap text-xs font-medium", OUTCOME_CLASS[delta.outcome], className)} data-outcome={delta.outcome}>
      <span aria-hidden="true">{arrow}</span> {change ?? labels[delta.outcome]}
      <span className="sr-only">
        {" "}
        ({reference}: {labels[delta.outcome]})
      </span>
    </span>
  );
}

const VERDICT_TONE = { pays_off: "good", at_risk: "bad", not_enough_data: "neutral" } as const;

/** The client verdict: "CRM pays off", "At risk" or "Not enough data". */
export function VerdictBadge({ verdict }: { verdict: Verdict }) {
  const t = useTranslations("dashboards.verdicts");
  return (
    <span data-verdict={verdict}>
      <Badge tone={VERDICT_TONE[verdict]}>{t(verdict)}</Badge>
    </span>
  );
}

const CONNECTION_TONE: Record<ConnectionStatus, "good" | "bad" | "warn" | "neutral" | "info"> = {
  connected: "good",
  pending: "info",
  needs_reauth: "warn",
  uninstalled: "neutral",
  error: "bad",
};

/** After this long without a sync the data is called stale. */
export const STALE_AFTER_MS = 48 * 3_600_000;

/** The portal's connection state and how long ago it last synced. */
export function ConnectionState({ status, lastSyncedAt, now }: { status: ConnectionStatus | null; lastSyncedAt: Date | null; now: Date }) {
  const t = useTranslations("portals.status");
  const td = useTranslations("dashboards.freshness");
  const format = useFormatter();
  const stale = status !== null && (lastSyncedAt === null || now.getTime() - lastSyncedAt.getTime() > STALE_AFTER_MS);
  return (
    <div className="flex flex-col items-start gap-0.5">
      {status ? <Badge tone={CONNECTION_TONE[status]}>{t(status)}</Badge> : <Badge>{t("notConnected")}</Badge>}
      {status && (
        <span className={cn("text-xs", stale ? "text-amber-800" : "text-slate-500")}>
          {lastSyncedAt ? (
            <time dateTime={lastSyncedAt.toISOString()} title={format.dateTime(lastSyncedAt, { dateStyle: "medium", timeStyle: "short" })}>
              {td("synced", { when: format.relativeTime(lastSyncedAt, now) })}
            </time>
          ) : (
            td("neverSynced")
          )}
          {stale && lastSyncedAt && <span> · {td("stale")}</span>}
        </span>
      )}
    </div>
  );
}
