/**
 * Shared starting points for the demo profiles. Every profile uses the same life before go-live, so that
 * before/after comparisons differ only by what the roll-out did.
 */
import type { PeriodParams, ProfileConfig } from "./types";

/** Before go-live: the portal exists and holds deals and leads, but little is recorded and nothing is automated. */
export const PRE_GO_LIVE: PeriodParams = {
  volume: 0.65,
  leadShare: 0.58,
  leadConv: 0.45,
  leadJunk: 0.6,
  win: 0.36,
  lose: 0.5,
  stuck: 0.5,
  sameDayWon: 0.1,
  jump: 0.15,
  cycleDays: 32,
  respMin: 170,
  unanswered: 0.15,
  actPerDeal: 1.2,
  call: 0.12,
  email: 0.12,
  chat: 0,
  form: 0.03,
  sourceOther: 0.45,
  autoComplete: 0,
  overdue: 0.25,
  returnProb: 0.45,
  reactivate: 0.08,
  dealSize: 1,
  zeroWon: 0.04,
  noContact: 0.05,
  noClient: 0.03,
  dup: 0.025,
  userActive: 0.7,
  lostNoReason: 0.7,
  ufFill: 0.3,
  touches: 0.15,
};

/** A well-run CRM right after go-live: channels connected, automation on, fast answers. */
export const HEALTHY_POST: PeriodParams = {
  volume: 1,
  leadShare: 0.65,
  leadConv: 0.62,
  leadJunk: 0.85,
  win: 0.5,
  lose: 0.47,
  stuck: 0.3,
  sameDayWon: 0.05,
  jump: 0.04,
  cycleDays: 16,
  respMin: 10,
  unanswered: 0.03,
  actPerDeal: 2,
  call: 0.3,
  email: 0.25,
  chat: 0.15,
  form: 0.15,
  sourceOther: 0.05,
  autoComplete: 0.55,
  overdue: 0.05,
  returnProb: 0.68,
  reactivate: 0.12,
  dealSize: 1.12,
  zeroWon: 0.01,
  noContact: 0.03,
  noClient: 0.005,
  dup: 0.01,
  userActive: 0.95,
  lostNoReason: 0.1,
  ufFill: 1,
  touches: 0.25,
};

/** A sensible configuration by an integrator who knew the business. */
export const HEALTHY_CONFIG: ProfileConfig = {
  pipelines: 3,
  pipelineSkew: 1,
  pipelineMoves: 0.04,
  renamedStages: 0.92,
  customStages: 2,
  customSources: 3,
  dealTypes: true,
  dealFields: 6,
  leadFields: 3,
  fieldFill: 0.8,
  templates: 8,
  autoExecute: 0.75,
  configTiming: "iterative",
  users: 1,
  workloadSkew: 0.5,
  firedShare: 0.1,
  foreignShare: 0.04,
  b2bShare: 0.45,
};

/** `base` with some values replaced. */
export function period(base: PeriodParams, overrides: Partial<PeriodParams>): PeriodParams {
  return { ...base, ...overrides };
}
