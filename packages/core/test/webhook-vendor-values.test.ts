import { describe, expect, it } from 'vitest';
import { emptyJob, InvalidRequestError, type Job, WebhookVerificationError } from '../src/index.js';
import {
  createClient,
  type ProviderDefinition,
  signWebhookUrl,
  verifyWebhookUrl,
  type WebhookContext,
  webhookContext,
} from '../src/provider.js';

const SECRET = 'whsec_test_0123456789';

describe("an adapter's own values in the callback URL (issue 11 §3)", () => {
  it('round-trip inside the signature: altered, added or removed, the URL no longer verifies', async () => {
    const context = { operation: 'imagine', ref: 'r-1', vendorValues: { operation: 'blend', tier: '2' } } as const;
    const url = await signWebhookUrl('https://app.example/h?mjgate_vendor_stale=1', 'acedata', SECRET, context);
    expect(new URL(url).searchParams.get('mjgate_vendor_operation')).toBe('blend');
    expect(new URL(url).searchParams.has('mjgate_vendor_stale')).toBe(false);
    expect(webhookContext(url)).toEqual(context);
    await expect(verifyWebhookUrl(url, 'acedata', SECRET)).resolves.toBeUndefined();
    const edits: Array<(params: URLSearchParams) => void> = [
      (params) => params.set('mjgate_vendor_operation', 'imagine'),
      (params) => params.delete('mjgate_vendor_tier'),
      (params) => params.set('mjgate_vendor_extra', 'x'),
      (params) => params.append('mjgate_vendor_operation', 'imagine'),
    ];
    for (const edit of edits) {
      const forged = new URL(url);
      edit(forged.searchParams);
      await expect(verifyWebhookUrl(forged.toString(), 'acedata', SECRET)).rejects.toThrow(/altered/);
    }
  });

  it('a URL signed without vendor values takes none on afterwards', async () => {
    const url = await signWebhookUrl('https://app.example/h', 'acedata', SECRET, { operation: 'imagine' });
    expect(webhookContext(url)).toEqual({ operation: 'imagine' });
    const forged = new URL(url);
    forged.searchParams.set('mjgate_vendor_operation', 'blend');
    await expect(verifyWebhookUrl(forged.toString(), 'acedata', SECRET)).rejects.toThrow(/altered/);
  });

  it('refuses names that are not lower-case words, and reads none back', async () => {
    await expect(
      signWebhookUrl('https://app.example/h', 'acedata', SECRET, { vendorValues: { 'Bad-Name': 'x' } }),
    ).rejects.toThrow(InvalidRequestError);
    expect(webhookContext('https://app.example/h?mjgate_vendor_Bad=1&mjgate_vendor_ok=2')).toEqual({
      vendorValues: { ok: '2' },
    });
  });

  it('createClient signs what webhookValues returns and hands it back to parseWebhook', async () => {
    let sent = '';
    let seen: WebhookContext | undefined;
    const definition: ProviderDefinition = {
      provider: 'tiny',
      capabilities: {
        operations: ['imagine'],
        actions: [],
        batchGet: false,
        webhooks: true,
        cancel: false,
        account: false,
      },
      webhookSecret: SECRET,
      get: async (id) => emptyJob({ provider: 'tiny', providerJobId: id, operation: 'imagine', status: 'queued' }),
      webhookValues: (context, input) =>
        context.operation === 'imagine' && (input as { prompt: string }).prompt.startsWith('http')
          ? { operation: 'blend' }
          : undefined,
      imagine: async (input) => {
        sent = input.webhookUrl ?? '';
        return emptyJob({ provider: 'tiny', providerJobId: 't-1', operation: 'imagine', status: 'queued' });
      },
      parseWebhook: async (_request, context): Promise<Job> => {
        seen = context;
        return emptyJob({ provider: 'tiny', providerJobId: 't-1', operation: 'imagine', status: 'succeeded' });
      },
    };
    const client = createClient(definition);
    await client.imagine({ prompt: 'http://a.example/1.png a cat', ref: 'r', webhookUrl: 'https://app.example/h' });
    expect(new URL(sent).searchParams.get('mjgate_vendor_operation')).toBe('blend');
    await client.parseWebhook({ url: sent, headers: {}, body: '{}' });
    expect(seen).toEqual({ operation: 'imagine', ref: 'r', vendorValues: { operation: 'blend' } });
    const forged = new URL(sent);
    forged.searchParams.set('mjgate_vendor_operation', 'imagine');
    await expect(client.parseWebhook({ url: forged.toString(), headers: {}, body: '{}' })).rejects.toThrow(
      WebhookVerificationError,
    );
    await client.imagine({ prompt: 'a cat', webhookUrl: 'https://app.example/h' });
    expect(new URL(sent).searchParams.has('mjgate_vendor_operation')).toBe(false);
  });
});
