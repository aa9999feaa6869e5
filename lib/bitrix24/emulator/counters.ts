/** Request counters for tests and benchmarks: HTTP requests and batch sub-calls per portal and method. */

export interface PortalCounters {
  /** HTTP requests by REST method (`batch` for batches, `oauth/authorize` for the approve page). */
  http: Record<string, number>;
  /** Commands run inside batches, by method. */
  batchCalls: Record<string, number>;
  /** Error answers by code (QUERY_LIMIT_EXCEEDED, OPERATION_TIME_LIMIT, expired_token…), batch sub-calls included. */
  errors: Record<string, number>;
  /** Events posted to handlers, by event name. */
  events: Record<string, number>;
  /** Event posts that failed (network error or non-2xx), by event name. */
  eventFailures: Record<string, number>;
}

export interface CountersSnapshot {
  portals: Record<string, PortalCounters>;
  /** Token requests by grant type (`invalid` for requests without a known grant type). */
  oauth: Record<string, number>;
  /** OAuth error answers by code. */
  oauthErrors: Record<string, number>;
}

const emptyPortal = (): PortalCounters => ({ http: {}, batchCalls: {}, errors: {}, events: {}, eventFailures: {} });

const bump = (m: Record<string, number>, key: string) => {
  m[key] = (m[key] ?? 0) + 1;
};

/** Counters of one emulator, reset by tests and benchmarks between runs. */
export class Counters {
  private data: CountersSnapshot = { portals: {}, oauth: {}, oauthErrors: {} };

  private portal(name: string): PortalCounters {
    return (this.data.portals[name] ??= emptyPortal());
  }

  http(portal: string, method: string): void {
    bump(this.portal(portal).http, method);
  }

  batchCall(portal: string, method: string): void {
    bump(this.portal(portal).batchCalls, method);
  }

  error(portal: string, code: string): void {
    bump(this.portal(portal).errors, code);
  }

  event(portal: string, name: string, ok: boolean): void {
    bump(ok ? this.portal(portal).events : this.portal(portal).eventFailures, name);
  }

  oauth(grantType: string): void {
    bump(this.data.oauth, grantType);
  }

  oauthError(code: string): void {
    bump(this.data.oauthErrors, code);
  }

  /** A deep copy of the counters. */
  snapshot(): CountersSnapshot {
    return structuredClone(this.data);
  }

  reset(): void {
    this.data = { portals: {}, oauth: {}, oauthErrors: {} };
  }
}
