"use client";

import { useActionState, useState } from "react";
import { useFormatter, useTranslations } from "next-intl";
import { createConnectLinkAction, type ConnectLinkFormState } from "@/app/actions/portals";
import { Alert, FormMessage } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { SelectField } from "@/components/ui/field";
import { SubmitButton } from "@/components/ui/submit-button";
import { initialFormState } from "@/lib/form-state";

const DAYS = [1, 3, 7, 14, 30];

/**
 * Flow (b): creates a one-time connect link and shows it once, with a copy button. The link lives only in this
 * component's state: reloading the page drops it for good (the database keeps its hash).
 */
export function CreateConnectLinkForm({ clientId }: { clientId: string }) {
  const t = useTranslations("portals.links");
  const [state, action] = useActionState<ConnectLinkFormState, FormData>(createConnectLinkAction, initialFormState);
  return (
    <div className="space-y-3">
      {state.status === "success" && state.link ? <NewLink key={state.link.url} link={state.link} /> : <FormMessage state={state} />}
      <form action={action} className="flex flex-wrap items-end gap-3" noValidate>
        <input type="hidden" name="clientId" value={clientId} />
        <SelectField
          id={`connect-link-days-${clientId}`}
          name="expiresInDays"
          label={t("expiresIn")}
          defaultValue="7"
          options={DAYS.map((count) => ({ value: String(count), label: t("days", { count }) }))}
          error={state.fieldErrors?.expiresInDays}
        />
        <SubmitButton variant="secondary" pendingLabel={t("creating")}>
          {t("create")}
        </SubmitButton>
      </form>
    </div>
  );
}

function NewLink({ link }: { link: { url: string; expiresAt: string } }) {
  const t = useTranslations("portals.links");
  const format = useFormatter();
  const [copy, setCopy] = useState<"idle" | "copied" | "failed">("idle");
  const copyLink = async () => {
    try {
      await navigator.clipboard.writeText(link.url);
      setCopy("copied");
    } catch {
      setCopy("failed");
    }
  };
  return (
    <Alert tone="warning" className="space-y-3">
      <p className="font-semibold">{t("showOnceTitle")}</p>
      <p>{t("showOnceText", { date: format.dateTime(new Date(link.expiresAt), { dateStyle: "medium", timeStyle: "short" }) })}</p>
      <div className="flex flex-wrap items-center gap-2">
        <label htmlFor="new-connect-link" className="sr-only">
          {t("linkLabel")}
        </label>
        <input
          id="new-connect-link"
          readOnly
          value={link.url}
          data-testid="new-connect-link"
          onFocus={(event) => event.currentTarget.select()}
          className="min-w-0 flex-1 rounded-md border border-amber-300 bg-white px-3 py-2 font-mono text-sm text-slate-900"
        />
        <Button variant="secondary" onClick={copyLink}>
          {t("copy")}
        </Button>
      </div>
      <p role="status" className="text-sm">
        {copy === "copied" ? t("copied") : copy === "failed" ? t("copyFailed") : ""}
      </p>
    </Alert>
  );
}
