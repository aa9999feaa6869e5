"use client";

import { useActionState } from "react";
import { useTranslations } from "next-intl";
import { startPortalConnectAction } from "@/app/actions/portals";
import { FormMessage } from "@/components/ui/alert";
import { TextField } from "@/components/ui/field";
import { SubmitButton } from "@/components/ui/submit-button";
import { initialFormState } from "@/lib/form-state";

/** Flow (a): the portal's address, then off to Bitrix24 to approve access. */
export function ConnectPortalForm({ clientId, defaultPortal, reconnect }: { clientId: string; defaultPortal?: string; reconnect?: boolean }) {
  const t = useTranslations("portals.oauth");
  const [state, action] = useActionState(startPortalConnectAction, initialFormState);
  const e = state.fieldErrors ?? {};
  return (
    <form action={action} className="space-y-3" noValidate>
      {state.status === "error" && !e.portal && <FormMessage state={state} />}
      <input type="hidden" name="clientId" value={clientId} />
      <TextField
        id={`portal-address-${clientId}`}
        name="portal"
        label={t("address")}
        hint={t("addressHint")}
        placeholder="acme.bitrix24.ru"
        autoComplete="url"
        inputMode="url"
        required
        defaultValue={state.values?.portal ?? defaultPortal}
        error={e.portal}
      />
      <SubmitButton pendingLabel={t("submitting")}>{reconnect ? t("reconnect") : t("submit")}</SubmitButton>
    </form>
  );
}
