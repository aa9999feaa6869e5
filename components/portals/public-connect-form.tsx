"use client";

import { useActionState } from "react";
import { useTranslations } from "next-intl";
import { startLinkConnectAction } from "@/app/connect/actions";
import { FormMessage } from "@/components/ui/alert";
import { TextField } from "@/components/ui/field";
import { SubmitButton } from "@/components/ui/submit-button";
import { initialFormState } from "@/lib/form-state";

/** The connect link's form: the portal admin's Bitrix24 address, then off to approve access there. */
export function PublicConnectForm({ token }: { token: string }) {
  const t = useTranslations("portals.public");
  const [state, action] = useActionState(startLinkConnectAction, initialFormState);
  const e = state.fieldErrors ?? {};
  return (
    <form action={action} className="space-y-3" noValidate>
      {state.status === "error" && !e.portal && <FormMessage state={state} />}
      <input type="hidden" name="token" value={token} />
      <TextField
        name="portal"
        label={t("address")}
        hint={t("addressHint")}
        placeholder="yourcompany.bitrix24.ru"
        autoComplete="url"
        inputMode="url"
        required
        autoFocus
        defaultValue={state.values?.portal}
        error={e.portal}
      />
      <SubmitButton className="w-full" pendingLabel={t("submitting")}>
        {t("submit")}
      </SubmitButton>
    </form>
  );
}
