"use client";

import { useActionState } from "react";
import { useTranslations } from "next-intl";
import { saveInputsAction } from "@/app/(app)/clients/[id]/metrics/actions";
import { FormMessage } from "@/components/ui/alert";
import { TextField } from "@/components/ui/field";
import { SubmitButton } from "@/components/ui/submit-button";
import { initialFormState } from "@/lib/form-state";

const GROUPS = {
  cac: ["marketingSpend", "crmLicence", "implementationCost", "amortisationMonths", "salesSalaries"],
  lost: ["forecastDemand", "fulfilmentRate", "unitPrice", "shortfallFactor"],
} as const;

const HINTED = new Set(["implementationCost", "salesSalaries", "forecastDemand", "fulfilmentRate", "unitPrice", "shortfallFactor"]);

/** The manual inputs of one month; numbers accept a decimal comma and spaces between thousands. */
export function InputsForm({ clientId, month, values, disabled }: { clientId: string; month: string; values: Record<string, number | null>; disabled: boolean }) {
  const t = useTranslations("metricData.inputs");
  const [state, action] = useActionState(saveInputsAction, initialFormState);
  const v = state.values ?? {};
  const e = state.fieldErrors ?? {};
  return (
    <form action={action} className="space-y-6" noValidate>
      <FormMessage state={state} />
      <input type="hidden" name="clientId" value={clientId} />
      <input type="hidden" name="month" value={month} />
      {(Object.keys(GROUPS) as (keyof typeof GROUPS)[]).map((group) => (
        <fieldset key={group} className="space-y-4" disabled={disabled}>
          <legend className="text-sm font-semibold text-slate-800">{t(`groups.${group}`)}</legend>
          <div className="grid gap-4 sm:grid-cols-2">
            {GROUPS[group].map((field) => (
              <TextField
                key={`${month}-${field}`}
                name={field}
                label={t(`fields.${field}`)}
                inputMode="decimal"
                autoComplete="off"
                hint={HINTED.has(field) ? t(`hints.${field}` as never) : undefined}
                defaultValue={v[field] ?? (values[field] === null || values[field] === undefined ? "" : String(values[field]))}
                error={e[field] ?? e.month}
              />
            ))}
          </div>
        </fieldset>
      ))}
      {!disabled && <SubmitButton>{t("save")}</SubmitButton>}
    </form>
  );
}
