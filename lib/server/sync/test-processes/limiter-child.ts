/**
 * A separate process drawing from a portal's shared bucket (the limiter test spawns two of these):
 * prints one line of JSON with the epoch ms of every slot it was granted.
 */
import { openDatabase } from "@/db/client";
import { createPgRateLimiter } from "../pg-limiter";

const [url, portalKey, count, bucketSize, drain] = process.argv.slice(2);
const database = await openDatabase({ url, max: 2 });
const limiter = createPgRateLimiter(database.db, {
  portalKey,
  bucketSize: Number(bucketSize),
  drainPerSecond: Number(drain),
  headroom: 0,
});
const times: number[] = [];
for (let i = 0; i < Number(count); i++) {
  await limiter.acquire();
  times.push(Date.now());
}
console.log(JSON.stringify({ times }));
await database.close();
