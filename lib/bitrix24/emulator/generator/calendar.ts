/**
 * Local days of a portal's time zone as instants, with working hours. Offsets are resolved once per day
 * through Intl, so DST changes are honoured without a time-zone library and without per-event Intl calls.
 */

const MINUTE = 60_000;
const DAY = 86_400_000;
/** Office hours used for employee actions: 09:00–18:00 local, Monday to Friday. */
export const WORK_START_MIN = 9 * 60;
export const WORK_END_MIN = 18 * 60;

function offsetReader(timeZone: string): (instant: number) => number {
  const fmt = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  });
  return (instant: number) => {
    const p: Record<string, number> = {};
    for (const part of fmt.formatToParts(new Date(instant))) if (part.type !== "literal") p[part.type] = Number(part.value);
    const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
    return asUtc - Math.floor(instant / 1000) * 1000;
  };
}

/** The local calendar between two instants (the last day included), extended by `extraDays`. */
export class Calendar {
  /** Number of local days covered. */
  readonly days: number;
  /** Instant of each local midnight; `days + 1` entries so that a day's end is the next one's start. */
  readonly dayStart: Float64Array;
  /** Day of week of each day, 0 = Sunday. */
  readonly weekday: Uint8Array;

  constructor(from: number, to: number, timeZone: string, extraDays = 0) {
    const offset = offsetReader(timeZone);
    const local = new Date(from + offset(from));
    const y = local.getUTCFullYear();
    const m = local.getUTCMonth();
    const d0 = local.getUTCDate();
    const span = Math.ceil((to - from) / DAY) + 2 + extraDays;
    const starts: number[] = [];
    const weekdays: number[] = [];
    for (let i = 0; i <= span; i++) {
      const guess = Date.UTC(y, m, d0 + i);
      let t = guess - offset(guess);
      const second = offset(t);
      if (guess - second !== t) t = guess - second;
      starts.push(t);
      weekdays.push(new Date(guess).getUTCDay());
    }
    this.days = span;
    this.dayStart = Float64Array.from(starts);
    this.weekday = Uint8Array.from(weekdays.slice(0, span));
  }

  /** Index of the local day holding instant t (clamped to the calendar). */
  dayOf(t: number): number {
    const s = this.dayStart;
    let i = Math.floor((t - s[0]) / DAY);
    if (i < 0) return 0;
    if (i > this.days - 1) i = this.days - 1;
    while (i > 0 && t < s[i]) i--;
    while (i < this.days - 1 && t >= s[i + 1]) i++;
    return i;
  }

  /** Local midnight (as an instant) of the day holding t: how Bitrix24 stores date fields. */
  midnight(t: number): number {
    return this.dayStart[this.dayOf(t)];
  }

  isWorkday(day: number): boolean {
    const w = this.weekday[day];
    return w !== 0 && w !== 6;
  }

  /** The first office-hours instant at or after t. */
  toWork(t: number): number {
    let d = this.dayOf(t);
    for (let guard = 0; guard < 10; guard++) {
      if (this.isWorkday(d)) {
        const open = this.dayStart[d] + WORK_START_MIN * MINUTE;
        const close = this.dayStart[d] + WORK_END_MIN * MINUTE;
        if (t < open) return open;
        if (t < close) return t;
      }
      if (d >= this.days - 1) return t;
      d++;
      t = this.dayStart[d];
    }
    return t;
  }

  /** t plus `minutes` of office time (nights and weekends do not count). */
  addWorking(t: number, minutes: number): number {
    t = this.toWork(t);
    let left = minutes * MINUTE;
    for (let guard = 0; guard < 400; guard++) {
      const d = this.dayOf(t);
      const close = this.dayStart[d] + WORK_END_MIN * MINUTE;
      if (left <= close - t || d >= this.days - 1) return t + left;
      left -= close - t;
      t = this.toWork(close);
    }
    return t + left;
  }
}
