"use client";

import { useActionState } from "react";
import { useTranslations } from "next-intl";
import { saveSettingsAction } from "@/app/(app)/clients/[id]/metrics/actions";
import { FormMessage } from "@/components/ui/alert";
import { TextField } from "@/components/ui/field";
import { SubmitButton } from "@/components/ui/submit-button";
import { initialFormState } from "@/lib/form-state";

export interface SettingsValues {
  slaMinutes: number;
  activityWindowDays: number;
  businessHours: { days: number[]; start: string; end: string } | null;
  orgLossStages: string[];
  fullyLoadedCac: boolean;
}

/** A client's metric settings. Saving recomputes the whole history. */
export function SettingsForm({
  clientId,
  settings,
  stages,
  disabled,
}: {
  clientId: string;
  settings: SettingsValues;
  stages: { statusId: string; name: string; list: string }[];
  disabled: boolean;
}) {
  const t = useTranslations("metricData.settings");
  const [state, action] = useActionState(saveSettingsAction, initialFormState);
  const v = state.values ?? {};
  const e = state.fieldErrors ?? {};
  const hours = settings.businessHours;
  const lists = [...new Set(stages.map((s) => s.list))];
  return (
    <form action={action} className="space-y-6" noValidate>
      <FormMessage state={state} />
      <input type="hidden" name="clientId" value={clientId} />
      <fieldset className="space-y-5" disabled={disabled}>
        <div className="grid gap-5 sm:grid-cols-2">
          <TextField name="slaMinutes" label={t("fields.slaMinutes")} inputMode="numeric" required hint={t("hints.slaMinutes")} defaultValue={v.slaMinutes ?? String(settings.slaMinutes)} error={e.slaMinutes} />
          <TextField
            name="activityWindowDays"
            label={t("fields.activityWindowDays")}
            inputMode="numeric"
            required
            hint={t("hints.activityWindowDays")}
            defaultValue={v.activityWindowDays ?? String(settings.activityWindowDays)}
            error={e.activityWindowDays}
          />
        </div>

        <fieldset className="space-y-3 rounded-md border border-slate-200 p-4">
          <legend className="px-1 text-sm font-medium text-slate-700">{t("fields.businessHours")}</legend>
          <label className="flex items-center gap-2 text-sm">
            <input type="checkbox" name="businessHours" defaultChecked={v.businessHours ? v.businessHours === "on" : Boolean(hours)} className="h-4 w-4" />
            {t("fields.businessHours")}
          </label>
          <p className="text-xs text-slate-500">{t("hints.businessHours")}</p>
          <fieldset aria-describedby={e.businessDays ? "business-days-error" : undefined}>
            <legend className="text-sm text-slate-700">{t("fields.businessDays")}</legend>
            <div className="mt-1 flex flex-wrap gap-3">
              {[1, 2, 3, 4, 5, 6, 7].map((d) => (
                <label key={d} className="flex items-center gap-1 text-sm">
                  <input type="checkbox" name="businessDays[]" value={d} defaultChecked={hours ? hours.days.includes(d) : d <= 5} className="h-4 w-4" />
                  {t(`weekdays.${d}` as never)}
                </label>
              ))}
            </div>
            {e.businessDays && (
              <p id="business-days-error" className="text-sm text-red-600">
                {e.businessDays}
              </p>
            )}
          </fieldset>
          <div className="grid max-w-sm gap-4 sm:grid-cols-2">
            <TextField name="businessStart" type="time" label={t("fields.businessStart")} defaultValue={v.businessStart ?? hours?.start ?? "09:00"} error={e.businessStart} />
            <TextField name="businessEnd" type="time" label={t("fields.businessEnd")} defaultValue={v.businessEnd ?? hours?.end ?? "18:00"} error={e.businessEnd} />
          </div>
        </fieldset>

        <fieldset aria-describedby="loss-stages-hint">
          <legend className="text-sm font-medium text-slate-700">{t("fields.orgLossStages")}</legend>
          <p id="loss-stages-hint" className="text-xs text-slate-500">
            {stages.length ? t("hints.orgLossStages") : t("hints.noStages")}
          </p>
          {lists.map((list) => (
            <div key={list} className="mt-2">
              <p className="text-xs font-medium uppercase tracking-wide text-slate-500">{list === "lead" ? t("lead") : t("pipeline", { id: list })}</p>
              <div className="mt-1 flex flex-wrap gap-3">
                {stages
                  .filter((s) => s.list === list)
                  .map((s) => (
                    <label key={s.statusId} className="flex items-center gap-1 text-sm">
                      <input type="checkbox" name="orgLossStages[]" value={s.statusId} defaultChecked={settings.orgLossStages.includes(s.statusId)} className="h-4 w-4" />
                      {s.name} <span className="text-xs text-slate-400">({s.statusId})</span>
                    </label>
                  ))}
              </div>
            </div>
          ))}
          {e.orgLossStages && <p className="text-sm text-red-600">{e.orgLossStages}</p>}
        </fieldset>

        <label className="flex items-center gap-2 text-sm">
          <input type="checkbox" name="fullyLoadedCac" defaultChecked={v.fullyLoadedCac ? v.fullyLoadedCac === "on" : settings.fullyLoadedCac} className="h-4 w-4" />
          {t("fields.fullyLoadedCac")}
        </label>
      </fieldset>
      {!disabled && <SubmitButton>{t("save")}</SubmitButton>}
    </form>
  );
}
