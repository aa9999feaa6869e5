/** What a REST method runs with, and what it gives back. */
import type { Engine, RegisteredApp } from "../engine";
import type { Portal } from "../portal";
import type { Params } from "./params";

export interface CallContext {
  engine: Engine;
  portal: Portal;
  app: RegisteredApp;
  appIndex: number;
  userId: number;
  /** The clock reading when the call started (epoch ms). */
  nowMs: number;
}

export interface MethodOutput {
  result: unknown;
  total?: number;
  next?: number;
  /** Rows examined, for the simulated server time. */
  scanned?: number;
  /** Rows returned (defaults to the result's length when it is an array). */
  returned?: number;
}

export interface MethodDef {
  /** The token needs one of these scopes; absent for `basic` methods (app.info, event.*, batch…). */
  scope?: string[];
  run(ctx: CallContext, params: Params): MethodOutput;
}

export type MethodTable = Record<string, MethodDef>;
