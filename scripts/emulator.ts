/**
 * `npm run emulator`: a local Bitrix24 (OAuth server, portals with generated data, control API).
 *
 *   npm run emulator -- --portals 3 --profiles healthy,diy,no_training --deals 20000 --port 4100 \
 *     [--json] [--redirect-uri URL] [--install-handler URL] [--client-id X --client-secret Y] [--seed N]
 *     [--plan standard|enterprise] [--time-zone Europe/Moscow] [--currency RUB] [--auto-approve]
 *     [--token-secret S] [--latency-scale K] [--host 127.0.0.1]
 *
 * The OAuth server and the control API (`/_emulator/…`) listen on --port, portal i on --port + i. With
 * --json, exactly one JSON line goes to stdout once everything is ready; logs go to stderr.
 * Tokens are signed with --token-secret (default: derived from --seed), so an app's stored tokens survive
 * a restart with the same options.
 */
import { parseArgs } from "node:util";
import { createSystemClock, DEFAULT_APP, startEmulator, type PortalConfig } from "@/lib/bitrix24/emulator";
import { PROFILES, type Profile } from "@/lib/bitrix24/emulator/types";

const { values } = parseArgs({
  options: {
    portals: { type: "string", default: "3" },
    profiles: { type: "string", default: "healthy,diy,no_training" },
    deals: { type: "string", default: "20000" },
    port: { type: "string", default: "4100" },
    host: { type: "string", default: "127.0.0.1" },
    json: { type: "boolean", default: false },
    "redirect-uri": { type: "string" },
    "install-handler": { type: "string" },
    "client-id": { type: "string" },
    "client-secret": { type: "string" },
    seed: { type: "string", default: "1" },
    plan: { type: "string", default: "standard" },
    "time-zone": { type: "string", default: "Europe/Moscow" },
    currency: { type: "string", default: "RUB" },
    "auto-approve": { type: "boolean", default: false },
    "token-secret": { type: "string" },
    "latency-scale": { type: "string", default: "0" },
  },
});

function fail(message: string): never {
  process.stderr.write(`emulator: ${message}\n`);
  process.exit(2);
}

function int(name: string, value: string, min: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) fail(`--${name} must be an integer ≥ ${min}`);
  return n;
}

const count = int("portals", values.portals!, 0);
const deals = int("deals", values.deals!, 0);
const port = int("port", values.port!, 0);
const seed = int("seed", values.seed!, 0);
const profiles = values.profiles!.split(",").map((p) => p.trim()).filter(Boolean) as Profile[];
for (const p of profiles) if (!PROFILES.includes(p)) fail(`unknown profile ${p} (known: ${PROFILES.join(", ")})`);
if (profiles.length === 0 && count > 0) fail("--profiles is empty");
const plan = values.plan === "enterprise" ? "enterprise" : values.plan === "standard" ? "standard" : fail("--plan is standard or enterprise");

const chosen = Array.from({ length: count }, (_, i) => profiles[i % profiles.length]);
const portals: PortalConfig[] = chosen.map((profile, i) => ({
  // The name (and so the member_id) depends only on the options: restarts give the same portals.
  name: chosen.indexOf(profile) === chosen.lastIndexOf(profile) ? profile : `${profile}-${i + 1}`,
  plan,
  timeZone: values["time-zone"],
  baseCurrency: values.currency,
  autoApprove: values["auto-approve"],
  generate: { profile, deals, seed: seed + i },
}));

const log = (line: string) => (values.json ? process.stderr : process.stdout).write(`${line}\n`);
const started = performance.now();
log(`emulator: generating ${count} portal(s) with ${deals} deals each…`);

const emu = await startEmulator({
  host: values.host,
  port,
  clock: createSystemClock(),
  tokenSecret: values["token-secret"] ?? `impact24-emulator-seed-${seed}`,
  latencyScale: Number(values["latency-scale"]) || 0,
  apps: [
    {
      ...DEFAULT_APP,
      clientId: values["client-id"] ?? DEFAULT_APP.clientId,
      clientSecret: values["client-secret"] ?? DEFAULT_APP.clientSecret,
      redirectUri: values["redirect-uri"],
      installHandlerUrl: values["install-handler"],
    },
  ],
  portals,
});

const summary = {
  oauthUrl: emu.oauthUrl,
  tokenUrl: emu.tokenUrl,
  controlUrl: emu.controlUrl,
  app: emu.app,
  portals: emu.portals.map((p) => ({ name: p.name, profile: p.info().profile, url: p.url, domain: p.domain, memberId: p.memberId })),
};

if (values.json) {
  process.stdout.write(`${JSON.stringify(summary)}\n`);
} else {
  log(`emulator: ready in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  log(`  OAuth server  ${summary.oauthUrl}  (token endpoint ${summary.tokenUrl})`);
  log(`  control API   ${summary.controlUrl}`);
  log(`  app           client_id ${summary.app.clientId}  client_secret ${summary.app.clientSecret}`);
  for (const p of summary.portals) log(`  portal        ${p.name.padEnd(20)} ${p.url}  member_id ${p.memberId}`);
}

let closing = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (closing) return;
    closing = true;
    emu.close().then(() => process.exit(0));
  });
}
