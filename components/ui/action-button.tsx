"use client";

import { useActionState } from "react";
import { initialFormState, type FormState } from "@/lib/form-state";
import { SubmitButton } from "./submit-button";
import { cn } from "./cn";

type Action = (state: FormState, formData: FormData) => Promise<FormState>;

/**
 * A one-click action (resend, restore…) as a tiny form, so it works from the keyboard and shows progress; its
 * outcome is announced next to it.
 */
export function ActionButton({
  action,
  fields,
  label,
  pendingLabel,
  variant = "secondary",
  size = "sm",
  className,
}: {
  action: Action;
  fields: Record<string, string>;
  label: string;
  pendingLabel?: string;
  variant?: "primary" | "secondary" | "ghost";
  size?: "sm" | "md";
  className?: string;
}) {
  const [state, formAction] = useActionState(action, initialFormState);
  return (
    <form action={formAction} className={cn("inline-flex flex-wrap items-center gap-2", className)}>
      {Object.entries(fields).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      <SubmitButton variant={variant} size={size} pendingLabel={pendingLabel}>
        {label}
      </SubmitButton>
      {state.message && state.status !== "idle" && (
        <span role={state.status === "error" ? "alert" : "status"} className={cn("text-sm", state.status === "error" ? "text-red-600" : "text-green-700")}>
          {state.message}
        </span>
      )}
    </form>
  );
}
