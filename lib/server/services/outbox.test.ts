import { afterEach, describe, expect, it, vi } from "vitest";
import { extractLinks, isOutboxEnabled } from "./outbox";

describe("development outbox", () => {
  afterEach(() => vi.unstubAllEnvs());

  it.each([
    ["development, embedded", "development", undefined, true],
    ["production build on the embedded database", "production", undefined, true],
    ["development on PostgreSQL", "development", "postgres://db/app", true],
    ["configured production deployment", "production", "postgres://db/app", false],
  ])("exists in %s: %s", (_label, nodeEnv, databaseUrl, expected) => {
    vi.stubEnv("NODE_ENV", nodeEnv);
    vi.stubEnv("DATABASE_URL", databaseUrl ?? "");
    expect(isOutboxEnabled()).toBe(expected);
  });

  it("finds each link of a message once, in order", () => {
    const text = "Hello\n\nAccept: http://localhost:3000/invite/abc_DEF-1\n\nhttps://x.test/a?b=1 and again http://localhost:3000/invite/abc_DEF-1";
    expect(extractLinks(text)).toEqual(["http://localhost:3000/invite/abc_DEF-1", "https://x.test/a?b=1"]);
    expect(extractLinks("no links")).toEqual([]);
  });
});
