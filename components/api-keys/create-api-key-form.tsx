"use client";

import { useActionState, useState } from "react";
import { useTranslations } from "next-intl";
import { createApiKeyAction, type ApiKeyFormState } from "@/app/(app)/settings/api-keys/actions";
import { Alert, FormMessage } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { SelectField, TextField } from "@/components/ui/field";
import { SubmitButton } from "@/components/ui/submit-button";
import { initialFormState } from "@/lib/form-state";

/**
 * Creates a key and shows it once, with a copy button and a warning. The key lives only in this component's state:
 * leaving or reloading the page drops it for good.
 */
export function CreateApiKeyForm() {
  const t = useTranslations("apiKeys");
  const [state, action] = useActionState<ApiKeyFormState, FormData>(createApiKeyAction, initialFormState);
  const e = state.fieldErrors ?? {};
  return (
    <div className="space-y-4">
      {state.status === "success" && state.key ? (
        <NewKey key={state.key} apiKey={state.key} name={state.keyName ?? ""} />
      ) : (
        <FormMessage state={state} />
      )}
      <form action={action} className="space-y-4" noValidate>
        <TextField
          // A new key after each success empties the field for the next key.
          key={state.status === "success" ? state.key : "name"}
          id="api-key-name"
          name="name"
          label={t("name")}
          hint={t("nameHint")}
          autoComplete="off"
          maxLength={100}
          required
          defaultValue={state.status === "error" ? state.values?.name : undefined}
          error={e.name}
        />
        <SelectField
          id="api-key-scope"
          name="scope"
          label={t("scope")}
          hint={t("scopeHint")}
          defaultValue={(state.status === "error" ? state.values?.scope : undefined) ?? "write"}
          options={[
            { value: "write", label: t("scopes.write") },
            { value: "read", label: t("scopes.read") },
          ]}
          error={e.scope}
        />
        <SubmitButton pendingLabel={t("creating")}>{t("create")}</SubmitButton>
      </form>
    </div>
  );
}

function NewKey({ apiKey, name }: { apiKey: string; name: string }) {
  const t = useTranslations("apiKeys");
  const [copy, setCopy] = useState<"idle" | "copied" | "failed">("idle");
  const copyKey = async () => {
    try {
      await navigator.clipboard.writeText(apiKey);
      setCopy("copied");
    } catch {
      setCopy("failed");
    }
  };
  return (
    <Alert tone="warning" className="space-y-3">
      <p className="font-semibold">{t("showOnceTitle")}</p>
      <p>{t("showOnceText")}</p>
      <div className="flex flex-wrap items-center gap-2">
        <label htmlFor="new-api-key" className="sr-only">
          {t("keyLabel", { name })}
        </label>
        <input
          id="new-api-key"
          readOnly
          value={apiKey}
          data-testid="new-api-key"
          onFocus={(event) => event.currentTarget.select()}
          className="min-w-0 flex-1 rounded-md border border-amber-300 bg-white px-3 py-2 font-mono text-sm text-slate-900"
        />
        <Button variant="secondary" onClick={copyKey}>
          {t("copy")}
        </Button>
      </div>
      <p role="status" className="text-sm">
        {copy === "copied" ? t("copied") : copy === "failed" ? t("copyFailed") : ""}
      </p>
    </Alert>
  );
}
