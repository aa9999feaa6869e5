import { beforeAll, describe, expect, it } from "vitest";
import { createPortalData } from "../store/portal-data";
import { PROFILES, type Profile } from "../types";
import { generatePortalData } from "./index";
import { computeSignals, type PortalSignals } from "./signals";

const GO_LIVE = Date.UTC(2025, 2, 1);
const NOW = Date.UTC(2026, 10, 20, 12);

type Key = keyof PortalSignals;

describe("demo profiles show their own audit signals", () => {
  const signals = {} as Record<Profile, PortalSignals>;

  beforeAll(() => {
    for (const profile of PROFILES) {
      const data = createPortalData();
      generatePortalData({ profile, seed: 11, deals: 4000, goLive: GO_LIVE, now: NOW, timeZone: "Europe/Moscow", baseCurrency: "RUB" }, data);
      signals[profile] = computeSignals(data, { now: NOW, goLive: GO_LIVE });
    }
  }, 180_000);

  const value = (p: Profile, k: Key) => {
    const v = signals[p][k];
    if (typeof v !== "number") throw new Error(`${p}.${k} is ${v}`);
    return v;
  };
  /** The profile whose value of k is the highest (or lowest) of all profiles. */
  const extreme = (k: Key, dir: "max" | "min") => {
    const ranked = PROFILES.filter((p) => typeof signals[p][k] === "number").sort((a, b) => value(a, k) - value(b, k));
    return dir === "max" ? ranked[ranked.length - 1] : ranked[0];
  };

  it.each([
    ["diy", "defaultStageNameShare", "max"],
    ["diy", "channelActivityShare", "min"],
    ["diy", "leadSourceOtherShare", "max"],
    ["no_training", "sameDayWonShare", "max"],
    ["no_training", "activeUserShare", "min"],
    ["no_training", "overdueShare", "max"],
    ["no_training", "topUserShare", "max"],
    ["no_training", "responseMinutesAfter", "max"],
    ["integrator_errors", "stuckOpenShare", "max"],
    ["integrator_errors", "zeroAmountWonShare", "max"],
    ["integrator_errors", "duplicateContactShare", "max"],
    ["integrator_errors", "dealsWithoutContactShare", "max"],
    ["integrator_errors", "jumpToWonShare", "max"],
    ["integrator_errors", "lostWithoutReasonShare", "max"],
    ["big_bang", "pipelinesPer1000Deals", "max"],
    ["big_bang", "littleUsedPipelineShare", "max"],
    ["big_bang", "customFieldFillRate", "min"],
    ["big_bang", "configFirstWeeksShare", "max"],
    ["big_bang", "adoptionTrend", "min"],
    ["healthy", "conversionAfter", "max"],
    ["healthy", "responseMinutesAfter", "min"],
    ["healthy", "autoCompletedShare", "max"],
    ["healthy", "retentionAfter", "max"],
  ] as [Profile, Key, "max" | "min"][])("%s has the %s %s of all profiles", (profile, key, dir) => {
    expect(extreme(key, dir)).toBe(profile);
  });

  it("diy: default names, no channels, no automation, sources not tracked", () => {
    expect(value("diy", "defaultStageNameShare")).toBeGreaterThan(0.9);
    expect(value("diy", "channelActivityShare")).toBe(0);
    expect(value("diy", "autoExecuteTemplates")).toBe(0);
    expect(value("diy", "autoCompletedShare")).toBe(0);
    expect(value("diy", "leadSourceOtherShare")).toBeGreaterThan(0.5);
  });

  it("integrator errors cross the SPEC thresholds", () => {
    expect(value("integrator_errors", "duplicateContactShare")).toBeGreaterThan(0.05);
    expect(value("integrator_errors", "zeroAmountWonShare")).toBeGreaterThan(0.1);
    expect(value("integrator_errors", "stuckOpenShare")).toBeGreaterThan(0.3);
    expect(value("integrator_errors", "dealsWithoutContactShare")).toBeGreaterThan(0.15);
    expect(value("integrator_errors", "jumpToWonShare")).toBeGreaterThan(0.3);
  });

  it("no training: under 60 % active users, over 30 % same-day wins, answers slower than before go-live", () => {
    expect(value("no_training", "activeUserShare")).toBeLessThan(0.6);
    expect(value("no_training", "sameDayWonShare")).toBeGreaterThan(0.3);
    expect(value("no_training", "responseMinutesAfter")).toBeGreaterThan(value("no_training", "responseMinutesBefore") * 1.5);
    expect(value("no_training", "unansweredShareAfter")).toBeGreaterThan(value("no_training", "unansweredShareBefore"));
    expect(value("no_training", "topUserShare")).toBeGreaterThan(0.7);
  });

  it("big bang: configuration in the first weeks, then falling adoption", () => {
    expect(value("big_bang", "configFirstWeeksShare")).toBeGreaterThan(0.8);
    expect(value("big_bang", "customFieldFillRate")).toBeLessThan(0.15);
    expect(value("big_bang", "adoptionTrend")).toBeLessThan(0.7);
    expect(value("big_bang", "activeUsersTrend")).toBeLessThan(1);
    expect(value("big_bang", "littleUsedPipelineShare")).toBeGreaterThan(0.5);
  });

  it("no goal: defaults and flat metrics after go-live", () => {
    const change = (k1: Key, k2: Key) => value("no_goal", k2) / value("no_goal", k1) - 1;
    expect(Math.abs(change("conversionBefore", "conversionAfter"))).toBeLessThan(0.25);
    expect(Math.abs(change("responseMinutesBefore", "responseMinutesAfter"))).toBeLessThan(0.4);
    expect(Math.abs(change("salesCycleBefore", "salesCycleAfter"))).toBeLessThan(0.2);
    expect(value("no_goal", "pipelinesPer1000Deals")).toBe(1000 / 4000);
    expect(value("no_goal", "defaultStageNameShare")).toBeGreaterThan(0.3);
  });

  it("healthy improves after go-live and shows no failure signal", () => {
    const h = (k: Key) => value("healthy", k);
    expect(h("conversionAfter")).toBeGreaterThan(h("conversionBefore") * 1.5);
    expect(h("responseMinutesAfter")).toBeLessThan(h("responseMinutesBefore") * 0.2);
    expect(h("salesCycleAfter")).toBeLessThan(h("salesCycleBefore") * 0.75);
    expect(h("retentionAfter")).toBeGreaterThan(h("retentionBefore"));
    expect(h("channelActivityShare")).toBeGreaterThan(0.4);
    expect(h("autoExecuteTemplates")).toBeGreaterThanOrEqual(3);
    expect(h("activeUserShare")).toBeGreaterThan(0.8);
    expect(h("stuckOpenShare")).toBeLessThan(0.1);
    expect(h("sameDayWonShare")).toBeLessThan(0.15);
    expect(h("zeroAmountWonShare")).toBeLessThan(0.05);
    expect(h("duplicateContactShare")).toBeLessThan(0.05);
    expect(h("defaultStageNameShare")).toBeLessThan(0.3);
    expect(h("adoptionTrend")).toBeGreaterThan(1);
  });
});
