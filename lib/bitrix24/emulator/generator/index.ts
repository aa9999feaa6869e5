/**
 * The Bitrix24 emulator's data generator: a deterministic portal (users, leads, deals, contacts, companies,
 * activities, stage history and configuration) for a demo profile, streamed into a PortalDataSink.
 */
import { profileParams } from "../profiles";
import type { ProfileParams } from "../profiles/types";
import type { GenerateOptions, PortalDataSink } from "../types";
import { buildConfig } from "./config";
import { substream } from "./rng";
import { Simulation } from "./simulate";
import { buildTimeline } from "./timeline";
import { UserPool, userCountFor } from "./users";

export { historyStart } from "./timeline";
export { hasDefaultName, stageCode, DEFAULT_DEAL_STAGES, DEFAULT_LEAD_STATUSES, DEFAULT_SOURCES } from "./defaults";

/**
 * Fills `sink` with a portal for `opts`: same options, same data. Rows are appended to each table in
 * ascending ID order (IDs grow with creation time), and nothing is dated after `opts.now`.
 * `params` overrides the profile's parameters (for experiments); by default they come from `opts.profile`.
 */
export function generatePortalData(
  opts: GenerateOptions,
  sink: PortalDataSink,
  params: ProfileParams = profileParams(opts.profile),
): void {
  if (!Number.isFinite(opts.now) || !Number.isFinite(opts.goLive)) throw new Error("generator: now and goLive must be epoch milliseconds");
  if (!Number.isInteger(opts.deals) || opts.deals < 0) throw new Error("generator: deals must be a non-negative integer");
  new Intl.DateTimeFormat("en-US", { timeZone: opts.timeZone }); // throws RangeError on an unknown zone

  const tl = buildTimeline(opts, params);
  const cfg = buildConfig(
    {
      params,
      rng: substream(opts.seed, "config"),
      cal: tl.cal,
      start: tl.start,
      goLive: opts.goLive,
      now: tl.now,
      baseCurrency: opts.baseCurrency,
    },
    sink,
  );
  const users = new UserPool({
    count: userCountFor(opts.deals, params.config.users),
    rng: substream(opts.seed, "users"),
    cal: tl.cal,
    start: tl.start,
    now: tl.now,
    activeShareAt: (t) => tl.at(t).userActive,
    workloadSkew: params.config.workloadSkew,
    firedShare: params.config.firedShare,
    seed: opts.seed,
  });
  users.write(sink.tables.user);
  new Simulation({
    opts,
    params,
    tl,
    cfg,
    users,
    sink,
    rng: substream(opts.seed, "simulation"),
    arrivalRng: substream(opts.seed, "arrivals"),
  }).run();
}
