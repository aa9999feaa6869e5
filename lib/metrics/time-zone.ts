/**
 * Wall-clock arithmetic in an IANA time zone with nothing but Intl, so that month boundaries are right on both
 * sides of a daylight-saving change and in zones far from UTC.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formatters.set(zone, f);
  }
  return f;
}

/** Local calendar fields of an instant. `month` is 1-based; `weekday` is 1 (Monday) … 7 (Sunday). */
export interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  weekday: number;
}

/** Whether Intl knows the zone. */
export function isTimeZone(zone: string): boolean {
  try {
    formatter(zone);
    return zone.length > 0;
  } catch {
    return false;
  }
}

/** The wall clock in `zone` at the instant `ms` (whole seconds). */
export function wallTime(ms: number, zone: string): WallTime {
  const parts: Record<string, number> = {};
  for (const p of formatter(zone).formatToParts(new Date(ms))) if (p.type !== "literal") parts[p.type] = Number(p.value);
  const local = Date.UTC(parts.year, parts.month - 1, parts.day);
  const weekday = ((new Date(local).getUTCDay() + 6) % 7) + 1;
  return { year: parts.year, month: parts.month, day: parts.day, hour: parts.hour, minute: parts.minute, second: parts.second, weekday };
}

/** The zone's offset from UTC in milliseconds at the instant `ms`. */
export function zoneOffsetMs(ms: number, zone: string): number {
  const w = wallTime(ms, zone);
  const local = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return local - Math.floor(ms / 1000) * 1000;
}

/**
 * The instant at which the wall clock in `zone` first shows the given local time. When the local time occurs
 * twice (clocks set back) the earlier instant is returned; when it does not exist (clocks set forward, in some
 * zones at midnight) the result lies the same distance after the gap's start, so a day or month that "starts"
 * inside a gap starts at the gap's end.
 */
export function zonedTimeToInstant(zone: string, year: number, month: number, day: number, hour = 0, minute = 0, second = 0): number {
  const wall = Date.UTC(year, month - 1, day, hour, minute, second);
  // Offsets on either side of any transition near this wall time; zones never change twice within 3 days.
  const before = zoneOffsetMs(wall - 36 * 3_600_000, zone);
  const after = zoneOffsetMs(wall + 36 * 3_600_000, zone);
  const candidates = [wall - before, wall - after].filter((t) => {
    const w = wallTime(t, zone);
    return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) === wall;
  });
  if (candidates.length > 0) return Math.min(...candidates);
  return wall - before;
}
