/** Small numeric helpers shared by the formulas. Every one returns null rather than dividing by zero. */

/** numerator ÷ denominator × scale, or null when the denominator is 0 (or either side is unknown). */
export function ratio(numerator: number | null | undefined, denominator: number | null | undefined, scale = 1): number | null {
  if (numerator === null || numerator === undefined || denominator === null || denominator === undefined) return null;
  if (denominator === 0 || !Number.isFinite(numerator) || !Number.isFinite(denominator)) return null;
  return (numerator / denominator) * scale;
}

/** Sum of the values. */
export function sum(values: readonly number[]): number {
  let s = 0;
  for (const v of values) s += v;
  return s;
}

/** Arithmetic mean, or null for no values. */
export function mean(values: readonly number[]): number | null {
  return values.length === 0 ? null : sum(values) / values.length;
}

/**
 * The p-quantile (0 ≤ p ≤ 1) with linear interpolation between closest ranks — PostgreSQL's
 * `percentile_cont`: position p·(n−1) in the sorted values. Null for no values.
 */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return percentileOfSorted(sorted, p);
}

/** percentile() of values already sorted ascending. */
export function percentileOfSorted(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const pos = Math.min(Math.max(p, 0), 1) * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/** The median (percentile 0.5). */
export function median(values: readonly number[]): number | null {
  return percentile(values, 0.5);
}

/**
 * Bucket edges of the histograms kept beside duration metrics, so that quarters and years can re-derive a
 * median from stored months. Bucket i holds values in [EDGES[i−1], EDGES[i]) — PostgreSQL's
 * `width_bucket(value, edges)` — bucket 0 the values below 0 and the last bucket everything from the last edge.
 */
export const HISTOGRAM_EDGES: readonly number[] = [
  0, 1, 2, 3, 5, 10, 15, 20, 30, 45, 60, 90, 120, 180, 240, 360, 480, 720, 1080, 1440, 2160, 2880, 4320, 5760, 7200,
  8640, 10080, 20160, 43200, 86400, 129600, 259200, 525600,
];

/** Counts per bucket of HISTOGRAM_EDGES (length EDGES + 1). */
export function histogram(values: readonly number[]): number[] {
  const counts = new Array<number>(HISTOGRAM_EDGES.length + 1).fill(0);
  for (const v of values) counts[histogramBucket(v)]++;
  return counts;
}

/** The bucket of one value: how many edges are at or below it. */
export function histogramBucket(value: number): number {
  let lo = 0;
  let hi = HISTOGRAM_EDGES.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (HISTOGRAM_EDGES[mid] <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Bucket-wise sum of histograms (missing ones count as empty). */
export function mergeHistograms(histograms: readonly (readonly number[] | null | undefined)[]): number[] {
  const counts = new Array<number>(HISTOGRAM_EDGES.length + 1).fill(0);
  for (const h of histograms) if (h) for (let i = 0; i < counts.length && i < h.length; i++) counts[i] += h[i];
  return counts;
}

/**
 * An approximate p-quantile from a histogram: the bucket holding rank p·(n−1), interpolated linearly inside
 * it. Used only where the exact values are no longer at hand (quarters and years).
 */
export function histogramPercentile(counts: readonly number[], p: number): number | null {
  const n = sum(counts);
  if (n === 0) return null;
  const rank = Math.min(Math.max(p, 0), 1) * (n - 1);
  let seen = 0;
  for (let i = 0; i < counts.length; i++) {
    if (counts[i] === 0) continue;
    if (rank < seen + counts[i]) {
      const lower = i === 0 ? 0 : HISTOGRAM_EDGES[i - 1];
      const upper = i < HISTOGRAM_EDGES.length ? HISTOGRAM_EDGES[i] : lower;
      const within = counts[i] === 1 ? 0.5 : (rank - seen) / (counts[i] - 1);
      return lower + (upper - lower) * within;
    }
    seen += counts[i];
  }
  return HISTOGRAM_EDGES[HISTOGRAM_EDGES.length - 1];
}

/** Rounds for storage and display without binary noise (12 significant digits). */
export function clean(value: number | null): number | null {
  return value === null || !Number.isFinite(value) ? null : Number(value.toPrecision(12));
}
