/**
 * Employees: who is licensed, who actually works in the CRM at a given time, and how the work is spread.
 * Picking a responsible user is the hottest path after row building, so eligibility is precomputed in
 * two-week buckets with cumulative weights.
 */
import type { EntityTable } from "../types";
import type { Calendar } from "./calendar";
import { employeeOf } from "./people";
import type { Rng } from "./rng";

const DAY = 86_400_000;
const BUCKET = 14 * DAY;

const POSITIONS = ["Sales manager", "Sales manager", "Sales manager", "Account manager", "Head of sales", "Marketing manager", "Customer support"];
const DEPARTMENTS = [3, 3, 3, 3, 3, 5, 7];

/** Users for a portal of `deals` deals: about 10 for small portals, a few hundred at a million deals. */
export function userCountFor(deals: number, scale: number): number {
  return Math.max(4, Math.round(scale * (6 + 2.5 * Math.sqrt(deals / 100))));
}

export interface UserPoolOptions {
  count: number;
  rng: Rng;
  cal: Calendar;
  start: number;
  now: number;
  /** Share of licensed users working in the CRM at instant t. */
  activeShareAt: (t: number) => number;
  workloadSkew: number;
  firedShare: number;
  seed: number;
}

/** The portal's employees over time. */
export class UserPool {
  readonly count: number;
  private readonly registered: Float64Array;
  private readonly fired: Float64Array;
  private readonly engagement: Float64Array;
  private readonly weight: Float64Array;
  private readonly start: number;
  private readonly buckets: { ids: Int32Array; cum: Float64Array }[] = [];
  private readonly member: Uint8Array;

  constructor(private readonly o: UserPoolOptions) {
    const { count, rng, start, now } = o;
    this.count = count;
    this.start = start;
    const span = Math.max(DAY, now - start);
    // Registration times, sorted so that IDs grow with DATE_REGISTER as in a real portal.
    const reg: number[] = [start];
    for (let i = 1; i < count; i++) {
      reg.push(rng.chance(0.55) ? start + rng.range(0, 30) * DAY : start + rng.next() * Math.max(DAY, span - 30 * DAY));
    }
    reg.sort((a, b) => a - b);
    this.registered = Float64Array.from(reg.map((t) => Math.floor(t / 1000) * 1000));
    this.fired = new Float64Array(count).fill(Infinity);
    this.engagement = new Float64Array(count);
    this.weight = new Float64Array(count);
    const ranks = Array.from({ length: count }, (_, i) => i);
    for (let i = count - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      [ranks[i], ranks[j]] = [ranks[j], ranks[i]];
    }
    for (let i = 0; i < count; i++) {
      // The busiest users are the most engaged ones: they are the last to leave the CRM when adoption fades.
      // Evenly spaced engagement keeps the active share close to the profile's value even with few users.
      this.engagement[i] = i === 0 ? 0 : (ranks[i] + 0.5) / count;
      this.weight[i] = 1 / Math.pow(ranks[i] + 1, o.workloadSkew);
      if (i > 0 && rng.chance(o.firedShare)) {
        const from = this.registered[i] + 60 * DAY;
        if (from < now - 10 * DAY) this.fired[i] = Math.floor((from + rng.next() * (now - 10 * DAY - from)) / 1000) * 1000;
      }
    }
    const bucketCount = Math.ceil(span / BUCKET) + 1;
    this.member = new Uint8Array(bucketCount * count);
    for (let b = 0; b < bucketCount; b++) {
      const from = start + b * BUCKET;
      const to = from + BUCKET;
      const share = o.activeShareAt(Math.min(now, from + BUCKET / 2));
      const ids: number[] = [];
      const cum: number[] = [];
      let total = 0;
      for (let i = 0; i < count; i++) {
        const eligible = (this.registered[i] <= from || i === 0) && this.fired[i] >= to && (i === 0 || this.engagement[i] < share);
        if (!eligible) continue;
        this.member[b * count + i] = 1;
        total += this.weight[i];
        ids.push(i + 1);
        cum.push(total);
      }
      this.buckets.push({ ids: Int32Array.from(ids), cum: Float64Array.from(cum) });
    }
  }

  private bucketOf(t: number): number {
    const b = Math.floor((t - this.start) / BUCKET);
    return b < 0 ? 0 : b >= this.buckets.length ? this.buckets.length - 1 : b;
  }

  /** A user working in the CRM at t, drawn by workload weight. */
  pick(t: number, rng: Rng): number {
    const { ids, cum } = this.buckets[this.bucketOf(t)];
    const x = rng.next() * cum[cum.length - 1];
    let lo = 0;
    let hi = cum.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cum[mid] <= x) lo = mid + 1;
      else hi = mid;
    }
    return ids[lo];
  }

  /** Whether the user (by ID) works in the CRM at t. */
  isWorking(id: number, t: number): boolean {
    return this.member[this.bucketOf(t) * this.count + id - 1] === 1;
  }

  /** Appends the user rows (IDs 1…count). */
  write(table: EntityTable): void {
    const { rng, now, seed } = this.o;
    const shareNow = this.o.activeShareAt(now);
    for (let i = 0; i < this.count; i++) {
      const id = i + 1;
      const { first, last } = employeeOf(seed, id);
      const registered = this.registered[i];
      let lastLogin: number;
      if (this.fired[i] !== Infinity) lastLogin = this.fired[i];
      else if (i === 0 || this.engagement[i] < shareNow) lastLogin = now - rng.range(0, 2) * DAY;
      else lastLogin = now - (rng.chance(0.25) ? rng.range(1, 25) : rng.range(35, 300)) * DAY;
      lastLogin = Math.floor(Math.max(registered, Math.min(now, lastLogin)) / 1000) * 1000;
      const p = i === 0 ? -1 : rng.int(POSITIONS.length);
      table.append({
        ID: id,
        ACTIVE: this.fired[i] === Infinity,
        NAME: first,
        LAST_NAME: last,
        EMAIL: `${first}.${last}${id}@company.example`.toLowerCase(),
        WORK_POSITION: p < 0 ? "Director" : POSITIONS[p],
        DATE_REGISTER: registered,
        LAST_LOGIN: lastLogin,
        IS_ONLINE: now - lastLogin < 15 * 60_000,
        UF_DEPARTMENT: [p < 0 ? 1 : DEPARTMENTS[p]],
        USER_TYPE: "employee",
      });
    }
  }
}
