import { describe, expect, it } from "vitest";
import { businessMinutesBetween, parseClock } from "./business-hours";
import { inboundRequests, type RequestActivity } from "./inbound-requests";
import { aggregateResponseTime, classifyRequest, responseTime, summarizeResponses } from "./response-time";

const MIN = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
const T0 = Date.parse("2024-03-10T09:00:00Z");

const act = (id: number, created: number, fields: Partial<RequestActivity> = {}): RequestActivity => ({
  id,
  created,
  lastUpdated: created,
  direction: 0,
  typeId: 6,
  providerId: "CRM_TODO",
  completed: false,
  status: 1,
  ...fields,
});
const inCall = (id: number, t: number, f: Partial<RequestActivity> = {}) => act(id, t, { direction: 1, typeId: 2, providerId: "VOXIMPLANT_CALL", ...f });
const inMail = (id: number, t: number, f: Partial<RequestActivity> = {}) => act(id, t, { direction: 1, typeId: 4, providerId: "CRM_EMAIL", ...f });
const outCall = (id: number, t: number) => act(id, t, { direction: 2, typeId: 2, providerId: "VOXIMPLANT_CALL", completed: true, status: 2 });

/** A lead's week, written out by hand; the expected answers are in the comments. */
const lead = {
  leadCreatedAt: T0,
  activities: [
    inCall(1, T0), // the call that created the lead: part of the lead's request
    outCall(2, T0 + 12 * MIN), // answers the lead: 12 min
    inMail(3, T0 + 30 * HOUR), // no outgoing contact in the 24 h before (last was 29 h 48 min ago): a request
    act(4, T0 + 30 * HOUR, { lastUpdated: T0 + 30 * HOUR + 45 * MIN, completed: true, status: 2 }), // to-do done: answers #3 after 45 min
    act(5, T0 + 31 * HOUR, { direction: 1, typeId: 6, providerId: "IMOPENLINES_SESSION", lastUpdated: T0 + 31 * HOUR + 5 * MIN, completed: true, status: 2 }), // a chat taken after 5 min
    inCall(6, T0 + 31 * HOUR + 10 * MIN), // still no outgoing contact: a request, answered by #7 after 120 min
    act(7, T0 + 33 * HOUR + 10 * MIN, { direction: 2, typeId: 4, providerId: "CRM_EMAIL", completed: true, status: 2 }),
    inMail(8, T0 + 34 * HOUR), // #7 went out 50 min before: part of the conversation, no request
    act(9, T0 + 40 * HOUR, { lastUpdated: T0 + 40 * HOUR, completed: true, status: 3 }), // completed by automation: no answer
    inCall(10, T0 + 3 * DAY), // never answered
  ],
};

describe("inbound requests and their answers", () => {
  const requests = inboundRequests(lead);

  it("finds the lead's creation and the incoming contacts without a recent outgoing one", () => {
    expect(requests.map((r) => [r.source, r.activityId])).toEqual([
      ["lead", null],
      ["activity", 3],
      ["activity", 5],
      ["activity", 6],
      ["activity", 10],
    ]);
  });

  it("takes the first outgoing or employee-completed activity at or after the request", () => {
    const minutes = requests.map((r) => (r.answeredAt === null ? null : (r.answeredAt - r.at) / MIN));
    expect(minutes).toEqual([12, 45, 5, 120, null]);
    expect(requests.map((r) => r.answerActivityId)).toEqual([2, 4, 5, 7, null]);
  });

  it("lets an outgoing activity created before a request answer it when completed after it", () => {
    const record = {
      activities: [
        inMail(1, T0),
        act(2, T0 - 2 * DAY, { direction: 2, typeId: 4, providerId: "CRM_EMAIL", lastUpdated: T0 + 20 * MIN, completed: true, status: 2 }),
      ],
    };
    const [r] = inboundRequests(record);
    expect((r.answeredAt! - r.at) / MIN).toBe(20);
  });

  it("classifies answered, unanswered after 7 days and pending requests", () => {
    const now = T0 + 10 * DAY;
    expect(classifyRequest(T0, T0 + 12 * MIN, now)).toEqual({ outcome: "answered", minutes: 12 });
    expect(classifyRequest(T0, null, now)).toEqual({ outcome: "unanswered", minutes: null });
    expect(classifyRequest(T0, T0 + 8 * DAY, now)).toEqual({ outcome: "unanswered", minutes: null }); // too late counts as none
    expect(classifyRequest(T0 + 5 * DAY, null, now)).toEqual({ outcome: "pending", minutes: null });
    expect(classifyRequest(T0, T0 + 7 * DAY, now).outcome).toBe("answered"); // exactly 7 days
  });

  it("summarises a month: median, mean, p90, SLA share and unanswered", () => {
    const now = T0 + 10 * DAY;
    const classified = requests.map((r) => classifyRequest(r.at, r.answeredAt, now));
    const f = responseTime(summarizeResponses(classified, 15), 15);
    // answered 5, 12, 45, 120; one unanswered
    expect(f.value).toBe(28.5); // (12 + 45) ÷ 2
    expect(f.numerator).toBe(182);
    expect(f.denominator).toBe(4);
    expect(f.secondary).toMatchObject({ mean: 45.5, p90: 97.5, withinSla: 2, slaShare: 40, requests: 5, answered: 4, unanswered: 1, pending: 0 });
  });

  it("has no value without answered requests", () => {
    const f = responseTime(summarizeResponses([{ outcome: "unanswered", minutes: null }], 15), 15);
    expect(f.value).toBeNull();
    expect(f.secondary.mean).toBeNull();
    expect(f.secondary.slaShare).toBe(0);
    const empty = responseTime(summarizeResponses([], 15), 15);
    expect(empty.value).toBeNull();
    expect(empty.secondary.slaShare).toBeNull();
  });

  it("combines months: counts add up, the median comes from the merged histograms", () => {
    const jan = responseTime(summarizeResponses([10, 20].map((m) => ({ outcome: "answered" as const, minutes: m })), 15), 15);
    const feb = responseTime(summarizeResponses([{ outcome: "answered", minutes: 100 }, { outcome: "unanswered", minutes: null }], 15), 15);
    const q = aggregateResponseTime([jan, feb]);
    expect(q.denominator).toBe(3);
    expect(q.numerator).toBe(130);
    expect(q.secondary.mean).toBeCloseTo(43.3333, 3);
    expect(q.secondary.slaShare).toBe(25); // 1 within 15 min of 4 judged
    expect(q.value).toBe(25); // rank 1 of 3 is the single value in bucket [20, 30): its middle
  });
});

describe("business minutes", () => {
  const weekdays = { days: [1, 2, 3, 4, 5], startMinute: parseClock("09:00")!, endMinute: parseClock("18:00")! };

  it.each([
    // Friday 17:30 → Monday 09:30 in Moscow: 30 + 30 working minutes
    ["Europe/Moscow", "2024-03-15T14:30:00Z", "2024-03-18T06:30:00Z", weekdays, 60],
    // within one working day
    ["Europe/Moscow", "2024-03-18T07:00:00Z", "2024-03-18T07:45:00Z", weekdays, 45],
    // overnight on weekdays: 18:00 → 09:00 counts nothing
    ["Europe/Moscow", "2024-03-18T15:00:00Z", "2024-03-19T06:00:00Z", weekdays, 0],
    // a request on Saturday answered on Sunday
    ["Europe/Moscow", "2024-03-16T08:00:00Z", "2024-03-17T08:00:00Z", weekdays, 0],
    // Berlin, every day 09–18, Saturday 10:00 → Monday 10:00 across the DST change: 480 + 540 + 60
    ["Europe/Berlin", "2024-03-30T09:00:00Z", "2024-04-01T08:00:00Z", { days: [1, 2, 3, 4, 5, 6, 7], startMinute: 540, endMinute: 1080 }, 1080],
  ])("%s %s → %s", (zone, from, to, hours, expected) => {
    expect(businessMinutesBetween(Date.parse(from), Date.parse(to), hours, zone)).toBe(expected);
  });

  it("calendar minutes across the same DST change are one hour shorter than the wall clock suggests", () => {
    const c = classifyRequest(Date.parse("2024-03-30T09:00:00Z"), Date.parse("2024-04-01T08:00:00Z"), Date.parse("2024-05-01T00:00:00Z"));
    expect(c.minutes).toBe(47 * 60);
  });

  it("parses clock times", () => {
    expect(parseClock("09:30")).toBe(570);
    expect(parseClock("24:00")).toBeNull();
    expect(parseClock("9:30")).toBeNull();
  });
});
