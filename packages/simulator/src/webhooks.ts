// Webhook delivery: one POST per event, never followed through a redirect, and by default only to this
// machine. The simulator runs inside tests and demos; a callback URL copied from production config must not
// make it post job results (and signed callback URLs) to a real host.
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

/** True for hosts that can only be this machine: `localhost`, 127.0.0.0/8 and ::1 (also IPv4-mapped). */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase();
  if (host === 'localhost' || host === 'localhost.') return true;
  // WHATWG URL parsing has already turned 2130706433, 0x7f.1 or 127.1 into dotted decimal.
  if (/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)) return true;
  // …and [0:0:0:0:0:0:0:1] into [::1], [::ffff:127.0.0.1] into [::ffff:7f00:1].
  return host === '[::1]' || /^\[::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}\]$/.test(host);
}

/**
 * Why the simulator will not POST to `url`, or `undefined` when it may. Only `http:`/`https:` URLs are
 * sent, and only to a loopback host unless `allowExternal`. Decided on the URL as written, never by a DNS
 * lookup, so a name that resolves to 127.0.0.1 is still refused.
 */
export function webhookTarget(url: string, allowExternal: boolean): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'not an absolute URL';
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return `${parsed.protocol} is not http or https`;
  if (allowExternal || isLoopbackHost(parsed.hostname)) return undefined;
  return (
    `${parsed.origin} is not a loopback address (127.0.0.0/8, ::1, localhost); ` +
    'start the simulator with allowExternalWebhooks (--allow-external-webhooks) to send webhooks off this machine'
  );
}

/** Records (and logs) a webhook the simulator declined to send. */
export function refuseWebhook(d: Omit<Delivery, 'signal'> & { log: (line: string) => void }, reason: string): void {
  const headers = { 'content-type': 'application/json', 'user-agent': 'mjgate-simulator', ...d.headers };
  d.ledger.recordWebhook({
    vendor: d.vendor,
    jobId: d.jobId,
    url: d.url,
    headers,
    body: d.body,
    refused: true,
    error: `not sent: ${reason}`,
  });
  // The origin only: the path and query of a callback URL often carry a signature or a secret.
  d.log(`mjgate-sim: did not send the ${d.vendor} webhook of job ${d.jobId}: ${reason}`);
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
      // A loopback receiver's redirect must not carry the body to another host: the 3xx is the answer.
      redirect: 'manual',
      signal: AbortSignal.any([d.signal, AbortSignal.timeout(DELIVERY_TIMEOUT_MS)]),
    });
    await res.arrayBuffer().catch(() => undefined);
    d.ledger.recordWebhook({ ...entry, status: res.status });
  } catch (error) {
    d.ledger.recordWebhook({ ...entry, error: error instanceof Error ? error.message : String(error) });
  }
}
