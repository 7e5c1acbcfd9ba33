// End to end against @mjgate/simulator, which speaks APIFRAME's v1 protocol on localhost.
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  AuthenticationError,
  ContentPolicyError,
  InvalidRequestError,
  type Job,
  NotFoundError,
  type WaitOptions,
  WebhookVerificationError,
} from '@mjgate/core';
import { type Simulator, startSimulator } from '@mjgate/simulator';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type ApiFrameClient, createApiFrame } from '../src/index.js';

const KEY = 'af-e2e-key-0123456789';
const SECRET = 'e2e-webhook-secret-abcdef';
const FAST: WaitOptions = { pollIntervalMs: 20, maxPollIntervalMs: 50, timeoutMs: 15_000 };

let sim: Simulator;
let apiframe: ApiFrameClient;

beforeAll(async () => {
  sim = await startSimulator({ apiKey: KEY, speed: 400, seed: 11 });
  apiframe = createApiFrame({ apiKey: KEY, baseURL: sim.urls.apiframe, webhookSecret: SECRET });
});
afterAll(() => sim.close());
beforeEach(() => sim.reset());

const submissions = (route?: string) => sim.ledger.submissions({ vendor: 'apiframe', ...(route ? { route } : {}) });

describe('the Midjourney chain', () => {
  it('imagine → wait → upscale-3 → wait → pan-left → wait', async () => {
    const grid = await apiframe.wait(
      await apiframe.imagine({ prompt: 'a red fox in snow', aspectRatio: '3:2', ref: 'chain-1' }),
      FAST,
    );
    expect(grid).toMatchObject({ status: 'succeeded', operation: 'imagine', progress: 100, ref: 'chain-1' });
    expect(grid.gridUrl).toMatch(/^http:\/\/127\.0\.0\.1/);
    expect(grid.images).toHaveLength(4);
    expect(grid.actions).toEqual(expect.arrayContaining(['upscale-3', 'variation-2', 'reroll']));
    expect(grid.actions).not.toContain('pan-left');

    const upscaled = await apiframe.wait(await apiframe.act(grid, 'upscale-3'), FAST);
    expect(upscaled).toMatchObject({ status: 'succeeded', action: 'upscale-3', parentId: grid.id });
    expect(upscaled.images).toHaveLength(1);
    expect(upscaled.actions).toEqual(expect.arrayContaining(['pan-left', 'zoom-out-2x', 'vary-strong', 'upscale-2x']));

    const panned = await apiframe.wait(await apiframe.act(upscaled, 'pan-left'), FAST);
    expect(panned).toMatchObject({ status: 'succeeded', action: 'pan-left', parentId: upscaled.id });
    expect(panned.images).toHaveLength(4);
    expect(panned.actions).toContain('upscale-1');

    // What the vendor received, in order: one submission each, with the documented bodies.
    expect(submissions().map((submission) => [submission.route, submission.body])).toEqual([
      ['/imagine', { prompt: 'a red fox in snow', aspect_ratio: '3:2' }],
      ['/upscale-1x', { parent_task_id: grid.providerJobId, index: '3' }],
      ['/pan', { parent_task_id: upscaled.providerJobId, direction: 'left' }],
    ]);
    expect(submissions().map((submission) => submission.operation)).toEqual(['imagine', 'upscale#3', 'pan-left']);
  });

  it('acting by job id alone works from a fresh client (another process)', async () => {
    const grid = await apiframe.run({ prompt: 'a lighthouse' }, FAST);
    const elsewhere = createApiFrame({ apiKey: KEY, baseURL: sim.urls.apiframe });
    const upscaled = await elsewhere.wait(await elsewhere.upscale(grid.id, 2), FAST);
    expect(upscaled).toMatchObject({ action: 'upscale-2', status: 'succeeded' });
    const square = await elsewhere.wait(await elsewhere.act(upscaled.id, 'make-square'), FAST);
    expect(square).toMatchObject({ action: 'make-square', status: 'succeeded' });
    expect(submissions('/outpaint')[0]?.body).toEqual({ parent_task_id: upscaled.providerJobId, zoom_ratio: 1 });
  });

  it('a pan on a grid is refused with a clear InvalidRequestError, and nothing is submitted', async () => {
    const grid = await apiframe.run({ prompt: 'a lake' }, FAST);
    const before = submissions().length;
    await expect(apiframe.act(grid, 'pan-left')).rejects.toBeInstanceOf(InvalidRequestError);
    await expect(apiframe.act({ ...grid, actions: [] }, 'pan-left')).rejects.toThrow(/Upscale one image first/);
    expect(submissions()).toHaveLength(before);
  });

  it('vary-region and custom zoom reach /inpaint and /outpaint', async () => {
    const upscaled = await apiframe.wait(
      await apiframe.upscale(await apiframe.run({ prompt: 'a cat' }, FAST), 1),
      FAST,
    );
    const region = await apiframe.wait(
      await apiframe.act(upscaled, 'vary-region', { mask: 'iVBORw0KGgo=', prompt: 'a hat' }),
      FAST,
    );
    expect(region).toMatchObject({ action: 'vary-region', status: 'succeeded' });
    const zoom = await apiframe.wait(await apiframe.act(upscaled, 'custom-zoom', { zoom: 1.3 }), FAST);
    expect(zoom).toMatchObject({ action: 'custom-zoom', status: 'succeeded' });
    expect(submissions('/inpaint')[0]?.body).toMatchObject({ mask: 'data:image/png;base64,iVBORw0KGgo=' });
  });
});

describe('other operations', () => {
  it('blend two images', async () => {
    const job = await apiframe.wait(
      await apiframe.blend({
        imageUrls: ['https://img.test/a.png', 'https://img.test/b.png'],
        dimensions: 'landscape',
      }),
      FAST,
    );
    expect(job).toMatchObject({ operation: 'blend', status: 'succeeded' });
    expect(job.images).toHaveLength(4);
    expect(job.actions).toContain('upscale-4');
    expect(submissions('/blend')[0]?.body).toEqual({
      image_urls: ['https://img.test/a.png', 'https://img.test/b.png'],
      dimension: 'landscape',
    });
  });

  it('describe an image', async () => {
    const job = await apiframe.wait(await apiframe.describe({ imageUrl: 'https://img.test/cat.png' }), FAST);
    expect(job).toMatchObject({ operation: 'describe', status: 'succeeded', images: [] });
    expect(job.texts).toHaveLength(4);
    expect(submissions().map((submission) => [submission.route, submission.body])).toEqual([
      ['/describe', { image_url: 'https://img.test/cat.png' }],
    ]);
  });

  it('uploads a local PNG, which the returned URL serves, and describes it', async () => {
    const png = await readFile(new URL('./fixtures/local-image.png', import.meta.url));
    const { url, raw } = await apiframe.upload(png, { filename: 'local-image.png' });
    expect(raw).toEqual({ imageURL: url });
    expect(url.startsWith(`${sim.url}/_sim/files/`)).toBe(true);

    const served = await fetch(url);
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await served.arrayBuffer()).equals(png)).toBe(true);

    const job = await apiframe.wait(await apiframe.describe({ imageUrl: url }), FAST);
    expect(job).toMatchObject({ operation: 'describe', status: 'succeeded', images: [] });
    expect(job.texts).toHaveLength(4);
    // The upload is no submission: the ledger holds the describe alone, on the uploaded URL.
    expect(submissions().map((submission) => [submission.route, submission.body])).toEqual([
      ['/describe', { image_url: url }],
    ]);
    expect(sim.countRequests({ vendor: 'apiframe', route: '/upload' })).toBe(1);
  });

  it('shorten, seed, face swap, video and its extension, 2x upscale, account', async () => {
    const shortened = await apiframe.wait(await apiframe.shorten({ prompt: 'a very long and detailed prompt' }), FAST);
    expect(shortened.texts.length).toBeGreaterThan(0);

    const grid = await apiframe.run({ prompt: 'a fox' }, FAST);
    const seed = await apiframe.wait(await apiframe.seed(grid), FAST);
    expect(seed.seed).toMatch(/^\d+$/);

    const swap = await apiframe.wait(
      await apiframe.faceSwap({ sourceUrl: 'https://img.test/face.png', targetUrl: 'https://img.test/body.png' }),
      FAST,
    );
    expect(swap.images).toHaveLength(1);
    expect(swap.actions).toEqual(['upscale-2x', 'upscale-4x']);

    const video = await apiframe.wait(
      await apiframe.video({ prompt: 'the fox runs', imageUrl: grid.images[0]!.url }),
      FAST,
    );
    expect(video.videoUrls.length).toBeGreaterThan(0);
    const extended = await apiframe.wait(await apiframe.video({ prompt: 'and jumps', extend: video, index: 1 }), FAST);
    expect(extended).toMatchObject({ operation: 'video', status: 'succeeded', parentId: video.id });

    const big = await apiframe.wait(await apiframe.act(swap, 'upscale-2x'), FAST);
    expect(big).toMatchObject({ action: 'upscale-2x', status: 'succeeded' });

    const account = await apiframe.account();
    expect(account.credits).toBe(sim.credits('apiframe'));
  });

  it('cancel is unsupported and sends nothing', async () => {
    await expect(apiframe.cancel('apiframe:whatever')).rejects.toThrow(/does not support cancelling/);
    expect(sim.countRequests({ vendor: 'apiframe' })).toBe(0);
  });
});

describe('batched polling', () => {
  it('many concurrent waits are served by /fetch-many', async () => {
    const jobs = await Promise.all(
      Array.from({ length: 30 }, (_, index) => apiframe.imagine({ prompt: `fox ${index}` })),
    );
    const done = await Promise.all(jobs.map((job) => apiframe.wait(job, FAST)));
    expect(done.every((job) => job.status === 'succeeded' && job.images.length === 4)).toBe(true);

    const many = sim.countRequests({ vendor: 'apiframe', route: '/fetch-many' });
    const single = sim.countRequests({ vendor: 'apiframe', route: '/fetch' });
    // One request per 20 jobs per polling round: 30 waits cost a handful of status requests, not 30+.
    // A straggler alone in its round goes to /fetch, since /fetch-many wants 2–20 ids.
    expect(many).toBeGreaterThanOrEqual(2);
    expect(single).toBeLessThanOrEqual(2);
    expect(many + single).toBeLessThan(15);
  });

  it('getMany reads 45 jobs in three /fetch-many requests', async () => {
    const jobs = await Promise.all(
      Array.from({ length: 45 }, (_, index) => apiframe.shorten({ prompt: `prompt ${index}` })),
    );
    sim.reset();
    const read = await apiframe.getMany(jobs);
    expect(read.map((job) => job.id)).toEqual(jobs.map((job) => job.id));
    expect(sim.countRequests({ vendor: 'apiframe', route: '/fetch-many' })).toBe(3);
  });
});

describe('webhooks', () => {
  let server: Server;
  let hookUrl: string;
  const received: Array<{ job?: Job; error?: unknown }> = [];
  let receiver: ApiFrameClient;

  beforeAll(async () => {
    // The receiving side: its own client, as a separate web process would have.
    receiver = createApiFrame({ apiKey: KEY, baseURL: sim.urls.apiframe, webhookSecret: SECRET });
    server = createServer((incoming, response) => {
      const chunks: Buffer[] = [];
      incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
      incoming.on('end', async () => {
        const request = {
          url: `http://${incoming.headers.host}${incoming.url}`,
          headers: incoming.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        };
        try {
          received.push({ job: await receiver.parseWebhook(request) });
          response.writeHead(200).end('ok');
        } catch (error) {
          received.push({ error });
          response.writeHead(401).end();
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    hookUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/apiframe`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => {
    received.length = 0;
  });

  it('the simulator calls back with x-webhook-secret; parseWebhook yields the same Job as polling', async () => {
    const submitted = await apiframe.imagine({ prompt: 'a heron', webhookUrl: hookUrl, ref: 'hook-1' });
    const polled = await apiframe.wait(submitted, FAST);
    await sim.ledger.settled();
    const deliveries = sim.ledger.webhooks({ vendor: 'apiframe' });
    expect(deliveries.length).toBeGreaterThanOrEqual(1);
    expect(
      deliveries.every((delivery) => delivery.headers['x-webhook-secret'] === SECRET && delivery.status === 200),
    ).toBe(true);

    const jobs = received.map((outcome) => outcome.job!);
    const final = jobs.at(-1)!;
    expect(final).toMatchObject({ id: submitted.id, status: 'succeeded', ref: 'hook-1' });
    const { createdAt: _a, prompt: _p, ...pushed } = final;
    const { createdAt: _b, prompt: _q, ...viaPoll } = polled;
    expect(pushed).toEqual(viaPoll);
  });

  it("an action's callbacks reach a fresh receiver with its action, parent and ref, as polling has them", async () => {
    const grid = await apiframe.wait(await apiframe.imagine({ prompt: 'a heron at dawn' }), FAST);
    await sim.ledger.settled();
    received.length = 0;
    const submitted = await apiframe.act(grid, 'upscale-2', { webhookUrl: hookUrl, ref: 'hook-up' });
    const polled = await apiframe.wait(submitted, FAST);
    expect(polled).toMatchObject({ action: 'upscale-2', parentId: grid.id, ref: 'hook-up' });
    await sim.ledger.settled();
    expect(received.length).toBeGreaterThanOrEqual(1);
    expect(received.every((outcome) => outcome.job)).toBe(true);

    const final = received.at(-1)!.job!;
    expect(final).toMatchObject({
      id: submitted.id,
      operation: 'action',
      action: 'upscale-2',
      parentId: grid.id,
      ref: 'hook-up',
      status: 'succeeded',
    });
    const { createdAt: _a, prompt: _p, ...pushed } = final;
    const { createdAt: _b, prompt: _q, ...viaPoll } = polled;
    expect(pushed).toEqual(viaPoll);
  });

  it('a client with another secret rejects the callbacks', async () => {
    const impostor = createApiFrame({ apiKey: KEY, baseURL: sim.urls.apiframe, webhookSecret: 'another-secret-123' });
    await apiframe.wait(await impostor.describe({ imageUrl: 'https://img.test/x.png', webhookUrl: hookUrl }), FAST);
    await sim.ledger.settled();
    expect(received.length).toBeGreaterThanOrEqual(1);
    expect(received.every((outcome) => outcome.error instanceof WebhookVerificationError)).toBe(true);
  });
});

describe('errors from the simulator', () => {
  it('a banned prompt is a ContentPolicyError; nothing is created', async () => {
    await expect(apiframe.imagine({ prompt: 'some gore here' })).rejects.toBeInstanceOf(ContentPolicyError);
    expect(submissions()).toHaveLength(0);
  });

  it('an unknown task id is a NotFoundError (the simulator answers 400 {errors:[{msg}]}, as §1.4 allows)', async () => {
    await expect(apiframe.get('apiframe:3f0d6c1e-0000-4000-8000-000000000000')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('a wrong key is an AuthenticationError', async () => {
    const wrong = createApiFrame({ apiKey: 'wrong-key-000', baseURL: sim.urls.apiframe });
    await expect(wrong.account()).rejects.toBeInstanceOf(AuthenticationError);
  });

  it('a 429 on submit is retried after Retry-After and creates exactly one job', async () => {
    sim.faults.add({ vendor: 'apiframe', route: '/imagine', kind: 'rate-limit', retryAfter: 0, times: 1 });
    const job = await apiframe.imagine({ prompt: 'a fox' });
    expect(submissions()).toHaveLength(1);
    expect(submissions()[0]?.jobId).toBe(job.providerJobId);
  });

  it('a 500 during a wait is retried and the wait still ends', async () => {
    const job = await apiframe.imagine({ prompt: 'a fox' });
    sim.faults.add({ vendor: 'apiframe', route: '/fetch', kind: 'status', status: 500, times: 2 });
    expect(await apiframe.wait(job, FAST)).toMatchObject({ status: 'succeeded' });
  });
});
