/**
 * The parameters of a demo portal. One generic generator consumes them; a profile is data, not code.
 *
 * Behaviour that changes with the CRM roll-out is given three times: before go-live (`pre`), right after it
 * (`post`) and at the generator's "now" (`late`); values in between are interpolated linearly in time, so a
 * profile can show improvement, a flat line or adoption that fades.
 */
import type { Profile } from "../types";

/** Time-varying behaviour; every value is a plain number so that periods can be blended. */
export const PERIOD_KEYS = [
  /** Relative daily intensity of new deal opportunities. */
  "volume",
  /** Share of new-customer deals that start as a lead (the rest are created as deals directly). */
  "leadShare",
  /** Share of leads converted into a deal. */
  "leadConv",
  /** Share of the non-converted leads closed as junk; the rest stay in process. */
  "leadJunk",
  /** Share of deals won. */
  "win",
  /** Share of deals lost; the remainder (1 − win − lose) are abandoned and stay open. */
  "lose",
  /** Share of the abandoned deals that never leave their first stage. */
  "stuck",
  /** Share of won deals created and won on the same day (entered after the fact). */
  "sameDayWon",
  /** Share of the other won deals that go from the first stage straight to won. */
  "jump",
  /** Median days from a deal's creation to its close. */
  "cycleDays",
  /** Median office-hours minutes until the first response to an inbound request. */
  "respMin",
  /** Share of inbound requests never answered. */
  "unanswered",
  /** Mean activities on a deal besides the response to its request. */
  "actPerDeal",
  /** Weight of telephony among inbound requests and activities. */
  "call",
  /** Weight of e-mail. */
  "email",
  /** Weight of open-line chats. */
  "chat",
  /** Weight of CRM web forms (inbound only). */
  "form",
  /** Share of leads whose source is empty or OTHER. */
  "sourceOther",
  /** Share of activities still open when their deal closes that automation completes (STATUS 3). */
  "autoComplete",
  /** Share of planned activities (to-dos, tasks, meetings) left incomplete past their deadline. */
  "overdue",
  /** Probability that a customer buys again after a won deal. */
  "returnProb",
  /** Probability that a customer who did not return comes back after more than a year. */
  "reactivate",
  /** Multiplier of the typical deal amount. */
  "dealSize",
  /** Share of won deals with a zero amount. */
  "zeroWon",
  /** Share of company deals without a contact. */
  "noContact",
  /** Share of deals with neither a contact nor a company. */
  "noClient",
  /** Share of new contacts and companies that duplicate an earlier one's phone and e-mail. */
  "dup",
  /** Share of licensed users who work in the CRM. */
  "userActive",
  /** Share of lost deals without a loss reason. */
  "lostNoReason",
  /** Multiplier of the custom fields' fill rate. */
  "ufFill",
  /** Customer-level requests (on contacts and companies, outside deals) per deal. */
  "touches",
] as const;

export type PeriodKey = (typeof PERIOD_KEYS)[number];
export type PeriodParams = Record<PeriodKey, number>;

/** When configuration items (pipelines, custom fields, workflow templates) were created. */
export type ConfigTiming =
  | "iterative" // a set-up before go-live, then steady additions over the months
  | "setup" // almost all in the weeks around go-live, a few later
  | "big_bang"; // nearly everything in the first weeks after go-live

/** Static configuration of the portal. */
export interface ProfileConfig {
  /** Deal pipelines, the default one included. */
  pipelines: number;
  /** How unevenly deals spread over the pipelines (0 even; 3 nearly all in one or two). */
  pipelineSkew: number;
  /** Share of pipelines a deal is moved into from the default one (TYPE_ID 5 history). */
  pipelineMoves: number;
  /** Share of the default stage and lead-status names that were renamed. */
  renamedStages: number;
  /** Custom process stages added to each pipeline. */
  customStages: number;
  /** Custom lead sources added (Telegram, marketplaces…). */
  customSources: number;
  /** Whether deal types other than the default SALE are used. */
  dealTypes: boolean;
  /** Custom fields on deals and on leads. */
  dealFields: number;
  leadFields: number;
  /** Base fill rate of custom fields for records created after the field. */
  fieldFill: number;
  /** Workflow templates and the share of them started automatically. */
  templates: number;
  autoExecute: number;
  configTiming: ConfigTiming;
  /** Multiplier of the user count (which scales with the portal's size). */
  users: number;
  /** Zipf exponent of the workload: high means a few users do most of the work. */
  workloadSkew: number;
  /** Share of users dismissed (ACTIVE false). */
  firedShare: number;
  /** Share of deals in a foreign currency. */
  foreignShare: number;
  /** Share of new customers that are companies. */
  b2bShare: number;
}

export interface ProfileParams {
  profile: Profile;
  /** One line on what the portal shows. */
  summary: string;
  config: ProfileConfig;
  pre: PeriodParams;
  post: PeriodParams;
  late: PeriodParams;
}
