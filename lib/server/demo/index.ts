import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { and, eq, sql } from "drizzle-orm";
import { getDatabase, queryRows } from "@/db";
import { DATA_DIR } from "@/db/data-dir";
import { clients } from "@/db/schema";
import { PROFILES, type Profile } from "@/lib/bitrix24/emulator/types";
import type { Bitrix24AppConfig } from "../bitrix24-config";
import { appUrl } from "../mail";
import { createClient } from "../services/clients";
import { findUserByEmail, signUp } from "../services/accounts";
import { completePortalConnect, getClientConnection, startPortalConnect } from "../services/portals";
import { addMonths } from "@/lib/metrics";
import { MONTHLY_INPUT_FIELDS, writeMonthlyInputs, type MonthlyInputs } from "../services/metric-inputs";
import { loadUserTenantContext, type TenantContext } from "../tenant";

const EMPTY_INPUTS = Object.fromEntries(MONTHLY_INPUT_FIELDS.map((f) => [f, null])) as Omit<MonthlyInputs, "month">;

/**
 * The demo of the embedded default: a local Bitrix24 emulator with one portal per demo profile, a demo org and user,
 * one client per portal, each connected through the real OAuth flow against the emulator and synced by the worker.
 * Idempotent: a restart finds what exists and only fills the gaps.
 */

export const DEMO_EMAIL = "demo@impact24.local";
const DEMO_ORG = "Demo Integrator";
const DAY = 24 * 3600 * 1000;

/** How each demo client is presented. */
const CLIENTS: Record<Profile, { name: string; timeZone: string; currency: string }> = {
  healthy: { name: "Healthy Foods LLC", timeZone: "Europe/Moscow", currency: "RUB" },
  no_goal: { name: "Aimless Trading", timeZone: "Europe/Moscow", currency: "RUB" },
  diy: { name: "Do-It-Yourself Tools", timeZone: "Asia/Yekaterinburg", currency: "RUB" },
  integrator_errors: { name: "Misconfigured Logistics", timeZone: "Europe/Moscow", currency: "RUB" },
  no_training: { name: "Untrained Sales Co", timeZone: "Asia/Novosibirsk", currency: "RUB" },
  big_bang: { name: "Big Bang Retail", timeZone: "Europe/Kaliningrad", currency: "EUR" },
};

interface DemoState {
  /** The generator's "now": fixed at the first start so the portals hold the same data after every restart. */
  epoch: number;
  password: string;
  tokenSecret: string;
}

function loadState(): DemoState {
  const file = path.join(DATA_DIR, "demo.json");
  if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, "utf8")) as DemoState;
  const state: DemoState = {
    epoch: Date.now(),
    password: process.env.IMPACT24_DEMO_PASSWORD ?? crypto.randomBytes(9).toString("base64url"),
    tokenSecret: crypto.randomBytes(24).toString("base64url"),
  };
  fs.mkdirSync(DATA_DIR, { recursive: true });
  fs.writeFileSync(file, JSON.stringify(state, null, 2), { mode: 0o600 });
  return state;
}

export interface DemoSummary {
  email: string;
  password: string;
  emulatorUrl: string;
  /** Resolves when every demo portal is connected (syncs then run in the worker). */
  ready: Promise<void>;
}

const globalForDemo = globalThis as unknown as { __impact24Demo?: Promise<DemoSummary> };

/** Starts the demo once per process (IMPACT24_DEMO=1). */
export function startDemo(): Promise<DemoSummary> {
  globalForDemo.__impact24Demo ??= launch();
  return globalForDemo.__impact24Demo;
}

async function launch(): Promise<DemoSummary> {
  const state = loadState();
  const password = process.env.IMPACT24_DEMO_PASSWORD ?? state.password;
  const deals = Number(process.env.IMPACT24_DEMO_DEALS ?? 3000);
  const port = Number(process.env.IMPACT24_DEMO_EMULATOR_PORT ?? 4100);
  const app = {
    clientId: process.env.BITRIX24_CLIENT_ID ?? "app.impact24.demo",
    clientSecret: process.env.BITRIX24_CLIENT_SECRET ?? "impact24-demo-client-secret",
  };
  const { startEmulator, createSystemClock } = await import("@/lib/bitrix24/emulator");
  const goLive = state.epoch - Math.round(1.5 * 365.25) * DAY;
  const emulator = await startEmulator({
    port,
    clock: createSystemClock(),
    tokenSecret: state.tokenSecret,
    apps: [
      {
        ...app,
        redirectUri: appUrl("/api/bitrix24/oauth/callback"),
        installHandlerUrl: appUrl("/api/bitrix24/install"),
      },
    ],
    portals: PROFILES.map((profile, i) => ({
      name: profile.replace(/_/g, "-"),
      autoApprove: true,
      timeZone: CLIENTS[profile].timeZone,
      baseCurrency: CLIENTS[profile].currency,
      generate: { profile, deals, seed: 1000 + i, goLive, now: state.epoch },
    })),
  });
  // The app talks to this emulator as its Bitrix24 unless real keys are configured.
  process.env.BITRIX24_OAUTH_URL ??= emulator.oauthUrl;
  process.env.BITRIX24_CLIENT_ID ??= app.clientId;
  process.env.BITRIX24_CLIENT_SECRET ??= app.clientSecret;
  process.env.BITRIX24_ALLOW_INSECURE ??= "1";

  const config: Bitrix24AppConfig = {
    oauthUrl: emulator.oauthUrl.replace(/\/+$/, ""),
    clientId: app.clientId,
    clientSecret: app.clientSecret,
    allowInsecure: true,
  };
  const ready = seed(password, emulator.portals.map((p, i) => ({ profile: PROFILES[i], url: p.url })), goLive, config);
  ready.then(
    () => printBanner(password, emulator.url),
    (error) => console.error("[demo] seeding failed:", error),
  );
  return { email: DEMO_EMAIL, password, emulatorUrl: emulator.url, ready };
}

async function seed(password: string, portals: Array<{ profile: Profile; url: string }>, goLive: number, config: Bitrix24AppConfig) {
  const { db } = await getDatabase();
  let user = await findUserByEmail(db, DEMO_EMAIL);
  if (!user) user = (await signUp(db, { name: "Demo Manager", email: DEMO_EMAIL, password, orgName: DEMO_ORG }, "en")).user;
  const ctx = await loadUserTenantContext(db, user.id, user.activeOrgId);
  for (const portal of portals) {
    const look = CLIENTS[portal.profile];
    let [client] = await db
      .select()
      .from(clients)
      .where(and(eq(clients.orgId, ctx.orgId), eq(clients.name, look.name)))
      .limit(1);
    if (!client) {
      client = await createClient(ctx, {
        name: look.name,
        timeZone: look.timeZone,
        baseCurrency: look.currency,
        goLiveDate: new Date(goLive).toISOString().slice(0, 10),
        status: "active",
        notes: `Demo portal (profile: ${portal.profile}).`,
      });
      await seedCosts(ctx, client.id, look.currency, goLive);
    }
    const connection = await getClientConnection(ctx, client.id);
    if (connection?.status === "connected") continue;
    await connectThroughOAuth(db, ctx, client.id, portal.url, config);
  }
}

/**
 * What an integrator would enter by hand for a client: marketing spend every month of the history (so CAC has a
 * value), the CRM licence from go-live on, and the implementation cost in the go-live month, spread over a year.
 * Amounts follow the demo's size and vary from month to month; written before the first sync, whose recompute uses
 * them.
 */
async function seedCosts(ctx: TenantContext, clientId: string, currency: string, goLive: number) {
  const scale = (currency === "RUB" ? 100 : 1) * (Number(process.env.IMPACT24_DEMO_DEALS ?? 3000) / 3000);
  const goLiveMonth = new Date(goLive).toISOString().slice(0, 7);
  const last = new Date().toISOString().slice(0, 7);
  await ctx.db.transaction(async (tx) => {
    for (let month = addMonths(goLiveMonth, -24), i = 0; month <= last; month = addMonths(month, 1), i++) {
      const live = month >= goLiveMonth;
      await writeMonthlyInputs(tx, ctx, clientId, {
        ...EMPTY_INPUTS,
        month,
        marketingSpend: Math.round(4_000 * scale * (1 + 0.2 * Math.sin(i * 1.3))),
        crmLicence: live ? Math.round(300 * scale) : null,
        implementationCost: month === goLiveMonth ? Math.round(12_000 * scale) : null,
        amortisationMonths: month === goLiveMonth ? 12 : null,
      });
    }
  });
}

/**
 * Flow (a) as a browser would run it: the authorize URL with a signed state, the portal's (auto-approved) redirect
 * with a code, then the app's callback logic exchanging the code at the OAuth server.
 */
async function connectThroughOAuth(
  db: Awaited<ReturnType<typeof getDatabase>>["db"],
  ctx: Awaited<ReturnType<typeof loadUserTenantContext>>,
  clientId: string,
  portalUrl: string,
  config: Bitrix24AppConfig,
) {
  const start = await startPortalConnect(ctx, clientId, portalUrl);
  const response = await fetch(start.url, { redirect: "manual" });
  const location = response.headers.get("location");
  if (!location) throw new Error(`the portal ${portalUrl} did not redirect back (HTTP ${response.status})`);
  const back = new URL(location);
  const outcome = await completePortalConnect(
    db,
    {
      state: back.searchParams.get("state"),
      code: back.searchParams.get("code"),
      cookie: () => start.nonce,
      sessionUserId: ctx.actor.id ?? null,
    },
    config,
  );
  if (!outcome.ok) throw new Error(`connecting ${portalUrl} failed: ${outcome.error}`);
}

export interface DemoReadiness {
  enabled: boolean;
  ready: boolean;
  clients: number;
  synced: number;
  withMetrics: number;
}

/**
 * How far the demo has come: every demo client connected, synced at least once, and with metric snapshots. The
 * browser tests wait for it (GET /api/health?demo=ready) so they never race the start-up work.
 */
export async function getDemoReadiness(): Promise<DemoReadiness> {
  const enabled = process.env.IMPACT24_DEMO === "1";
  if (!enabled) return { enabled, ready: false, clients: 0, synced: 0, withMetrics: 0 };
  const { db } = await getDatabase();
  const [row] = await queryRows<{ clients: number; synced: number; with_metrics: number }>(
    db,
    sql`select count(*)::int as clients,
               count(pc.last_synced_at)::int as synced,
               count(*) filter (where exists (select 1 from metric_snapshots ms
                                              where ms.org_id = c.org_id and ms.client_id = c.id))::int as with_metrics
        from users u
        join memberships m on m.user_id = u.id and m.role = 'owner'
        join clients c on c.org_id = m.org_id
        left join portal_connections pc on pc.org_id = c.org_id and pc.client_id = c.id
        where lower(u.email) = ${DEMO_EMAIL}`,
  );
  const total = PROFILES.length;
  return {
    enabled,
    ready: row.clients >= total && row.synced >= total && row.with_metrics >= total,
    clients: row.clients,
    synced: row.synced,
    withMetrics: row.with_metrics,
  };
}

function printBanner(password: string, emulatorUrl: string) {
  const lines = [
    "",
    "  Impact24 demo is ready — portals are syncing in the background.",
    `  Open ${appUrl("/")} and sign in as ${DEMO_EMAIL} / ${password}`,
    `  Bitrix24 emulator: ${emulatorUrl}`,
    "",
  ];
  console.log(lines.join("\n"));
}
