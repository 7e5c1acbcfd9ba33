import type { Vendor } from './types';

/** One accepted submission: the vendor created a job (and would have billed for it). */
export interface Submission {
  seq: number;
  /** ISO-8601 time of acceptance. */
  at: string;
  vendor: Vendor;
  method: string;
  /** Route pattern below the vendor prefix, e.g. `/imagine` or `/api/v1/nova/button`. */
  route: string;
  /** The parsed JSON request body, as received. */
  body: unknown;
  /** The vendor job id handed out (messageId / task_id). */
  jobId: string;
  /** What was asked for: `imagine`, a button label, an AceData action, an APIFRAME task type… */
  operation: string;
}

/** One webhook POST the simulator made. */
export interface WebhookDelivery {
  seq: number;
  at: string;
  vendor: Vendor;
  jobId: string;
  url: string;
  headers: Record<string, string>;
  body: unknown;
  /** The receiver's HTTP status (a redirect is not followed: its 3xx is the status); absent when the delivery failed. */
  status?: number;
  /** Network error text when the delivery failed, or why it was not sent. */
  error?: string;
  /**
   * True when the simulator did not send it at all: the URL is not a loopback address and the simulator
   * was started without `allowExternalWebhooks`, or it is not an http(s) URL.
   */
  refused?: boolean;
}

/** Filters for ledger reads; every field given must match. */
export interface LedgerFilter {
  vendor?: Vendor;
  route?: string;
  jobId?: string;
  operation?: string;
}

/**
 * Everything the simulator accepted and delivered. Tests use it to prove a submission happened
 * exactly once (`sim.ledger.submissions({ vendor: 'apiframe' }).length === 1`).
 */
export class Ledger {
  #seq = 0;
  #submissions: Submission[] = [];
  #webhooks: WebhookDelivery[] = [];
  #pending = new Set<Promise<unknown>>();

  /** Accepted submissions in order. */
  submissions(filter: LedgerFilter = {}): Submission[] {
    return this.#submissions.filter((s) => matches(s, filter));
  }

  /** Webhook deliveries in order (recorded once each POST settles). */
  webhooks(filter: LedgerFilter = {}): WebhookDelivery[] {
    return this.#webhooks.filter((w) => matches(w, filter));
  }

  /** Resolves once every webhook delivery started so far has settled. */
  async settled(): Promise<void> {
    while (this.#pending.size > 0) await Promise.allSettled([...this.#pending]);
  }

  clear(): void {
    this.#submissions = [];
    this.#webhooks = [];
  }

  toJSON(): { submissions: Submission[]; webhooks: WebhookDelivery[] } {
    return { submissions: this.#submissions, webhooks: this.#webhooks };
  }

  /** @internal */
  recordSubmission(entry: Omit<Submission, 'seq' | 'at'>): Submission {
    const full = { seq: ++this.#seq, at: new Date().toISOString(), ...entry };
    this.#submissions.push(full);
    return full;
  }

  /** @internal */
  recordWebhook(entry: Omit<WebhookDelivery, 'seq' | 'at'>): void {
    this.#webhooks.push({ seq: ++this.#seq, at: new Date().toISOString(), ...entry });
  }

  /** @internal */
  track(p: Promise<unknown>): void {
    this.#pending.add(p);
    p.finally(() => this.#pending.delete(p)).catch(() => {});
  }
}

function matches(entry: { vendor: Vendor; jobId: string; route?: string; operation?: string }, f: LedgerFilter) {
  return (
    (f.vendor === undefined || entry.vendor === f.vendor) &&
    (f.jobId === undefined || entry.jobId === f.jobId) &&
    (f.route === undefined || entry.route === f.route) &&
    (f.operation === undefined || entry.operation === f.operation)
  );
}
