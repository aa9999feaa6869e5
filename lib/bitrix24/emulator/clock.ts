/** The emulator's notion of "now", injectable so tests can expire codes, tokens and limits instantly. */

export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
}

/** A clock that can be moved forward (tests, and the control API). */
export interface AdjustableClock extends Clock {
  advance(ms: number): void;
  set(epochMs: number): void;
}

/** A clock that stands still until told to move. */
export function createManualClock(startMs = Date.UTC(2026, 0, 15, 9, 0, 0)): AdjustableClock {
  let now = startMs;
  return {
    now: () => now,
    advance: (ms) => {
      now += ms;
    },
    set: (ms) => {
      now = ms;
    },
  };
}

/** Wall-clock time plus an adjustable offset: real time for demos, still movable through the control API. */
export function createSystemClock(): AdjustableClock {
  let offset = 0;
  return {
    now: () => Date.now() + offset,
    advance: (ms) => {
      offset += ms;
    },
    set: (ms) => {
      offset = ms - Date.now();
    },
  };
}

/** Whether the clock can be moved (manual or system-with-offset). */
export function isAdjustable(clock: Clock): clock is AdjustableClock {
  return typeof (clock as AdjustableClock).advance === "function";
}
