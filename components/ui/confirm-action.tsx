"use client";

import { useActionState, useEffect, useId, useRef } from "react";
import { useTranslations } from "next-intl";
import { initialFormState, type FormState } from "@/lib/form-state";
import { Alert } from "./alert";
import { Button } from "./button";
import { SubmitButton } from "./submit-button";

type Action = (state: FormState, formData: FormData) => Promise<FormState>;

/**
 * A button for a destructive action that asks first: it opens a modal dialog (focus moves in, Escape cancels,
 * focus returns to the button) with the consequences spelt out, and runs `action` with `fields` only on
 * confirmation. An error stays visible in the dialog; success closes it.
 */
export function ConfirmAction({
  action,
  fields,
  label,
  title,
  text,
  confirmLabel,
  pendingLabel,
  size = "sm",
  variant = "danger",
}: {
  action: Action;
  fields: Record<string, string>;
  label: string;
  title: string;
  text: string;
  confirmLabel: string;
  pendingLabel?: string;
  size?: "sm" | "md";
  variant?: "danger" | "secondary";
}) {
  const t = useTranslations("common");
  const dialog = useRef<HTMLDialogElement>(null);
  const [state, formAction] = useActionState(action, initialFormState);
  const titleId = useId();

  useEffect(() => {
    if (state.status === "success") dialog.current?.close();
  }, [state]);

  return (
    <>
      <Button variant={variant} size={size} onClick={() => dialog.current?.showModal()}>
        {label}
      </Button>
      <dialog
        ref={dialog}
        aria-labelledby={titleId}
        className="m-auto w-full max-w-md rounded-lg border border-slate-200 p-0 shadow-xl backdrop:bg-slate-900/40"
      >
        <form action={formAction} className="space-y-4 p-6">
          <h2 id={titleId} className="text-lg font-semibold">
            {title}
          </h2>
          <p className="text-sm text-slate-600">{text}</p>
          {state.status === "error" && state.message && <Alert tone="error">{state.message}</Alert>}
          {Object.entries(fields).map(([name, value]) => (
            <input key={name} type="hidden" name={name} value={value} />
          ))}
          <div className="flex justify-end gap-2">
            <Button variant="secondary" autoFocus onClick={() => dialog.current?.close()}>
              {t("cancel")}
            </Button>
            <SubmitButton variant="danger" pendingLabel={pendingLabel}>
              {confirmLabel}
            </SubmitButton>
          </div>
        </form>
      </dialog>
    </>
  );
}
