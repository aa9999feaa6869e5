"use client";

import { useActionState } from "react";
import { useTranslations } from "next-intl";
import { FormMessage } from "@/components/ui/alert";
import { SelectField } from "@/components/ui/field";
import { SubmitButton } from "@/components/ui/submit-button";
import { initialFormState, type FormState } from "@/lib/form-state";

/** How often the org's portals are synced, and whether scheduled syncs run. */
export function SyncSettingsForm({
  action,
  intervals,
  intervalMinutes,
  scheduleEnabled,
}: {
  action: (state: FormState, formData: FormData) => Promise<FormState>;
  intervals: readonly number[];
  intervalMinutes: number;
  scheduleEnabled: boolean;
}) {
  const t = useTranslations("sync.settings");
  const [state, formAction] = useActionState(action, initialFormState);
  const label = (m: number) =>
    m < 60 ? t("everyMinutes", { n: m }) : m === 60 ? t("everyHour") : m < 1440 ? t("everyHours", { n: m / 60 }) : t("daily");
  return (
    <form action={formAction} className="space-y-4">
      <FormMessage state={state} />
      <SelectField
        name="intervalMinutes"
        label={t("interval")}
        hint={t("intervalHint")}
        defaultValue={state.values?.intervalMinutes ?? String(intervalMinutes)}
        error={state.fieldErrors?.intervalMinutes}
        options={intervals.map((m) => ({ value: String(m), label: label(m) }))}
      />
      <div className="flex items-start gap-2">
        <input
          id="field-scheduleEnabled"
          name="scheduleEnabled"
          type="checkbox"
          defaultChecked={state.values ? state.values.scheduleEnabled === "on" : scheduleEnabled}
          className="mt-1 h-4 w-4 rounded border-slate-300"
          aria-describedby="field-scheduleEnabled-hint"
        />
        <div>
          <label htmlFor="field-scheduleEnabled" className="text-sm font-medium text-slate-700">
            {t("enabled")}
          </label>
          <p id="field-scheduleEnabled-hint" className="text-xs text-slate-500">
            {t("enabledHint")}
          </p>
        </div>
      </div>
      <SubmitButton pendingLabel={t("saving")}>{t("save")}</SubmitButton>
    </form>
  );
}
