import { WebhookVerificationError } from '@mjgate/core';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import created from './fixtures/created.json' with { type: 'json' };
import failed from './fixtures/message-failed.json' with { type: 'json' };
import { client, expectCall, jobFrom, MID } from './helpers.js';

// Callbacks (vendors/imaginepro.md §4) whose job is known only from its fields, or from the context
// mjgate signed into the callback URL, and the errors a refused callback raises.

const SECRET = 'whsec-imaginepro-edges-secret';
const HOOK = 'https://app.example/hooks/mj';

beforeEach(() => {
  nock.disableNetConnect();
});
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

const post = (url: string, body: unknown) => ({
  url,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

describe('a refused callback says it is ImaginePro’s', () => {
  it.each([
    ['another vendor’s field', { messageId: MID, status: 'DONE', task_id: MID }, /`task_id`/],
    ['no status', { messageId: MID, prompt: 'fox' }, /not an ImaginePro message/],
    ['no messageId', failed, /no messageId/],
  ])('%s: WebhookVerificationError with provider imaginepro', async (_, body, message) => {
    const rejection = client().parseWebhook(post(HOOK, body));
    await expect(rejection).rejects.toThrow(message);
    await expect(rejection).rejects.toBeInstanceOf(WebhookVerificationError);
    await expect(rejection).rejects.toMatchObject({ provider: 'imaginepro', code: 'webhook_verification' });
  });
});

describe('an untagged callback: the job kind from its fields', () => {
  it('a videoUrl alone makes it a video job', async () => {
    const body = { messageId: MID, status: 'DONE', videoUrl: 'https://cdn.example/v.mp4' };
    const job = await client().parseWebhook(post(HOOK, body));
    expect(job).toMatchObject({ id: `imaginepro:video.${MID}`, operation: 'video' });
    expect(job.videoUrls).toEqual(['https://cdn.example/v.mp4']);
  });

  it('video results alone make it a video job', async () => {
    const body = { messageId: MID, status: 'DONE', results: [{ url: 'https://cdn.example/r.mp4', index: 0 }] };
    const job = await client().parseWebhook(post(HOOK, body));
    expect(job).toMatchObject({ id: `imaginepro:video.${MID}`, operation: 'video' });
    expect(job.videoUrls).toEqual(['https://cdn.example/r.mp4']);
  });

  it('an empty results list is no video: the image message stays an imagine', async () => {
    const body = { messageId: MID, status: 'DONE', prompt: 'fox', uri: 'https://cdn.example/g.png', results: [] };
    const job = await client().parseWebhook(post(HOOK, body));
    expect(job).toMatchObject({ id: `imaginepro:${MID}`, operation: 'imagine', gridUrl: 'https://cdn.example/g.png' });
  });
});

describe('the signed context of the callback URL', () => {
  it('an action callback without originatingMessageId gets its parent from the URL, as a bare message id', async () => {
    const parent = jobFrom({ status: 'DONE', prompt: 'a red fox', buttons: ['U1', 'U2', 'U3', 'U4'] }, 'grid-1');
    const mj = client({ webhookSecret: SECRET });
    const seen = expectCall('post', '/api/v1/nova/button', created);
    await mj.act(parent, 'upscale-2', { webhookUrl: HOOK });
    const url = JSON.parse(seen.body ?? '{}').webhookOverride as string;
    const job = await client({ webhookSecret: SECRET }).parseWebhook(
      post(url, { messageId: MID, status: 'PROCESSING', progress: 20 }),
    );
    expect(job).toMatchObject({ id: `imaginepro:${MID}`, action: 'upscale-2', parentId: 'imaginepro:grid-1' });
  });

  it('an extend callback naming its parent in the body maps as polling the same payload does', async () => {
    const mj = client({ webhookSecret: SECRET });
    const seen = expectCall('post', '/api/v1/video/mj/extend', created);
    await mj.video({ extend: 'imaginepro:first-video', webhookUrl: HOOK });
    const url = JSON.parse(seen.body ?? '{}').webhookOverride as string;
    // The vendor's own word on the parent, as a poll of the same message reads it.
    const payload = { messageId: MID, status: 'PROCESSING', progress: 10, originatingMessageId: 'source-video' };
    const fromHook = await client({ webhookSecret: SECRET }).parseWebhook(post(url, payload));
    expectCall('get', `/api/v1/video/mj/fetch/${MID}`, payload);
    const fromPoll = await mj.get(`imaginepro:video.${MID}`);
    expect(fromHook.parentId).toBe('imaginepro:video.source-video');
    expect(fromHook).toEqual(fromPoll);
  });

  it('a Flux model value in the URL makes a Flux job of an imagine only', async () => {
    // Without webhookSecret the URL is read unsigned, so a hand-made URL reaches the adapter as is.
    const describeUrl = `${HOOK}?mjgate_op=describe&mjgate_vendor_model=flux-1.1-pro`;
    const body = { messageId: MID, status: 'DONE', content: ['one', 'two'] };
    const job = await client().parseWebhook(post(describeUrl, body));
    expect(job).toMatchObject({ id: `imaginepro:describe.${MID}`, operation: 'describe', texts: ['one', 'two'] });
    expect(job.model).toBeUndefined();

    const imagineUrl = `${HOOK}?mjgate_op=imagine&mjgate_vendor_model=flux-1.1-pro`;
    const flux = await client().parseWebhook(post(imagineUrl, { messageId: MID, status: 'PROCESSING', prompt: 'x' }));
    expect(flux).toMatchObject({ id: `imaginepro:flux.${MID}`, operation: 'imagine', model: 'flux-1.1-pro' });
  });
});
