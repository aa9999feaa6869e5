import type { Database } from "@/db";
import type { Translate } from "@/lib/i18n/messages";

/** What a command gets besides its arguments: output streams, the database (opened on first use) and texts. */
export interface CliIo {
  out(line?: string): void;
  err(line?: string): void;
  database(): Promise<Database>;
  /** Translator for a message namespace, in the operator's language (LANG). */
  t(namespace: string): Translate;
}

export type OptionSpec = { type: "string" | "boolean"; description: string; required?: boolean; placeholder?: string };

/**
 * One `npm run cli -- <name>` command. Add a file under `commands/` exporting one of these and list it in
 * `commands/index.ts`; parsing, `--help` and error reporting come for free.
 */
export interface CliCommand {
  name: string;
  summary: string;
  options: Record<string, OptionSpec>;
  /** Extra lines for `<name> --help` (examples, caveats). */
  notes?: string[];
  /** Returns the exit code. */
  run(values: Record<string, string | boolean | undefined>, io: CliIo): Promise<number>;
}

/** Exit codes: 0 done, 1 refused or failed (bad input, conflict), 2 wrong usage (unknown command or option). */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;
