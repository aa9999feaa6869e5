/**
 * A discrete-event simulation of a CRM's life. Requests arrive over time (leads, direct deals, requests from
 * existing customers); each record's whole future is decided when it is created (stage path, activities,
 * close), and the future events wait in a time-ordered queue. Events are written when the clock reaches
 * them, so every table's IDs grow with creation time, as auto-increment IDs do in Bitrix24, while memory
 * holds only the records still in progress.
 *
 * Leads are the one exception to "append at creation": a lead converted into a new customer carries the
 * contact and company created at conversion, so it waits in a small reorder buffer until then.
 */
import type { PeriodParams, ProfileParams } from "../profiles/types";
import { ENTITY_FIELDS, type EntityName, type EntityTable, type GenerateOptions, type PortalDataSink, type Row } from "../types";
import type { Calendar } from "./calendar";
import { fieldValue, type PipelineRuntime, type PortalConfig } from "./config";
import { companyOf, countryCodeFor, emailField, personOf, phoneField, shortCompanyName, surnameOf } from "./people";
import { DueQueue, EventQueue } from "./queue";
import type { Rng } from "./rng";
import { ArrivalStream, arrivalCounts, type Timeline } from "./timeline";
import type { UserPool } from "./users";

const SEC = 1000;
const MIN = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

const OWNER_LEAD = 1;
const OWNER_DEAL = 2;
const OWNER_CONTACT = 3;
const OWNER_COMPANY = 4;

const CH_CALL = 0;
const CH_EMAIL = 1;
const CH_CHAT = 2;
const CH_FORM = 3;
const CH_MANUAL = 4;

const PV_CALL = 0;
const PV_EMAIL = 1;
const PV_CHAT = 2;
const PV_FORM = 3;
const PV_TODO = 4;
const PV_TASK = 5;
const PV_MEETING = 6;

const PROVIDERS: readonly { typeId: number; id: string; type: string }[] = [
  { typeId: 2, id: "VOXIMPLANT_CALL", type: "CALL" },
  { typeId: 4, id: "CRM_EMAIL", type: "EMAIL" },
  { typeId: 6, id: "IMOPENLINES_SESSION", type: "OPENLINE" },
  { typeId: 6, id: "CRM_WEBFORM", type: "WEBFORM" },
  { typeId: 6, id: "CRM_TODO", type: "TODO" },
  { typeId: 3, id: "TASKS", type: "TASK" },
  { typeId: 1, id: "CRM_MEETING", type: "MEETING" },
];

const DIR_NONE = 0;
const DIR_IN = 1;
const DIR_OUT = 2;

const K_ARR_DEAL = 0;
const K_ARR_LEAD = 1;
const K_ARR_TOUCH = 2;
const K_CONVERT = 3;
const K_DEAL_HIST = 4;
const K_LEAD_HIST = 5;
const K_ACT = 6;

const WON = 0;
const LOST = 1;
const OPEN = 2;

const INBOUND_SUBJECT = ["Incoming call", "Incoming e-mail", "Open Channel chat", "CRM form: Request a quote"];
const LEAD_TITLE = ["Incoming call", "E-mail request", "Open Channel chat", "CRM form: Request a quote", "Request"];
const DEAL_SUBJECTS = ["Equipment supply", "Service contract", "Spare parts", "Installation", "Consulting", "Annual licence", "Repair", "Wholesale order"];
const TODO_SUBJECTS = ["Follow up", "Call back", "Send the proposal", "Clarify requirements", "Check payment"];
const TASK_SUBJECTS = ["Prepare the contract", "Prepare a quote", "Arrange delivery", "Approve the discount"];
const UTM_SOURCES = ["yandex", "google", "vk", "telegram", "newsletter"];
const UTM_MEDIUMS = ["cpc", "organic", "social", "email"];
const UTM_CAMPAIGNS = ["brand", "spring_sale", "retargeting", "webinar", "black_friday"];
const DEAL_TYPE_WEIGHTS = [0.45, 0.15, 0.2, 0.15, 0.05];

/** One scheduled event; a single shape for all kinds keeps the queue monomorphic. */
class Ev {
  t = 0;
  kind = 0;
  ownerType = 0;
  ownerId = 0;
  /** Provider index (activities) or history TYPE_ID. */
  a = 0;
  /** Direction (activities) or CATEGORY_ID (deal history). */
  b = 0;
  start = 0;
  end = 0;
  deadline = 0;
  /** Completion instant; NaN when never completed. */
  done = NaN;
  status = 2;
  resp = 0;
  author = 0;
  prio = 2;
  autoRule = 0;
  /** Subject, or the stage / status code. */
  str = "";
  sem = "";
  ref: PendingLead | null = null;
}

interface Customer {
  company: number;
  contact: number;
}

/** A lead whose deal (and maybe its contact and company) is created later, at conversion. */
interface PendingLead {
  id: number;
  row: Row;
  t0: number;
  cust: Customer | null;
  b2b: boolean;
  personKey: number;
  companyKey: number;
  assigned: number;
  source: string | null;
  utm: [string, string, string] | null;
  title: string;
}

interface DealContext {
  leadId: number;
  company: number;
  contact: number;
  repeat: boolean;
  fromLead: boolean;
  source: string | null;
  utm: [string, string, string] | null;
  assigned: number;
  title: string;
  /** The inbound channel that created a direct deal, or CH_MANUAL for none. */
  channel: number;
}

/** An Int32Array that grows on demand (per-record keys, indexed by ID). */
class GrowInt {
  private a = new Int32Array(1024);
  get(i: number): number {
    return this.a[i];
  }
  set(i: number, v: number): void {
    if (i >= this.a.length) {
      const next = new Int32Array(Math.max(i + 1, this.a.length * 2));
      next.set(this.a);
      this.a = next;
    }
    this.a[i] = v;
  }
}

/** Appends rows in ID order although some are completed out of order. */
class OrderedWriter {
  private nextToWrite = 1;
  private last = 0;
  private readonly pending = new Map<number, Row>();

  constructor(private readonly table: EntityTable) {}

  reserve(): number {
    return ++this.last;
  }

  put(id: number, row: Row): void {
    if (id !== this.nextToWrite) {
      this.pending.set(id, row);
      return;
    }
    this.table.append(row);
    this.nextToWrite++;
    for (let r = this.pending.get(this.nextToWrite); r; r = this.pending.get(this.nextToWrite)) {
      this.pending.delete(this.nextToWrite);
      this.table.append(r);
      this.nextToWrite++;
    }
  }

  /** Reserved IDs not written yet. */
  get outstanding(): number {
    return this.last - this.nextToWrite + 1;
  }
}

const sec = (t: number): number => Math.floor(t / SEC) * SEC;

/**
 * A row with every field of the entity (then `extra`), in declaration order: a stable shape for reuse.
 * Built in one step: an object grown key by key past a dozen keys turns into a dictionary-mode object, and
 * these rows are written and enumerated millions of times.
 */
function blankRow(entity: EntityName, extra: readonly string[] = []): Row {
  return Object.fromEntries([...ENTITY_FIELDS[entity].map((f) => f.name), ...extra].map((name) => [name, null]));
}

export interface SimulationInput {
  opts: GenerateOptions;
  params: ProfileParams;
  tl: Timeline;
  cfg: PortalConfig;
  users: UserPool;
  sink: PortalDataSink;
  rng: Rng;
  /** A separate stream for arrival times, so that behaviour changes do not move arrivals. */
  arrivalRng: Rng;
}

/** Generates every record of a portal, in time order, into the sink. */
export class Simulation {
  private readonly rng: Rng;
  private readonly cal: Calendar;
  private readonly now: number;
  private readonly seed: number;
  private readonly country: string;
  private readonly tables: PortalDataSink["tables"];
  private readonly queue = new EventQueue<Ev>();
  private readonly due = new DueQueue();
  private readonly leads: OrderedWriter;
  private readonly contactPerson = new GrowInt();
  private readonly companyKey = new GrowInt();
  private cur = 0;
  private dealId = 0;
  private contactId = 0;
  private companyId = 0;
  private actId = 0;
  private dealHistId = 0;
  private leadHistId = 0;
  private personSeq = 0;
  private companySeq = 0;
  /** Latest activity time (≤ now) planned for the record being created: its LAST_ACTIVITY_TIME. */
  private lastAct = 0;
  /** Scratch space for the stage path of the deal being created. */
  private readonly pathT = new Float64Array(64);
  private readonly pathStage: string[] = new Array(64).fill("");
  private readonly pathCat = new Int32Array(64);
  private readonly pathType = new Uint8Array(64);
  private readonly steps = new Int32Array(64);
  private readonly fractions = new Float64Array(64);
  /**
   * One reusable row per high-volume table (activities, stage history, deals): EntityTable.append copies
   * the values and keeps no reference, and ten million short-lived row objects would dominate GC time.
   */
  private readonly activityRow: Row = blankRow("activity");
  private readonly dealHistoryRow: Row = blankRow("dealHistory");
  private readonly leadHistoryRow: Row = blankRow("leadHistory");
  private readonly dealRow: Row;
  /** Written events are recycled: millions of short-lived objects would otherwise keep the GC busy. */
  private readonly pool: Ev[] = [];

  constructor(private readonly input: SimulationInput) {
    this.rng = input.rng;
    this.cal = input.tl.cal;
    this.now = input.tl.now;
    this.seed = input.opts.seed;
    this.country = countryCodeFor(input.cfg.baseCurrency);
    this.tables = input.sink.tables;
    this.leads = new OrderedWriter(this.tables.lead);
    const custom = input.cfg.dealFields.map((f) => f.name);
    if (input.cfg.lossReason) custom.push(input.cfg.lossReason.name);
    this.dealRow = blankRow("deal", custom);
  }

  /** Runs the simulation from the start of history to now. */
  run(): void {
    const { tl, opts, arrivalRng } = this.input;
    const deals = Math.max(0, Math.floor(opts.deals));
    const lastDay = tl.cal.dayOf(tl.now);
    const totalOf = (w: (p: PeriodParams) => number) => {
      let s = 0;
      let base = 0;
      for (let d = 0; d <= lastDay; d++) {
        const p = tl.dayParams[d];
        s += w(p);
        base += p.volume;
      }
      return base > 0 ? Math.round((deals * s) / base) : 0;
    };
    const leadOnly = (p: PeriodParams) => p.volume * p.leadShare * (1 / Math.max(0.05, p.leadConv) - 1);
    const touch = (p: PeriodParams) => p.volume * p.touches;
    const streams = [
      new ArrivalStream(tl, arrivalCounts(tl, deals, (p) => p.volume, arrivalRng), arrivalRng),
      new ArrivalStream(tl, arrivalCounts(tl, totalOf(leadOnly), leadOnly, arrivalRng), arrivalRng),
      new ArrivalStream(tl, arrivalCounts(tl, totalOf(touch), touch, arrivalRng), arrivalRng),
    ];
    for (let k = 0; k < streams.length; k++) this.scheduleArrival(streams[k], k);

    for (let e = this.queue.pop(); e; e = this.queue.pop()) {
      this.cur = e.t;
      switch (e.kind) {
        case K_ARR_DEAL:
          this.onOpportunity(e.t);
          this.scheduleArrival(streams[0], K_ARR_DEAL);
          break;
        case K_ARR_LEAD:
          this.startLead(e.t, false, null);
          this.scheduleArrival(streams[1], K_ARR_LEAD);
          break;
        case K_ARR_TOUCH:
          this.onTouch(e.t);
          this.scheduleArrival(streams[2], K_ARR_TOUCH);
          break;
        case K_CONVERT:
          this.convert(e);
          break;
        case K_DEAL_HIST:
          this.writeDealHistory(e);
          break;
        case K_LEAD_HIST:
          this.writeLeadHistory(e);
          break;
        case K_ACT:
          this.writeActivity(e);
          break;
      }
      this.release(e);
    }
    if (this.leads.outstanding !== 0) throw new Error(`generator: ${this.leads.outstanding} leads were never written`);
  }

  private newEv(): Ev {
    const e = this.pool.pop();
    if (!e) return new Ev();
    e.a = e.b = e.ownerType = e.ownerId = e.start = e.end = e.deadline = e.resp = e.author = e.autoRule = 0;
    e.done = NaN;
    e.status = 2;
    e.prio = 2;
    e.str = e.sem = "";
    e.ref = null;
    return e;
  }

  private release(e: Ev): void {
    e.ref = null;
    this.pool.push(e);
  }

  private scheduleArrival(stream: ArrivalStream, kind: number): void {
    const t = stream.next();
    if (t === Infinity) return;
    const e = this.newEv();
    e.t = t;
    e.kind = kind;
    this.queue.push(e);
  }

  /**
   * When an employee acts on something that came up at t: at t during office hours, else some time in the
   * first hours of the next working day (not all on the stroke of nine).
   */
  private work(t: number): number {
    const w = this.cal.toWork(t);
    return w === t ? t : w + this.rng.range(1, 120) * MIN;
  }

  /** Writes now or queues for later; nothing after now is ever scheduled. */
  private schedule(e: Ev): void {
    if (e.t > this.now) this.release(e);
    else if (e.t <= this.cur) this.dispatch(e);
    else this.queue.push(e);
  }

  private dispatch(e: Ev): void {
    if (e.kind === K_ACT) this.writeActivity(e);
    else if (e.kind === K_DEAL_HIST) this.writeDealHistory(e);
    else if (e.kind === K_LEAD_HIST) this.writeLeadHistory(e);
    else {
      this.queue.push(e);
      return;
    }
    this.release(e);
  }

  // ── arrivals ──────────────────────────────────────────────────────────────

  /** A new deal opportunity: a returning customer when one is due, else a new one; via a lead or direct. */
  private onOpportunity(t: number): void {
    const P = this.input.tl.at(t);
    const rng = this.rng;
    // Customers who were due long ago and found no slot have lapsed.
    while (this.due.peek() < t - 120 * DAY) this.due.pop();
    let cust: Customer | null = null;
    if (this.due.peek() <= t) {
      const company = this.due.pop();
      cust = { company, contact: this.due.poppedContact };
    }
    if (cust ? rng.chance(0.3) : rng.chance(P.leadShare)) {
      this.startLead(t, true, cust);
      return;
    }
    const assigned = this.input.users.pick(t, rng);
    let company = cust?.company ?? 0;
    let contact = cust?.contact ?? 0;
    const channel = cust && rng.chance(0.5) ? CH_MANUAL : this.pickChannel(P);
    const source = this.sourceFor(channel, P, cust !== null);
    if (!cust && !rng.chance(P.noClient)) {
      const b2b = rng.chance(this.input.params.config.b2bShare);
      const personKey = this.newPerson(P.dup);
      if (b2b) {
        company = this.createCompany(t, this.newCompanyKey(P.dup), assigned);
        if (!rng.chance(P.noContact)) contact = this.createContact(t, personKey, company, assigned, source);
      } else contact = this.createContact(t, personKey, 0, assigned, source);
    }
    const client = company
      ? shortCompanyName(this.seed, this.companyKey.get(company))
      : contact
        ? surnameOf(this.seed, this.contactPerson.get(contact))
        : "new client";
    this.startDeal(t, {
      leadId: 0,
      company,
      contact,
      repeat: cust !== null,
      fromLead: false,
      source,
      utm: this.utmFor(source),
      assigned,
      title: `${DEAL_SUBJECTS[rng.int(DEAL_SUBJECTS.length)]}: ${client}`,
      channel,
    });
  }

  /** A request from an existing customer outside any deal (activities on the contact or company). */
  private onTouch(t: number): void {
    if (this.contactId === 0) return;
    const P = this.input.tl.at(t);
    const rng = this.rng;
    const onCompany = this.companyId > 0 && rng.chance(0.3);
    const ownerType = onCompany ? OWNER_COMPANY : OWNER_CONTACT;
    const ownerId = 1 + rng.int(onCompany ? this.companyId : this.contactId);
    const assigned = this.input.users.pick(t, rng);
    let channel = this.pickChannel(P);
    if (channel === CH_FORM) channel = CH_EMAIL;
    if (channel === CH_MANUAL) this.planned(ownerType, ownerId, this.work(t), PV_TODO, assigned, Infinity, P);
    else this.inbound(ownerType, ownerId, t, channel, assigned, P);
  }

  // ── leads ─────────────────────────────────────────────────────────────────

  private startLead(t0: number, converting: boolean, cust: Customer | null): void {
    const { tl, params, cfg, users } = this.input;
    const P = tl.at(t0);
    const rng = this.rng;
    const cal = this.cal;
    const now = this.now;
    const id = this.leads.reserve();
    const assigned = users.pick(t0, rng);

    let b2b: boolean;
    let personKey: number;
    let companyKey = 0;
    if (cust) {
      b2b = cust.company > 0;
      personKey = cust.contact ? this.contactPerson.get(cust.contact) : ++this.personSeq;
      if (b2b) companyKey = this.companyKey.get(cust.company);
    } else {
      b2b = rng.chance(params.config.b2bShare);
      personKey = this.newPerson(P.dup);
      if (b2b) companyKey = this.newCompanyKey(P.dup);
    }
    const person = personOf(this.seed, personKey, this.country);
    const channel = this.pickChannel(P);
    const source = this.sourceFor(channel, P, cust !== null);
    const utm = this.utmFor(source);
    // Titles come from a small vocabulary (channel × name), as real ones repeat: cheap to store.
    const title = `${LEAD_TITLE[channel]}: ${person.first} ${person.last}`;

    this.lastAct = 0;
    const respT = this.inbound(OWNER_LEAD, id, t0, channel, assigned, P);
    const answered = !Number.isNaN(respT);
    this.leadHistory(t0, id, 1, "NEW", "P");

    let status = "NEW";
    let semantic = "P";
    let movedT = t0;
    let closeT = Infinity;
    if (converting) {
      // Capped: a lead waits in the reorder buffer until it converts, so long tails would cost memory.
      const delay = Math.min(30, rng.lognormal(Math.max(0.3, P.cycleDays * 0.12), 1));
      let tc = this.work((answered ? respT : t0) + delay * DAY);
      // The deal must exist by now: late arrivals convert quickly.
      if (tc > now) tc = sec(t0 + (now - t0) * rng.range(0.3, 0.95));
      closeT = sec(Math.min(now, Math.max(tc, t0 + SEC)));
    } else if (rng.chance(P.leadJunk)) {
      const tj = this.work((answered ? respT : t0) + rng.lognormal(3, 1) * DAY);
      if (tj <= now) closeT = tj;
    }
    if (answered && respT < closeT) {
      this.leadHistory(respT, id, 2, "IN_PROCESS", "P");
      status = "IN_PROCESS";
      movedT = respT;
      if (converting && rng.chance(0.4)) {
        const tp = sec((respT + closeT) / 2);
        if (tp > respT && tp < closeT) {
          this.leadHistory(tp, id, 2, "PROCESSED", "P");
          status = "PROCESSED";
          movedT = tp;
        }
      }
    }
    if (closeT !== Infinity) {
      status = converting ? "CONVERTED" : "JUNK";
      semantic = converting ? "S" : "F";
      movedT = closeT;
      this.leadHistory(closeT, id, 3, status, semantic);
    }

    // Follow-ups while the lead is worked on.
    const from = answered ? respT : t0;
    const until = Math.min(closeT, now, from + 14 * DAY);
    const followUps = until > from ? rng.poisson(P.actPerDeal * 0.12) : 0;
    for (let i = 0; i < followUps; i++) this.planWork(OWNER_LEAD, id, from + (until - from) * rng.next(), closeT, assigned, P);

    const row: Row = {
      ID: id,
      TITLE: title,
      NAME: person.first,
      LAST_NAME: person.last,
      COMPANY_TITLE: b2b ? companyOf(this.seed, companyKey, this.country).title : null,
      STATUS_ID: status,
      STATUS_SEMANTIC_ID: semantic,
      SOURCE_ID: source,
      OPPORTUNITY: rng.chance(0.3) ? this.amount(P.dealSize) : 0,
      CURRENCY_ID: cfg.baseCurrency,
      ASSIGNED_BY_ID: assigned,
      CREATED_BY_ID: assigned,
      MODIFY_BY_ID: assigned,
      MOVED_BY_ID: assigned,
      DATE_CREATE: sec(t0),
      DATE_MODIFY: sec(Math.max(movedT, t0)),
      DATE_CLOSED: closeT !== Infinity ? sec(closeT) : null,
      MOVED_TIME: sec(movedT),
      CONTACT_ID: cust && cust.contact ? cust.contact : null,
      COMPANY_ID: cust && cust.company ? cust.company : null,
      IS_RETURN_CUSTOMER: cust !== null,
      HAS_PHONE: person.phone !== null,
      HAS_EMAIL: person.email !== null,
      HAS_IMOL: channel === CH_CHAT,
      OPENED: true,
      UTM_SOURCE: utm ? utm[0] : null,
      UTM_MEDIUM: utm ? utm[1] : null,
      UTM_CAMPAIGN: utm ? utm[2] : null,
      LAST_ACTIVITY_TIME: this.lastAct ? sec(this.lastAct) : null,
      PHONE: phoneField(person.phone, "WORK"),
      EMAIL: emailField(person.email),
    };
    for (const f of cfg.leadFields) {
      if (rng.chance(f.fill * P.ufFill * (t0 >= f.createdTime ? 1 : 0.1))) row[f.name] = fieldValue(f, rng, t0, cal, now);
    }

    if (!converting) {
      this.leads.put(id, row);
      return;
    }
    const pending: PendingLead = { id, row, t0, cust, b2b, personKey, companyKey, assigned, source, utm, title };
    if (cust) this.leads.put(id, row);
    const e = this.newEv();
    e.t = closeT;
    e.kind = K_CONVERT;
    e.ref = pending;
    this.queue.push(e);
  }

  private convert(e: Ev): void {
    const L = e.ref!;
    const t = e.t;
    const P = this.input.tl.at(t);
    const rng = this.rng;
    let company = L.cust?.company ?? 0;
    let contact = L.cust?.contact ?? 0;
    if (!L.cust) {
      if (!rng.chance(P.noClient)) {
        if (L.b2b) {
          company = this.createCompany(t, L.companyKey, L.assigned);
          if (!rng.chance(P.noContact)) contact = this.createContact(t, L.personKey, company, L.assigned, L.source);
          if (rng.chance(0.25)) this.createContact(t, this.newPerson(P.dup), company, L.assigned, L.source);
        } else contact = this.createContact(t, L.personKey, 0, L.assigned, L.source);
      }
      L.row.CONTACT_ID = contact || null;
      L.row.COMPANY_ID = company || null;
      this.leads.put(L.id, L.row);
    }
    this.startDeal(t, {
      leadId: L.id,
      company,
      contact,
      repeat: L.cust !== null,
      fromLead: true,
      source: L.source,
      utm: L.utm,
      assigned: L.assigned,
      title: L.title,
      channel: CH_MANUAL,
    });
  }

  // ── deals ─────────────────────────────────────────────────────────────────

  private pickPipeline(t: number): PipelineRuntime {
    const pipelines = this.input.cfg.pipelines;
    let total = 0;
    for (const p of pipelines) if (p.createdTime <= t) total += p.weight;
    let x = this.rng.next() * total;
    for (const p of pipelines) {
      if (p.createdTime > t) continue;
      x -= p.weight;
      if (x < 0) return p;
    }
    return pipelines[0];
  }

  private startDeal(t: number, c: DealContext): void {
    const { tl, cfg, params } = this.input;
    const P = tl.at(t);
    const rng = this.rng;
    const cal = this.cal;
    const now = this.now;
    const id = ++this.dealId;

    const target = this.pickPipeline(t);
    const moved = target.id !== 0 && rng.chance(params.config.pipelineMoves);
    const first = moved ? cfg.pipelines[0] : target;

    // Returning customers are easier to win.
    const win = c.repeat ? Math.min(0.92, P.win + 0.3) : P.win;
    const u = rng.next();
    const outcome = u < win ? WON : u < win + P.lose * ((1 - win) / (1 - P.win)) ? LOST : OPEN;
    const sameDay = outcome === WON && rng.chance(P.sameDayWon);
    const jump = outcome === WON && !sameDay && rng.chance(P.jump);
    const stuck = outcome === OPEN && rng.chance(P.stuck);

    let closeT = Infinity;
    if (sameDay) {
      const dayEnd = cal.dayStart[cal.dayOf(t) + 1];
      closeT = sec(t + Math.min(rng.range(10, 240) * MIN, (dayEnd - t) * 0.9));
      if (closeT <= t) closeT = t + SEC;
    } else if (outcome !== OPEN) {
      const days = Math.min(400, rng.lognormal(P.cycleDays * (outcome === LOST ? 0.8 : 1), 0.85));
      closeT = sec(this.work(t + days * DAY));
    }
    const horizon = outcome === OPEN ? t + Math.min(300, rng.lognormal(P.cycleDays * 0.6, 0.8)) * DAY : closeT;

    // Stage path after creation, in scratch arrays (one deal at a time): time, stage, category, TYPE_ID.
    const pt = this.pathT;
    const ps = this.pathStage;
    const pc = this.pathCat;
    const py = this.pathType;
    let len = 0;
    const push = (time: number, stageId: string, cat: number, type: number) => {
      pt[len] = time;
      ps[len] = stageId;
      pc[len] = cat;
      py[len] = type;
      len++;
    };
    let pipeline = first;
    let lo = t;
    const hi = Math.min(horizon, closeT);
    if (moved) {
      const tm = sec(this.work(t + (hi - t) * rng.range(0.02, 0.2)));
      if (tm < hi) {
        push(tm, target.process[0], target.id, 5);
        lo = tm;
      }
      pipeline = target;
    }
    const k = pipeline.process.length;
    let reach = 0;
    if (outcome === WON) reach = sameDay || jump ? 0 : k - 1;
    else if (outcome === LOST) reach = rng.int(k);
    else if (!stuck && k > 1) reach = 1 + rng.int(k - 1);
    const steps = this.steps;
    const fr = this.fractions;
    let nSteps = 0;
    for (let j = 1; j <= reach; j++) if (rng.chance(outcome === WON ? 0.7 : 0.78)) steps[nSteps++] = j;
    if (outcome === OPEN && !stuck && nSteps === 0 && reach > 0) steps[nSteps++] = 1;
    for (let i = 0; i < nSteps; i++) {
      // Insertion sort: a handful of values.
      const x = rng.next();
      let j = i;
      while (j > 0 && fr[j - 1] > x) {
        fr[j] = fr[j - 1];
        j--;
      }
      fr[j] = x;
    }
    let prev = lo;
    for (let i = 0; i < nSteps; i++) {
      let ti = sec(this.work(lo + (hi - lo) * fr[i]));
      if (ti <= prev) ti = prev + SEC;
      if (ti >= hi) break;
      push(ti, pipeline.process[steps[i]], pipeline.id, 2);
      prev = ti;
    }
    if (outcome === WON) push(closeT, pipeline.won, pipeline.id, 3);
    else if (outcome === LOST) push(closeT, pipeline.apology && rng.chance(0.25) ? pipeline.apology : pipeline.lose, pipeline.id, 3);

    let stage = first.process[0];
    let category = first.id;
    let semantic = "P";
    let movedT = t;
    let closed = false;
    this.dealHistory(t, id, 1, stage, "P", category);
    for (let i = 0; i < len; i++) {
      if (pt[i] > now) break;
      const sem = py[i] === 3 ? (outcome === WON ? "S" : "F") : "P";
      this.dealHistory(pt[i], id, py[i], ps[i], sem, pc[i]);
      stage = ps[i];
      category = pc[i];
      semantic = sem;
      movedT = pt[i];
      closed = py[i] === 3;
    }

    // Activities: the request that created a direct deal, robot to-dos on stage entry, then the work on it.
    this.lastAct = 0;
    if (c.channel !== CH_MANUAL) this.inbound(OWNER_DEAL, id, t, c.channel, c.assigned, P);
    if (P.autoComplete > 0) {
      let entry = t;
      for (let i = 0; i <= len; i++) {
        const leave = i < len ? pt[i] : Infinity;
        if (entry <= now && rng.chance(P.autoComplete)) this.robotTodo(id, entry, leave, c.assigned, P);
        if (i < len && py[i] === 3) break;
        if (i < len) entry = pt[i];
      }
    }
    const closeAt = closed ? closeT : Infinity;
    const workEnd = Math.min(now, closed ? closeT : horizon);
    const n = rng.poisson(P.actPerDeal * (sameDay ? 0.15 : 1) * (stuck ? 0.25 : 1));
    for (let i = 0; i < n; i++) this.planWork(OWNER_DEAL, id, t + (workEnd - t) * rng.next(), closeAt, c.assigned, P);

    // Amount.
    let amount = this.amount(P.dealSize);
    if ((outcome === WON && rng.chance(P.zeroWon)) || (outcome === OPEN && rng.chance(0.08))) amount = 0;
    let currency = cfg.baseCurrency;
    if (amount > 0 && cfg.foreign.length && rng.chance(params.config.foreignShare)) {
      const f = cfg.foreign[rng.int(cfg.foreign.length)];
      currency = f.code;
      amount = Math.max(1, Math.round(amount / f.rate));
    }

    const typeId = cfg.dealTypes.length > 1 ? cfg.dealTypes[rng.weighted(DEAL_TYPE_WEIGHTS)] : "SALE";
    const edited = rng.chance(0.4) ? t + rng.lognormal(2, 1) * DAY : t;
    const row = this.dealRow;
    row.ID = id;
    row.TITLE = c.title;
    row.TYPE_ID = typeId;
    row.CATEGORY_ID = category;
    row.STAGE_ID = stage;
    row.STAGE_SEMANTIC_ID = semantic;
    row.CLOSED = closed;
    row.PROBABILITY = null;
    row.OPPORTUNITY = amount;
    row.CURRENCY_ID = currency;
    row.IS_MANUAL_OPPORTUNITY = amount > 0 && rng.chance(0.3);
    row.LEAD_ID = c.leadId || null;
    row.CONTACT_ID = c.contact || null;
    row.COMPANY_ID = c.company || null;
    row.BEGINDATE = cal.midnight(t);
    row.CLOSEDATE = cal.midnight(closed ? closeT : Math.min(now, t + 7 * DAY));
    row.DATE_CREATE = sec(t);
    row.DATE_MODIFY = sec(Math.min(now, Math.max(movedT, edited)));
    row.MOVED_TIME = sec(movedT);
    row.MOVED_BY_ID = c.assigned;
    row.ASSIGNED_BY_ID = c.assigned;
    row.CREATED_BY_ID = c.assigned;
    row.MODIFY_BY_ID = c.assigned;
    row.OPENED = true;
    row.IS_NEW = !closed && stage === first.process[0] && category === first.id;
    row.IS_RETURN_CUSTOMER = c.repeat;
    row.IS_REPEATED_APPROACH = c.repeat && c.fromLead;
    row.IS_RECURRING = false;
    row.SOURCE_ID = c.source;
    row.UTM_SOURCE = c.utm ? c.utm[0] : null;
    row.UTM_MEDIUM = c.utm ? c.utm[1] : null;
    row.UTM_CAMPAIGN = c.utm ? c.utm[2] : null;
    row.LAST_ACTIVITY_TIME = this.lastAct ? sec(this.lastAct) : null;
    // Every custom field is written, null when empty: the row object is reused from deal to deal.
    for (const f of cfg.dealFields) {
      row[f.name] = rng.chance(f.fill * P.ufFill * (t >= f.createdTime ? 1 : 0.1)) ? fieldValue(f, rng, t, cal, now) : null;
    }
    const loss = cfg.lossReason;
    if (loss) {
      row[loss.name] =
        closed && outcome === LOST && closeT >= loss.createdTime && !rng.chance(P.lostNoReason) ? fieldValue(loss, rng, closeT, cal, now) : null;
    }
    this.tables.deal.append(row);

    // A won customer may come back: schedule the next purchase (or a reactivation after a long pause).
    if (closed && outcome === WON && (c.company || c.contact)) {
      const Pc = tl.at(closeT);
      let due = Infinity;
      if (rng.chance(Pc.returnProb)) due = closeT + Math.min(330, rng.lognormal(100, 0.6)) * DAY;
      else if (rng.chance(Pc.reactivate)) due = closeT + rng.range(400, 750) * DAY;
      if (due <= now) this.due.push(due, c.company, c.contact);
    }
  }

  // ── contacts and companies ────────────────────────────────────────────────

  /** A person key: usually new, sometimes an earlier contact's (a duplicate with the same phone/e-mail). */
  private newPerson(dup: number): number {
    if (this.contactId > 0 && this.rng.chance(dup)) return this.contactPerson.get(1 + this.rng.int(this.contactId));
    return ++this.personSeq;
  }

  private newCompanyKey(dup: number): number {
    if (this.companyId > 0 && this.rng.chance(dup)) return this.companyKey.get(1 + this.rng.int(this.companyId));
    return ++this.companySeq;
  }

  private createContact(t: number, personKey: number, company: number, assigned: number, source: string | null): number {
    const id = ++this.contactId;
    this.contactPerson.set(id, personKey);
    const p = personOf(this.seed, personKey, this.country);
    const rng = this.rng;
    this.tables.contact.append({
      ID: id,
      NAME: p.first,
      LAST_NAME: p.last,
      TYPE_ID: "CLIENT",
      SOURCE_ID: source,
      COMPANY_ID: company || null,
      ASSIGNED_BY_ID: assigned,
      CREATED_BY_ID: assigned,
      DATE_CREATE: sec(t),
      DATE_MODIFY: sec(Math.min(this.now, rng.chance(0.3) ? t + rng.lognormal(20, 1) * DAY : t)),
      HAS_PHONE: p.phone !== null,
      HAS_EMAIL: p.email !== null,
      OPENED: true,
      EXPORT: true,
      PHONE: phoneField(p.phone, "MOBILE"),
      EMAIL: emailField(p.email),
    });
    return id;
  }

  private createCompany(t: number, key: number, assigned: number): number {
    const id = ++this.companyId;
    this.companyKey.set(id, key);
    const c = companyOf(this.seed, key, this.country);
    const rng = this.rng;
    this.tables.company.append({
      ID: id,
      TITLE: c.title,
      COMPANY_TYPE: "CUSTOMER",
      INDUSTRY: c.industry,
      ASSIGNED_BY_ID: assigned,
      CREATED_BY_ID: assigned,
      DATE_CREATE: sec(t),
      DATE_MODIFY: sec(Math.min(this.now, rng.chance(0.3) ? t + rng.lognormal(30, 1) * DAY : t)),
      HAS_PHONE: c.phone !== null,
      HAS_EMAIL: c.email !== null,
      OPENED: true,
      PHONE: phoneField(c.phone, "WORK"),
      EMAIL: emailField(c.email),
    });
    return id;
  }

  // ── activities ────────────────────────────────────────────────────────────

  private pickChannel(P: PeriodParams): number {
    const manual = Math.max(0.1, 1 - P.call - P.email - P.chat - P.form);
    const x = this.rng.next() * (P.call + P.email + P.chat + P.form + manual);
    if (x < P.call) return CH_CALL;
    if (x < P.call + P.email) return CH_EMAIL;
    if (x < P.call + P.email + P.chat) return CH_CHAT;
    if (x < P.call + P.email + P.chat + P.form) return CH_FORM;
    return CH_MANUAL;
  }

  private sourceFor(channel: number, P: PeriodParams, repeat: boolean): string | null {
    const rng = this.rng;
    if (rng.chance(P.sourceOther)) return rng.chance(0.5) ? "OTHER" : null;
    if (repeat && rng.chance(0.5)) return "PARTNER";
    switch (channel) {
      case CH_CALL:
        return rng.chance(0.15) ? "CALLBACK" : "CALL";
      case CH_EMAIL:
        return "EMAIL";
      case CH_CHAT:
        return this.input.cfg.chatSource;
      case CH_FORM:
        return rng.chance(0.7) ? "WEBFORM" : "WEB";
      default: {
        const custom = this.input.cfg.customSources;
        const x = rng.int(5 + custom.length);
        return x < 5 ? ["ADVERTISING", "RECOMMENDATION", "TRADE_SHOW", "WEB", "STORE"][x] : custom[x - 5];
      }
    }
  }

  private utmFor(source: string | null): [string, string, string] | null {
    if (source !== "WEB" && source !== "WEBFORM" && source !== "ADVERTISING") return null;
    const rng = this.rng;
    if (!rng.chance(0.6)) return null;
    return [rng.pick(UTM_SOURCES), rng.pick(UTM_MEDIUMS), rng.pick(UTM_CAMPAIGNS)];
  }

  /** Who does work on a record at t: its owner while they work in the CRM, else a colleague. */
  private responsible(assigned: number, t: number): number {
    const users = this.input.users;
    return users.isWorking(assigned, t) ? assigned : users.pick(t, this.rng);
  }

  private amount(size: number): number {
    const { medianAmount, amountStep } = this.input.cfg;
    return Math.max(amountStep, Math.round(this.rng.lognormal(medianAmount * size, 0.9) / amountStep) * amountStep);
  }

  private activity(
    t: number,
    ownerType: number,
    ownerId: number,
    provider: number,
    dir: number,
    end: number,
    deadline: number,
    done: number,
    resp: number,
    subject: string,
  ): Ev {
    const e = this.newEv();
    e.t = sec(t);
    e.kind = K_ACT;
    e.ownerType = ownerType;
    e.ownerId = ownerId;
    e.a = provider;
    e.b = dir;
    e.start = provider === PV_TODO || provider === PV_TASK || provider === PV_MEETING ? deadline : e.t;
    e.end = Math.max(e.t, end);
    e.deadline = deadline;
    e.done = Number.isNaN(done) ? NaN : Math.max(e.t, sec(done));
    e.resp = resp;
    e.author = resp;
    e.str = subject;
    if (e.t <= this.now && e.t > this.lastAct) this.lastAct = e.t;
    return e;
  }

  /**
   * An inbound request on a record at t: the request activity (unless it came in person) and the answer,
   * after the profile's response time in office hours, or never. Returns the answer's instant or NaN.
   */
  private inbound(ownerType: number, ownerId: number, t: number, channel: number, assigned: number, P: PeriodParams): number {
    const rng = this.rng;
    const cal = this.cal;
    const resp = this.responsible(assigned, t);
    let respT = NaN;
    let live = false;
    if (!rng.chance(P.unanswered)) {
      const delay = rng.lognormal(P.respMin, 1.1);
      if (channel === CH_CALL && delay < 5 && cal.toWork(t) === t) {
        // Picked up while ringing: the call itself is the answer.
        live = true;
        respT = t + rng.range(1, 6) * MIN;
      } else respT = cal.addWorking(t, delay);
    }
    if (respT > this.now) respT = NaN;
    if (channel !== CH_MANUAL) {
      const provider = channel === CH_CALL ? PV_CALL : channel === CH_EMAIL ? PV_EMAIL : channel === CH_CHAT ? PV_CHAT : PV_FORM;
      const end = channel === CH_CALL ? (live ? respT : t + rng.range(5, 40) * SEC) : t;
      const e = this.activity(t, ownerType, ownerId, provider, DIR_IN, end, t, respT, resp, INBOUND_SUBJECT[provider]);
      this.schedule(e);
    }
    if (!Number.isNaN(respT) && !live && channel !== CH_CHAT) {
      // A call back, a reply e-mail, or, where no channel is connected, a to-do marked done.
      const viaMail = channel === CH_EMAIL || channel === CH_FORM;
      const provider = viaMail
        ? P.email > 0 ? PV_EMAIL : P.call > 0 ? PV_CALL : PV_TODO
        : P.call > 0 ? PV_CALL : P.email > 0 ? PV_EMAIL : PV_TODO;
      const end = provider === PV_CALL ? respT + rng.range(1, 8) * MIN : respT;
      const subject = provider === PV_CALL ? "Outgoing call" : provider === PV_EMAIL ? "Re: your request" : "Contact the client";
      const e = this.activity(respT, ownerType, ownerId, provider, provider === PV_TODO ? DIR_NONE : DIR_OUT, end, respT, end, resp, subject);
      this.schedule(e);
    }
    return respT;
  }

  /** A planned to-do, task or meeting: done on time, late, by automation at close, or left overdue. */
  private planned(ownerType: number, ownerId: number, ct: number, provider: number, assigned: number, closeT: number, P: PeriodParams): void {
    const rng = this.rng;
    const cal = this.cal;
    const resp = this.responsible(assigned, ct);
    const deadline = sec(cal.toWork(ct + rng.lognormal(provider === PV_TASK ? 2 : 0.8, 0.7) * DAY));
    let done = NaN;
    let status = 2;
    let auto = 0;
    if (!rng.chance(P.overdue)) {
      done = rng.chance(0.85) ? deadline - rng.next() * 0.7 * (deadline - ct) : this.work(deadline + rng.lognormal(0.5, 0.8) * DAY);
    }
    if (closeT !== Infinity && (Number.isNaN(done) || done > closeT)) {
      if (rng.chance(P.autoComplete)) {
        done = closeT;
        status = 3;
        auto = 1;
      } else if (!Number.isNaN(done)) done = closeT;
    }
    const subject =
      provider === PV_TASK ? rng.pick(TASK_SUBJECTS) : provider === PV_MEETING ? "Meeting with the client" : rng.pick(TODO_SUBJECTS);
    const end = provider === PV_MEETING ? deadline + HOUR : deadline;
    const e = this.activity(ct, ownerType, ownerId, provider, DIR_NONE, end, deadline, done, resp, subject);
    e.status = status;
    e.autoRule = auto;
    e.prio = rng.chance(0.1) ? 3 : 2;
    this.schedule(e);
  }

  /**
   * A to-do a stage robot creates when a deal enters a stage; Bitrix24 completes it automatically when the
   * deal leaves the stage first (STATUS 3), otherwise the manager does.
   */
  private robotTodo(dealId: number, entry: number, leave: number, assigned: number, P: PeriodParams): void {
    const rng = this.rng;
    const resp = this.responsible(assigned, entry);
    const deadline = sec(this.cal.toWork(entry + rng.lognormal(1, 0.6) * DAY));
    const natural = rng.chance(P.overdue) ? Infinity : deadline - rng.next() * 0.7 * (deadline - entry);
    const auto = leave < natural;
    const done = auto ? leave : natural === Infinity ? NaN : natural;
    const e = this.activity(entry, OWNER_DEAL, dealId, PV_TODO, DIR_NONE, deadline, deadline, done, resp, "Robot: next step");
    e.status = auto ? 3 : 2;
    e.autoRule = 1;
    this.schedule(e);
  }

  /** One piece of work on a lead or deal around ct: a call, an e-mail, a chat, or planned work. */
  private planWork(ownerType: number, ownerId: number, ct: number, closeT: number, assigned: number, P: PeriodParams): void {
    const rng = this.rng;
    ct = sec(this.work(Math.max(this.cur, ct)));
    if (ct > this.now) return;
    const manual = Math.max(0.25, 1 - P.call - P.email - P.chat - P.form);
    const x = rng.next() * (P.call + P.email + P.chat * 0.4 + manual);
    if (x < P.call) {
      if (rng.chance(0.22)) this.inbound(ownerType, ownerId, ct, CH_CALL, assigned, P);
      else {
        const end = ct + rng.range(1, 10) * MIN;
        this.schedule(this.activity(ct, ownerType, ownerId, PV_CALL, DIR_OUT, end, ct, end, this.responsible(assigned, ct), "Outgoing call"));
      }
    } else if (x < P.call + P.email) {
      if (rng.chance(0.3)) this.inbound(ownerType, ownerId, ct, CH_EMAIL, assigned, P);
      else this.schedule(this.activity(ct, ownerType, ownerId, PV_EMAIL, DIR_OUT, ct, ct, ct, this.responsible(assigned, ct), "Commercial proposal"));
    } else if (x < P.call + P.email + P.chat * 0.4) {
      this.inbound(ownerType, ownerId, ct, CH_CHAT, assigned, P);
    } else {
      const y = rng.next();
      this.planned(ownerType, ownerId, ct, y < 0.55 ? PV_TODO : y < 0.8 ? PV_TASK : PV_MEETING, assigned, closeT, P);
    }
  }

  // ── writers ───────────────────────────────────────────────────────────────

  private writeActivity(e: Ev): void {
    const now = this.now;
    const done = e.done <= now;
    const p = PROVIDERS[e.a];
    const r = this.activityRow;
    r.ID = ++this.actId;
    r.OWNER_ID = e.ownerId;
    r.OWNER_TYPE_ID = e.ownerType;
    r.TYPE_ID = p.typeId;
    r.PROVIDER_ID = p.id;
    r.PROVIDER_TYPE_ID = p.type;
    r.SUBJECT = e.str;
    r.CREATED = e.t;
    r.LAST_UPDATED = done ? e.done : e.t;
    r.START_TIME = sec(Math.min(now, e.start));
    r.END_TIME = sec(Math.min(now, e.end));
    r.DEADLINE = sec(Math.min(now, e.deadline));
    r.COMPLETED = done;
    r.STATUS = done ? e.status : 1;
    r.DIRECTION = e.b;
    r.PRIORITY = e.prio;
    r.RESPONSIBLE_ID = e.resp;
    r.AUTHOR_ID = e.author;
    r.EDITOR_ID = e.resp;
    r.AUTOCOMPLETE_RULE = e.autoRule;
    this.tables.activity.append(r);
  }

  private dealHistory(t: number, ownerId: number, typeId: number, stage: string, semantic: string, category: number): void {
    const e = this.newEv();
    e.t = sec(t);
    e.kind = K_DEAL_HIST;
    e.ownerId = ownerId;
    e.a = typeId;
    e.b = category;
    e.str = stage;
    e.sem = semantic;
    this.schedule(e);
  }

  private leadHistory(t: number, ownerId: number, typeId: number, status: string, semantic: string): void {
    const e = this.newEv();
    e.t = sec(t);
    e.kind = K_LEAD_HIST;
    e.ownerId = ownerId;
    e.a = typeId;
    e.str = status;
    e.sem = semantic;
    this.schedule(e);
  }

  private writeDealHistory(e: Ev): void {
    const r = this.dealHistoryRow;
    r.ID = ++this.dealHistId;
    r.TYPE_ID = e.a;
    r.OWNER_ID = e.ownerId;
    r.CREATED_TIME = e.t;
    r.CATEGORY_ID = e.b;
    r.STAGE_ID = e.str;
    r.STAGE_SEMANTIC_ID = e.sem;
    this.tables.dealHistory.append(r);
  }

  private writeLeadHistory(e: Ev): void {
    const r = this.leadHistoryRow;
    r.ID = ++this.leadHistId;
    r.TYPE_ID = e.a;
    r.OWNER_ID = e.ownerId;
    r.CREATED_TIME = e.t;
    r.STATUS_ID = e.str;
    r.STATUS_SEMANTIC_ID = e.sem;
    this.tables.leadHistory.append(r);
  }
}
