import { describe, expect, it } from 'vitest';
import {
  headerValue,
  signWebhookUrl,
  timingSafeEqual,
  verifyWebhookUrl,
  WebhookVerificationError,
  webhookContext,
  webhookProvider,
  webhookRequestFromFetch,
} from '../src/index.js';

const SECRET = 'whsec_test_0123456789';

describe('signed callback URLs', () => {
  it('a signed URL verifies, keeps the caller’s own query, and says which vendor it is for', async () => {
    const url = await signWebhookUrl('https://app.example/hooks/mj?tenant=7', 'acedata', SECRET);
    const parsed = new URL(url);
    expect(parsed.searchParams.get('tenant')).toBe('7');
    expect(webhookProvider(url)).toBe('acedata');
    await expect(verifyWebhookUrl(url, 'acedata', SECRET)).resolves.toBeUndefined();
    expect(url).not.toContain(SECRET);
  });

  it('still verifies after a proxy rewrote host and path', async () => {
    const url = new URL(await signWebhookUrl('https://app.example/hooks', 'imaginepro', SECRET));
    const behindProxy = `http://10.0.0.5:3000/internal/hooks${url.search}`;
    await expect(verifyWebhookUrl(behindProxy, 'imaginepro', SECRET)).resolves.toBeUndefined();
  });

  it('rejects a wrong secret, a tampered signature, another vendor, and an unsigned URL', async () => {
    const url = await signWebhookUrl('https://app.example/hooks', 'acedata', SECRET);
    await expect(verifyWebhookUrl(url, 'acedata', 'other-secret')).rejects.toBeInstanceOf(WebhookVerificationError);
    const tampered = new URL(url);
    tampered.searchParams.set('mjgate_sig', `${tampered.searchParams.get('mjgate_sig')!.slice(0, -2)}xx`);
    await expect(verifyWebhookUrl(tampered.toString(), 'acedata', SECRET)).rejects.toThrow(/does not match/);
    await expect(verifyWebhookUrl(url, 'imaginepro', SECRET)).rejects.toThrow(/not signed/);
    await expect(verifyWebhookUrl('https://app.example/hooks', 'acedata', SECRET)).rejects.toThrow(/not signed/);
  });

  it('without a secret the URL is only tagged', async () => {
    const url = await signWebhookUrl('https://app.example/h', 'apiframe');
    expect(new URL(url).searchParams.has('mjgate_sig')).toBe(false);
    expect(webhookProvider(url)).toBe('apiframe');
  });

  it('refuses a relative URL', async () => {
    await expect(signWebhookUrl('/hooks', 'apiframe')).rejects.toThrow(/absolute URL/);
  });
});

describe('helpers', () => {
  it('timingSafeEqual compares exactly', () => {
    expect(timingSafeEqual('abc', 'abc')).toBe(true);
    expect(timingSafeEqual('abc', 'abd')).toBe(false);
    expect(timingSafeEqual('abc', 'abcd')).toBe(false);
    expect(timingSafeEqual('', '')).toBe(true);
  });

  it('headerValue reads Headers and Node-style header objects case-insensitively', () => {
    expect(headerValue(new Headers({ 'X-Webhook-Secret': 's' }), 'x-webhook-secret')).toBe('s');
    expect(headerValue({ 'x-webhook-secret': ['a', 'b'] }, 'X-Webhook-Secret')).toBe('a');
    expect(headerValue({}, 'x')).toBeUndefined();
  });

  it('reads a Fetch API request', async () => {
    const req = new Request('https://app.example/h?x=1', { method: 'POST', body: '{"a":1}', headers: { 'x-k': 'v' } });
    const w = await webhookRequestFromFetch(req);
    expect(w).toMatchObject({ url: 'https://app.example/h?x=1', body: '{"a":1}' });
    expect(headerValue(w.headers, 'x-k')).toBe('v');
  });
});

describe('job context in the callback URL', () => {
  it('round-trips operation, action, parent and ref, and the signature covers them', async () => {
    const context = { operation: 'action', action: 'upscale-2', parentId: 'acedata:t-1', ref: 'order 7/8' } as const;
    const url = await signWebhookUrl('https://app.example/h', 'acedata', SECRET, context);
    expect(webhookContext(url)).toEqual(context);
    await expect(verifyWebhookUrl(url, 'acedata', SECRET)).resolves.toBeUndefined();
    for (const [param, value] of [
      ['mjgate_action', 'upscale-4'],
      ['mjgate_parent', 'acedata:t-2'],
      ['mjgate_ref', 'order 9'],
      ['mjgate_op', 'imagine'],
    ] as const) {
      const relabelled = new URL(url);
      relabelled.searchParams.set(param, value);
      await expect(verifyWebhookUrl(relabelled.toString(), 'acedata', SECRET), param).rejects.toThrow(/altered/);
    }
  });

  it('drops values that are not an operation or a canonical action', () => {
    expect(webhookContext('https://a.example/h?mjgate_op=hack&mjgate_action=U9&mjgate_ref=')).toEqual({ ref: '' });
  });
});
