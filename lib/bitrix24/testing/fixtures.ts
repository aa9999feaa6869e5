/** Loads the official response examples copied into lib/bitrix24/__fixtures__ (see the README there). */
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";

export const FIXTURES_DIR = path.resolve(import.meta.dirname, "..", "__fixtures__");

/** The raw text of a fixture, byte for byte. */
export function fixtureText(name: string): string {
  return readFileSync(path.join(FIXTURES_DIR, name), "utf8");
}

/** A fixture parsed as JSON. */
export function fixture<T = Record<string, unknown>>(name: string): T {
  return JSON.parse(fixtureText(name)) as T;
}

/** Fixture file names matching a prefix, e.g. "error-". */
export function fixtureNames(prefix: string): string[] {
  return readdirSync(FIXTURES_DIR)
    .filter((f) => f.startsWith(prefix) && f.endsWith(".json"))
    .sort();
}
