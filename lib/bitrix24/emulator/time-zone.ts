/**
 * Date-times the way Bitrix24 writes them: ISO 8601 with the portal's UTC offset at that instant
 * (`2024-08-30T14:29:00+02:00`), so the offset follows daylight saving time.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();
const offsetCache = new Map<string, Map<number, number>>();
/** Zone transitions fall on quarter hours of UTC, so one cached offset per quarter hour is exact. */
const BUCKET_MS = 15 * 60 * 1000;

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formatters.set(zone, f);
  }
  return f;
}

/** Throws RangeError for a zone name Intl does not know. */
export function assertTimeZone(zone: string): void {
  formatter(zone);
}

function computeOffset(ms: number, zone: string): number {
  const parts: Record<string, number> = {};
  for (const p of formatter(zone).formatToParts(new Date(ms))) if (p.type !== "literal") parts[p.type] = Number(p.value);
  const local = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second);
  return Math.round((local - Math.floor(ms / 1000) * 1000) / 60000);
}

const DAY_MS = 24 * 3600 * 1000;

/**
 * The zone's offset from UTC in minutes at the instant `ms`. Cached per UTC day when the offset is the
 * same at both ends of the day (nearly always), per quarter hour on the few days with a transition.
 */
export function offsetMinutes(ms: number, zone: string): number {
  let cache = offsetCache.get(zone);
  if (!cache) {
    cache = new Map();
    offsetCache.set(zone, cache);
  }
  // Keys: day numbers for whole days (non-negative cache keys), -1 - bucket for quarter hours.
  const day = Math.floor(ms / DAY_MS);
  let offset = cache.get(day);
  if (offset === undefined) {
    const start = computeOffset(day * DAY_MS, zone);
    const end = computeOffset((day + 1) * DAY_MS - BUCKET_MS, zone);
    offset = start === end ? start : NaN;
    if (cache.size > 500_000) cache.clear();
    cache.set(day, offset);
  }
  if (!Number.isNaN(offset)) return offset;
  const bucket = -1 - Math.floor(ms / BUCKET_MS);
  let exact = cache.get(bucket);
  if (exact === undefined) {
    exact = computeOffset(Math.floor(ms / BUCKET_MS) * BUCKET_MS, zone);
    cache.set(bucket, exact);
  }
  return exact;
}

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

/** `2024-08-30T14:29:00+02:00` for the instant `ms` seen in `zone`. */
export function formatIso(ms: number, zone: string): string {
  const offset = offsetMinutes(ms, zone);
  const d = new Date(Math.floor(ms / 1000) * 1000 + offset * 60000);
  const sign = offset < 0 ? "-" : "+";
  const abs = Math.abs(offset);
  return (
    `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}` +
    `T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}` +
    `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`
  );
}

/** The instant at which the wall clock in `zone` shows the given local time. */
export function fromLocal(zone: string, y: number, mo: number, d: number, h = 0, mi = 0, s = 0): number {
  const guess = Date.UTC(y, mo - 1, d, h, mi, s);
  let ms = guess - offsetMinutes(guess, zone) * 60000;
  // Near a transition the offset at the result can differ from the one at the guess: settle on it.
  const second = guess - offsetMinutes(ms, zone) * 60000;
  if (second !== ms) ms = second;
  return ms;
}

/**
 * Parses a filter date value as Bitrix24 accepts it: `YYYY-MM-DD`, `YYYY-MM-DD HH:MM[:SS]`, ISO 8601 with or
 * without offset, or the site format `DD.MM.YYYY [HH:MM:SS]`. Values without an offset are portal-local.
 */
export function parseDateValue(value: string, zone: string): number | null {
  const s = value.trim();
  let m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?)?$/.exec(s);
  if (m) return fromLocal(zone, +m[1], +m[2], +m[3], +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0));
  m = /^(\d{2})\.(\d{2})\.(\d{4})(?: (\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(s);
  if (m) return fromLocal(zone, +m[3], +m[2], +m[1], +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0));
  const parsed = Date.parse(s);
  return Number.isNaN(parsed) ? null : parsed;
}
