/**
 * Per-portal statistics of the audit signals (SPEC §4) and of the before/after metrics, computed from a
 * portal's data. They check that each demo profile shows its own failure signals; they are deliberately
 * simple and are not the product's metric definitions (lib/metrics holds those).
 */
import type { PortalDataSink, Row } from "../types";
import { hasDefaultName } from "./defaults";

const MIN = 60_000;
const DAY = 86_400_000;
const YEAR = 365 * DAY;
const CHANNEL_PROVIDERS = new Set(["VOXIMPLANT_CALL", "CRM_EMAIL", "IMOPENLINES_SESSION"]);

export interface SignalOptions {
  now: number;
  goLive: number;
}

/** Shares are fractions in [0, 1]; null where the denominator is empty. */
export interface PortalSignals {
  /** Won deals (closed after go-live) created and won on the same local day. */
  sameDayWonShare: number | null;
  /** Deal stages and lead statuses still carrying their out-of-the-box names. */
  defaultStageNameShare: number | null;
  /** Of the deals created 30–395 days ago: open and not moved for 30+ days. */
  stuckOpenShare: number | null;
  /** Active employees with CRM work (activities, new deals or leads) in the last 30 days. */
  activeUserShare: number | null;
  pipelinesPer1000Deals: number | null;
  /** Pipelines holding under 2 % of the deals. */
  littleUsedPipelineShare: number | null;
  /** Mean over custom fields of the share of records created after the field that hold a value. */
  customFieldFillRate: number | null;
  zeroAmountWonShare: number | null;
  /** Contacts and companies whose phone or e-mail already belongs to an earlier one. */
  duplicateContactShare: number | null;
  /** Deals created after go-live without a contact, and without any client. */
  dealsWithoutContactShare: number | null;
  dealsWithoutClientShare: number | null;
  /** Activities after go-live through telephony, e-mail or open lines. */
  channelActivityShare: number | null;
  /** Workflow templates started automatically. */
  autoExecuteTemplates: number;
  /** Activities after go-live completed by automation (STATUS 3). */
  autoCompletedShare: number | null;
  /** Median minutes to the first answer of inbound requests in the year before go-live and the last year. */
  responseMinutesBefore: number | null;
  responseMinutesAfter: number | null;
  unansweredShareBefore: number | null;
  unansweredShareAfter: number | null;
  /** Won deals ÷ leads created, in the same two windows. */
  conversionBefore: number | null;
  conversionAfter: number | null;
  /** Mean days from first contact to win. */
  salesCycleBefore: number | null;
  salesCycleAfter: number | null;
  /** CRR (E − N) ÷ S with a one-year activity window. */
  retentionBefore: number | null;
  retentionAfter: number | null;
  /** Leads created after go-live with an empty or OTHER source. */
  leadSourceOtherShare: number | null;
  /** Pipelines, custom fields and workflow templates created in the first 6 weeks after go-live. */
  configFirstWeeksShare: number | null;
  /** Activities in the last 6 months ÷ activities in the first 6 months after go-live. */
  adoptionTrend: number | null;
  /** Distinct working users in the last 3 months ÷ in the first 3 months after go-live. */
  activeUsersTrend: number | null;
  /** Activities due in the last 180 days and not completed. */
  overdueShare: number | null;
  /** Share of post-go-live activities done by the busiest 20 % of users. */
  topUserShare: number | null;
  /** Won deals (not same-day) that went from the first stage straight to won. */
  jumpToWonShare: number | null;
  /** Deals lost after go-live (and after the loss-reason field existed) without a reason; null without the field. */
  lostWithoutReasonShare: number | null;
}

const ratio = (num: number, den: number): number | null => (den > 0 ? num / den : null);

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  values.sort((a, b) => a - b);
  const mid = values.length >> 1;
  return values.length % 2 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
}

const num = (v: unknown): number => (typeof v === "number" ? v : Number(v));
const isSet = (v: unknown): boolean => v !== null && v !== undefined && v !== "";

interface ActivityLite {
  created: number;
  dir: number;
  completed: boolean;
  updated: number;
}

/** Computes the signals of one portal. */
export function computeSignals(data: PortalDataSink, opts: SignalOptions): PortalSignals {
  const { now, goLive } = opts;
  const before: [number, number] = [goLive - YEAR, goLive];
  const after: [number, number] = [Math.max(goLive, now - YEAR), now];
  const inWin = (t: number, w: [number, number]) => t >= w[0] && t < w[1];
  const { tables } = data;

  // Users.
  const activeEmployees = new Set<number>();
  for (const u of tables.user.scan()) if (u.ACTIVE === true && u.USER_TYPE !== "extranet") activeEmployees.add(num(u.ID));

  // Stage history: win time per deal and whether it passed an intermediate stage.
  const winTime = new Map<number, number>();
  const movedThrough = new Set<number>();
  for (const h of tables.dealHistory.scan()) {
    const owner = num(h.OWNER_ID);
    const type = num(h.TYPE_ID);
    if (type === 2 || type === 5) movedThrough.add(owner);
    if (type === 3 && h.STAGE_SEMANTIC_ID === "S") winTime.set(owner, num(h.CREATED_TIME));
  }

  // Leads.
  const leadCreated = new Map<number, number>();
  let leadsBefore = 0;
  let leadsAfter = 0;
  let leadsPost = 0;
  let leadsOther = 0;
  const recentWorkers = new Set<number>();
  const ufFill = new Map<string, [number, number]>();
  const countFields = (row: Row, entity: string, created: number) => {
    for (const f of data.userFields) {
      if (f.ENTITY_ID !== entity || created < f.createdTime) continue;
      const acc = ufFill.get(f.FIELD_NAME) ?? [0, 0];
      acc[1]++;
      if (isSet(row[f.FIELD_NAME])) acc[0]++;
      ufFill.set(f.FIELD_NAME, acc);
    }
  };
  const requests: { owner: string; t: number; isLead: boolean }[] = [];
  for (const l of tables.lead.scan()) {
    const id = num(l.ID);
    const created = num(l.DATE_CREATE);
    leadCreated.set(id, created);
    if (inWin(created, before)) leadsBefore++;
    if (inWin(created, after)) leadsAfter++;
    if (created >= goLive) {
      leadsPost++;
      if (!isSet(l.SOURCE_ID) || l.SOURCE_ID === "OTHER") leadsOther++;
    }
    if (created >= now - 30 * DAY) recentWorkers.add(num(l.ASSIGNED_BY_ID));
    requests.push({ owner: `1:${id}`, t: created, isLead: true });
    countFields(l, "CRM_LEAD", created);
  }

  // Deals.
  let deals = 0;
  let wonPost = 0;
  let sameDay = 0;
  let wonZero = 0;
  let wonNotSameDay = 0;
  let jumps = 0;
  let postDeals = 0;
  let noContact = 0;
  let noClient = 0;
  let stuckBase = 0;
  let stuck = 0;
  let lostPost = 0;
  let lostNoReason = 0;
  const lossField = data.userFields.find((f) => f.FIELD_NAME === "UF_CRM_LOSS_REASON");
  const perCategory = new Map<number, number>();
  const conv = { before: 0, after: 0 };
  const cycles: { before: number[]; after: number[] } = { before: [], after: [] };
  const customerWins = new Map<string, number[]>();
  for (const d of tables.deal.scan()) {
    deals++;
    const id = num(d.ID);
    const created = num(d.DATE_CREATE);
    const cat = num(d.CATEGORY_ID);
    perCategory.set(cat, (perCategory.get(cat) ?? 0) + 1);
    countFields(d, "CRM_DEAL", created);
    if (created >= now - 30 * DAY) recentWorkers.add(num(d.ASSIGNED_BY_ID));
    if (created >= goLive) {
      postDeals++;
      if (!isSet(d.CONTACT_ID)) noContact++;
      if (!isSet(d.CONTACT_ID) && !isSet(d.COMPANY_ID)) noClient++;
    }
    if (created >= now - 395 * DAY && created < now - 30 * DAY) {
      stuckBase++;
      if (d.STAGE_SEMANTIC_ID === "P" && num(d.MOVED_TIME) < now - 30 * DAY) stuck++;
    }
    if (lossField && d.STAGE_SEMANTIC_ID === "F" && d.CLOSED === true && num(d.MOVED_TIME) >= Math.max(goLive, lossField.createdTime)) {
      lostPost++;
      if (!isSet(d[lossField.FIELD_NAME])) lostNoReason++;
    }
    if (d.STAGE_SEMANTIC_ID !== "S") continue;
    const won = winTime.get(id) ?? num(d.CLOSEDATE);
    const same = num(d.BEGINDATE) === num(d.CLOSEDATE);
    if (won >= goLive) {
      wonPost++;
      if (same) sameDay++;
      if (num(d.OPPORTUNITY) === 0) wonZero++;
      if (!same) {
        wonNotSameDay++;
        if (!movedThrough.has(id)) jumps++;
      }
    }
    const first = isSet(d.LEAD_ID) ? (leadCreated.get(num(d.LEAD_ID)) ?? created) : created;
    for (const [key, w] of [["before", before], ["after", after]] as const) {
      if (!inWin(won, w)) continue;
      conv[key]++;
      cycles[key].push((won - first) / DAY);
    }
    const customer = isSet(d.COMPANY_ID) ? `co${d.COMPANY_ID}` : isSet(d.CONTACT_ID) ? `ct${d.CONTACT_ID}` : null;
    if (customer) {
      const list = customerWins.get(customer);
      if (list) list.push(won);
      else customerWins.set(customer, [won]);
    }
  }

  // Retention: (E − N) ÷ S over a window with a one-year activity window.
  const retention = (w: [number, number]): number | null => {
    let S = 0;
    let E = 0;
    let N = 0;
    for (const wins of customerWins.values()) {
      let first = Infinity;
      let activeStart = false;
      let activeEnd = false;
      for (const t of wins) {
        if (t < first) first = t;
        if (t < w[0] && t >= w[0] - YEAR) activeStart = true;
        if (t < w[1] && t >= w[1] - YEAR) activeEnd = true;
      }
      if (activeStart) S++;
      if (activeEnd) E++;
      if (first >= w[0] && first < w[1]) N++;
    }
    return S > 0 ? (E - N) / S : null;
  };

  // Activities.
  const byOwner = new Map<string, ActivityLite[]>();
  let postActs = 0;
  let channelActs = 0;
  let autoActs = 0;
  let dueRecent = 0;
  let overdue = 0;
  let firstHalf = 0;
  let lastHalf = 0;
  const usersFirst = new Set<number>();
  const usersLast = new Set<number>();
  const perUser = new Map<number, number>();
  for (const a of tables.activity.scan()) {
    const created = num(a.CREATED);
    const dir = num(a.DIRECTION);
    const owner = `${a.OWNER_TYPE_ID}:${a.OWNER_ID}`;
    // Completion by automation (STATUS 3) is no answer from an employee.
    const byEmployee = a.COMPLETED === true && num(a.STATUS) !== 3;
    const lite: ActivityLite = { created, dir, completed: byEmployee, updated: num(a.LAST_UPDATED) };
    const list = byOwner.get(owner);
    if (list) list.push(lite);
    else byOwner.set(owner, [lite]);
    const resp = num(a.RESPONSIBLE_ID);
    if (created >= now - 30 * DAY) recentWorkers.add(resp);
    if (created >= goLive) {
      postActs++;
      if (CHANNEL_PROVIDERS.has(String(a.PROVIDER_ID))) channelActs++;
      if (num(a.STATUS) === 3) autoActs++;
      perUser.set(resp, (perUser.get(resp) ?? 0) + 1);
    }
    const deadline = num(a.DEADLINE);
    if (deadline >= now - 180 * DAY && deadline < now) {
      dueRecent++;
      if (a.COMPLETED !== true) overdue++;
    }
    if (created >= goLive && created < goLive + 182 * DAY) firstHalf++;
    if (created >= now - 182 * DAY) lastHalf++;
    if (created >= goLive && created < goLive + 91 * DAY) usersFirst.add(resp);
    if (created >= now - 91 * DAY) usersLast.add(resp);
    // An incoming activity is a new request unless the same record was contacted in the previous 24 h.
    if (dir === 1 && !(owner.startsWith("1:") && leadCreated.get(num(a.OWNER_ID)) === created)) {
      requests.push({ owner, t: created, isLead: false });
    }
  }

  // Response time: the first outgoing activity or completion on the same record after the request.
  const resp = { before: [] as number[], after: [] as number[] };
  const unanswered = { before: 0, after: 0 };
  const totalReq = { before: 0, after: 0 };
  for (const r of requests) {
    const key = inWin(r.t, before) ? "before" : inWin(r.t, after) ? "after" : null;
    if (!key) continue;
    const acts = byOwner.get(r.owner) ?? [];
    let first = Infinity;
    let recentOutgoing = false;
    for (const a of acts) {
      if (!r.isLead && a.dir === 2 && a.created < r.t && a.created >= r.t - DAY) recentOutgoing = true;
      if (a.created < r.t) continue;
      if (a.dir === 2 && a.created < first) first = a.created;
      if (a.completed && a.updated < first) first = a.updated;
    }
    if (recentOutgoing) continue;
    totalReq[key]++;
    if (first === Infinity || first - r.t > 7 * DAY) unanswered[key]++;
    else resp[key].push((first - r.t) / MIN);
  }

  // Configuration timing.
  const configTimes = [
    ...data.categories.filter((c) => !c.isDefault).map((c) => c.createdTime),
    ...data.userFields.map((f) => f.createdTime),
    ...data.workflowTemplates.map((t) => t.MODIFIED),
  ];
  const early = configTimes.filter((t) => t >= goLive && t <= goLive + 42 * DAY).length;

  // Stage names.
  const stages = data.statuses.filter((s) => s.ENTITY_ID === "STATUS" || s.ENTITY_ID.startsWith("DEAL_STAGE"));

  // Duplicates by phone or e-mail, within contacts and within companies.
  let records = 0;
  let duplicates = 0;
  for (const table of [tables.contact, tables.company]) {
    const seen = new Set<string>();
    for (const c of table.scan()) {
      records++;
      const values = [...((c.PHONE as { VALUE: string }[] | null) ?? []), ...((c.EMAIL as { VALUE: string }[] | null) ?? [])].map((v) =>
        v.VALUE.toLowerCase(),
      );
      if (values.some((v) => seen.has(v))) duplicates++;
      for (const v of values) seen.add(v);
    }
  }

  const fills = [...ufFill.values()].filter(([, n]) => n > 0).map(([k, n]) => k / n);
  const userCounts = [...perUser.values()].sort((a, b) => b - a);
  const topN = Math.max(1, Math.ceil(Math.max(activeEmployees.size, userCounts.length) * 0.2));
  const activeNow = [...activeEmployees].filter((u) => recentWorkers.has(u)).length;

  return {
    sameDayWonShare: ratio(sameDay, wonPost),
    defaultStageNameShare: ratio(stages.filter(hasDefaultName).length, stages.length),
    stuckOpenShare: ratio(stuck, stuckBase),
    activeUserShare: ratio(activeNow, activeEmployees.size),
    pipelinesPer1000Deals: deals > 0 ? (data.categories.length * 1000) / deals : null,
    littleUsedPipelineShare: ratio(
      data.categories.filter((c) => (perCategory.get(c.id) ?? 0) < 0.02 * deals).length,
      data.categories.length,
    ),
    customFieldFillRate: fills.length ? fills.reduce((a, b) => a + b, 0) / fills.length : null,
    zeroAmountWonShare: ratio(wonZero, wonPost),
    duplicateContactShare: ratio(duplicates, records),
    dealsWithoutContactShare: ratio(noContact, postDeals),
    dealsWithoutClientShare: ratio(noClient, postDeals),
    channelActivityShare: ratio(channelActs, postActs),
    autoExecuteTemplates: data.workflowTemplates.filter((t) => t.AUTO_EXECUTE > 0).length,
    autoCompletedShare: ratio(autoActs, postActs),
    responseMinutesBefore: median(resp.before),
    responseMinutesAfter: median(resp.after),
    unansweredShareBefore: ratio(unanswered.before, totalReq.before),
    unansweredShareAfter: ratio(unanswered.after, totalReq.after),
    conversionBefore: ratio(conv.before, leadsBefore),
    conversionAfter: ratio(conv.after, leadsAfter),
    salesCycleBefore: cycles.before.length ? cycles.before.reduce((a, b) => a + b, 0) / cycles.before.length : null,
    salesCycleAfter: cycles.after.length ? cycles.after.reduce((a, b) => a + b, 0) / cycles.after.length : null,
    retentionBefore: retention(before),
    retentionAfter: retention(after),
    leadSourceOtherShare: ratio(leadsOther, leadsPost),
    configFirstWeeksShare: ratio(early, configTimes.length),
    adoptionTrend: ratio(lastHalf, firstHalf),
    activeUsersTrend: ratio(usersLast.size, usersFirst.size),
    overdueShare: ratio(overdue, dueRecent),
    topUserShare: ratio(
      userCounts.slice(0, topN).reduce((a, b) => a + b, 0),
      userCounts.reduce((a, b) => a + b, 0),
    ),
    jumpToWonShare: ratio(jumps, wonNotSameDay),
    lostWithoutReasonShare: lostPost > 0 ? lostNoReason / lostPost : null,
  };
}
