/**
 * One of the processes of the cross-process refresh race test (portal-tokens-race.int.test.ts): opens its own
 * connection pool to the test database, prints "ready", waits for "go" on stdin (so both processes fire together),
 * makes RACE_CALLS concurrent REST calls through a TokenSource and the client, then prints the outcome as JSON.
 */
import { openDatabase } from "@/db/client";
import { createBitrix24Client } from "@/lib/bitrix24/client";
import { createMemoryLimiter } from "@/lib/bitrix24/limiter";
import { createTokenSource } from "./portal-tokens";

const env = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};

const database = await openDatabase({ url: env("RACE_DATABASE_URL"), max: 10 });
const source = createTokenSource(
  database.db,
  { orgId: env("RACE_ORG_ID"), connectionId: env("RACE_CONNECTION_ID") },
  { oauthUrl: env("RACE_OAUTH_URL"), clientId: env("RACE_CLIENT_ID"), clientSecret: env("RACE_CLIENT_SECRET"), allowInsecure: true },
);
const client = createBitrix24Client({
  tokens: source,
  limiter: createMemoryLimiter({ bucketSize: 1000, drainPerSecond: 1000 }),
  allowInsecure: true,
  retries: 0,
});

process.stdout.write("ready\n");
await new Promise<void>((resolve) => process.stdin.once("data", () => resolve()));
const outcomes = await Promise.allSettled(Array.from({ length: Number(env("RACE_CALLS")) }, () => client.call("app.info")));
const errors = outcomes.flatMap((o) => (o.status === "rejected" ? [String((o.reason as Error).message)] : []));
process.stdout.write(`${JSON.stringify({ ok: outcomes.length - errors.length, errors })}\n`);
await database.close();
