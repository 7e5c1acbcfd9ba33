import { describe, expect, it } from 'vitest';
import { DEFAULT_WEBHOOK_TTL_MS, WebhookVerificationError } from '../src/index.js';
import { signWebhookUrl, verifyWebhookUrl } from '../src/provider.js';

// A signed callback URL without webhookTtlMs verifies for 72 hours after signing, on an injected clock.

const SECRET = 'whsec_test_0123456789';
const SIGNED_AT = Date.parse('2026-11-27T00:00:00Z');
const HOUR = 3_600_000;

describe('the default lifetime of a signed callback URL', () => {
  it('is 72 hours: mjgate_exp says so, and the URL verifies until then and not after', async () => {
    expect(DEFAULT_WEBHOOK_TTL_MS).toBe(72 * HOUR);
    const url = await signWebhookUrl('https://app.example/h', 'acedata', SECRET, {}, { now: SIGNED_AT });
    expect(new URL(url).searchParams.get('mjgate_exp')).toBe(String((SIGNED_AT + 72 * HOUR) / 1000));
    await expect(verifyWebhookUrl(url, 'acedata', SECRET, { now: SIGNED_AT + 71 * HOUR })).resolves.toBeUndefined();
    const late = await verifyWebhookUrl(url, 'acedata', SECRET, { now: SIGNED_AT + 72 * HOUR }).catch(
      (caught: unknown) => caught as WebhookVerificationError,
    );
    expect(late).toBeInstanceOf(WebhookVerificationError);
    expect(late?.message).toBe(
      'The acedata callback URL expired at 2026-11-30T00:00:00.000Z (signed URLs verify for webhookTtlMs after the submission, 72 hours by default). Reject it; wait() or get() still reads the job.',
    );
  });
});
