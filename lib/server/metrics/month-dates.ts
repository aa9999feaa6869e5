import type { MonthKey } from "@/lib/metrics";

/** `2024-03` → `2024-03-01`, the `date` a month is stored as. */
export const monthDate = (month: MonthKey) => `${month}-01`;

/** `2024-03-01` (or a Date at UTC midnight) → `2024-03`. */
export const monthKeyOfDate = (value: string | Date): MonthKey =>
  typeof value === "string" ? value.slice(0, 7) : value.toISOString().slice(0, 7);
