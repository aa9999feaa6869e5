/**
 * The portal's history: its span around go-live, the profile's behaviour on each local day, and the
 * arrival times of new requests. Arrival counts are stratified over the cumulative daily intensity, so the
 * total is exact (the requested number of deals) while daily counts follow the weekly and seasonal shape.
 */
import { PERIOD_KEYS, type PeriodParams, type ProfileParams } from "../profiles/types";
import type { GenerateOptions } from "../types";
import { Calendar, WORK_END_MIN, WORK_START_MIN } from "./calendar";
import type { Rng } from "./rng";

const MINUTE = 60_000;
const DAY = 86_400_000;
const YEAR = 365.25 * DAY;

export interface Timeline {
  start: number;
  goLive: number;
  now: number;
  cal: Calendar;
  /** Behaviour on each calendar day. */
  dayParams: PeriodParams[];
  /** Behaviour at instant t. */
  at(t: number): PeriodParams;
}

function lerp(a: PeriodParams, b: PeriodParams, f: number): PeriodParams {
  const out = {} as PeriodParams;
  for (const k of PERIOD_KEYS) out[k] = a[k] + (b[k] - a[k]) * f;
  return out;
}

/**
 * The span: at least 1.5 years before go-live and at least 3 years in all, ending at now.
 */
export function historyStart(goLive: number, now: number): number {
  const anchor = Math.min(goLive, now);
  const after = Math.max(0, now - goLive);
  const before = Math.max(1.5 * YEAR, 3 * YEAR - after);
  return Math.floor((anchor - before) / 1000) * 1000;
}

/** The history's span, calendar and per-day behaviour for a portal. */
export function buildTimeline(opts: GenerateOptions, params: ProfileParams): Timeline {
  const now = Math.floor(opts.now / 1000) * 1000;
  const goLive = opts.goLive;
  const start = historyStart(goLive, now);
  const cal = new Calendar(start, now, opts.timeZone, 60);
  const postSpan = Math.max(DAY, now - goLive);
  const dayParams: PeriodParams[] = [];
  let lastFrac = -1;
  let last: PeriodParams = params.pre;
  for (let d = 0; d < cal.days; d++) {
    const mid = cal.dayStart[d] + DAY / 2;
    if (mid < goLive) {
      dayParams.push(params.pre);
      continue;
    }
    // Blend in 1 % steps: days in the same step share one object.
    const frac = Math.round(Math.min(1, (mid - goLive) / postSpan) * 100) / 100;
    if (frac !== lastFrac) {
      last = lerp(params.post, params.late, frac);
      lastFrac = frac;
    }
    dayParams.push(last);
  }
  return {
    start,
    goLive,
    now,
    cal,
    dayParams,
    at: (t: number) => dayParams[cal.dayOf(t)],
  };
}

/**
 * Per-day arrival counts summing exactly to `total`, proportional to `weight(day)` times the day's share of
 * [start, now], a weekly shape (quiet weekends), a mild yearly season and day-to-day noise.
 */
export function arrivalCounts(tl: Timeline, total: number, weight: (p: PeriodParams) => number, rng: Rng): Int32Array {
  const { cal, start, now } = tl;
  const days = cal.dayOf(now) + 1;
  const intensity = new Float64Array(days);
  let sum = 0;
  for (let d = 0; d < days; d++) {
    const from = Math.max(start, cal.dayStart[d]);
    const to = Math.min(now, cal.dayStart[d + 1]);
    const part = Math.max(0, to - from) / (cal.dayStart[d + 1] - cal.dayStart[d]);
    const weekday = cal.isWorkday(d) ? 1 : 0.18;
    const season = 1 + 0.08 * Math.sin((2 * Math.PI * (cal.dayStart[d] - start)) / YEAR);
    const noise = Math.exp(0.15 * rng.normal());
    const v = part * weekday * season * noise * Math.max(0, weight(tl.dayParams[d]));
    intensity[d] = v;
    sum += v;
  }
  const counts = new Int32Array(days);
  if (sum <= 0 || total <= 0) return counts;
  let cum = 0;
  let prev = 0;
  for (let d = 0; d < days; d++) {
    cum += intensity[d];
    const upto = d === days - 1 ? total : Math.floor((total * cum) / sum);
    counts[d] = upto - prev;
    prev = upto;
  }
  return counts;
}

/** Sorted arrival instants, one day at a time (the whole sequence is never held). */
export class ArrivalStream {
  private day = -1;
  private buf: number[] = [];
  private i = 0;

  constructor(
    private readonly tl: Timeline,
    private readonly counts: Int32Array,
    private readonly rng: Rng,
  ) {}

  /** The next arrival, or Infinity when the stream is exhausted. */
  next(): number {
    while (this.i >= this.buf.length) {
      this.day++;
      if (this.day >= this.counts.length) return Infinity;
      this.fill(this.day, this.counts[this.day]);
    }
    return this.buf[this.i++];
  }

  private fill(d: number, n: number): void {
    const { cal, start, now } = this.tl;
    const rng = this.rng;
    const dayStart = cal.dayStart[d];
    const lo = Math.max(start, dayStart);
    const hi = Math.min(now, cal.dayStart[d + 1] - 1000);
    const workday = cal.isWorkday(d);
    const buf: number[] = [];
    for (let k = 0; k < n; k++) {
      let t = NaN;
      for (let attempt = 0; attempt < 6; attempt++) {
        let minute: number;
        if (!workday) minute = rng.range(10 * 60, 20 * 60);
        else if (rng.chance(0.8)) {
          // Office hours with a midday bump: the mean of two uniforms is triangular.
          minute = WORK_START_MIN + ((rng.next() + rng.next()) / 2) * (WORK_END_MIN - WORK_START_MIN);
        } else minute = rng.range(7 * 60, 23 * 60);
        t = dayStart + minute * MINUTE;
        if (t >= lo && t <= hi) break;
        t = NaN;
      }
      if (Number.isNaN(t)) t = lo + rng.next() * Math.max(0, hi - lo);
      buf.push(Math.floor(t / 1000) * 1000);
    }
    buf.sort((a, b) => a - b);
    this.buf = buf;
    this.i = 0;
  }
}
