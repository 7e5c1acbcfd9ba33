import { WebhookVerificationError } from '@mjgate/core';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { recordToJob } from '../src/mapping.js';
import type { AceDataTaskRecord } from '../src/schemas.js';
import { BASE, client, fixture } from './helpers.js';

const SECRET = 'whsec-test-0123456789';

beforeEach(() => {
  nock.disableNetConnect();
});
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

/** The callback_url the client handed AceData for one submission. */
async function callbackUrlFor(submit: (mj: ReturnType<typeof client>) => Promise<unknown>): Promise<string> {
  let url = '';
  nock(BASE)
    .post(/\/midjourney\/.*/)
    .reply(200, async (req: Request) => {
      url = String(((await req.json()) as { callback_url: string }).callback_url);
      return { task_id: '27a1128f-14b5-440e-a82d-510c81e6fcd4' };
    });
  await submit(client({ webhookSecret: SECRET }));
  return url;
}

const post = (url: string, body: unknown) => ({
  url,
  headers: { 'content-type': 'application/json' },
  body: typeof body === 'string' ? body : JSON.stringify(body),
});

describe('parseWebhook', () => {
  it('accepts a callback at the signed URL and returns the same job as polling', async () => {
    const url = await callbackUrlFor((mj) =>
      mj.imagine({ prompt: 'a cat', ref: 'order-9', webhookUrl: 'https://app.example/h' }),
    );
    const body = fixture('imagine-result.json');
    const job = await client({ webhookSecret: SECRET }).parseWebhook(post(url, body));
    expect(job).toMatchObject({
      id: 'acedata:27a1128f-14b5-440e-a82d-510c81e6fcd4',
      operation: 'imagine',
      status: 'succeeded',
      ref: 'order-9',
      raw: body,
    });
    const polled = recordToJob(
      { id: '27a1128f-14b5-440e-a82d-510c81e6fcd4', request: { action: 'generate', prompt: 'a cat' }, response: body },
      '27a1128f-14b5-440e-a82d-510c81e6fcd4',
    );
    expect(job.images).toEqual(polled.images);
    expect(job.gridUrl).toBe(polled.gridUrl);
    expect(job.actions).toEqual(polled.actions);
  });

  it('gives an action callback its action and parent from the URL', async () => {
    const parent = {
      ...recordToJob(fixture<AceDataTaskRecord>('task-succeeded.json'), 'p-1'),
      actions: [],
    };
    const url = await callbackUrlFor((mj) => mj.act(parent, 'upscale-1', { webhookUrl: 'https://app.example/h?x=1' }));
    expect(new URL(url).searchParams.get('x')).toBe('1');
    const job = await client({ webhookSecret: SECRET }).parseWebhook(post(url, fixture('upscale-result.json')));
    expect(job).toMatchObject({ operation: 'action', action: 'upscale-1', parentId: 'acedata:p-1' });
    expect(job.images).toHaveLength(1);
  });

  it('maps a failure callback to a failed job with the vendor error', async () => {
    const url = await callbackUrlFor((mj) => mj.imagine({ prompt: 'a cat -c x', webhookUrl: 'https://app.example/h' }));
    const job = await client({ webhookSecret: SECRET }).parseWebhook(post(url, fixture('callback-failed.json')));
    expect(job.status).toBe('failed');
    expect(job.error).toEqual({ code: 'bad_request', message: 'Unrecognized argument(s): `-c`, `x`' });
  });

  it('reads an ndjson-mode progress snapshot as a running job', async () => {
    const url = await callbackUrlFor((mj) => mj.imagine({ prompt: 'a cat', webhookUrl: 'https://app.example/h' }));
    const line = JSON.parse(
      '{"task_id":"49589d2c","image_id":"1","progress":35,"actions":[],"image_url":"https://x/p.webp","success":true}',
    );
    const job = await client({ webhookSecret: SECRET }).parseWebhook(post(url, line));
    expect(job).toMatchObject({ status: 'running', progress: 35, images: [] });
  });

  it('also takes a whole task record as the body', async () => {
    const job = await client().parseWebhook(post('https://app.example/h', fixture('task-succeeded.json')));
    expect(job).toMatchObject({ id: 'acedata:7489df4c-ef03-4de0-b598-e9a590793434', status: 'succeeded' });
  });

  it('rejects a callback whose signature was tampered with, or that carries none', async () => {
    const url = await callbackUrlFor((mj) => mj.imagine({ prompt: 'a cat', webhookUrl: 'https://app.example/h' }));
    const forged = new URL(url);
    forged.searchParams.set('mjgate_sig', 'AAAA');
    const mj = client({ webhookSecret: SECRET });
    const body = fixture('imagine-result.json');
    await expect(mj.parseWebhook(post(forged.toString(), body))).rejects.toThrow(WebhookVerificationError);
    await expect(mj.parseWebhook(post('https://app.example/h', body))).rejects.toThrow(WebhookVerificationError);
    // A different secret does not verify either.
    await expect(client({ webhookSecret: 'other-secret-000' }).parseWebhook(post(url, body))).rejects.toThrow(
      WebhookVerificationError,
    );
  });

  it('rejects a body that is not JSON or not a task result', async () => {
    const mj = client();
    await expect(mj.parseWebhook(post('https://app.example/h', 'not json'))).rejects.toThrow(WebhookVerificationError);
    await expect(mj.parseWebhook(post('https://app.example/h', { hello: 'world' }))).rejects.toThrow(
      WebhookVerificationError,
    );
    await expect(mj.parseWebhook(post('https://app.example/h', { task_id: 42 }))).rejects.toThrow(
      WebhookVerificationError,
    );
  });

  it('maps a video callback to videoUrls', async () => {
    const job = await client().parseWebhook(post('https://app.example/h', fixture('video-result.json')));
    expect(job).toMatchObject({ operation: 'video', status: 'succeeded' });
    expect(job.videoUrls).toHaveLength(4);
  });
});
