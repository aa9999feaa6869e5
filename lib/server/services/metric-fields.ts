import { z } from "zod";
import { isMonthKey, isMetricKey, type MetricKey, type MonthKey } from "@/lib/metrics";

/**
 * Field schemas shared by the metric forms and the CSV import, so a value is accepted or refused the same way
 * wherever it comes from. Messages are `validation.*` keys.
 */

/** "1 234,5" or "1234.5" → 1234.5; "" → null. Spaces (also non-breaking) group thousands; a comma may be the decimal mark. */
export function parseLocaleNumber(value: unknown): number | null | undefined {
  if (value === null || value === undefined) return null;
  if (typeof value === "number") return Number.isFinite(value) ? value : undefined;
  if (typeof value !== "string") return undefined;
  const text = value.replace(/[\s\u00a0\u202f]/g, "").replace(",", ".");
  if (text === "") return null;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)$/.test(text)) return undefined;
  const n = Number(text);
  return Number.isFinite(n) ? n : undefined;
}

// `.optional()` before the transform: zod treats a key as optional by its input side, and forms omit empty fields.
const number = (check: (n: number) => string | null) =>
  z.unknown().optional().transform((value, ctx) => {
    const n = parseLocaleNumber(value);
    if (n === undefined) {
      ctx.addIssue({ code: "custom", message: "number" });
      return z.NEVER;
    }
    if (n === null) return null;
    const problem = check(n);
    if (problem) {
      ctx.addIssue({ code: "custom", message: problem });
      return z.NEVER;
    }
    return n;
  });

/** An amount of money ≥ 0 (or empty). */
export const optionalAmount = () => number((n) => (n < 0 ? "positive" : n > 1e15 ? "tooLarge" : null));

/** A whole number within [min, max] (or empty); `message` names the bounds to the user. */
export const optionalWhole = (min: number, max: number, message: string) =>
  number((n) => (!Number.isInteger(n) || n < min || n > max ? message : null));

/** A share from 0 to 1 (or empty). */
export const optionalShare = () => number((n) => (n < 0 || n > 1 ? "share" : null));

/** A count ≥ 0, fractions allowed (forecasts) (or empty). */
export const optionalCount = () => number((n) => (n < 0 ? "positive" : n > 1e12 ? "tooLarge" : null));

/** Any finite number (targets and baselines may be negative in principle) (or empty). */
export const optionalValue = () => number((n) => (Math.abs(n) > 1e15 ? "tooLarge" : null));

/** `YYYY-MM`. */
export const monthField = () =>
  z
    .string({ error: "required" })
    .trim()
    .refine((v) => v.length > 0, { error: "required" })
    .refine((v) => isMonthKey(v), { error: "month" })
    .transform((v) => v as MonthKey);

/** `YYYY-MM` or empty (→ null). */
export const optionalMonthField = () =>
  z
    .string()
    .trim()
    .optional()
    .transform((v) => (v ? v : null))
    .refine((v) => v === null || isMonthKey(v), { error: "month" });

/** One of the ten metric keys. */
export const metricField = () =>
  z
    .string({ error: "required" })
    .trim()
    .refine((v) => isMetricKey(v), { error: "metric" })
    .transform((v) => v as MetricKey);
