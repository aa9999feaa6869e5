/** What a form's server action returns to `useActionState`: translated, ready to show. */
export interface FormState {
  status: "idle" | "success" | "error";
  message?: string;
  fieldErrors?: Record<string, string>;
  /** The submitted values, so a form re-renders with what the user typed (never passwords). */
  values?: Record<string, string>;
}

export const initialFormState: FormState = { status: "idle" };
