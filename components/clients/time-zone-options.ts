let cached: { hour: number; options: Array<{ value: string; label: string }> } | undefined;

function utcOffset(zone: string, at: Date) {
  const name = new Intl.DateTimeFormat("en", { timeZone: zone, timeZoneName: "longOffset" })
    .formatToParts(at)
    .find((part) => part.type === "timeZoneName")?.value;
  return !name || name === "GMT" ? "UTC" : name.replace("GMT", "UTC");
}

/**
 * Every IANA time zone this runtime knows, by name, each with its current UTC offset ("Europe/Moscow (UTC+03:00)").
 * Names come first so typing in the select jumps to them. Offsets follow daylight saving, so the list is rebuilt
 * hourly. A stored zone the runtime does not list (an old alias) is kept as an option.
 */
export function timeZoneOptions(current?: string | null): Array<{ value: string; label: string }> {
  const now = new Date();
  const hour = Math.floor(now.getTime() / 3_600_000);
  if (!cached || cached.hour !== hour) {
    const zones = new Set(Intl.supportedValuesOf("timeZone"));
    zones.add("UTC");
    cached = {
      hour,
      options: [...zones].sort().map((zone) => ({ value: zone, label: `${zone.replaceAll("_", " ")} (${utcOffset(zone, now)})` })),
    };
  }
  if (current && !cached.options.some((option) => option.value === current)) {
    return [{ value: current, label: current }, ...cached.options];
  }
  return cached.options;
}
