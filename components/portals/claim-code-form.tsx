"use client";

import { useActionState } from "react";
import { useTranslations } from "next-intl";
import { claimPortalAction } from "@/app/actions/portals";
import { FormMessage } from "@/components/ui/alert";
import { TextField } from "@/components/ui/field";
import { SubmitButton } from "@/components/ui/submit-button";
import { initialFormState } from "@/lib/form-state";

/** Flow (c): the code the portal shows after installing the app from Bitrix24. */
export function ClaimCodeForm({ clientId }: { clientId: string }) {
  const t = useTranslations("portals.claim");
  const [state, action] = useActionState(claimPortalAction, initialFormState);
  const e = state.fieldErrors ?? {};
  return (
    <form action={action} className="space-y-3" noValidate>
      {state.status === "error" && !e.code && <FormMessage state={state} />}
      <input type="hidden" name="clientId" value={clientId} />
      <TextField
        id={`claim-code-${clientId}`}
        name="code"
        label={t("code")}
        hint={t("codeHint")}
        placeholder="ABCD-2345"
        autoComplete="off"
        autoCapitalize="characters"
        spellCheck={false}
        maxLength={20}
        required
        defaultValue={state.status === "error" ? state.values?.code : undefined}
        error={e.code}
        className="font-mono uppercase"
      />
      <SubmitButton variant="secondary" pendingLabel={t("submitting")}>
        {t("submit")}
      </SubmitButton>
    </form>
  );
}
