import { describe, expect, it } from "vitest";
import { clean, histogram, histogramBucket, histogramPercentile, mean, median, mergeHistograms, percentile, ratio } from "./stats";

describe("ratio", () => {
  it.each([
    [1, 4, 100, 25],
    [0, 5, 100, 0],
    [3, 0, 100, null], // a zero denominator is "not enough data", never 0 or infinity
    [0, 0, 1, null],
    [null, 4, 1, null],
    [4, null, 1, null],
    [-2, 4, 1, -0.5],
  ])("%s ÷ %s × %s = %s", (n, d, scale, expected) => {
    expect(ratio(n, d, scale)).toBe(expected);
  });
});

describe("percentiles (percentile_cont)", () => {
  it.each([
    [[1, 2, 3, 4], 0.5, 2.5],
    [[4, 1, 3, 2], 0.5, 2.5], // unsorted input
    [[10], 0.9, 10],
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9, 9.1], // position 8.1
    [[5, 12, 45, 120], 0.9, 97.5], // position 2.7: 45 + 0.7 × 75
    [[], 0.5, null],
  ])("percentile(%j, %s) = %s", (values, p, expected) => {
    const result = percentile(values, p);
    if (expected === null) expect(result).toBeNull();
    else expect(result).toBeCloseTo(expected, 10);
  });
  it("median and mean", () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(mean([1, 2, 3, 4])).toBe(2.5);
    expect(mean([])).toBeNull();
  });
});

describe("histograms", () => {
  it("puts values into [edge, next edge) buckets, like width_bucket", () => {
    expect([-1, 0, 0.5, 1, 1.5, 14, 15, 16].map(histogramBucket)).toEqual([0, 1, 1, 2, 2, 6, 7, 7]);
    expect(histogramBucket(10_000_000)).toBe(33);
  });
  it("estimates a median from counts by interpolating inside the bucket", () => {
    const h = histogram([0, 0.5, 1, 3, 14, 15, 16]);
    expect(h.slice(0, 8)).toEqual([0, 2, 1, 0, 1, 0, 1, 2]);
    // rank 3 of 7 is the only value in bucket [3, 5): its middle.
    expect(histogramPercentile(h, 0.5)).toBe(4);
    expect(histogramPercentile(histogram([]), 0.5)).toBeNull();
  });
  it("merges bucket-wise", () => {
    expect(mergeHistograms([histogram([1, 2]), null, histogram([2])]).slice(0, 4)).toEqual([0, 0, 1, 2]);
  });
  it("cleans binary noise", () => {
    expect(clean(0.1 + 0.2)).toBe(0.3);
    expect(clean(Infinity)).toBeNull();
    expect(clean(null)).toBeNull();
  });
});
