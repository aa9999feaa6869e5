import type { JobContext } from "@/lib/server/jobs/definitions";
import { LeaseLostError } from "./pg-store";
import { leaseSeconds, finishRun, renewLease, suspendRun, type ClaimedRun } from "./runs";

/** Why a run stopped before its end without failing. */
export class RunInterrupted extends Error {
  constructor(readonly reason: "shutdown" | "lease_lost" | "cancelled") {
    super(`sync interrupted: ${reason}`);
    this.name = "RunInterrupted";
  }
}

/**
 * Executes a claimed run: renews the lease while the engine works, and records the outcome. A worker shutting
 * down leaves the run `running` with its lease given back (the next worker resumes it at once); a worker that lost
 * its lease (it stalled past the lease and was presumed dead) stops writing and leaves the run to its new owner.
 */
export async function executeRun(ctx: JobContext, run: ClaimedRun, holder: string): Promise<void> {
  const db = ctx.database.db;
  const controller = new AbortController();
  const abort = (reason: RunInterrupted["reason"]) => {
    if (!controller.signal.aborted) controller.abort(new RunInterrupted(reason));
  };
  const onShutdown = () => abort("shutdown");
  ctx.signal.addEventListener("abort", onShutdown);
  if (ctx.signal.aborted) onShutdown();

  const seconds = leaseSeconds();
  const heartbeat = setInterval(() => {
    renewLease(db, run, holder, seconds)
      .then((state) => {
        if (!state.held) abort("lease_lost");
        else if (state.cancelled) abort("cancelled");
      })
      .catch(() => {
        // A failed renewal is retried at the next beat; the lease outlives a few missed ones.
      });
  }, Math.max(250, (seconds * 1000) / 4));

  try {
    const { syncPortal } = await import("./engine");
    const result = await syncPortal({ database: ctx.database, run, signal: controller.signal, holder });
    await finishRun(db, run, holder, result);
  } catch (error) {
    if (error instanceof LeaseLostError) abort("lease_lost");
    const reason = controller.signal.reason;
    if (reason instanceof RunInterrupted) {
      if (reason.reason === "shutdown") await suspendRun(db, run, holder);
      else if (reason.reason === "cancelled") await finishRun(db, run, holder, { status: "cancelled" });
      return;
    }
    await finishRun(db, run, holder, {
      status: "failed",
      errorCode: "internal",
      error: error instanceof Error ? error.message : String(error),
    });
    throw error;
  } finally {
    clearInterval(heartbeat);
    ctx.signal.removeEventListener("abort", onShutdown);
  }
}
