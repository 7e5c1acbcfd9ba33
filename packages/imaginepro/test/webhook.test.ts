import { WebhookVerificationError } from '@mjgate/core';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import created from './fixtures/created.json' with { type: 'json' };
import doneButton from './fixtures/message-done-button.json' with { type: 'json' };
import failed from './fixtures/message-failed.json' with { type: 'json' };
import videoDone from './fixtures/video-done.json' with { type: 'json' };
import { client, expectCall, jobFrom, MID } from './helpers.js';

const SECRET = 'whsec-imaginepro-test-secret';

beforeEach(() => {
  nock.disableNetConnect();
});
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

/** Submits with a webhook URL and returns the callback URL the client handed to ImaginePro. */
async function handedOut(mj: ReturnType<typeof client>, submit: (mj: ReturnType<typeof client>) => Promise<unknown>) {
  const seen = expectCall('post', /\/api\/v1\/.*/, created);
  await submit(mj);
  return JSON.parse(seen.body ?? '{}').webhookOverride as string;
}

const post = (url: string, body: unknown) => ({
  url,
  headers: { 'content-type': 'application/json' },
  body: typeof body === 'string' ? body : JSON.stringify(body),
});

describe('parseWebhook', () => {
  it('a signed callback becomes the same Job as polling the same payload', async () => {
    const mj = client({ webhookSecret: SECRET });
    const url = await handedOut(mj, (submitter) =>
      submitter.imagine({ prompt: 'fox', ref: 'order-1', webhookUrl: 'https://app.example/hooks/mj?x=1' }),
    );
    const hook = new URL(url);
    expect(hook.origin + hook.pathname).toBe('https://app.example/hooks/mj');
    expect(hook.searchParams.get('x')).toBe('1');
    expect(hook.searchParams.get('mjgate_sig')).toBeTruthy();
    expect(url).not.toContain(SECRET);

    const payload = { ...doneButton, messageId: MID, ref: 'order-1' };
    const fromHook = await mj.parseWebhook(post(url, payload));
    expectCall('get', `/api/v1/message/fetch/${MID}`, payload);
    const fromPoll = await mj.get(MID);
    expect(fromHook).toEqual(fromPoll);
    expect(fromHook).toMatchObject({ id: `imaginepro:${MID}`, status: 'succeeded', ref: 'order-1' });
  });

  it('an action callback reaching a fresh client verifies and maps to the same Job as polling', async () => {
    const parent = jobFrom({ status: 'DONE', prompt: 'a red fox', buttons: ['U1', 'U2', 'U3', 'U4'] }, 'grid-1');
    const mj = client({ webhookSecret: SECRET, poll: { intervalMs: 1 } });
    const seen = expectCall('post', '/api/v1/nova/button', created);
    const job = await mj.act(parent, 'upscale-2', { webhookUrl: 'https://app.example/hooks/mj', ref: 'order-9' });
    const url = JSON.parse(seen.body ?? '{}').webhookOverride as string;
    expect(job).toMatchObject({ action: 'upscale-2', parentId: 'imaginepro:grid-1', ref: 'order-9' });

    const payload = { ...doneButton, messageId: MID, originatingMessageId: 'grid-1', ref: '' };
    // A fresh client, as on a server that never saw the submission: only the URL says what the job was.
    const fromHook = await client({ webhookSecret: SECRET }).parseWebhook(post(url, payload));
    expectCall('get', `/api/v1/message/fetch/${MID}`, payload);
    const fromPoll = await mj.wait(job);
    expect(fromHook).toEqual(fromPoll);
    expect(fromHook).toMatchObject({
      id: `imaginepro:${MID}`,
      operation: 'action',
      action: 'upscale-2',
      parentId: 'imaginepro:grid-1',
      ref: 'order-9',
      status: 'succeeded',
    });
  });

  it('rejects a callback whose context was altered after signing', async () => {
    const mj = client({ webhookSecret: SECRET });
    const parent = jobFrom({ status: 'DONE', buttons: ['U1', 'U2', 'U3', 'U4'] }, 'grid-1');
    const seen = expectCall('post', '/api/v1/nova/button', created);
    await mj.act(parent, 'upscale-2', { webhookUrl: 'https://app.example/hooks/mj', ref: 'order-9' });
    const url = JSON.parse(seen.body ?? '{}').webhookOverride as string;
    const body = { ...doneButton, messageId: MID, originatingMessageId: 'grid-1' };
    await expect(client({ webhookSecret: SECRET }).parseWebhook(post(url, body))).resolves.toMatchObject({
      action: 'upscale-2',
    });
    const alterations: [string, string][] = [
      ['mjgate_action', 'upscale-3'],
      ['mjgate_parent', 'imaginepro:other'],
      ['mjgate_ref', 'order-10'],
      ['mjgate_op', 'video'],
    ];
    for (const [name, value] of alterations) {
      const altered = new URL(url);
      altered.searchParams.set(name, value);
      await expect(client({ webhookSecret: SECRET }).parseWebhook(post(altered.toString(), body))).rejects.toThrow(
        /does not match webhookSecret/,
      );
    }
  });

  it('rejects a callback without a valid signature when webhookSecret is set', async () => {
    const mj = client({ webhookSecret: SECRET });
    const body = { ...doneButton, messageId: MID };
    await expect(mj.parseWebhook(post('https://app.example/hooks/mj', body))).rejects.toBeInstanceOf(
      WebhookVerificationError,
    );
    const url = await handedOut(mj, (submitter) =>
      submitter.imagine({ prompt: 'fox', webhookUrl: 'https://app.example/hooks/mj' }),
    );
    const forged = new URL(url);
    forged.searchParams.set('mjgate_sig', 'AAAA');
    await expect(mj.parseWebhook(post(forged.toString(), body))).rejects.toThrow(/does not match webhookSecret/);
    const other = client({ webhookSecret: 'another-secret-entirely' });
    await expect(other.parseWebhook(post(url, body))).rejects.toBeInstanceOf(WebhookVerificationError);
  });

  it('without a webhookSecret, callbacks are accepted unsigned', async () => {
    const job = await client().parseWebhook(post('https://app.example/hooks/mj', { ...failed, messageId: MID }));
    expect(job).toMatchObject({ id: `imaginepro:${MID}`, status: 'failed', error: { message: failed.error } });
  });

  it('a video callback maps to the video job id, tagged or inferred from its fields', async () => {
    const mj = client({ webhookSecret: SECRET });
    const url = await handedOut(mj, (submitter) =>
      submitter.video({ imageUrl: 'https://img.example/a.png', webhookUrl: 'https://app.example/hooks/mj' }),
    );
    const running = { messageId: MID, status: 'PROCESSING', progress: '30' };
    const tagged = await mj.parseWebhook(post(url, running));
    expect(tagged).toMatchObject({ id: `imaginepro:video.${MID}`, operation: 'video', progress: 30 });
    expectCall('get', `/api/v1/video/mj/fetch/${MID}`, running);
    expect(await mj.get(tagged.id)).toEqual(tagged);

    const untagged = await client().parseWebhook(post('https://app.example/hooks/mj', videoDone));
    expect(untagged.id).toBe(`imaginepro:video.${videoDone.messageId}`);
  });

  it("an extended video's callback names its parent as the video job, whatever id form the caller used", async () => {
    const mj = client({ webhookSecret: SECRET });
    const seen = expectCall('post', '/api/v1/video/mj/extend', created);
    const job = await mj.video({ extend: 'imaginepro:first-video', webhookUrl: 'https://app.example/hooks/mj' });
    const url = JSON.parse(seen.body ?? '{}').webhookOverride as string;
    const running = { messageId: MID, status: 'PROCESSING', progress: '10' };
    const fromHook = await client({ webhookSecret: SECRET }).parseWebhook(post(url, running));
    expect(fromHook).toMatchObject({
      id: `imaginepro:video.${MID}`,
      operation: 'video',
      parentId: 'imaginepro:video.first-video',
    });
    expect(fromHook.parentId).toBe(job.parentId);
  });

  it('a describe callback keeps its describe id', async () => {
    const mj = client({ webhookSecret: SECRET });
    const url = await handedOut(mj, (submitter) =>
      submitter.describe({ imageUrl: 'https://img.example/a.png', webhookUrl: 'https://app.example/hooks/mj' }),
    );
    const job = await mj.parseWebhook(post(url, { messageId: MID, status: 'DONE', content: ['a', 'b'] }));
    expect(job).toMatchObject({ id: `imaginepro:describe.${MID}`, texts: ['a', 'b'] });
  });

  it('rejects a callback naming another job than its URL was issued for, or echoing another ref (§2.1)', async () => {
    const mj = client({ webhookSecret: SECRET });
    const url = await handedOut(mj, (submitter) =>
      submitter.imagine({ prompt: 'fox', ref: 'order-1', webhookUrl: 'https://app.example/hooks/mj' }),
    );
    const body = { ...doneButton, messageId: MID, ref: 'order-1' };
    await expect(mj.parseWebhook(post(url, body))).resolves.toMatchObject({ id: `imaginepro:${MID}` });
    await expect(mj.parseWebhook(post(url, { ...body, messageId: 'other-message' }))).rejects.toThrow(
      /names job imaginepro:other-message, but its URL was issued for job imaginepro:d15c1541/,
    );
    await expect(mj.parseWebhook(post(url, { ...body, ref: 'order-2' }))).rejects.toThrow(/another ref/);
  });

  it("rejects another vendor's body even when it has a messageId and a status", async () => {
    const mj = client({ webhookSecret: SECRET });
    const url = await handedOut(mj, (submitter) =>
      submitter.imagine({ prompt: 'fox', webhookUrl: 'https://app.example/hooks/mj' }),
    );
    const apiframeLike = { messageId: MID, task_id: MID, task_type: 'imagine', status: 'processing', percentage: '40' };
    await expect(mj.parseWebhook(post(url, apiframeLike))).rejects.toThrow(/`task_id`, a field of another vendor/);
    const acedataLike = { messageId: MID, status: 'DONE', success: true };
    await expect(mj.parseWebhook(post(url, acedataLike))).rejects.toThrow(/`success`/);
  });

  it('rejects bodies that are not ImaginePro messages', async () => {
    const mj = client();
    await expect(mj.parseWebhook(post('https://app.example/h', 'not json'))).rejects.toThrow(/not JSON/);
    await expect(mj.parseWebhook(post('https://app.example/h', { hello: 1 }))).rejects.toThrow(
      /not an ImaginePro message/,
    );
    await expect(mj.parseWebhook(post('https://app.example/h', failed))).rejects.toThrow(/no messageId/);
  });
});
