"use client";

import { useActionState } from "react";
import { useTranslations } from "next-intl";
import { setBaselineAction, setTargetAction } from "@/app/(app)/clients/[id]/metrics/actions";
import { FormMessage } from "@/components/ui/alert";
import { SelectField, TextField } from "@/components/ui/field";
import { SubmitButton } from "@/components/ui/submit-button";
import { initialFormState } from "@/lib/form-state";

/** The entered baseline of one metric (empty: use the computed one). */
export function BaselineForm({ clientId, metric, label, value, note }: { clientId: string; metric: string; label: string; value: number | null; note: string }) {
  const t = useTranslations("metricData.goals");
  const [state, action] = useActionState(setBaselineAction, initialFormState);
  const v = state.values ?? {};
  const e = state.fieldErrors ?? {};
  return (
    <form action={action} className="flex flex-wrap items-end gap-2" aria-label={label} noValidate>
      <input type="hidden" name="clientId" value={clientId} />
      <input type="hidden" name="metric" value={metric} />
      <div className="w-32">
        <TextField id={`baseline-${metric}`} name="value" label={t("value")} inputMode="decimal" autoComplete="off" defaultValue={v.value ?? (value === null ? "" : String(value))} error={e.value} />
      </div>
      <div className="w-48">
        <TextField id={`baseline-note-${metric}`} name="note" label={t("note")} maxLength={500} defaultValue={v.note ?? note} error={e.note} />
      </div>
      <SubmitButton size="sm" variant="secondary">
        {t("set")}
      </SubmitButton>
      <div className="basis-full">
        <FormMessage state={state} />
      </div>
    </form>
  );
}

/** Sets a target for a metric, for every month or for one. */
export function TargetForm({ clientId, metrics }: { clientId: string; metrics: { value: string; label: string }[] }) {
  const t = useTranslations("metricData.goals");
  const [state, action] = useActionState(setTargetAction, initialFormState);
  const v = state.values ?? {};
  const e = state.fieldErrors ?? {};
  return (
    <form action={action} className="space-y-3" noValidate>
      <FormMessage state={state} />
      <input type="hidden" name="clientId" value={clientId} />
      <div className="grid gap-3 sm:grid-cols-4">
        <SelectField id="target-metric" name="metric" label={t("metric")} options={metrics} defaultValue={v.metric ?? metrics[0]?.value} error={e.metric} />
        <TextField id="target-month" name="month" type="month" label={t("month")} hint={t("monthHint")} defaultValue={v.month ?? ""} error={e.month} />
        <TextField id="target-value" name="value" label={t("value")} required inputMode="decimal" autoComplete="off" defaultValue={v.value ?? ""} error={e.value} />
        <TextField id="target-note" name="note" label={t("note")} maxLength={500} defaultValue={v.note ?? ""} error={e.note} />
      </div>
      <SubmitButton>{t("addTarget")}</SubmitButton>
    </form>
  );
}
