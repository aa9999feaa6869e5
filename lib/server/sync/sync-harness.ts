import type { Database } from "@/db";
import { startEmulator, type Emulator, type PortalHandle } from "@/lib/bitrix24/emulator";
import type { PortalConfig } from "@/lib/bitrix24/emulator";
import type { Bitrix24AppConfig } from "@/lib/server/bitrix24-config";
import { RECORD_ENTITIES, type RecordEntity } from "@/lib/sync/entities";
import { syncPortal } from "./engine";
import { diffEntity, emulatorDigest, mirrorDigest } from "./mirror-digest";
import { requestPortalSync } from "./requests";
import { claimRun, finishRun, type RunOutcome } from "./runs";
import { makePortalConnection } from "./testing";

/**
 * A sync test bench: an emulator, connections to its portals, one-call syncs without a job worker, and the
 * mirror-versus-portal comparison. Used by the sync tests and the benchmark.
 */

export interface HarnessPortal {
  handle: PortalHandle;
  orgId: string;
  connectionId: string;
  memberId: string;
}

export interface Harness {
  emulator: Emulator;
  config: Bitrix24AppConfig;
  portals: Record<string, HarnessPortal>;
  /** Queues, claims and runs one sync of a portal in this process; returns the run's outcome. */
  sync(name: string, kind?: "full" | "incremental", opts?: { signal?: AbortSignal; timeoutMs?: number }): Promise<RunOutcome & { runId: string }>;
  /** Entities whose mirror differs from the portal, with details. Empty when equal. */
  compare(name: string, entities?: readonly RecordEntity[]): Promise<Record<string, unknown>>;
  close(): Promise<void>;
}

/** Fast limits for tests: the emulator's bucket and ours agree. */
export const TEST_RATE_LIMIT = { capacity: 2000, drainPerSecond: 2000 };

export async function createHarness(
  database: Database,
  portals: PortalConfig[],
  opts: { latencyScale?: number } = {},
): Promise<Harness> {
  const emulator = await startEmulator({
    portals: portals.map((p) => ({ rateLimit: TEST_RATE_LIMIT, ...p })),
    latencyScale: opts.latencyScale,
  });
  const config: Bitrix24AppConfig = {
    oauthUrl: emulator.oauthUrl,
    clientId: emulator.app.clientId,
    clientSecret: emulator.app.clientSecret,
    allowInsecure: true,
  };
  const connected: Record<string, HarnessPortal> = {};
  for (const p of portals) {
    const handle = emulator.portal(p.name);
    const t = handle.issueTokens();
    const conn = await makePortalConnection(database.db, {
      memberId: handle.memberId,
      clientEndpoint: handle.clientEndpoint,
      domain: handle.domain,
      tokens: { accessToken: t.access_token, refreshToken: t.refresh_token, expiresAt: t.expires },
    });
    connected[p.name] = { handle, orgId: conn.orgId, connectionId: conn.connectionId, memberId: handle.memberId };
  }

  return {
    emulator,
    config,
    portals: connected,
    async sync(name, kind = "incremental", o = {}) {
      const p = connected[name];
      const { runId } = await requestPortalSync(database.db, { orgId: p.orgId, connectionId: p.connectionId, kind, reason: "test" });
      const run = await claimRun(database.db, { orgId: p.orgId, connectionId: p.connectionId }, "harness");
      if (!run) throw new Error("could not claim the run");
      const limit = handle(p).info().rateLimit;
      const outcome = await syncPortal({
        database,
        run,
        signal: o.signal ?? new AbortController().signal,
        config,
        rateLimit: { bucketSize: limit.capacity, drainPerSecond: limit.drainPerSecond },
        timeoutMs: o.timeoutMs ?? 30_000,
      });
      await finishRun(database.db, run, "harness", outcome);
      return { ...outcome, runId };
    },
    async compare(name, entities = RECORD_ENTITIES) {
      const p = connected[name];
      const problems: Record<string, unknown> = {};
      for (const entity of entities) {
        const a = await mirrorDigest(database.db, p, entity);
        const b = emulatorDigest(p.handle, entity);
        if (a.rows !== b.rows || a.hash !== b.hash) {
          problems[entity] = { mirrorRows: a.rows, portalRows: b.rows, ...(await diffEntity(database.db, p, p.handle, entity)) };
        }
      }
      return problems;
    },
    close: () => emulator.close(),
  };
}

function handle(p: HarnessPortal) {
  return p.handle;
}
