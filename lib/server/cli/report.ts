import { z } from "zod";
import { fieldErrorsOf } from "@/lib/validation";
import { isAppError } from "../errors";
import { EXIT, type CliIo } from "./types";

/**
 * Prints why a command was refused, in the words the web app uses (same catalogues), naming the command-line
 * option for each bad field. Returns the exit code.
 */
export function reportError(error: unknown, io: CliIo, fieldToOption: Record<string, string> = {}): number {
  const tv = io.t("validation");
  const option = (field: string) => fieldToOption[field] ?? field;
  if (error instanceof z.ZodError) {
    for (const [field, { key, params }] of Object.entries(fieldErrorsOf(error))) {
      io.err(`${option(field)}: ${tv.has(key) ? tv(key, params) : tv("invalid")}`);
    }
    return EXIT.failed;
  }
  if (isAppError(error)) {
    const te = io.t("errors");
    io.err(te.has(error.messageKey) ? te(error.messageKey, error.params) : te(error.code));
    for (const [field, key] of Object.entries(error.fields ?? {})) {
      if (key !== error.messageKey) io.err(`${option(field)}: ${tv.has(key) ? tv(key) : key}`);
    }
    return EXIT.failed;
  }
  io.err(error instanceof Error ? error.message : String(error));
  return EXIT.failed;
}
