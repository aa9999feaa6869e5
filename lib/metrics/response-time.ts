/**
 * Response time, in minutes: for each inbound request made in P (see inbound-requests.ts), the minutes until
 * its answer — calendar minutes, or working minutes when the client set business hours. Headline = median;
 * beside it the mean, the 90th percentile, the share answered within the client's SLA (default 15 min) and
 * the count unanswered after 7 days.
 *
 * A request is *answered* when its answer came within 7 days, *unanswered* when 7 days have passed without one
 * (a later answer counts as none), *pending* otherwise (too recent to judge; counted, not measured). The median,
 * mean and p90 are over answered requests; the SLA share is answered-within-SLA ÷ (answered + unanswered).
 * Numerator = Σ minutes, denominator = answered requests (their ratio is the mean).
 */
import { clean, HISTOGRAM_EDGES, histogram, histogramPercentile, mergeHistograms, percentileOfSorted, ratio } from "./stats";
import { num, type MetricFigures } from "./types";

export const DEFAULT_SLA_MINUTES = 15;
export const UNANSWERED_AFTER_MS = 7 * 86_400_000;

export type RequestOutcome = "answered" | "unanswered" | "pending";

/**
 * Classifies one request at `now`: answered within 7 days, unanswered after 7 days, or pending.
 * `minutes` measures the delay (calendar by default; pass business minutes when the client has hours).
 */
export function classifyRequest(
  requestAt: number,
  answeredAt: number | null,
  now: number,
  minutes: (from: number, to: number) => number = (from, to) => (to - from) / 60_000,
): { outcome: RequestOutcome; minutes: number | null } {
  if (answeredAt !== null && answeredAt - requestAt <= UNANSWERED_AFTER_MS && answeredAt <= now) {
    return { outcome: "answered", minutes: minutes(requestAt, answeredAt) };
  }
  if (requestAt + UNANSWERED_AFTER_MS <= now) return { outcome: "unanswered", minutes: null };
  return { outcome: "pending", minutes: null };
}

/** What the SQL (or a list of classified requests) yields per month. */
export interface ResponseSummary {
  answered: number;
  unanswered: number;
  pending: number;
  sumMinutes: number;
  median: number | null;
  p90: number | null;
  withinSla: number;
  /** Counts per HISTOGRAM_EDGES bucket of the answered requests' minutes. */
  histogram: number[];
}

/** Summarises classified requests: the exact median and p90 (percentile_cont), sums and the histogram. */
export function summarizeResponses(
  requests: readonly { outcome: RequestOutcome; minutes: number | null }[],
  slaMinutes: number,
): ResponseSummary {
  const minutes = requests.filter((r) => r.outcome === "answered").map((r) => r.minutes ?? 0).sort((a, b) => a - b);
  return {
    answered: minutes.length,
    unanswered: requests.filter((r) => r.outcome === "unanswered").length,
    pending: requests.filter((r) => r.outcome === "pending").length,
    sumMinutes: minutes.reduce((s, m) => s + m, 0),
    median: percentileOfSorted(minutes, 0.5),
    p90: percentileOfSorted(minutes, 0.9),
    withinSla: minutes.filter((m) => m <= slaMinutes).length,
    histogram: histogram(minutes),
  };
}

/** response time = median minutes to the answer; mean = Σ minutes ÷ answered; SLA share in percent. */
export function responseTime(summary: ResponseSummary, slaMinutes: number): MetricFigures {
  const requests = summary.answered + summary.unanswered + summary.pending;
  return {
    value: clean(summary.median),
    numerator: clean(summary.sumMinutes),
    denominator: summary.answered,
    secondary: {
      mean: clean(ratio(summary.sumMinutes, summary.answered)),
      p90: clean(summary.p90),
      slaMinutes,
      withinSla: summary.withinSla,
      slaShare: clean(ratio(summary.withinSla, summary.answered + summary.unanswered, 100)),
      requests,
      answered: summary.answered,
      unanswered: summary.unanswered,
      pending: summary.pending,
      histogram: summary.histogram,
    },
  };
}

/**
 * Several months as one period: counts and Σ minutes add up; the median and p90 come from the merged
 * histograms (approximate within a bucket), since the single answers are not stored.
 */
export function aggregateResponseTime(months: readonly MetricFigures[]): MetricFigures {
  const hist = mergeHistograms(months.map((m) => (Array.isArray(m.secondary.histogram) ? m.secondary.histogram : null)));
  const sla = months.length ? num(months[months.length - 1], "slaMinutes") : DEFAULT_SLA_MINUTES;
  return responseTime(
    {
      answered: months.reduce((s, m) => s + num(m, "answered"), 0),
      unanswered: months.reduce((s, m) => s + num(m, "unanswered"), 0),
      pending: months.reduce((s, m) => s + num(m, "pending"), 0),
      sumMinutes: months.reduce((s, m) => s + (m.numerator ?? 0), 0),
      median: histogramPercentile(hist, 0.5),
      p90: histogramPercentile(hist, 0.9),
      withinSla: months.reduce((s, m) => s + num(m, "withinSla"), 0),
      histogram: hist,
    },
    sla || DEFAULT_SLA_MINUTES,
  );
}

export { HISTOGRAM_EDGES };
