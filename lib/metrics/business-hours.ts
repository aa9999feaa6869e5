/**
 * Business hours: when a client counts response time in working minutes only. A schedule is a set of
 * weekdays and one daily window of local time in the client's zone.
 */
import { wallTime, zonedTimeToInstant } from "./time-zone";

export interface BusinessHours {
  /** ISO weekdays, 1 (Monday) … 7 (Sunday). */
  days: number[];
  /** Minutes after local midnight: start inclusive, end exclusive (e.g. 540 and 1080 for 09:00–18:00). */
  startMinute: number;
  endMinute: number;
}

const DAY = 86_400_000;

/** "09:00" → 540; null for anything else. */
export function parseClock(text: string): number | null {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(text.trim());
  return m ? Number(m[1]) * 60 + Number(m[2]) : null;
}

/** 540 → "09:00". */
export function formatClock(minute: number): string {
  return `${String(Math.floor(minute / 60)).padStart(2, "0")}:${String(minute % 60).padStart(2, "0")}`;
}

/**
 * Minutes of [from, to) that fall inside the schedule, in the zone's local time. Each local day's window is
 * placed with the zone's rules of that day, so a DST change shifts it correctly.
 */
export function businessMinutesBetween(from: number, to: number, hours: BusinessHours, zone: string): number {
  if (to <= from || hours.endMinute <= hours.startMinute || hours.days.length === 0) return 0;
  const first = wallTime(from, zone);
  let total = 0;
  // Walk local calendar days; Date.UTC normalises day overflow into the next month or year.
  for (let i = 0; ; i++) {
    const d = new Date(Date.UTC(first.year, first.month - 1, first.day + i));
    const y = d.getUTCFullYear();
    const mo = d.getUTCMonth() + 1;
    const day = d.getUTCDate();
    const open = zonedTimeToInstant(zone, y, mo, day, Math.floor(hours.startMinute / 60), hours.startMinute % 60);
    if (open >= to && i > 0) break;
    const weekday = ((d.getUTCDay() + 6) % 7) + 1;
    if (hours.days.includes(weekday)) {
      const close = zonedTimeToInstant(zone, y, mo, day, Math.floor(hours.endMinute / 60), hours.endMinute % 60);
      const overlap = Math.min(close, to) - Math.max(open, from);
      if (overlap > 0) total += overlap;
    }
    if (i > 3660) break; // ten years: a guard against a runaway loop on corrupt input
    if (open - DAY > to) break;
  }
  return total / 60_000;
}
