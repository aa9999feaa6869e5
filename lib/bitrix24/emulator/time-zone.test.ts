import { describe, expect, it } from "vitest";
import { formatIso, fromLocal, offsetMinutes, parseDateValue } from "./time-zone";

describe("formatIso", () => {
  it.each([
    // Berlin: CET until 2024-03-31 01:00 UTC, CEST after; back to CET on 2024-10-27 01:00 UTC.
    [Date.UTC(2024, 2, 31, 0, 59, 59), "Europe/Berlin", "2024-03-31T01:59:59+01:00"],
    [Date.UTC(2024, 2, 31, 1, 0, 0), "Europe/Berlin", "2024-03-31T03:00:00+02:00"],
    [Date.UTC(2024, 9, 27, 0, 59, 59), "Europe/Berlin", "2024-10-27T02:59:59+02:00"],
    [Date.UTC(2024, 9, 27, 1, 0, 0), "Europe/Berlin", "2024-10-27T02:00:00+01:00"],
    [Date.UTC(2024, 7, 30, 12, 29, 0, 999), "Europe/Moscow", "2024-08-30T15:29:00+03:00"],
    [Date.UTC(2024, 0, 1, 0, 0, 0), "America/St_Johns", "2023-12-31T20:30:00-03:30"],
    [Date.UTC(2024, 0, 1, 0, 0, 0), "Asia/Kathmandu", "2024-01-01T05:45:00+05:45"],
    [Date.UTC(1990, 5, 1, 0, 0, 0), "UTC", "1990-06-01T00:00:00+00:00"],
  ])("%i in %s is %s", (ms, zone, iso) => {
    expect(formatIso(ms, zone)).toBe(iso);
  });

  it("agrees with Intl on every hour across a year", () => {
    const zone = "America/New_York";
    for (let ms = Date.UTC(2024, 0, 1); ms < Date.UTC(2025, 0, 1); ms += 3600_000) {
      const f = new Intl.DateTimeFormat("en-US", { timeZone: zone, timeZoneName: "longOffset" }).formatToParts(new Date(ms));
      const name = f.find((p) => p.type === "timeZoneName")!.value; // GMT-05:00
      const [, sign, h, m] = /GMT([+-])(\d\d):(\d\d)/.exec(name)!;
      expect(offsetMinutes(ms, zone)).toBe((sign === "-" ? -1 : 1) * (Number(h) * 60 + Number(m)));
    }
  });
});

describe("parseDateValue", () => {
  it.each([
    ["2024-03-29", "Europe/Berlin", Date.UTC(2024, 2, 28, 23, 0, 0)],
    ["2024-04-02", "Europe/Berlin", Date.UTC(2024, 3, 1, 22, 0, 0)],
    ["2024-04-02 10:30", "Europe/Moscow", Date.UTC(2024, 3, 2, 7, 30, 0)],
    ["2024-04-02T10:30:15", "Europe/Moscow", Date.UTC(2024, 3, 2, 7, 30, 15)],
    ["2024-04-02T10:30:15+02:00", "Europe/Moscow", Date.UTC(2024, 3, 2, 8, 30, 15)],
    ["2024-04-02T10:30:15Z", "Europe/Moscow", Date.UTC(2024, 3, 2, 10, 30, 15)],
    ["02.04.2024", "Europe/Moscow", Date.UTC(2024, 3, 1, 21, 0, 0)],
    ["02.04.2024 10:00:00", "Europe/Moscow", Date.UTC(2024, 3, 2, 7, 0, 0)],
  ])("%s in %s", (value, zone, ms) => {
    expect(parseDateValue(value, zone)).toBe(ms);
  });

  it("rejects what is not a date", () => {
    expect(parseDateValue("yesterday-ish", "UTC")).toBeNull();
  });

  it("maps local times on both sides of a transition", () => {
    expect(fromLocal("Europe/Berlin", 2024, 3, 31, 1, 30)).toBe(Date.UTC(2024, 2, 31, 0, 30));
    expect(fromLocal("Europe/Berlin", 2024, 3, 31, 4, 0)).toBe(Date.UTC(2024, 2, 31, 2, 0));
  });
});
