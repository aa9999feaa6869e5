import { z } from "zod";

/**
 * Building blocks for input schemas. Messages are keys of the `validation` catalogue namespace, translated where
 * the error is shown (forms, API 422 bodies).
 */
export const requiredText = (max = 200) =>
  z.string({ error: "required" }).trim().min(1, { error: "required" }).max(max, { error: "tooLong" });

export const optionalText = (max = 2000) => z.string().trim().max(max, { error: "tooLong" }).default("");

export const emailAddress = () =>
  z.string({ error: "required" }).trim().toLowerCase().min(1, { error: "required" }).email({ error: "email" }).max(254, { error: "tooLong" });

export const newPassword = () =>
  z.string({ error: "required" }).min(10, { error: "passwordTooShort" }).max(200, { error: "tooLong" });

/** IANA time zone known to this runtime. */
export const timeZone = () =>
  z.string({ error: "required" }).refine((value) => {
    try {
      new Intl.DateTimeFormat("en", { timeZone: value });
      return value.length > 0;
    } catch {
      return false;
    }
  }, { error: "timeZone" });

/** ISO 4217 code. */
export const currencyCode = () =>
  z.string({ error: "required" }).trim().toUpperCase().regex(/^[A-Z]{3}$/, { error: "currency" });

/** `YYYY-MM-DD` or empty (→ null). */
export const optionalDate = () =>
  z
    .string()
    .trim()
    .optional()
    .transform((value) => (value ? value : null))
    .refine((value) => value === null || (/^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(value))), {
      error: "date",
    });

export type FieldErrors = Record<string, { key: string; params?: Record<string, string | number> }>;

/** Field → first problem, as catalogue keys with parameters, from a zod error. */
export function fieldErrorsOf(error: z.ZodError): FieldErrors {
  const fields: FieldErrors = {};
  for (const issue of error.issues) {
    const field = issue.path.join(".") || "_";
    if (fields[field]) continue;
    fields[field] = issueKey(issue);
  }
  return fields;
}

function issueKey(issue: z.core.$ZodIssue): { key: string; params?: Record<string, string | number> } {
  const known = issue.message && /^[a-zA-Z]+$/.test(issue.message) && issue.message !== "Invalid input";
  if (known) {
    const params: Record<string, string | number> = {};
    if (issue.code === "too_small") params.min = Number(issue.minimum);
    if (issue.code === "too_big") params.max = Number(issue.maximum);
    return { key: issue.message, params };
  }
  switch (issue.code) {
    case "too_small":
      return { key: "tooShort", params: { min: Number(issue.minimum) } };
    case "too_big":
      return { key: "tooLong", params: { max: Number(issue.maximum) } };
    case "invalid_type":
      return { key: "required" };
    case "invalid_value":
      return { key: "choice" };
    default:
      return { key: "invalid" };
  }
}
