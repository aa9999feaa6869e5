"use client";

import { useActionState } from "react";
import { useTranslations } from "next-intl";
import { addProcessAction, decideProcessAction } from "@/app/(app)/clients/[id]/metrics/actions";
import { FormMessage } from "@/components/ui/alert";
import { SelectField, TextField } from "@/components/ui/field";
import { SubmitButton } from "@/components/ui/submit-button";
import { initialFormState } from "@/lib/form-state";

/** Staff's decision on one inventory item: override (or follow the evidence) from a month, note, confirmation. */
export function ProcessDecisionForm({
  clientId,
  item,
  label,
}: {
  clientId: string;
  item: { id: string; override: string | null; overrideFrom: string | null; note: string; custom: boolean };
  label: string;
}) {
  const t = useTranslations("metricData.processes");
  const [state, action] = useActionState(decideProcessAction, initialFormState);
  const v = state.values ?? {};
  const e = state.fieldErrors ?? {};
  const id = `process-${item.id}`;
  const options = [
    ...(item.custom ? [] : [{ value: "", label: t("follow") }]),
    { value: "automated", label: t("statuses.automated") },
    { value: "manual", label: t("statuses.manual") },
    { value: "not_applicable", label: t("statuses.not_applicable") },
  ];
  return (
    <form action={action} className="space-y-2" aria-label={label} noValidate>
      <input type="hidden" name="clientId" value={clientId} />
      <input type="hidden" name="itemId" value={item.id} />
      <div className="grid gap-2 sm:grid-cols-3">
        <SelectField id={`${id}-override`} name="override" label={t("fields.override")} options={options} defaultValue={v.override ?? item.override ?? ""} error={e.override} />
        <TextField id={`${id}-from`} name="overrideFrom" type="month" label={t("fields.overrideFrom")} hint={t("fromHint")} defaultValue={v.overrideFrom ?? item.overrideFrom ?? ""} error={e.overrideFrom} />
        <TextField id={`${id}-note`} name="note" label={t("fields.note")} maxLength={500} defaultValue={v.note ?? item.note} error={e.note} />
      </div>
      <div className="flex flex-wrap items-center gap-3">
        <label className="flex items-center gap-2 text-sm">
          <input type="checkbox" name="confirm" className="h-4 w-4" />
          {t("fields.confirm")}
        </label>
        <SubmitButton size="sm" variant="secondary">
          {t("save")}
        </SubmitButton>
      </div>
      <FormMessage state={state} />
    </form>
  );
}

/** Adds a custom process to the inventory. */
export function CustomProcessForm({ clientId }: { clientId: string }) {
  const t = useTranslations("metricData.processes");
  const [state, action] = useActionState(addProcessAction, initialFormState);
  const v = state.values ?? {};
  const e = state.fieldErrors ?? {};
  return (
    <form action={action} className="space-y-3" noValidate>
      <FormMessage state={state} />
      <input type="hidden" name="clientId" value={clientId} />
      <div className="grid gap-3 sm:grid-cols-3">
        <TextField name="name" label={t("fields.name")} required maxLength={120} defaultValue={v.name ?? ""} error={e.name} id="custom-process-name" />
        <SelectField
          name="override"
          id="custom-process-status"
          label={t("fields.status")}
          defaultValue={v.override ?? "automated"}
          error={e.override}
          options={(["automated", "manual", "not_applicable"] as const).map((s) => ({ value: s, label: t(`statuses.${s}`) }))}
        />
        <TextField name="overrideFrom" id="custom-process-from" type="month" label={t("fields.overrideFrom")} hint={t("fromHint")} defaultValue={v.overrideFrom ?? ""} error={e.overrideFrom} />
      </div>
      <SubmitButton>{t("addSubmit")}</SubmitButton>
    </form>
  );
}
