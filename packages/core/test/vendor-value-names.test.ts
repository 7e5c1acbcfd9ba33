import { describe, expect, it } from 'vitest';
import { InvalidRequestError } from '../src/index.js';
import { signWebhookUrl, webhookContext } from '../src/provider.js';

// The names an adapter may give its own values in a signed callback URL: lower-case words of 1 to
// 32 characters ([a-z][a-z0-9_]{0,31}), refused whole when signing and dropped when read back.

const SECRET = 'whsec_test_0123456789';

const sign = (name: string) =>
  signWebhookUrl('https://app.example/h', 'acedata', SECRET, { operation: 'imagine', vendorValues: { [name]: 'v' } });

describe('vendor value names', () => {
  it.each(['t', 'tier', 'task_type', 'v2', `a${'b'.repeat(31)}`])('%s is signed and read back', async (name) => {
    const url = await sign(name);
    expect(new URL(url).searchParams.get(`mjgate_vendor_${name}`)).toBe('v');
    expect(webhookContext(url).vendorValues).toEqual({ [name]: 'v' });
  });

  it.each(['Tier', '9tier', '_tier', 'tier-2', 'tier.x', 'Xtier', `a${'b'.repeat(32)}`, ''])(
    '%j is refused when signing, naming the pattern',
    async (name) => {
      const error = (await sign(name).catch((caught: unknown) => caught)) as InvalidRequestError;
      expect(error).toBeInstanceOf(InvalidRequestError);
      expect(error.message).toBe(
        `The acedata adapter asked to sign the webhook value ${JSON.stringify(name)}; names are lower-case words ([a-z][a-z0-9_]*) and values strings.`,
      );
    },
  );

  it.each(['Tier', '9tier', 'tier-2', `a${'b'.repeat(32)}`])('%j in a URL is not read as a vendor value', (name) => {
    const url = `https://app.example/h?mjgate_op=imagine&mjgate_vendor_${encodeURIComponent(name)}=v&mjgate_vendor_ok=1`;
    expect(webhookContext(url)).toEqual({ operation: 'imagine', vendorValues: { ok: '1' } });
  });
});
