"use client";

import Link from "next/link";
import { useActionState } from "react";
import { useTranslations } from "next-intl";
import { createClientAction, updateClientAction } from "@/app/(app)/clients/actions";
import { FormMessage } from "@/components/ui/alert";
import { buttonClass } from "@/components/ui/button";
import { SelectField, TextAreaField, TextField } from "@/components/ui/field";
import { SubmitButton } from "@/components/ui/submit-button";
import { initialFormState } from "@/lib/form-state";
import { useFocusFirstError } from "@/components/ui/use-focus-first-error";

/** Currencies our integrators' clients use most, offered as suggestions; any ISO 4217 code is accepted. */
const COMMON_CURRENCIES = ["RUB", "USD", "EUR", "KZT", "BYN", "UZS", "KGS", "AMD", "GEL", "AZN", "CNY", "AED", "TRY", "GBP"];

export interface ClientFormValues {
  id?: string;
  name: string;
  timeZone: string;
  baseCurrency: string;
  goLiveDate: string | null;
  status: string;
  notes: string;
}

/** Creates a client (no `id`) or edits one; an archived client's status is left to Restore. */
export function ClientForm({
  client,
  timeZones,
  cancelHref,
}: {
  client: ClientFormValues;
  timeZones: Array<{ value: string; label: string }>;
  cancelHref: string;
}) {
  const t = useTranslations("clients");
  const editing = Boolean(client.id);
  const [state, action] = useActionState(editing ? updateClientAction : createClientAction, initialFormState);
  const formRef = useFocusFirstError(state);
  const v = state.values ?? {};
  const e = state.fieldErrors ?? {};
  const archived = client.status === "archived";
  return (
    <form ref={formRef} action={action} className="space-y-5" noValidate>
      <FormMessage state={state} />
      {client.id && <input type="hidden" name="clientId" value={client.id} />}
      <TextField name="name" label={t("fields.name")} required maxLength={200} defaultValue={v.name ?? client.name} error={e.name} autoFocus={!editing} />
      <div className="grid gap-5 sm:grid-cols-2">
        <SelectField
          name="timeZone"
          label={t("fields.timeZone")}
          required
          hint={t("hints.timeZone")}
          defaultValue={v.timeZone ?? client.timeZone}
          error={e.timeZone}
          options={timeZones}
        />
        <TextField
          name="baseCurrency"
          label={t("fields.baseCurrency")}
          required
          maxLength={3}
          list="currency-codes"
          autoComplete="off"
          className="uppercase"
          hint={t("hints.baseCurrency")}
          defaultValue={v.baseCurrency ?? client.baseCurrency}
          error={e.baseCurrency}
        />
        <datalist id="currency-codes">
          {COMMON_CURRENCIES.map((code) => (
            <option key={code} value={code} />
          ))}
        </datalist>
        <TextField
          name="goLiveDate"
          type="date"
          label={t("fields.goLiveDate")}
          hint={t("hints.goLiveDate")}
          defaultValue={v.goLiveDate ?? client.goLiveDate ?? ""}
          error={e.goLiveDate}
        />
        {!archived && (
          <SelectField
            name="status"
            label={t("fields.status")}
            required
            defaultValue={v.status ?? client.status}
            error={e.status}
            options={[
              { value: "active", label: t("statuses.active") },
              { value: "prospect", label: t("statuses.prospect") },
            ]}
          />
        )}
      </div>
      <TextAreaField name="notes" label={t("fields.notes")} rows={4} maxLength={5000} hint={t("hints.notes")} defaultValue={v.notes ?? client.notes} error={e.notes} />
      <div className="flex flex-wrap gap-2">
        <SubmitButton pendingLabel={editing ? t("saving") : t("creating")}>{editing ? t("save") : t("create")}</SubmitButton>
        <Link href={cancelHref} className={buttonClass("secondary")}>
          {t("cancel")}
        </Link>
      </div>
    </form>
  );
}
