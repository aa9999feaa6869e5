import { parseArgs } from "node:util";
import { getDatabase, type Database } from "@/db";
import { getTranslator } from "@/lib/i18n/messages";
import type { Locale } from "@/lib/i18n/config";
import { COMMANDS } from "./commands";
import { EXIT, type CliCommand, type CliIo } from "./types";

const PROGRAM = "npm run cli --";

function commandHelp(command: CliCommand): string[] {
  const flags = Object.entries(command.options).map(([name, spec]) => {
    const flag = spec.type === "string" ? `--${name} <${spec.placeholder ?? "value"}>` : `--${name}`;
    return { flag, text: `${spec.description}${spec.required ? " (required)" : ""}` };
  });
  const width = Math.max(0, ...flags.map((f) => f.flag.length));
  return [
    `Usage: ${PROGRAM} ${command.name} ${flags.map((f) => f.flag).join(" ")}`.trimEnd(),
    "",
    command.summary,
    ...(flags.length ? ["", "Options:", ...flags.map((f) => `  ${f.flag.padEnd(width)}  ${f.text}`)] : []),
    ...(command.notes?.length ? ["", ...command.notes] : []),
  ];
}

function generalHelp(): string[] {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    `Usage: ${PROGRAM} <command> [options]`,
    "",
    "Operator commands for a self-hosted Impact24. They use the database the app uses: PostgreSQL when",
    "DATABASE_URL is set, otherwise the embedded database in IMPACT24_DATA_DIR (default .data/), which",
    "must not be open in a running app at the same time.",
    "",
    "Commands:",
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    "",
    `Run ${PROGRAM} <command> --help for a command's options.`,
  ];
}

function operatorLocale(): Locale {
  return (process.env.LC_ALL || process.env.LANG || "").toLowerCase().startsWith("ru") ? "ru" : "en";
}

/** The default I/O: stdout, stderr, the process-wide database. */
export function processIo(): CliIo & { close(): Promise<void> } {
  let opened: Promise<Database> | undefined;
  const locale = operatorLocale();
  return {
    out: (line = "") => process.stdout.write(`${line}\n`),
    err: (line = "") => process.stderr.write(`${line}\n`),
    database: () => (opened ??= getDatabase()),
    t: (namespace) => getTranslator(locale, namespace),
    async close() {
      if (opened) await (await opened).close();
    },
  };
}

/** Runs one command line (`argv` without node and the script) and returns the exit code. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    generalHelp().forEach((line) => (name ? io.out(line) : io.err(line)));
    return name ? EXIT.ok : EXIT.usage;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    io.err(`Unknown command "${name}".`);
    io.err(`Commands: ${COMMANDS.map((c) => c.name).join(", ")}. Run ${PROGRAM} --help for more.`);
    return EXIT.usage;
  }
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: rest,
      options: { ...Object.fromEntries(Object.entries(command.options).map(([key, spec]) => [key, { type: spec.type }])), help: { type: "boolean", short: "h" } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    io.err(`${(error as Error).message.split("\n")[0]}`);
    io.err(`Run ${PROGRAM} ${command.name} --help for its options.`);
    return EXIT.usage;
  }
  if (values.help) {
    commandHelp(command).forEach((line) => io.out(line));
    return EXIT.ok;
  }
  const missing = Object.entries(command.options).filter(([key, spec]) => spec.required && (values[key] === undefined || values[key] === ""));
  if (missing.length) {
    io.err(`Missing ${missing.map(([key]) => `--${key}`).join(", ")}.`);
    io.err(`Run ${PROGRAM} ${command.name} --help for its options.`);
    return EXIT.usage;
  }
  try {
    return await command.run(values, io);
  } catch (error) {
    io.err(error instanceof Error ? error.message : String(error));
    return EXIT.failed;
  }
}
