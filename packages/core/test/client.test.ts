import { describe, expect, it } from 'vitest';
import {
  ContentPolicyError,
  emptyJob,
  InvalidRequestError,
  JobFailedError,
  ProviderError,
  UnsupportedError,
  WebhookVerificationError,
} from '../src/index.js';
import { createClient } from '../src/provider.js';
import { createMockProvider } from '../src/testing.js';

describe('client built from a provider definition', () => {
  it('imagine → wait → upscale → wait, with progress reported in order', async () => {
    const mj = createMockProvider({ provider: 'mock', steps: 4 });
    const seen: string[] = [];
    const grid = await mj.run(
      { prompt: 'a red fox in snow', aspectRatio: '16:9' },
      { onProgress: (j) => seen.push(`${j.status}:${j.progress}`) },
    );
    expect(grid).toMatchObject({ status: 'succeeded', provider: 'mock', operation: 'imagine' });
    expect(grid.images).toHaveLength(4);
    expect(grid.actions).toContain('upscale-2');
    expect(seen).toEqual(['queued:0', 'running:25', 'running:50', 'running:75', 'succeeded:100']);
    const up = await mj.wait(await mj.upscale(grid, 2));
    expect(up).toMatchObject({ operation: 'action', action: 'upscale-2', parentId: grid.id, status: 'succeeded' });
    expect(up.images).toHaveLength(1);
    expect(up.actions).toContain('vary-region');
  });

  it('validates input before any request, naming the field', async () => {
    const mj = createMockProvider();
    await expect(mj.imagine({ prompt: '   ' })).rejects.toThrow(/`prompt` must not be empty/);
    await expect(mj.imagine({ prompt: 'x', aspectRatio: 'wide' })).rejects.toThrow(/aspectRatio/);
    await expect(mj.imagine({ prompt: 'x', imageUrls: ['not a url'] })).rejects.toBeInstanceOf(InvalidRequestError);
    await expect(mj.blend({ imageUrls: ['https://a/1.png'] })).rejects.toThrow(/2 to 5/);
    await expect(mj.video({ prompt: 'move' })).rejects.toThrow(/imageUrl/);
    expect(mj.calls).toEqual([]);
  });

  it('checks an action before any request: unknown id, missing mask or zoom, not offered, not finished', async () => {
    const mj = createMockProvider({ steps: 1 });
    const grid = await mj.run({ prompt: 'p' });
    const before = mj.calls.length;
    // biome-ignore lint/suspicious/noExplicitAny: an invalid id on purpose
    await expect(mj.act(grid, 'upscale-9' as any)).rejects.toThrow(/Unknown action/);
    await expect(mj.act(grid, 'vary-region')).rejects.toThrow(/needs a mask/);
    await expect(mj.act(grid, 'custom-zoom', { zoom: 3 })).rejects.toThrow(/at most 2/);
    await expect(mj.act(grid, 'pan-left')).rejects.toThrow(/does not offer 'pan-left'. It offers: upscale-1/);
    const running = await mj.imagine({ prompt: 'q' });
    await expect(mj.act(running, 'upscale-1')).rejects.toThrow(/is queued/);
    expect(mj.calls.slice(before).map((c) => c.method)).toEqual(['imagine']);
  });

  it('accepts vendor spellings of an action', async () => {
    const mj = createMockProvider({ steps: 1 });
    const grid = await mj.run({ prompt: 'p' });
    // biome-ignore lint/suspicious/noExplicitAny: a vendor label on purpose
    const job = await mj.act(grid, 'U3' as any);
    expect(job.action).toBe('upscale-3');
  });

  it('acting on an id string looks the parent up first', async () => {
    const mj = createMockProvider({ steps: 1 });
    const grid = await mj.run({ prompt: 'p' });
    const up = await mj.act(grid.id, 'upscale-1');
    expect(up.parentId).toBe(grid.id);
  });

  it('refuses a job of another vendor, and accepts a bare vendor id', async () => {
    const mj = createMockProvider({ provider: 'mock' });
    await expect(mj.get('apiframe:123')).rejects.toThrow(/belongs to apiframe/);
    const job = await mj.imagine({ prompt: 'p' });
    await expect(mj.get(job.providerJobId)).resolves.toMatchObject({ id: job.id });
  });

  it('throws UnsupportedError for what the vendor lacks', async () => {
    const client = createClient({
      provider: 'tiny',
      capabilities: {
        operations: ['imagine', 'action'],
        actions: ['upscale-1'],
        batchGet: false,
        webhooks: false,
        cancel: false,
        account: false,
      },
      get: async (id) => emptyJob({ provider: 'tiny', providerJobId: id, operation: 'imagine', status: 'succeeded' }),
      imagine: async () => emptyJob({ provider: 'tiny', providerJobId: '1', operation: 'imagine', status: 'queued' }),
      act: async () => emptyJob({ provider: 'tiny', providerJobId: '2', operation: 'action', status: 'queued' }),
    });
    await expect(client.seed('tiny:1')).rejects.toThrow('tiny does not support seed lookups.');
    await expect(client.describe({ imageUrl: 'https://a/b.png' })).rejects.toBeInstanceOf(UnsupportedError);
    await expect(client.cancel('tiny:1')).rejects.toThrow(/tiny does not support cancelling/);
    await expect(client.act('tiny:1', 'pan-left')).rejects.toThrow(/does not support the action 'pan-left'/);
    await expect(client.imagine({ prompt: 'p', webhookUrl: 'https://h.example/x' })).rejects.toThrow(/webhooks/);
    await expect(client.account()).rejects.toBeInstanceOf(UnsupportedError);
  });

  it('a failed job makes wait throw JobFailedError; a banned word is a ContentPolicyError at submit', async () => {
    const mj = createMockProvider({
      steps: 1,
      failWhen: (p) => (p.includes('fail') ? 'Midjourney refused' : undefined),
      bannedWords: ['gore'],
    });
    await expect(mj.run({ prompt: 'please fail' })).rejects.toBeInstanceOf(JobFailedError);
    await expect(mj.imagine({ prompt: 'gore' })).rejects.toBeInstanceOf(ContentPolicyError);
  });

  it('scripted errors reach the caller', async () => {
    const mj = createMockProvider();
    mj.failNext('imagine', new ProviderError('down'));
    await expect(mj.imagine({ prompt: 'p' })).rejects.toThrow('down');
    await expect(mj.imagine({ prompt: 'p' })).resolves.toMatchObject({ status: 'queued' });
  });

  it('signs the webhook URL it hands out and rejects callbacks without the signature', async () => {
    const mj = createMockProvider({ webhookSecret: 'whsec_123456' });
    await mj.imagine({ prompt: 'p', webhookUrl: 'https://app.example/hook' });
    const sent = (mj.calls[0]!.args[0] as { webhookUrl: string }).webhookUrl;
    expect(sent).toMatch(/mjgate_sig=/);
    const body = JSON.stringify({ id: 'mock:job-1' });
    await expect(mj.parseWebhook({ url: sent, headers: {}, body })).resolves.toMatchObject({ id: 'mock:job-1' });
    await expect(mj.parseWebhook({ url: 'https://app.example/hook', headers: {}, body })).rejects.toBeInstanceOf(
      WebhookVerificationError,
    );
  });

  it('cancel and account', async () => {
    const mj = createMockProvider();
    const job = await mj.imagine({ prompt: 'p' });
    await expect(mj.cancel(job)).resolves.toMatchObject({ status: 'cancelled' });
    await expect(mj.wait(job.id)).rejects.toBeInstanceOf(JobFailedError);
    await expect(mj.account()).resolves.toMatchObject({ credits: 1000 });
  });
});

describe('video', () => {
  it('extending hands the adapter the whole job the caller passed', async () => {
    const mj = createMockProvider({ steps: 1 });
    const first = await mj.wait(await mj.video({ imageUrl: 'https://x.example/frame.png', prompt: 'waves' }));
    await mj.video({ extend: first, index: 0 });
    const call = mj.calls.findLast((c) => c.method === 'video')!;
    const extend = (call.args[0] as { extend: { job?: { videoUrls: string[] } } }).extend;
    expect(extend.job?.videoUrls).toEqual(first.videoUrls);
  });
});

describe('webhook context', () => {
  it('each submission puts its context in the callback URL, and a callback gets it back on the job', async () => {
    const mj = createMockProvider({ steps: 1, webhookSecret: 'whsec_ctx_123456' });
    const grid = await mj.run({ prompt: 'p' });
    await mj.act(grid, 'upscale-3', { webhookUrl: 'https://app.example/h', ref: 'r-1' });
    const sent = (mj.calls.findLast((c) => c.method === 'act')!.args[2] as { webhookUrl: string }).webhookUrl;
    const query = new URL(sent).searchParams;
    expect(Object.fromEntries([...query].filter(([k]) => /op|action|parent|ref/.test(k)))).toEqual({
      mjgate_op: 'action',
      mjgate_action: 'upscale-3',
      mjgate_parent: grid.id,
      mjgate_ref: 'r-1',
    });
  });
});
