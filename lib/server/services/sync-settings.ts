import { eq } from "drizzle-orm";
import { z } from "zod";
import { orgSyncSettings } from "@/db/schema";
import { recordAudit } from "../audit-log";
import { assertCan } from "../permissions";
import { DEFAULT_SYNC_INTERVAL_MINUTES } from "../sync/runs";
import type { TenantContext } from "../tenant";

/**
 * The org's schedule of incremental syncs: how often every connected portal is synced (a connection's own
 * sync_interval_minutes overrides it) and whether scheduled syncs run at all. "Sync now" works either way.
 */

/** The intervals offered, in minutes. */
export const SYNC_INTERVALS = [15, 30, 60, 120, 240, 360, 720, 1440] as const;

export const syncSettingsInput = z.object({
  intervalMinutes: z.coerce
    .number({ error: "invalid" })
    .int({ error: "invalid" })
    .refine((n) => (SYNC_INTERVALS as readonly number[]).includes(n), { error: "invalid" }),
  scheduleEnabled: z.preprocess((v) => v === true || v === "on" || v === "true", z.boolean()),
});
export type SyncSettingsInput = z.input<typeof syncSettingsInput>;

export interface OrgSyncSettings {
  intervalMinutes: number;
  scheduleEnabled: boolean;
}

/** The org's sync schedule (the defaults when never set). */
export async function getOrgSyncSettings(ctx: TenantContext): Promise<OrgSyncSettings> {
  const [row] = await ctx.db
    .select({ intervalMinutes: orgSyncSettings.intervalMinutes, scheduleEnabled: orgSyncSettings.scheduleEnabled })
    .from(orgSyncSettings)
    .where(eq(orgSyncSettings.orgId, ctx.orgId));
  return row ?? { intervalMinutes: DEFAULT_SYNC_INTERVAL_MINUTES, scheduleEnabled: true };
}

/** Changes the org's sync schedule (owners and admins), with an audit entry. */
export async function updateOrgSyncSettings(ctx: TenantContext, input: SyncSettingsInput): Promise<OrgSyncSettings> {
  assertCan(ctx, "org.manage");
  const settings = syncSettingsInput.parse(input);
  return ctx.db.transaction(async (tx) => {
    await tx
      .insert(orgSyncSettings)
      .values({ orgId: ctx.orgId, ...settings })
      .onConflictDoUpdate({ target: orgSyncSettings.orgId, set: { ...settings, updatedAt: new Date() } });
    await recordAudit(tx, ctx, "sync.settings_changed", { type: "org", id: ctx.orgId }, { ...settings });
    return settings;
  });
}
