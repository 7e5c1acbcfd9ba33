import type { Ledger } from './ledger';
import type { Vendor } from './types';

/** Real milliseconds a receiver gets to answer before the delivery is recorded as failed. */
const DELIVERY_TIMEOUT_MS = 5_000;

export interface Delivery {
  ledger: Ledger;
  signal: AbortSignal;
  vendor: Vendor;
  jobId: string;
  url: string;
  body: unknown;
  headers: Record<string, string>;
}

/** One POST with a JSON body; never throws, always leaves a ledger entry. */
export async function deliverWebhook(d: Delivery): Promise<void> {
  const headers = { 'content-type': 'application/json', 'user-agent': 'mjgate-simulator', ...d.headers };
  const entry = { vendor: d.vendor, jobId: d.jobId, url: d.url, headers, body: d.body };
  try {
    const res = await fetch(d.url, {
      method: 'POST',
      headers,
      body: JSON.stringify(d.body),
      signal: AbortSignal.any([d.signal, AbortSignal.timeout(DELIVERY_TIMEOUT_MS)]),
    });
    await res.arrayBuffer().catch(() => undefined);
    d.ledger.recordWebhook({ ...entry, status: res.status });
  } catch (error) {
    d.ledger.recordWebhook({ ...entry, error: error instanceof Error ? error.message : String(error) });
  }
}
