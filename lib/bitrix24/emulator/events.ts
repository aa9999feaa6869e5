/**
 * Outgoing events: form-encoded POSTs (`api-reference/events/index.md`: "Bitrix24 sends a request with
 * content-type application/x-www-form-urlencoded") to the app's handlers, fire-and-forget and never
 * retried, like the real queue.
 */
import type { Counters } from "./counters";
import { buildPhpQuery } from "./rest/php-query";

export interface SentEvent {
  portal: string;
  event: string;
  url: string;
  /** HTTP status of the handler's answer; 0 when the post failed. */
  status: number;
  body: string;
}

/** Posts events in the background and remembers the latest posts. */
export class EventSender {
  private readonly pending = new Set<Promise<void>>();
  /** The most recent posts (up to 1000), for tests and the control API. */
  readonly log: SentEvent[] = [];

  constructor(
    private readonly counters: Counters,
    private readonly timeoutMs: number,
  ) {}

  /** Posts `payload` form-encoded to `url` in the background. */
  post(portal: string, event: string, url: string, payload: Record<string, unknown>): void {
    const body = buildPhpQuery(payload);
    const delivery = this.deliver(portal, event, url, body).finally(() => this.pending.delete(delivery));
    this.pending.add(delivery);
  }

  /** Resolves when every post started so far has finished. */
  async flush(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  private async deliver(portal: string, event: string, url: string, body: string): Promise<void> {
    let status = 0;
    try {
      const res = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      status = res.status;
      await res.arrayBuffer().catch(() => undefined);
    } catch {
      status = 0;
    }
    const ok = status >= 200 && status < 300;
    this.counters.event(portal, event, ok);
    this.log.push({ portal, event, url, status, body });
    if (this.log.length > 1000) this.log.splice(0, this.log.length - 1000);
  }
}
