/** Rate and ETA of one list in a run, for the live progress view. Pure. */

export interface ProgressInput {
  /** Rows fetched by this run so far, earlier attempts included. */
  rowsFetched: number;
  /** Rows fetched since this attempt started (the rate is measured over this attempt only). */
  rowsThisAttempt: number;
  elapsedMs: number;
  /** Rows the portal holds, when known and meaningful (during a backfill). */
  total: number | null;
}

/** Rows per second and seconds left; null when there is nothing to measure yet or no total to aim at. */
export function progressFigures(input: ProgressInput): { rate: number | null; etaSeconds: number | null } {
  const seconds = input.elapsedMs / 1000;
  const rate = seconds >= 0.5 && input.rowsThisAttempt > 0 ? input.rowsThisAttempt / seconds : null;
  if (rate === null || input.total === null) return { rate, etaSeconds: null };
  const left = Math.max(0, input.total - input.rowsFetched);
  return { rate, etaSeconds: Math.ceil(left / rate) };
}
