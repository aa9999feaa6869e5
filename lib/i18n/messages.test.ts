import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { LOCALES } from "./config";
import { loadMessages } from "./messages";

const flatten = (value: unknown, prefix = ""): string[] =>
  value && typeof value === "object"
    ? Object.entries(value).flatMap(([key, inner]) => flatten(inner, prefix ? `${prefix}.${key}` : key))
    : [prefix];

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)/g)].map((m) => m[1]).sort();

describe("message catalogues", () => {
  const [first, ...others] = LOCALES;
  const reference = loadMessages(first);

  it("have the same namespaces in every locale", () => {
    const files = (locale: string) => fs.readdirSync(path.join("messages", locale)).sort();
    for (const locale of others) expect(files(locale)).toEqual(files(first));
  });

  for (const locale of others) {
    it(`${locale} has exactly the keys of ${first}, with the same placeholders`, () => {
      const messages = loadMessages(locale);
      expect(flatten(messages).sort()).toEqual(flatten(reference).sort());
      const lookup = (tree: unknown, key: string) =>
        key.split(".").reduce<unknown>((node, part) => (node as Record<string, unknown>)[part], tree);
      for (const key of flatten(reference)) {
        const a = lookup(reference, key);
        const b = lookup(messages, key);
        if (typeof a === "string" && typeof b === "string") {
          expect(placeholders(b), `${locale}:${key}`).toEqual(placeholders(a));
          expect(b.trim(), `${locale}:${key} is empty`).not.toBe("");
        }
      }
    });
  }
});
