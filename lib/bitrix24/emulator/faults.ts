/** Fault injection per portal, driven by a seeded generator so a failing run can be replayed. */
import { createRng, type Rng } from "./rng";

export interface FaultConfig {
  /** Seed for the fault generator (default 1). */
  seed?: number;
  /** Share of requests answered 500 INTERNAL_SERVER_ERROR (JSON), before any work is done. */
  error500?: number;
  /** Share answered 503 QUERY_LIMIT_EXCEEDED whatever the bucket says. */
  overload503?: number;
  /** Share answered with an HTML error page (502, as a proxy in front of Bitrix24 would). */
  htmlError?: number;
  /** Share whose work is done but whose JSON body is cut short. */
  malformedJson?: number;
  /** Share that never get an answer (the client must time out). */
  hang?: number;
  /** Share delayed by `slowMs` before being served normally. */
  slow?: number;
  slowMs?: number;
  /** Limit the faults to these REST methods (lower case); all methods when absent. */
  methods?: string[];
}

export type FaultKind = "hang" | "error500" | "overload503" | "htmlError" | "malformedJson";

export interface FaultDecision {
  kind: FaultKind | null;
  delayMs: number;
}

const ORDER: FaultKind[] = ["hang", "error500", "overload503", "htmlError", "malformedJson"];

/** Decides, request by request, which fault (if any) to inject. */
export class FaultInjector {
  private rng: Rng;

  constructor(private config: FaultConfig = {}) {
    this.rng = createRng(config.seed ?? 1);
  }

  configure(config: FaultConfig): void {
    this.config = config;
    this.rng = createRng(config.seed ?? 1);
  }

  get current(): FaultConfig {
    return this.config;
  }

  /** Draws the fault for one request to `method`. */
  decide(method: string): FaultDecision {
    const c = this.config;
    if (c.methods && !c.methods.includes(method.toLowerCase())) return { kind: null, delayMs: 0 };
    const slow = (c.slow ?? 0) > 0 && this.rng() < (c.slow ?? 0);
    const roll = this.rng();
    let acc = 0;
    let kind: FaultKind | null = null;
    for (const k of ORDER) {
      acc += c[k] ?? 0;
      if (roll < acc) {
        kind = k;
        break;
      }
    }
    return { kind, delayMs: slow ? (c.slowMs ?? 3000) : 0 };
  }
}
