import { and, eq } from "drizzle-orm";
import type { Database } from "@/db";
import { portalConnections } from "@/db/schema";
import { createBitrix24Client, type Bitrix24Client } from "@/lib/bitrix24/client";
import type { RateLimiter } from "@/lib/bitrix24/limiter";
import { getBitrix24Config, type Bitrix24AppConfig } from "@/lib/server/bitrix24-config";
import { markConnectionStatus, statusForFailure, updateConnectionEndpoint } from "@/lib/server/portal-status";
import { createTokenSource } from "@/lib/server/portal-tokens";
import { runSync, type CountingClient, type SyncResult } from "@/lib/sync/engine";
import type { RecordEntity } from "@/lib/sync/entities";
import { createPgRateLimiter, PLAN_LIMITS } from "./pg-limiter";
import { createPgSyncStore } from "./pg-store";
import { leaseSeconds, type ClaimedRun, type RunOutcome } from "./runs";

export interface SyncPortalInput {
  database: Database;
  run: ClaimedRun;
  signal: AbortSignal;
  /** The app's Bitrix24 keys (default: from the environment). */
  config?: Bitrix24AppConfig;
  /** Overrides the plan's bucket (emulators with other limits; BITRIX24_RATE_LIMIT="bucket:perSecond"). */
  rateLimit?: { bucketSize: number; drainPerSecond: number };
  /** Per HTTP request (default SYNC_HTTP_TIMEOUT_MS or 65 s). */
  timeoutMs?: number;
  /** Lists to sync (default all). */
  entities?: readonly RecordEntity[];
  /** The lease holder of this run: writes are fenced by it. */
  holder?: string;
  log?: (message: string) => void;
}

function envRateLimit(): { bucketSize: number; drainPerSecond: number } | undefined {
  const m = /^(\d+):(\d+(?:\.\d+)?)$/.exec(process.env.BITRIX24_RATE_LIMIT ?? "");
  return m ? { bucketSize: Number(m[1]), drainPerSecond: Number(m[2]) } : undefined;
}

/** A limiter that counts the requests it lets through, in front of the shared one. */
function countingLimiter(inner: RateLimiter): RateLimiter & { count: number } {
  const limiter = {
    count: 0,
    async acquire() {
      await inner.acquire();
      limiter.count++;
    },
    methodReady: (m: string) => inner.methodReady(m),
    record: inner.record.bind(inner),
    pauseMethod: inner.pauseMethod.bind(inner),
    backoff: inner.backoff.bind(inner),
  };
  return limiter;
}

/**
 * Runs one sync of one portal (the run is already claimed under the portal's lease) and returns its outcome for
 * sync_runs. The portal's failures are in the outcome, never thrown; a connection-level failure also moves the
 * connection to `needs_reauth` or `error` with the reason, so no further syncs are tried until someone acts.
 */
export async function syncPortal(input: SyncPortalInput): Promise<RunOutcome> {
  const { database, run } = input;
  const db = database.db;
  const [connection] = await db
    .select()
    .from(portalConnections)
    .where(and(eq(portalConnections.orgId, run.orgId), eq(portalConnections.id, run.connectionId)));
  if (!connection) return { status: "failed", errorCode: "connection_missing", error: "the portal connection no longer exists" };
  if (connection.status !== "connected") {
    return {
      status: "failed",
      errorCode: `connection_${connection.status}`,
      error: `the portal connection is ${connection.status}${connection.statusReason ? ` (${connection.statusReason})` : ""}`,
    };
  }

  const config = input.config ?? getBitrix24Config();
  const limits = input.rateLimit ?? envRateLimit() ?? PLAN_LIMITS[connection.plan] ?? PLAN_LIMITS.standard;
  const operatingBudgetSeconds = Number(process.env.BITRIX24_OPERATING_BUDGET_SECONDS) || undefined;
  const limiter = createPgRateLimiter(db, { portalKey: connection.memberId, ...limits, operatingBudgetSeconds, signal: input.signal });
  const tokens = createTokenSource(db, { orgId: run.orgId, connectionId: run.connectionId }, config);
  const timeoutMs = input.timeoutMs ?? (Number(process.env.SYNC_HTTP_TIMEOUT_MS) || 65_000);

  const clientFor = (): CountingClient => {
    const counting = countingLimiter(limiter);
    const client: Bitrix24Client = createBitrix24Client({
      tokens,
      limiter: counting,
      timeoutMs,
      allowInsecure: config.allowInsecure,
      onEndpointChange: (change) => updateConnectionEndpoint(db, run.connectionId, change),
    });
    return Object.defineProperty(client, "requests", { get: () => counting.count }) as CountingClient;
  };

  let result: SyncResult;
  try {
    result = await runSync({
      kind: run.kind,
      store: createPgSyncStore(db, {
        orgId: run.orgId,
        connectionId: run.connectionId,
        runId: run.runId,
        lease: input.holder ? { holder: input.holder, seconds: leaseSeconds() } : undefined,
      }),
      clientFor,
      signal: input.signal,
      entities: input.entities,
      overlapSeconds: Number(process.env.SYNC_OVERLAP_SECONDS) || 300,
      reconcileIntervalMs: (Number(process.env.SYNC_RECONCILE_HOURS) || 24) * 3600_000,
      log: input.log,
    });
  } finally {
    await limiter.flush();
  }

  if (result.connectionFailure) {
    const status = statusForFailure(result.connectionFailure.kind);
    if (status) await markConnectionStatus(db, run.connectionId, status, result.connectionFailure.code || result.connectionFailure.kind);
  }
  return {
    status: result.status,
    errorCode: result.errorCode,
    error: result.error,
    stats: {
      requests: result.requests,
      rows: result.rows,
      deleted: result.deleted,
      ms: result.ms,
      entities: Object.fromEntries(
        result.entities.map((e) => [
          e.entity,
          { status: e.status, rows: e.rows, deleted: e.deleted, requests: e.requests, total: e.total, reconciled: e.reconciled, ms: e.ms, error: e.error?.message },
        ]),
      ),
    },
  };
}
