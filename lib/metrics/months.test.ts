import { describe, expect, it } from "vitest";
import {
  addMonths,
  isCompleteMonth,
  isMonthKey,
  lastCompleteMonth,
  locateMonth,
  monthBoundaries,
  monthBounds,
  monthDiff,
  monthOf,
  monthRange,
  monthStart,
  periodOf,
  quarterOf,
} from "./months";
import { wallTime, zoneOffsetMs, zonedTimeToInstant } from "./time-zone";

const utc = (iso: string) => Date.parse(iso);

describe("month boundaries in a time zone", () => {
  it.each([
    // zone, month, start instant (UTC)
    ["UTC", "2024-03", "2024-03-01T00:00:00Z"],
    ["Europe/Moscow", "2024-03", "2024-02-29T21:00:00Z"], // +03, leap February
    ["Pacific/Kiritimati", "2024-01", "2023-12-31T10:00:00Z"], // +14: the month starts the previous UTC day
    ["Pacific/Pago_Pago", "2024-01", "2024-01-01T11:00:00Z"], // −11
    ["Asia/Kamchatka", "2024-04", "2024-03-31T12:00:00Z"], // +12
    ["Europe/Berlin", "2024-03", "2024-02-29T23:00:00Z"], // CET before the change on 31 March
    ["Europe/Berlin", "2024-04", "2024-03-31T22:00:00Z"], // CEST after it
    ["America/New_York", "2024-11", "2024-11-01T04:00:00Z"], // EDT
    ["America/New_York", "2024-12", "2024-12-01T05:00:00Z"], // EST after 3 November
    ["Australia/Sydney", "2024-04", "2024-03-31T13:00:00Z"], // AEDT (+11) until 7 April
    ["Australia/Sydney", "2024-05", "2024-04-30T14:00:00Z"], // AEST (+10)
    ["Asia/Kolkata", "2024-06", "2024-05-31T18:30:00Z"], // half-hour offset
  ])("%s %s starts at %s", (zone, month, start) => {
    expect(new Date(monthStart(month, zone)).toISOString()).toBe(new Date(utc(start)).toISOString());
  });

  it("a month spanning a DST change is an hour shorter or longer than its days", () => {
    const march = monthBounds("2024-03", "Europe/Berlin");
    expect((march.end - march.start) / 3_600_000).toBe(31 * 24 - 1);
    const october = monthBounds("2024-10", "Europe/Berlin");
    expect((october.end - october.start) / 3_600_000).toBe(31 * 24 + 1);
  });

  it.each([
    ["2024-03-31T21:59:59Z", "Europe/Berlin", "2024-03"],
    ["2024-03-31T22:00:00Z", "Europe/Berlin", "2024-04"],
    ["2024-01-31T20:59:59Z", "Europe/Moscow", "2024-01"],
    ["2024-01-31T21:00:00Z", "Europe/Moscow", "2024-02"],
    ["2023-12-31T09:59:59Z", "Pacific/Kiritimati", "2023-12"],
    ["2023-12-31T10:00:00Z", "Pacific/Kiritimati", "2024-01"],
    ["2024-01-01T10:59:59Z", "Pacific/Pago_Pago", "2023-12"],
  ])("instant %s in %s is in %s", (iso, zone, month) => {
    expect(monthOf(utc(iso), zone)).toBe(month);
  });

  it("resolves local times that occur twice to the earlier instant, and skipped ones to after the gap", () => {
    // Berlin, 27 Oct 2024: 02:30 happens at 00:30Z (CEST) and 01:30Z (CET).
    expect(new Date(zonedTimeToInstant("Europe/Berlin", 2024, 10, 27, 2, 30)).toISOString()).toBe("2024-10-27T00:30:00.000Z");
    // Berlin, 31 Mar 2024: 02:30 does not exist; 02:00 CET = 01:00Z is the gap's start.
    expect(new Date(zonedTimeToInstant("Europe/Berlin", 2024, 3, 31, 2, 30)).toISOString()).toBe("2024-03-31T01:30:00.000Z");
    // São Paulo, 4 Nov 2018: clocks jumped from 00:00 to 01:00, so the day started at 01:00 −02 = 03:00Z.
    expect(new Date(zonedTimeToInstant("America/Sao_Paulo", 2018, 11, 4)).toISOString()).toBe("2018-11-04T03:00:00.000Z");
    expect(wallTime(zonedTimeToInstant("America/Sao_Paulo", 2018, 11, 4), "America/Sao_Paulo")).toMatchObject({ day: 4, hour: 1, minute: 0 });
  });

  it("reads offsets and weekdays", () => {
    expect(zoneOffsetMs(utc("2024-07-01T00:00:00Z"), "Europe/Berlin")).toBe(2 * 3_600_000);
    expect(zoneOffsetMs(utc("2024-01-01T00:00:00Z"), "America/New_York")).toBe(-5 * 3_600_000);
    expect(wallTime(utc("2024-03-04T12:00:00Z"), "UTC").weekday).toBe(1); // a Monday
    expect(wallTime(utc("2024-03-10T12:00:00Z"), "UTC").weekday).toBe(7);
  });
});

describe("month arithmetic", () => {
  it.each([
    ["2024-01", 1, "2024-02"],
    ["2024-12", 1, "2025-01"],
    ["2024-01", -1, "2023-12"],
    ["2024-03", -15, "2022-12"],
    ["2024-03", 0, "2024-03"],
  ])("%s + %i = %s", (month, n, expected) => {
    expect(addMonths(month, n)).toBe(expected);
  });

  it("counts and lists months", () => {
    expect(monthDiff("2023-11", "2024-02")).toBe(3);
    expect(monthDiff("2024-02", "2023-11")).toBe(-3);
    expect(monthRange("2023-11", "2024-02")).toEqual(["2023-11", "2023-12", "2024-01", "2024-02"]);
    expect(monthRange("2024-02", "2024-01")).toEqual([]);
  });

  it("validates month keys", () => {
    expect(isMonthKey("2024-01")).toBe(true);
    expect(isMonthKey("2024-13")).toBe(false);
    expect(isMonthKey("2024-1")).toBe(false);
  });

  it.each([
    ["2024-01", "quarter", "2024-Q1"],
    ["2024-03", "quarter", "2024-Q1"],
    ["2024-04", "quarter", "2024-Q2"],
    ["2024-12", "quarter", "2024-Q4"],
    ["2024-12", "year", "2024"],
    ["2024-12", "month", "2024-12"],
  ] as const)("%s is in %s %s", (month, kind, period) => {
    expect(periodOf(month, kind)).toBe(period);
  });
  it("quarterOf", () => expect(quarterOf("2023-08")).toBe("2023-Q3"));

  it("locates instants among month boundaries", () => {
    const { months, boundaries } = monthBoundaries("2024-01", "2024-03", "Europe/Moscow");
    expect(months).toEqual(["2024-01", "2024-02", "2024-03"]);
    expect(boundaries).toHaveLength(4);
    expect(locateMonth(boundaries, utc("2023-12-31T20:59:59Z"))).toBe(-1);
    expect(locateMonth(boundaries, utc("2023-12-31T21:00:00Z"))).toBe(0);
    expect(locateMonth(boundaries, utc("2024-02-29T20:59:59Z"))).toBe(1);
    expect(locateMonth(boundaries, utc("2024-02-29T21:00:00Z"))).toBe(2);
    expect(locateMonth(boundaries, utc("2024-03-31T21:00:00Z"))).toBe(-1);
  });

  it("knows complete months", () => {
    const now = utc("2024-04-01T00:00:00Z"); // 03:00 on 1 April in Moscow, still 31 March in New York
    expect(isCompleteMonth("2024-03", now, "Europe/Moscow")).toBe(true);
    expect(isCompleteMonth("2024-03", now, "America/New_York")).toBe(false);
    expect(lastCompleteMonth(now, "Europe/Moscow")).toBe("2024-03");
    expect(lastCompleteMonth(now, "America/New_York")).toBe("2024-02");
  });
});
