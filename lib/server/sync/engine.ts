import type { Database } from "@/db";
import type { ClaimedRun, RunOutcome } from "./runs";

export interface SyncPortalInput {
  database: Database;
  run: ClaimedRun;
  signal: AbortSignal;
}

/** Runs one sync of one portal (being written). */
export async function syncPortal(_input: SyncPortalInput): Promise<RunOutcome> {
  return { status: "failed", errorCode: "unavailable", error: "the sync engine is not available yet" };
}
