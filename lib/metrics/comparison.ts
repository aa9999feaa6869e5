/**
 * Comparing a metric with its baseline and its target. A change within ±5 % of the baseline is "flat";
 * otherwise "improved" or "worse" according to the metric's good direction.
 */
import type { GoodDirection } from "./types";

export const FLAT_TOLERANCE = 0.05;

export type Outcome = "improved" | "flat" | "worse";

/** improved / flat (±5 % of |baseline|) / worse, or null when either side is unknown. */
export function compareToBaseline(current: number | null, baseline: number | null, good: GoodDirection, tolerance = FLAT_TOLERANCE): Outcome | null {
  if (current === null || baseline === null || !Number.isFinite(current) || !Number.isFinite(baseline)) return null;
  const delta = current - baseline;
  // A zero baseline has no relative scale: any move away from it counts.
  const flat = baseline === 0 ? delta === 0 : Math.abs(delta) <= tolerance * Math.abs(baseline);
  if (flat) return "flat";
  return (delta > 0) === (good === "up") ? "improved" : "worse";
}

/** (current − baseline) ÷ |baseline| × 100, or null. */
export function changePercent(current: number | null, baseline: number | null): number | null {
  if (current === null || baseline === null || baseline === 0) return null;
  return ((current - baseline) / Math.abs(baseline)) * 100;
}

export interface TargetProgress {
  /** Share of the way from the baseline to the target covered, in percent (may exceed 100 or be negative). */
  progress: number | null;
  /** Whether the current value meets the target in the good direction. */
  achieved: boolean | null;
}

/** progress = (current − baseline) ÷ (target − baseline) × 100; achieved = current at or beyond the target. */
export function progressToTarget(current: number | null, baseline: number | null, target: number | null, good: GoodDirection): TargetProgress {
  if (current === null || target === null) return { progress: null, achieved: null };
  const achieved = good === "up" ? current >= target : current <= target;
  const progress = baseline === null || target === baseline ? null : ((current - baseline) / (target - baseline)) * 100;
  return { progress, achieved };
}
