import type { z } from "zod";
import { fieldErrorsOf } from "@/lib/validation";
import { AppError } from "./errors";

/**
 * Parses a service's input with its schema. Forms validate before calling, but the CLI and the API may not: a
 * problem becomes a `validation` AppError whose fields are `validation.*` keys, and nothing is written.
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const fields = Object.fromEntries(Object.entries(fieldErrorsOf(parsed.error)).map(([field, { key }]) => [field, key]));
  throw new AppError("validation", { fields });
}
