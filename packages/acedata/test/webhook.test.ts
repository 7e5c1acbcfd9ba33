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

/**
 * The callback_url the client handed AceData for one submission that AceData answered with `taskId`.
 * The client remembers that the URL was issued for that task, so a callback to it must name it.
 */
async function callbackUrlFor(
  submit: (mj: ReturnType<typeof client>) => Promise<unknown>,
  taskId = '27a1128f-14b5-440e-a82d-510c81e6fcd4',
): Promise<string> {
  let url = '';
  nock(BASE)
    .post(/\/midjourney\/.*/)
    .reply(200, async (request: Request) => {
      url = String(((await request.json()) as { callback_url: string }).callback_url);
      return { task_id: taskId };
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

  it('maps an upscale callback received by a fresh client to the same job as polling', async () => {
    const parentRecord = fixture<AceDataTaskRecord>('task-succeeded.json');
    const parent = { ...recordToJob(parentRecord, 'p-1'), actions: [] };
    const record = fixture<AceDataTaskRecord>('task-upscale-succeeded.json');
    const taskId = record.id!;
    let url = '';
    nock(BASE)
      .post('/midjourney/imagine')
      .reply(200, async (request: Request) => {
        url = String(((await request.json()) as { callback_url: string }).callback_url);
        return { task_id: taskId };
      });
    nock(BASE)
      .post('/midjourney/tasks')
      .reply(200, { items: [record], count: 1 });
    const mj = client({ webhookSecret: SECRET });
    const submitted = await mj.act(parent, 'upscale-1', { ref: 'u-7', webhookUrl: 'https://app.example/h?x=1' });
    const polled = await mj.wait(submitted);
    expect(new URL(url).searchParams.get('x')).toBe('1');

    // Another process: no memory of the submission, only the callback.
    const job = await client({ webhookSecret: SECRET }).parseWebhook(post(url, fixture('upscale-result.json')));
    const same = {
      id: `acedata:${taskId}`,
      operation: 'action',
      action: 'upscale-1',
      parentId: 'acedata:p-1',
      ref: 'u-7',
    };
    expect(polled).toMatchObject({ ...same, status: 'succeeded' });
    expect(job).toMatchObject({ ...same, status: 'succeeded' });
    expect(job.images).toEqual(polled.images);
    expect(job.images).toHaveLength(1);
    expect(job.actions).toEqual(polled.actions);
    expect(job.gridUrl).toBe(polled.gridUrl);
  });

  it('rejects a callback whose job context was altered', async () => {
    const parent = { ...recordToJob(fixture<AceDataTaskRecord>('task-succeeded.json'), 'p-1'), actions: [] };
    const url = await callbackUrlFor(
      (mj) => mj.act(parent, 'upscale-1', { ref: 'u-7', webhookUrl: 'https://app.example/h' }),
      fixture<{ task_id: string }>('upscale-result.json').task_id,
    );
    const mj = client({ webhookSecret: SECRET });
    const body = fixture('upscale-result.json');
    await expect(mj.parseWebhook(post(url, body))).resolves.toMatchObject({ action: 'upscale-1' });
    const altered: [string, string | undefined][] = [
      ['mjgate_action', 'upscale-2'],
      ['mjgate_parent', 'acedata:someone-else'],
      ['mjgate_ref', 'u-8'],
      ['mjgate_op', 'imagine'],
      ['mjgate_ref', undefined],
    ];
    for (const [name, value] of altered) {
      const forged = new URL(url);
      if (value === undefined) forged.searchParams.delete(name);
      else forged.searchParams.set(name, value);
      await expect(mj.parseWebhook(post(forged.toString(), body)), name).rejects.toThrow(WebhookVerificationError);
    }
  });

  it('keeps an imagine with 2-5 image URLs a blend, as polling does', async () => {
    const imageUrls = ['https://img.example/a.png', 'https://img.example/b.png'];
    const url = await callbackUrlFor((mj) =>
      mj.imagine({ prompt: 'a cat', imageUrls, webhookUrl: 'https://app.example/h' }),
    );
    const params = new URL(url).searchParams;
    expect(params.get('mjgate_op')).toBe('imagine');
    // Core signed AceData's name for it with the rest of the context (issue 11 §3).
    expect(params.get('mjgate_vendor_operation')).toBe('blend');
    const body = fixture('imagine-result.json');
    const job = await client({ webhookSecret: SECRET }).parseWebhook(post(url, body));
    const polled = recordToJob(
      { request: { action: 'generate', prompt: `${imageUrls.join(' ')} a cat` }, response: body },
      '27a1128f-14b5-440e-a82d-510c81e6fcd4',
    );
    expect(polled.operation).toBe('blend');
    expect(job).toMatchObject({ id: polled.id, operation: 'blend', status: 'succeeded' });
    // The value is inside the signature: relabelled or dropped, the callback is refused.
    for (const edit of [
      (params: URLSearchParams) => params.set('mjgate_vendor_operation', 'action'),
      (params: URLSearchParams) => params.delete('mjgate_vendor_operation'),
    ]) {
      const other = new URL(url);
      edit(other.searchParams);
      await expect(client({ webhookSecret: SECRET }).parseWebhook(post(other.toString(), body))).rejects.toThrow(
        WebhookVerificationError,
      );
    }
    // Unsigned (no webhookSecret), it still relabels between imagine and blend only.
    const unsigned = new URL(url);
    unsigned.searchParams.set('mjgate_vendor_operation', 'action');
    await expect(client().parseWebhook(post(unsigned.toString(), body))).resolves.toMatchObject({
      operation: 'imagine',
    });
  });

  it('signs an edit callback with its context, so it verifies and keeps its ref', async () => {
    const url = await callbackUrlFor(
      (mj) =>
        mj.edit({
          imageUrl: 'https://img.example/a.png',
          prompt: 'a hat',
          ref: 'e-1',
          webhookUrl: 'https://app.example/h',
        }),
      fixture<{ task_id: string }>('edits-result.json').task_id,
    );
    const params = new URL(url).searchParams;
    expect(params.get('mjgate_op')).toBe('imagine');
    expect(params.get('mjgate_ref')).toBe('e-1');
    expect(params.get('mjgate_vendor_operation')).toBeNull();
    const job = await client({ webhookSecret: SECRET }).parseWebhook(post(url, fixture('edits-result.json')));
    expect(job).toMatchObject({ operation: 'imagine', status: 'succeeded', ref: 'e-1' });
    expect(job.images).toHaveLength(4);
  });

  it('maps a failure callback to a failed job with the vendor error', async () => {
    const url = await callbackUrlFor(
      (mj) => mj.imagine({ prompt: 'a cat -c x', webhookUrl: 'https://app.example/h' }),
      fixture<{ task_id: string }>('callback-failed.json').task_id,
    );
    const job = await client({ webhookSecret: SECRET }).parseWebhook(post(url, fixture('callback-failed.json')));
    expect(job.status).toBe('failed');
    expect(job.error).toEqual({ code: 'bad_request', message: 'Unrecognized argument(s): `-c`, `x`' });
  });

  it('reads an ndjson-mode progress snapshot as a running job', async () => {
    const url = await callbackUrlFor(
      (mj) => mj.imagine({ prompt: 'a cat', webhookUrl: 'https://app.example/h' }),
      '49589d2c',
    );
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

  it("rejects a bare {task_id} (a submit answer, not a result: §10.4 callbacks always carry success) and another vendor's task", async () => {
    const url = await callbackUrlFor((mj) => mj.imagine({ prompt: 'a cat', webhookUrl: 'https://app.example/h' }));
    const mj = client({ webhookSecret: SECRET });
    const id = '27a1128f-14b5-440e-a82d-510c81e6fcd4';
    await expect(mj.parseWebhook(post(url, { task_id: id }))).rejects.toThrow(/not a task result/);
    const apiframeTask = { task_id: id, task_type: 'imagine', status: 'processing', percentage: '40', success: true };
    await expect(mj.parseWebhook(post(url, apiframeTask))).rejects.toThrow(/`task_type`, a field of another vendor/);
    await expect(mj.parseWebhook(post(url, { success: true, task_id: id, messageId: id }))).rejects.toThrow(
      /`messageId`/,
    );
  });

  it('maps a video callback to videoUrls', async () => {
    const job = await client().parseWebhook(post('https://app.example/h', fixture('video-result.json')));
    expect(job).toMatchObject({ operation: 'video', status: 'succeeded' });
    expect(job.videoUrls).toHaveLength(4);
  });
});
