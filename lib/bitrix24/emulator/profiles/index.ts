/** The demo profiles by name. */
import type { Profile } from "../types";
import { BIG_BANG } from "./big-bang";
import { DIY } from "./diy";
import { HEALTHY } from "./healthy";
import { INTEGRATOR_ERRORS } from "./integrator-errors";
import { NO_GOAL } from "./no-goal";
import { NO_TRAINING } from "./no-training";
import type { ProfileParams } from "./types";

export type { ConfigTiming, PeriodKey, PeriodParams, ProfileConfig, ProfileParams } from "./types";
export { PERIOD_KEYS } from "./types";

export const PROFILE_PARAMS: Record<Profile, ProfileParams> = {
  healthy: HEALTHY,
  no_goal: NO_GOAL,
  diy: DIY,
  integrator_errors: INTEGRATOR_ERRORS,
  no_training: NO_TRAINING,
  big_bang: BIG_BANG,
};

/** The parameters of a demo profile. */
export function profileParams(profile: Profile): ProfileParams {
  const p = PROFILE_PARAMS[profile];
  if (!p) throw new Error(`unknown profile: ${profile}`);
  return p;
}
