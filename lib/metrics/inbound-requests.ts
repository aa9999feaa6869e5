/**
 * What counts as an inbound request and as its answer (the definition behind `response_time`).
 *
 * A request is a new lead (at its creation), or an incoming call, e-mail, open-line chat or web-form activity
 * (DIRECTION 1) with no outgoing contact (a DIRECTION 2 activity) on the same record in the previous 24 h.
 * An incoming activity on a lead within 24 h of the lead's creation is part of the lead's request, not a
 * second one: Bitrix24 creates the lead from that call, e-mail or form.
 *
 * The answer is the first, at or after the request, of: an outgoing activity on the same record (its
 * creation), or an activity on the same record completed by an employee (COMPLETED with STATUS 2, not 3 =
 * completed by automation; its LAST_UPDATED, the only completion time Bitrix24 exposes). An answered
 * incoming call or chat is completed by the employee who took it, so it is its own answer.
 *
 * The SQL in lib/server/metrics computes the same thing set-wise; this module is the reference it is tested
 * against, and what the drill-down explains.
 */

/** An activity as the mirror holds it (instants in epoch ms). */
export interface RequestActivity {
  id: number;
  created: number;
  lastUpdated: number | null;
  /** 0 none, 1 incoming, 2 outgoing. */
  direction: number;
  /** 1 meeting, 2 call, 3 task, 4 e-mail, 6 provider. */
  typeId: number;
  providerId: string | null;
  completed: boolean;
  /** 1 pending, 2 done, 3 completed by automation. */
  status: number;
}

export interface InboundRequest {
  at: number;
  source: "lead" | "activity";
  activityId: number | null;
  /** When it was answered, or null when no answer exists (yet). */
  answeredAt: number | null;
  answerActivityId: number | null;
}

export const REPEAT_CONTACT_WINDOW_MS = 24 * 3_600_000;
export const INBOUND_PROVIDERS = ["IMOPENLINES_SESSION", "CRM_WEBFORM"] as const;

/** An incoming call (TYPE_ID 2), e-mail (4), open-line chat or web form. */
export function isInboundChannel(a: Pick<RequestActivity, "direction" | "typeId" | "providerId">): boolean {
  return a.direction === 1 && (a.typeId === 2 || a.typeId === 4 || (INBOUND_PROVIDERS as readonly string[]).includes(a.providerId ?? ""));
}

/**
 * The instants an activity answers requests at: its creation when outgoing, its completion when completed by
 * an employee (an outgoing activity created before a request and completed after it answers at completion).
 */
export function answerInstants(a: RequestActivity): number[] {
  const instants: number[] = [];
  if (a.direction === 2) instants.push(a.created);
  if (a.completed && a.status === 2 && a.lastUpdated !== null) instants.push(a.lastUpdated);
  return instants;
}

/** The requests on one record (lead, deal, contact or company) with their answers. */
export function inboundRequests(record: { leadCreatedAt?: number | null; activities: readonly RequestActivity[] }): InboundRequest[] {
  const requests: InboundRequest[] = [];
  const leadAt = record.leadCreatedAt ?? null;
  if (leadAt !== null) requests.push({ at: leadAt, source: "lead", activityId: null, answeredAt: null, answerActivityId: null });
  const outgoing = record.activities.filter((a) => a.direction === 2).map((a) => a.created);
  for (const a of record.activities) {
    if (!isInboundChannel(a)) continue;
    if (leadAt !== null && Math.abs(a.created - leadAt) <= REPEAT_CONTACT_WINDOW_MS) continue;
    if (outgoing.some((t) => t < a.created && t >= a.created - REPEAT_CONTACT_WINDOW_MS)) continue;
    requests.push({ at: a.created, source: "activity", activityId: a.id, answeredAt: null, answerActivityId: null });
  }
  for (const request of requests) {
    for (const a of record.activities) {
      for (const t of answerInstants(a)) {
        if (t < request.at) continue;
        if (request.answeredAt === null || t < request.answeredAt || (t === request.answeredAt && a.id < (request.answerActivityId ?? Infinity))) {
          request.answeredAt = t;
          request.answerActivityId = a.id;
        }
      }
    }
  }
  return requests.sort((x, y) => x.at - y.at);
}
