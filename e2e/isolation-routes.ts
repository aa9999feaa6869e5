/**
 * The tenant-isolation register: every page, route handler and API endpoint that takes an id, with how to reach it
 * using ANOTHER org's ids. e2e/tenant-isolation.spec.ts visits each as a member of org A with org B's ids and
 * expects 404 and no change; lib/server/isolation-coverage.test.ts fails when an app route with a dynamic segment is
 * neither listed here nor exempted with a reason.
 */

/** Ids that belong to org B, created by the spec through the UI. */
export interface ForeignIds {
  clientId: string;
  /** A member of org B (their user id). */
  memberId: string;
  invitationId: string;
}

export interface IsolationTarget {
  /** The route as in the file system, e.g. "/clients/[id]/edit". */
  route: string;
  method: "PAGE" | "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** The concrete URL with org B's ids. */
  url: (ids: ForeignIds) => string;
  /** Request body for writes (JSON). */
  body?: (ids: ForeignIds) => unknown;
  /**
   * How the spec authenticates: the member's session (default) or, for the public API, an API key of org A sent as
   * `Authorization: Bearer i24_…` (created by the spec in /settings/api-keys).
   */
  auth?: "session" | "apiKey";
}

export const ISOLATION_TARGETS: IsolationTarget[] = [
  { route: "/clients/[id]", method: "PAGE", url: (ids) => `/clients/${ids.clientId}` },
  { route: "/clients/[id]/edit", method: "PAGE", url: (ids) => `/clients/${ids.clientId}/edit` },
  // The client's metric pages: table, inputs, settings, process inventory, baselines and targets, drill-down.
  { route: "/clients/[id]/metrics", method: "PAGE", url: (ids) => `/clients/${ids.clientId}/metrics` },
  { route: "/clients/[id]/metrics/inputs", method: "PAGE", url: (ids) => `/clients/${ids.clientId}/metrics/inputs?month=2024-01` },
  { route: "/clients/[id]/metrics/settings", method: "PAGE", url: (ids) => `/clients/${ids.clientId}/metrics/settings` },
  { route: "/clients/[id]/metrics/processes", method: "PAGE", url: (ids) => `/clients/${ids.clientId}/metrics/processes` },
  { route: "/clients/[id]/metrics/goals", method: "PAGE", url: (ids) => `/clients/${ids.clientId}/metrics/goals` },
  { route: "/clients/[id]/metrics/[metric]/[month]", method: "PAGE", url: (ids) => `/clients/${ids.clientId}/metrics/response_time/2024-01` },
  { route: "/clients/[id]/metrics/template/[kind]", method: "GET", url: (ids) => `/clients/${ids.clientId}/metrics/template/inputs` },
  // Dashboards: the client page's CSV exports and the compare page and its CSV with another org's client.
  { route: "/clients/[id]/metrics.csv", method: "GET", url: (ids) => `/clients/${ids.clientId}/metrics.csv?from=2020-01&to=2030-12` },
  { route: "/clients/[id]/periods.csv", method: "GET", url: (ids) => `/clients/${ids.clientId}/periods.csv?table=go_live` },
  { route: "/compare", method: "PAGE", url: (ids) => `/compare?clients=${ids.clientId}` },
  { route: "/compare.csv", method: "GET", url: (ids) => `/compare.csv?clients=${ids.clientId}` },
  // The client page's live sync panel.
  { route: "/api/clients/[id]/sync", method: "GET", url: (ids) => `/api/clients/${ids.clientId}/sync` },
  // Public API v1: org A's key on org B's ids.
  { route: "/api/v1/clients/[id]", method: "GET", auth: "apiKey", url: (ids) => `/api/v1/clients/${ids.clientId}` },
  {
    route: "/api/v1/clients/[id]/connect-links",
    method: "POST",
    auth: "apiKey",
    url: (ids) => `/api/v1/clients/${ids.clientId}/connect-links`,
    body: () => ({ expiresInDays: 7 }),
  },
  {
    route: "/api/v1/clients/[id]/metrics",
    method: "GET",
    auth: "apiKey",
    url: (ids) => `/api/v1/clients/${ids.clientId}/metrics?from=2020-01&to=2030-12`,
  },
  { route: "/api/v1/clients/[id]/syncs", method: "GET", auth: "apiKey", url: (ids) => `/api/v1/clients/${ids.clientId}/syncs` },
  {
    route: "/api/v1/clients/[id]/syncs",
    method: "POST",
    auth: "apiKey",
    url: (ids) => `/api/v1/clients/${ids.clientId}/syncs`,
    body: () => ({ kind: "full" }),
  },
];

/** Routes with a dynamic segment that do not take a tenant id, and why they need no isolation check. */
export const ISOLATION_EXEMPT: Record<string, string> = {
  "/api/auth/[...nextauth]": "Auth.js endpoints; no tenant data",
  "/invite/[token]": "public by design: the hashed one-time token is the secret",
  "/reset-password/[token]": "public by design: the hashed one-time token is the secret",
  "/connect/[token]": "public by design: the hashed one-time connect link is the secret",
  "/dev/outbox/[id]": "development outbox of the embedded default; not tenant data, absent in production",
};
