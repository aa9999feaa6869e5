import { HEALTHY_CONFIG, PRE_GO_LIVE, period } from "./base";
import type { ProfileParams } from "./types";

const NO_CHANNELS = { call: 0, email: 0, chat: 0, form: 0 };

const POST = period(PRE_GO_LIVE, {
  ...NO_CHANNELS,
  volume: 0.8,
  leadConv: 0.47,
  win: 0.39,
  lose: 0.48,
  stuck: 0.4,
  cycleDays: 27,
  respMin: 140,
  unanswered: 0.12,
  actPerDeal: 2,
  sourceOther: 0.82,
  autoComplete: 0,
  overdue: 0.15,
  returnProb: 0.5,
  dealSize: 1.03,
  zeroWon: 0.03,
  noContact: 0.06,
  dup: 0.03,
  userActive: 0.85,
  lostNoReason: 0.6,
  ufFill: 0.5,
});

/** Set up in-house: defaults untouched, no channels connected, no automation, lead sources not tracked. */
export const DIY: ProfileParams = {
  profile: "diy",
  summary: "Default pipeline and names, no telephony/e-mail/open lines, no workflows, lead source mostly empty or Other.",
  config: {
    ...HEALTHY_CONFIG,
    pipelines: 1,
    pipelineSkew: 0,
    pipelineMoves: 0,
    renamedStages: 0,
    customStages: 0,
    customSources: 0,
    dealTypes: false,
    dealFields: 1,
    leadFields: 0,
    fieldFill: 0.4,
    templates: 0,
    autoExecute: 0,
    configTiming: "setup",
    users: 0.8,
    workloadSkew: 0.6,
    foreignShare: 0.02,
  },
  pre: period(PRE_GO_LIVE, NO_CHANNELS),
  post: POST,
  late: POST,
};
