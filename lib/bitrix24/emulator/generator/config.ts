/**
 * The portal's configuration: stages and statuses, pipelines, sources, currencies, workflow templates and
 * custom fields. Written to the sink as reference lists, and returned in the shape the simulation needs.
 */
import type { ConfigTiming, ProfileParams } from "../profiles/types";
import type { FieldValue, PortalDataSink, StatusRecord, UserFieldRecord } from "../types";
import type { Calendar } from "./calendar";
import { DEFAULT_DEAL_STAGES, DEFAULT_DEAL_TYPES, DEFAULT_LEAD_STATUSES, DEFAULT_SOURCES } from "./defaults";
import type { Rng } from "./rng";

const DAY = 86_400_000;

/** A deal pipeline as the simulation sees it. */
export interface PipelineRuntime {
  id: number;
  createdTime: number;
  weight: number;
  /** Process stage IDs in funnel order ("C2:NEW"… outside the default pipeline). */
  process: string[];
  won: string;
  lose: string;
  apology: string | null;
}

export type UfType = "string" | "double" | "enumeration" | "date" | "boolean";

export interface FieldRuntime {
  name: string;
  type: UfType;
  createdTime: number;
  /** Probability that a record created after the field gets a value. */
  fill: number;
  /** Enumeration option IDs start here. */
  optionBase: number;
  texts: readonly string[];
}

export interface ForeignCurrency {
  code: string;
  /** Base-currency units per one unit of this currency. */
  rate: number;
}

export interface PortalConfig {
  pipelines: PipelineRuntime[];
  customSources: string[];
  /** Source given to leads from open-line chats. */
  chatSource: string;
  dealTypes: string[];
  dealFields: FieldRuntime[];
  leadFields: FieldRuntime[];
  lossReason: FieldRuntime | null;
  baseCurrency: string;
  foreign: ForeignCurrency[];
  /** Typical (median) deal amount in the base currency, and the rounding step for amounts. */
  medianAmount: number;
  amountStep: number;
}

export interface ConfigContext {
  params: ProfileParams;
  rng: Rng;
  cal: Calendar;
  start: number;
  goLive: number;
  now: number;
  baseCurrency: string;
}

/** Rubles per unit: enough to derive plausible cross rates for any base currency in the table. */
const RUB_PER_UNIT: Record<string, { rate: number; name: string }> = {
  RUB: { rate: 1, name: "Russian Ruble" },
  USD: { rate: 90.5, name: "US Dollar" },
  EUR: { rate: 98.2, name: "Euro" },
  GBP: { rate: 114.8, name: "British Pound Sterling" },
  CNY: { rate: 12.5, name: "Chinese Yuan" },
  KZT: { rate: 0.19, name: "Kazakhstani Tenge" },
  BYN: { rate: 27.6, name: "Belarusian Ruble" },
  UAH: { rate: 2.2, name: "Ukrainian Hryvnia" },
  PLN: { rate: 22.7, name: "Polish Zloty" },
  TRY: { rate: 2.8, name: "Turkish Lira" },
};

/** Typical deal in rubles; other bases get the equivalent. */
const MEDIAN_DEAL_RUB = 48_000;

const RENAMED_DEAL_STAGES: Record<string, string> = {
  NEW: "New request",
  PREPARATION: "Qualification",
  PREPAYMENT_INVOICE: "Proposal sent",
  EXECUTING: "Negotiation",
  FINAL_INVOICE: "Contract and invoice",
  WON: "Won",
  LOSE: "Lost",
  APOLOGY: "Lost: reason analysis",
};

const RENAMED_LEAD_STATUSES: Record<string, string> = {
  NEW: "New lead",
  IN_PROCESS: "Contacting",
  PROCESSED: "Qualified",
  CONVERTED: "Converted to deal",
  JUNK: "Not relevant",
};

const CUSTOM_STAGE_NAMES = [
  "Needs analysis",
  "Demo",
  "Approval",
  "Waiting for payment",
  "Delivery",
  "Installation",
  "Technical review",
  "Tender documents",
];

const PIPELINE_NAMES = [
  "Wholesale",
  "Retail",
  "Partners",
  "Tenders",
  "Service contracts",
  "Export",
  "Marketplaces",
  "Projects",
  "Repairs",
  "Rentals",
  "Subscriptions",
  "Events",
  "Franchise",
  "Government",
];

const CUSTOM_SOURCE_NAMES = ["Telegram", "Avito", "Yandex Direct", "VK Ads", "Partner network", "Cold calls"];

const DEAL_FIELD_CATALOG: readonly [string, UfType, string][] = [
  ["CONTRACT_NO", "string", "Contract number"],
  ["LOSS_REASON", "enumeration", "Loss reason"],
  ["DELIVERY_DATE", "date", "Delivery date"],
  ["PAYMENT_TERMS", "enumeration", "Payment terms"],
  ["MARGIN", "double", "Margin, %"],
  ["REGION", "enumeration", "Region"],
  ["PRODUCT_LINE", "enumeration", "Product line"],
  ["NEEDS_INSTALLATION", "boolean", "Installation required"],
  ["COMPETITOR", "string", "Competitor"],
  ["DISCOUNT", "double", "Discount, %"],
];

const LEAD_FIELD_CATALOG: readonly [string, UfType, string][] = [
  ["BUDGET", "double", "Budget"],
  ["INTEREST", "enumeration", "Product of interest"],
  ["CITY", "string", "City"],
  ["CAMPAIGN_CODE", "string", "Campaign code"],
  ["COMPANY_SIZE", "enumeration", "Company size"],
];

const GENERIC_FIELD_LABELS = [
  "Customer segment",
  "Budget approved",
  "Decision maker",
  "Tender number",
  "Delivery address",
  "Warehouse",
  "Project code",
  "Priority",
  "Lead score",
  "Industry code",
  "Partner",
  "Campaign",
  "Referral",
  "Legal entity",
  "Planned volume",
  "Sample sent",
  "NDA signed",
  "Visit date",
  "Shipping method",
  "Package",
  "Responsible engineer",
  "Installation date",
  "Warranty",
  "Bank",
  "Tax ID",
  "Website",
  "Comment",
  "Rating",
  "Second phone",
  "Preferred channel",
];

const GENERIC_TYPES: readonly UfType[] = ["string", "enumeration", "double", "boolean", "date", "string", "enumeration"];

const TEXTS: Record<string, readonly string[]> = {
  COMPETITOR: ["Acme", "Globex", "Initech", "Umbrella", "Stark", "none"],
  CITY: ["Moscow", "Saint Petersburg", "Kazan", "Novosibirsk", "Yekaterinburg", "Samara", "Almaty", "Minsk"],
  CAMPAIGN_CODE: ["spring-sale", "webinar", "expo", "newsletter", "retarget"],
  GENERIC: ["yes", "no", "pending", "see notes", "A", "B", "C", "priority"],
};

const TEMPLATE_CATALOG: readonly [string, "DEAL" | "LEAD"][] = [
  ["Lead distribution", "LEAD"],
  ["New lead greeting", "LEAD"],
  ["Invoice on stage change", "DEAL"],
  ["Deadline reminder", "DEAL"],
  ["Contract generation", "DEAL"],
  ["Repeat sale reminder", "DEAL"],
  ["Payment control", "DEAL"],
  ["Client satisfaction survey", "DEAL"],
  ["Discount approval", "DEAL"],
  ["Welcome e-mail", "LEAD"],
  ["Lost deal analysis", "DEAL"],
  ["Manager notification", "LEAD"],
  ["Delivery scheduling", "DEAL"],
  ["Document package", "DEAL"],
  ["Cold lead follow-up", "LEAD"],
  ["Tender registration", "DEAL"],
  ["Partner commission", "DEAL"],
  ["Shipment request", "DEAL"],
];

const PALETTE = ["#39A8EF", "#2FC6F6", "#55D0E0", "#47E4C2", "#FFA900", "#A861AB", "#3DB1B6", "#E89B06"];

/** When one configuration item was created, by the profile's timing; never after now, never before start. */
export function configTime(timing: ConfigTiming, rng: Rng, ctx: Pick<ConfigContext, "start" | "goLive" | "now">): number {
  const { start, goLive, now } = ctx;
  const afterGoLive = Math.max(0, now - goLive - 30 * DAY);
  let t: number;
  const u = rng.next();
  if (timing === "big_bang") {
    t = u < 0.92 ? goLive + rng.range(0, 25) * DAY : goLive + rng.range(25, 60) * DAY;
  } else if (timing === "setup") {
    t = u < 0.85 || afterGoLive === 0 ? goLive - rng.range(2, 35) * DAY : goLive + 30 * DAY + rng.next() * afterGoLive;
  } else {
    t = u < 0.35 || afterGoLive === 0 ? goLive - rng.range(2, 40) * DAY : goLive + 30 * DAY + rng.next() * afterGoLive;
  }
  t = Math.floor(t / 1000) * 1000;
  return Math.min(now, Math.max(start, t));
}

function customCode(rng: Rng): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  let s = "UC_";
  for (let i = 0; i < 6; i++) s += alphabet[rng.int(alphabet.length)];
  return s;
}

/** Builds the configuration, writes the reference lists into the sink and returns the runtime view. */
export function buildConfig(ctx: ConfigContext, sink: PortalDataSink): PortalConfig {
  const { params, rng } = ctx;
  const cfg = params.config;
  const statuses: StatusRecord[] = sink.statuses;
  let statusId = statuses.reduce((m, s) => Math.max(m, s.ID), 0);
  const addStatus = (s: Omit<StatusRecord, "ID">): void => {
    statuses.push({ ID: ++statusId, ...s });
  };

  // Lead statuses.
  DEFAULT_LEAD_STATUSES.forEach((s, i) => {
    const renamed = rng.chance(cfg.renamedStages);
    addStatus({
      ENTITY_ID: "STATUS",
      STATUS_ID: s.code,
      NAME: renamed ? RENAMED_LEAD_STATUSES[s.code] : s.name,
      NAME_INIT: s.system ? s.name : "",
      SORT: (i + 1) * 10,
      SYSTEM: s.system,
      CATEGORY_ID: null,
      COLOR: s.color,
      SEMANTICS: s.semantics,
    });
  });

  // Sources: the defaults plus custom ones with numeric IDs, as the UI creates them.
  DEFAULT_SOURCES.forEach((s, i) =>
    addStatus({
      ENTITY_ID: "SOURCE",
      STATUS_ID: s.code,
      NAME: s.name,
      NAME_INIT: s.name,
      SORT: (i + 1) * 10,
      SYSTEM: true,
      CATEGORY_ID: null,
      COLOR: "",
      SEMANTICS: null,
    }),
  );
  const customSources: string[] = [];
  for (let i = 0; i < cfg.customSources; i++) {
    const code = String(i + 1);
    customSources.push(code);
    addStatus({
      ENTITY_ID: "SOURCE",
      STATUS_ID: code,
      NAME: CUSTOM_SOURCE_NAMES[i % CUSTOM_SOURCE_NAMES.length],
      NAME_INIT: "",
      SORT: (DEFAULT_SOURCES.length + i + 1) * 10,
      SYSTEM: false,
      CATEGORY_ID: null,
      COLOR: "",
      SEMANTICS: null,
    });
  }

  DEFAULT_DEAL_TYPES.forEach((s, i) =>
    addStatus({
      ENTITY_ID: "DEAL_TYPE",
      STATUS_ID: s.code,
      NAME: s.name,
      NAME_INIT: s.name,
      SORT: (i + 1) * 10,
      SYSTEM: true,
      CATEGORY_ID: null,
      COLOR: "",
      SEMANTICS: null,
    }),
  );

  // Pipelines with their stages.
  const pipelines: PipelineRuntime[] = [];
  const pipelineCount = Math.max(1, Math.round(cfg.pipelines));
  for (let p = 0; p < pipelineCount; p++) {
    const createdTime = p === 0 ? ctx.start : configTime(cfg.configTiming, rng, ctx);
    const name = p === 0 ? "General" : PIPELINE_NAMES[(p - 1) % PIPELINE_NAMES.length];
    sink.categories.push({ id: p, name, sort: p === 0 ? 100 : 100 + p * 100, isDefault: p === 0, createdTime });
    const prefix = p === 0 ? "" : `C${p}:`;
    const entityId = p === 0 ? "DEAL_STAGE" : `DEAL_STAGE_${p}`;
    const defaults = DEFAULT_DEAL_STAGES.filter((s) => s.semantics === "process");
    const process: { code: string; name: string; nameInit: string; system: boolean; color: string }[] = defaults.map(
      (s) => ({
        code: s.code,
        name: rng.chance(cfg.renamedStages) ? RENAMED_DEAL_STAGES[s.code] : s.name,
        nameInit: s.system ? s.name : "",
        system: s.system,
        color: s.color,
      }),
    );
    for (let c = 0; c < cfg.customStages; c++) {
      const at = 1 + rng.int(process.length - 1);
      process.splice(at, 0, {
        code: customCode(rng),
        name: CUSTOM_STAGE_NAMES[(p * 3 + c) % CUSTOM_STAGE_NAMES.length],
        nameInit: "",
        system: false,
        color: PALETTE[(p + c) % PALETTE.length],
      });
    }
    let sort = 0;
    for (const s of process) {
      addStatus({
        ENTITY_ID: entityId,
        STATUS_ID: prefix + s.code,
        NAME: s.name,
        NAME_INIT: s.nameInit,
        SORT: (sort += 10),
        SYSTEM: s.system,
        CATEGORY_ID: p === 0 ? null : p,
        COLOR: s.color,
        SEMANTICS: "process",
      });
    }
    for (const s of DEFAULT_DEAL_STAGES.filter((x) => x.semantics !== "process")) {
      addStatus({
        ENTITY_ID: entityId,
        STATUS_ID: prefix + s.code,
        NAME: rng.chance(cfg.renamedStages) ? RENAMED_DEAL_STAGES[s.code] : s.name,
        NAME_INIT: s.system ? s.name : "",
        SORT: (sort += 10),
        SYSTEM: s.system,
        CATEGORY_ID: p === 0 ? null : p,
        COLOR: s.color,
        SEMANTICS: s.semantics,
      });
    }
    pipelines.push({
      id: p,
      createdTime,
      weight: 1 / Math.pow(p + 1, cfg.pipelineSkew),
      process: process.map((s) => prefix + s.code),
      won: `${prefix}WON`,
      lose: `${prefix}LOSE`,
      apology: `${prefix}APOLOGY`,
    });
  }

  // Currencies: the base and two foreign ones.
  const base = ctx.baseCurrency.toUpperCase();
  const baseRub = RUB_PER_UNIT[base]?.rate ?? 1;
  const foreignCodes = ["USD", "EUR", "GBP"].filter((c) => c !== base).slice(0, 2);
  sink.currencies.push({
    CURRENCY: base,
    AMOUNT_CNT: 1,
    AMOUNT: 1,
    BASE: true,
    SORT: 100,
    FULL_NAME: RUB_PER_UNIT[base]?.name ?? base,
  });
  const foreign: ForeignCurrency[] = foreignCodes.map((code, i) => {
    const rate = Math.round((RUB_PER_UNIT[code].rate / baseRub) * 10_000) / 10_000;
    sink.currencies.push({ CURRENCY: code, AMOUNT_CNT: 1, AMOUNT: rate, BASE: false, SORT: 200 + i * 100, FULL_NAME: RUB_PER_UNIT[code].name });
    return { code, rate };
  });
  const medianAmount = MEDIAN_DEAL_RUB / baseRub;
  const amountStep = Math.pow(10, Math.max(0, Math.floor(Math.log10(medianAmount)) - 2));

  // Workflow templates.
  for (let i = 0; i < cfg.templates; i++) {
    const [name, doc] = TEMPLATE_CATALOG[i % TEMPLATE_CATALOG.length];
    const created = configTime(cfg.configTiming, rng, ctx);
    const auto = rng.chance(cfg.autoExecute) ? 1 + rng.int(3) : 0;
    const entity = doc === "DEAL" ? "CCrmDocumentDeal" : "CCrmDocumentLead";
    sink.workflowTemplates.push({
      ID: i + 1,
      MODULE_ID: "crm",
      ENTITY: entity,
      DOCUMENT_TYPE: ["crm", entity, doc],
      AUTO_EXECUTE: auto,
      NAME: i < TEMPLATE_CATALOG.length ? name : `${name} ${Math.floor(i / TEMPLATE_CATALOG.length) + 1}`,
      MODIFIED: created,
      USER_ID: 1,
      SYSTEM_CODE: null,
    });
  }

  // Custom fields.
  let ufId = 0;
  let genericStamp = Math.floor(ctx.goLive / 1000);
  const makeFields = (count: number, entity: UserFieldRecord["ENTITY_ID"], catalog: readonly [string, UfType, string][]) => {
    const out: FieldRuntime[] = [];
    for (let i = 0; i < count; i++) {
      const createdTime = configTime(cfg.configTiming, rng, ctx);
      let name: string;
      let type: UfType;
      let label: string;
      let texts: readonly string[] = TEXTS.GENERIC;
      if (i < catalog.length) {
        [name, type, label] = catalog[i];
        texts = TEXTS[name] ?? TEXTS.GENERIC;
        name = `UF_CRM_${name}`;
      } else {
        // Fields created in the UI get a numeric suffix from the creation time.
        name = `UF_CRM_${++genericStamp}`;
        type = GENERIC_TYPES[i % GENERIC_TYPES.length];
        label = GENERIC_FIELD_LABELS[(i - catalog.length) % GENERIC_FIELD_LABELS.length];
      }
      ufId++;
      sink.userFields.push({ ID: ufId, ENTITY_ID: entity, FIELD_NAME: name, USER_TYPE_ID: type, MANDATORY: false, LABEL: label, createdTime });
      const decay = i < 3 ? 1 : 1 / (1 + 0.12 * (i - 2));
      out.push({ name, type, createdTime, fill: Math.min(1, cfg.fieldFill * decay), optionBase: 100 * ufId, texts });
    }
    return out;
  };
  const dealFields = makeFields(cfg.dealFields, "CRM_DEAL", DEAL_FIELD_CATALOG);
  const leadFields = makeFields(cfg.leadFields, "CRM_LEAD", LEAD_FIELD_CATALOG);
  const lossIndex = dealFields.findIndex((f) => f.name === "UF_CRM_LOSS_REASON");
  const lossReason = lossIndex >= 0 ? dealFields.splice(lossIndex, 1)[0] : null;

  sink.crmMode = 1;
  return {
    pipelines,
    customSources,
    chatSource: customSources[0] ?? "WEB",
    dealTypes: cfg.dealTypes ? DEFAULT_DEAL_TYPES.map((t) => t.code) : ["SALE"],
    dealFields,
    leadFields,
    lossReason,
    baseCurrency: base,
    foreign,
    medianAmount,
    amountStep,
  };
}

/** A value for a custom field on a record created at t. */
export function fieldValue(f: FieldRuntime, rng: Rng, t: number, cal: Calendar, now: number): FieldValue {
  switch (f.type) {
    case "string":
      return f.name === "UF_CRM_CONTRACT_NO" ? `C-${new Date(t).getUTCFullYear()}-${1000 + rng.int(9000)}` : rng.pick(f.texts);
    case "double":
      // Whole numbers: small integers are stored unboxed by V8, fractions would cost a heap number each.
      return Math.round(rng.lognormal(20, 0.8));
    case "enumeration":
      return f.optionBase + rng.int(5);
    case "date":
      return cal.midnight(Math.min(now, t + rng.range(0, 30) * DAY));
    case "boolean":
      return rng.chance(0.5);
  }
}
