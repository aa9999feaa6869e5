import { expect } from "@playwright/test";

/** The Bitrix24 emulator that scripts/e2e-server.ts runs beside the app (its control API is under /_emulator). */
export const EMULATOR_URL = process.env.E2E_EMULATOR_URL ?? `http://127.0.0.1:${process.env.E2E_EMULATOR_PORT ?? 4300}`;

export interface EmulatorPortal {
  name: string;
  url: string;
  domain: string;
  memberId: string;
  counts: Record<string, number>;
  handlers: { event: string; handler: string }[];
}

async function control<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${EMULATOR_URL}/_emulator${path}`, {
    method,
    headers: body === undefined ? undefined : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  expect(res.status, `${method} ${path}`).toBe(200);
  return (await res.json()) as T;
}

/** A new portal of its own for a spec (specs run in parallel). */
export function addPortal(label: string, options: { installed?: boolean; autoApprove?: boolean } = {}): Promise<EmulatorPortal> {
  const name = `${label}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
  return control("POST", "/portals", { name, autoApprove: options.autoApprove ?? true, installed: options.installed ?? true });
}

export const portalInfo = (name: string) => control<EmulatorPortal>("GET", `/portals/${name}`);
export const installApp = (name: string) => control("POST", `/portals/${name}/install`, {});
export const uninstallApp = (name: string) => control("POST", `/portals/${name}/uninstall`, {});
export const createRecord = (name: string, entity: string, fields: Record<string, unknown>) =>
  control<Record<string, unknown>>("POST", `/portals/${name}/records/${entity}`, fields);
export const flushEvents = () => control("POST", "/events/flush", {});

/** The event posts the emulator made for a portal (with the app's answers' statuses). */
export async function sentEvents(portal: string) {
  const events = await control<{ portal: string; event: string; status: number; body: string }[]>("GET", "/events");
  return events.filter((e) => e.portal === portal);
}
