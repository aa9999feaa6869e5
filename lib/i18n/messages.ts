import fs from "node:fs";
import path from "node:path";
import { createTranslator } from "next-intl";
import type { Locale } from "./config";

export type Messages = Record<string, Record<string, unknown>>;

const MESSAGES_DIR = path.join(process.cwd(), "messages");
const cache = new Map<Locale, Messages>();

/**
 * The catalogue of a locale: `messages/<locale>/<namespace>.json`, one file per namespace so features keep their
 * texts side by side. Cached outside development.
 */
export function loadMessages(locale: Locale): Messages {
  const cached = cache.get(locale);
  if (cached && process.env.NODE_ENV !== "development") return cached;
  const dir = path.join(MESSAGES_DIR, locale);
  const messages: Messages = {};
  for (const file of fs.readdirSync(dir).sort()) {
    if (!file.endsWith(".json")) continue;
    messages[file.slice(0, -5)] = JSON.parse(fs.readFileSync(path.join(dir, file), "utf8"));
  }
  cache.set(locale, messages);
  return messages;
}

export type Translate = ((key: string, values?: Record<string, string | number | Date>) => string) & {
  has(key: string): boolean;
};

/** A translator usable outside React (e-mails, jobs, CLI, API errors). */
export function getTranslator(locale: Locale, namespace?: string): Translate {
  const t = createTranslator({ locale, messages: loadMessages(locale), namespace: namespace as never });
  return t as unknown as Translate;
}
