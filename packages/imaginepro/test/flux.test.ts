import { InvalidRequestError, UnsupportedError } from '@mjgate/core';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IMAGINEPRO_CAPABILITIES } from '../src/index.js';
import created from './fixtures/created.json' with { type: 'json' };
import fluxDone from './fixtures/flux-done.json' with { type: 'json' };
import processing from './fixtures/message-processing.json' with { type: 'json' };
import { client, expectCall, MID } from './helpers.js';

// Flux on ImaginePro: `POST /api/v1/flux/imagine` (vendors/imaginepro.md §3.12), polled through the
// message endpoint (§3.2). Bodies are pinned byte for byte against the reference's field list.

beforeEach(() => {
  nock.disableNetConnect();
});
afterEach(() => {
  nock.cleanAll();
});

const FLUX_IMAGES = fluxDone.images;

describe('Flux imagine (§3.12)', () => {
  it('lists flux-1.1-pro beside Midjourney in its capabilities', () => {
    expect(IMAGINEPRO_CAPABILITIES.models).toEqual(['midjourney', 'flux-1.1-pro']);
    expect(client().capabilities.models).toEqual(['midjourney', 'flux-1.1-pro']);
  });

  it('sends the snake_case fields in the docs’ order: aspect_ratio as a field, not --ar in the prompt', async () => {
    const seen = expectCall('post', '/api/v1/flux/imagine', created);
    const job = await client().imagine({
      prompt: 'a lighthouse at dawn, watercolor',
      model: 'flux-1.1-pro',
      n: 3,
      aspectRatio: '16:9',
      ref: 'order-7',
      providerOptions: { width: 1344, height: 768, outputFormat: 'webp', outputQuality: 90, timeout: 300 },
    });
    expect(seen.body).toBe(
      '{"prompt":"a lighthouse at dawn, watercolor","ref":"order-7","timeout":300,"n":3,"width":1344,"height":768,"aspect_ratio":"16:9","output_format":"webp","output_quality":"90","model":"flux-1.1-pro"}',
    );
    expect(seen.headers?.get('authorization')).toMatch(/^Bearer /);
    expect(job).toMatchObject({
      id: `imaginepro:flux.${MID}`,
      provider: 'imaginepro',
      providerJobId: `flux.${MID}`,
      operation: 'imagine',
      model: 'flux-1.1-pro',
      status: 'queued',
      prompt: 'a lighthouse at dawn, watercolor',
      ref: 'order-7',
    });
  });

  it('sends only the prompt and the model when nothing else is asked (vendor defaults: n 1, 1024×1024, png)', async () => {
    const seen = expectCall('post', '/api/v1/flux/imagine', created);
    await client().imagine({ prompt: 'a red fox', model: 'flux-1.1-pro' });
    expect(seen.body).toBe('{"prompt":"a red fox","model":"flux-1.1-pro"}');
  });

  it('finishes with all n images from `images`, no grid, and none of Midjourney’s follow-ups', async () => {
    expectCall('post', '/api/v1/flux/imagine', created);
    expectCall('get', `/api/v1/message/fetch/${MID}`, { ...processing, messageId: MID });
    expectCall('get', `/api/v1/message/fetch/${MID}`, fluxDone);
    const mj = client({ poll: { intervalMs: 1, maxIntervalMs: 1 } });
    const job = await mj.run({ prompt: 'a lighthouse at dawn, watercolor', model: 'flux-1.1-pro', n: 3 });
    expect(job.status).toBe('succeeded');
    expect(job.model).toBe('flux-1.1-pro');
    expect(job.images).toEqual(FLUX_IMAGES.map((url) => ({ url })));
    expect(job.gridUrl).toBeUndefined();
    expect(job.actions).toEqual([]);
    // A follow-up on it is refused before any request: the job offers none.
    await expect(mj.upscale(job, 1)).rejects.toBeInstanceOf(InvalidRequestError);
  });

  it('keeps the Flux id on a later status check, so a stored job reads the same way', async () => {
    expectCall('get', `/api/v1/message/fetch/${MID}`, fluxDone);
    const job = await client().get(`imaginepro:flux.${MID}`);
    expect(job).toMatchObject({ id: `imaginepro:flux.${MID}`, model: 'flux-1.1-pro', actions: [] });
    expect(job.images).toHaveLength(3);
    expect(job.gridUrl).toBeUndefined();
  });

  it('maps a Flux callback to the same job as polling (its signed URL names the model)', async () => {
    const seen = expectCall('post', '/api/v1/flux/imagine', created);
    const mj = client({ webhookSecret: 'whsec-flux-0123456789' });
    await mj.imagine({ prompt: 'a red fox', model: 'flux-1.1-pro', webhookUrl: 'https://hooks.example/mj' });
    const hook = (JSON.parse(seen.body ?? '{}') as { webhookOverride: string }).webhookOverride;
    expect(new URL(hook).searchParams.get('mjgate_vendor_model')).toBe('flux-1.1-pro');
    const job = await mj.parseWebhook({ url: hook, headers: {}, body: JSON.stringify(fluxDone) });
    expect(job).toMatchObject({ id: `imaginepro:flux.${MID}`, model: 'flux-1.1-pro', actions: [] });
    expect(job.images.map((image) => image.url)).toEqual(FLUX_IMAGES);
  });

  it('refuses, before any request, what Flux has no field for', async () => {
    const mj = client();
    const refused = async (input: Parameters<typeof mj.imagine>[0], message: RegExp) => {
      const error = await mj.imagine(input).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(InvalidRequestError);
      expect((error as Error).message).toMatch(message);
    };
    const model = 'flux-1.1-pro';
    await refused({ prompt: 'x', model, n: 5 }, /`n` must be 1 to 4/);
    await refused({ prompt: 'x', model, n: 0 }, /`n` must be at least 1/);
    await refused({ prompt: 'x', model, n: 2.5 }, /`n` must be a whole number/);
    await refused({ prompt: 'x', model, providerOptions: { width: 1020 } }, /width.*multiple of 8/);
    await refused({ prompt: 'x', model, providerOptions: { outputFormat: 'gif' } }, /outputFormat/);
    await refused({ prompt: 'x', model, providerOptions: { boost: true } }, /`boost` is not an option here/);
    await refused({ prompt: 'x', model, imageUrls: ['https://img.example/a.png'] }, /text prompt only/);
    await refused({ prompt: 'x', model, mode: 'relax' }, /Midjourney speed/);
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('refuses n on Midjourney and a model it lacks, before any request', async () => {
    const mj = client();
    const midjourney = await mj.imagine({ prompt: 'a red fox', n: 2 }).catch((caught: unknown) => caught);
    expect(midjourney).toBeInstanceOf(InvalidRequestError);
    expect((midjourney as Error).message).toMatch(/`n` does not apply to Midjourney/);
    const unknown = await mj.imagine({ prompt: 'a red fox', model: 'dall-e-3' }).catch((caught: unknown) => caught);
    expect(unknown).toBeInstanceOf(UnsupportedError);
    expect((unknown as Error).message).toBe(
      "imaginepro does not support the model 'dall-e-3'. It offers: midjourney, flux-1.1-pro.",
    );
    // Flux's own options are not Midjourney's.
    const width = await mj
      .imagine({ prompt: 'a red fox', providerOptions: { width: 1024 } })
      .catch((caught: unknown) => caught);
    expect(width).toBeInstanceOf(InvalidRequestError);
  });

  it('still sends a Midjourney imagine the Midjourney way when the model is named explicitly', async () => {
    const seen = expectCall('post', '/api/v1/nova/imagine', created);
    const job = await client().imagine({ prompt: 'a red fox', model: 'midjourney', aspectRatio: '16:9' });
    expect(seen.body).toBe('{"prompt":"a red fox --ar 16:9"}');
    expect(job.id).toBe(`imaginepro:${MID}`);
    expect(job.model).toBeUndefined();
  });
});
