import { DEFAULT_ACTIVITY_WINDOW_DAYS, DEFAULT_SLA_MINUTES } from "@/lib/metrics";
import type { BusinessHoursSetting } from "@/db/schema";

/** A client's metric settings as the recompute reads them. */
export interface MetricSettings {
  slaMinutes: number;
  activityWindowDays: number;
  businessHours: BusinessHoursSetting | null;
  orgLossStages: string[];
  fullyLoadedCac: boolean;
}

/** What a client without a settings row uses. */
export const DEFAULT_METRIC_SETTINGS: MetricSettings = {
  slaMinutes: DEFAULT_SLA_MINUTES,
  activityWindowDays: DEFAULT_ACTIVITY_WINDOW_DAYS,
  businessHours: null,
  orgLossStages: [],
  fullyLoadedCac: false,
};
