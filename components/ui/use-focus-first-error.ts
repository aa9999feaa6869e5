"use client";

import { useEffect, useRef } from "react";
import type { FormState } from "@/lib/form-state";

/**
 * After a failed submission, moves focus to the first field marked invalid, so keyboard and screen-reader users
 * land on what needs fixing. Attach the returned ref to the form.
 */
export function useFocusFirstError(state: FormState) {
  const ref = useRef<HTMLFormElement>(null);
  useEffect(() => {
    if (state.status !== "error" || !state.fieldErrors) return;
    ref.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [state]);
  return ref;
}
