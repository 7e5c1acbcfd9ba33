import type { WebhookRequest } from '@mjgate/core';
import { createMockProvider } from '@mjgate/core/testing';
import { describe, expect, it, vi } from 'vitest';
import { createGateway } from '../src/index.js';
import { detectWebhookProvider } from '../src/sniff.js';

const URL_WITHOUT_TAG = 'https://app.example/hooks/midjourney';

function callback(body: unknown, headers: Record<string, string> = {}): WebhookRequest {
  return { url: URL_WITHOUT_TAG, headers, body: typeof body === 'string' ? body : JSON.stringify(body) };
}

describe('detectWebhookProvider(): the vendor of a callback whose URL mjgate did not sign', () => {
  it('an x-webhook-secret header is APIFRAME’s, whatever the body', () => {
    expect(detectWebhookProvider(callback('not json', { 'X-Webhook-Secret': 's' }))).toBe('apiframe');
  });

  it('tells each vendor’s documented body shape apart', () => {
    expect(detectWebhookProvider(callback({ messageId: 'm-1', status: 'DONE' }))).toBe('imaginepro');
    expect(detectWebhookProvider(callback({ task_id: 't-1', task_type: 'imagine' }))).toBe('apiframe');
    expect(detectWebhookProvider(callback({ task_id: 't-1', percentage: '40' }))).toBe('apiframe');
    expect(detectWebhookProvider(callback({ task_id: 't-1', success: true }))).toBe('acedata');
  });

  it('reads a body given as bytes as well as text', () => {
    const bytes = new TextEncoder().encode(JSON.stringify({ task_id: 't-1', success: true }));
    expect(detectWebhookProvider({ url: URL_WITHOUT_TAG, headers: {}, body: bytes })).toBe('acedata');
  });

  it('a body no vendor sends is nobody’s', () => {
    for (const body of [
      'not json',
      'null',
      '42',
      '"text"',
      { status: 'done' },
      { task_id: 't-1' },
      { task_id: 7, task_type: 'imagine' },
      { task_type: 'imagine', percentage: '40' },
      { task_id: 7, success: true },
      { success: true },
      { messageId: 7 },
    ]) {
      expect(detectWebhookProvider(callback(body)), JSON.stringify(body)).toBeUndefined();
    }
  });
});

describe('gateway.parseWebhook() on an untagged callback', () => {
  it('hands it to the vendor its shape names, and refuses one it cannot place', async () => {
    const apiframe = createMockProvider({ provider: 'apiframe' });
    const acedata = createMockProvider({ provider: 'acedata' });
    const parsed = { id: 'apiframe:t-1' };
    const parse = vi.spyOn(apiframe, 'parseWebhook').mockResolvedValue(parsed as never);
    const other = vi.spyOn(acedata, 'parseWebhook');
    const gateway = createGateway({ providers: { acedata, apiframe } });
    const request = callback({ task_id: 't-1', task_type: 'imagine', status: 'processing' });
    await expect(gateway.parseWebhook(request)).resolves.toBe(parsed);
    expect(parse).toHaveBeenCalledWith(request);
    expect(other).not.toHaveBeenCalled();
    await expect(gateway.parseWebhook(callback({ hello: 'world' }))).rejects.toThrow(/Cannot tell which vendor/);
    await expect(gateway.parseWebhook(callback({ messageId: 'm-1' }))).rejects.toThrow(
      'A callback for imaginepro, which is not configured.',
    );
  });
});
