import { HEALTHY_CONFIG, PRE_GO_LIVE, period } from "./base";
import type { ProfileParams } from "./types";

const POST = period(PRE_GO_LIVE, {
  volume: 0.9,
  leadConv: 0.44,
  leadJunk: 0.5,
  win: 0.37,
  lose: 0.4,
  stuck: 0.55,
  sameDayWon: 0.48,
  jump: 0.1,
  cycleDays: 26,
  respMin: 420,
  unanswered: 0.33,
  actPerDeal: 1.3,
  call: 0.25,
  email: 0.2,
  chat: 0.1,
  form: 0.15,
  sourceOther: 0.2,
  autoComplete: 0.15,
  overdue: 0.5,
  returnProb: 0.47,
  zeroWon: 0.05,
  noContact: 0.06,
  dup: 0.03,
  userActive: 0.55,
  lostNoReason: 0.6,
  ufFill: 0.5,
  touches: 0.15,
});

/** Well configured, but the team never learnt it: few active users, deals entered after the fact, slow answers. */
export const NO_TRAINING: ProfileParams = {
  profile: "no_training",
  summary: "Under 60 % of users active, many deals created and won the same day, slower answers than before, overdue work.",
  config: {
    ...HEALTHY_CONFIG,
    pipelines: 2,
    customStages: 1,
    customSources: 2,
    dealFields: 5,
    leadFields: 2,
    fieldFill: 0.6,
    templates: 5,
    autoExecute: 0.6,
    configTiming: "setup",
    workloadSkew: 1.7,
  },
  pre: PRE_GO_LIVE,
  post: POST,
  late: period(POST, { userActive: 0.35 }),
};
