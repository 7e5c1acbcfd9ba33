// End-to-end against @mjgate/simulator: real HTTP on localhost, AceData's wire protocol, no nock.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  AuthenticationError,
  ContentPolicyError,
  type Job,
  JobFailedError,
  ProviderError,
  WebhookVerificationError,
} from '@mjgate/core';
import { type Simulator, startSimulator, TIMINGS } from '@mjgate/simulator';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { type AceDataOptions, createAceData } from '../src/index.js';

const KEY = 'sim-acedata-key';
let sim: Simulator;

beforeAll(async () => {
  sim = await startSimulator({ apiKey: KEY, speed: 200, seed: 7 });
});
afterAll(async () => {
  await sim?.close();
});
beforeEach(() => {
  sim.reset();
});

/** A client on the simulator: pacing off, fast polling. */
function mj(extra: AceDataOptions = {}) {
  return createAceData({
    apiKey: KEY,
    baseURL: sim.urls.acedata,
    pace: { submit: 0, read: 0 },
    poll: { intervalMs: 20, maxIntervalMs: 40 },
    ...extra,
  });
}

const statusRequests = () => sim.countRequests({ vendor: 'acedata', category: 'status' });

describe('AceData on the simulator', () => {
  it('imagine → wait → upscale-1 → wait → zoom-out-1.5x → wait', async () => {
    const client = mj();
    const progress: number[] = [];
    const grid = await client.wait(await client.imagine({ prompt: 'a red fox in snow', aspectRatio: '16:9' }), {
      onProgress: (job) => progress.push(job.progress ?? -1),
    });
    expect(grid).toMatchObject({ operation: 'imagine', status: 'succeeded', progress: 100 });
    expect(grid.gridUrl).toMatch(/^http:\/\/127\.0\.0\.1/);
    expect(grid.images).toHaveLength(4);
    expect(grid.actions).toEqual(expect.arrayContaining(['upscale-1', 'variation-4', 'reroll']));
    expect(progress).toEqual([...progress].sort((left, right) => left - right));

    const png = await fetch(grid.images[0]!.url);
    expect(png.status).toBe(200);
    expect(new Uint8Array(await png.arrayBuffer()).slice(1, 4)).toEqual(new TextEncoder().encode('PNG'));

    const upscaled = await client.wait(await client.act(grid, 'upscale-1'));
    expect(upscaled).toMatchObject({
      operation: 'action',
      action: 'upscale-1',
      parentId: grid.id,
      status: 'succeeded',
    });
    expect(upscaled.gridUrl).toBeUndefined();
    expect(upscaled.images).toHaveLength(1);
    expect(upscaled.images[0]?.width).toBeGreaterThan(0);
    expect(upscaled.actions).toContain('zoom-out-1.5x');

    const zoomed = await client.wait(await client.act(upscaled, 'zoom-out-1.5x'));
    expect(zoomed).toMatchObject({ action: 'zoom-out-1.5x', parentId: upscaled.id, status: 'succeeded' });
    expect(zoomed.images).toHaveLength(4);
    expect(zoomed.actions).toContain('upscale-2');

    const submitted = sim.ledger.submissions({ vendor: 'acedata' });
    expect(submitted.map((request) => (request.body as { action: string }).action)).toEqual([
      'generate',
      'upscale1',
      'zoom_out_1_5x',
    ]);
    for (const request of submitted) expect(request.body).toMatchObject({ async: true });
    expect(submitted[0]?.body).toMatchObject({ prompt: 'a red fox in snow --ar 16:9', split_images: true });
  });

  it('acts on a job known only by its id, from a fresh client (as another process would)', async () => {
    const grid = await mj().run({ prompt: 'a lighthouse at dusk' });
    const upscaled = await mj().wait(await mj().upscale(grid.id, 2));
    expect(upscaled).toMatchObject({ action: 'upscale-2', parentId: grid.id, status: 'succeeded' });
    const region = await mj().wait(
      await mj().act(upscaled.id, 'vary-region', { mask: 'data:image/png;base64,iVBORw0KGgo=', prompt: 'a boat' }),
    );
    expect(region).toMatchObject({ action: 'vary-region', status: 'succeeded' });
  });

  it('describe answers at once with four prompts', async () => {
    const before = statusRequests();
    const job = await mj().describe({ imageUrl: 'https://img.example/cat.png' });
    expect(job).toMatchObject({ operation: 'describe', status: 'succeeded' });
    expect(job.texts).toHaveLength(4);
    expect(await mj().wait(job)).toBe(job);
    expect(statusRequests()).toBe(before);
  });

  it('many concurrent waits are served by batched retrieves', async () => {
    // The simulator's clock stands still and the client's timers are fake, so each polling round is
    // one the test lets happen: how busy the machine is cannot split a round or add one.
    sim.clock.pause();
    const bodies: Array<{ action: string; ids?: string[] }> = [];
    let open = 0;
    const counting: typeof fetch = async (input, init) => {
      const request = new Request(input, init);
      const status = request.url.endsWith('/midjourney/tasks');
      if (status) {
        open += 1;
        bodies.push(await request.clone().json());
      }
      try {
        const response = await fetch(request);
        // Read in full here, in real time: no fake time passes while an answer is on the wire.
        return new Response(await response.arrayBuffer(), response);
      } finally {
        if (status) open -= 1;
      }
    };
    /** Moves the client's clock 10 ms at a time, never while a status request is open, until `done()`. */
    const pollUntil = async (done: () => boolean) => {
      for (let ms = 0; !done() && ms < 5_000; ) {
        if (open === 0) {
          await vi.advanceTimersByTimeAsync(10);
          ms += 10;
        }
        await new Promise((resolve) => setImmediate(resolve));
      }
    };
    try {
      const client = mj({ fetch: counting });
      const jobs = await Promise.all(
        Array.from({ length: 20 }, (_, i) => client.imagine({ prompt: `a paper boat, number ${i}` })),
      );
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
      let done: Job[] | undefined;
      void Promise.all(jobs.map((job) => client.wait(job))).then((all) => {
        done = all;
      });
      const answered = (rounds: number) => () => bodies.length >= rounds && open === 0;
      await pollUntil(answered(1)); // all queued
      sim.clock.advance(TIMINGS.grid[0] + TIMINGS.grid[1] / 2);
      await pollUntil(answered(2)); // all running
      sim.clock.advance(TIMINGS.grid[1]);
      await pollUntil(() => done !== undefined); // all succeeded

      expect(done?.every((job) => job.status === 'succeeded' && job.images.length === 4)).toBe(true);
      expect(sim.ledger.submissions({ vendor: 'acedata' })).toHaveLength(20);
      expect(statusRequests()).toBe(bodies.length);
      // One request per polling round carrying every job, not one per job per round.
      const everyJob = new Set(jobs.map((job) => job.providerJobId));
      expect(bodies.map((body) => ({ action: body.action, ids: new Set(body.ids) }))).toEqual(
        Array.from({ length: 3 }, () => ({ action: 'retrieve_batch', ids: everyJob })),
      );
    } finally {
      vi.useRealTimers();
      sim.clock.resume();
    }
  });

  it('streams progress over ndjson with imagineStream', async () => {
    const seen: Job[] = [];
    for await (const job of mj().imagineStream({ prompt: 'a kite over the sea' })) seen.push(job);
    expect(seen.map((job) => job.progress)).toEqual([35, 75, 100]);
    expect(seen.at(-1)).toMatchObject({ status: 'succeeded' });
    expect(seen.at(-1)?.images).toHaveLength(4);
    expect(statusRequests()).toBe(0);
    // The final image_id is the one actions need.
    const upscaled = await mj().wait(await mj().upscale(seen.at(-1)!, 1));
    expect(upscaled.status).toBe('succeeded');
  });

  it('blend, seed, shorten, video generate and extend, edit, translate', async () => {
    const client = mj();
    const blend = await client.wait(
      await client.blend({
        imageUrls: ['https://img.example/a.png', 'https://img.example/b.png'],
        dimensions: 'square',
      }),
    );
    expect(blend).toMatchObject({ operation: 'blend', status: 'succeeded' });
    expect(sim.ledger.submissions({ vendor: 'acedata' })[0]?.body).toMatchObject({
      prompt: 'https://img.example/a.png https://img.example/b.png --ar 1:1',
    });

    const seed = await client.seed(blend.id);
    expect(seed).toMatchObject({ operation: 'seed', status: 'succeeded', parentId: blend.id });
    expect(seed.seed).toMatch(/^\d+$/);

    const short = await client.shorten({ prompt: 'a very detailed painting of a red fox, in deep snow, at dawn' });
    expect(short.texts.length).toBeGreaterThan(0);

    const video = await client.wait(await client.video({ imageUrl: blend.images[0]!.url, prompt: 'it drifts' }));
    expect(video).toMatchObject({ operation: 'video', status: 'succeeded' });
    expect(video.videoUrls).toHaveLength(4);
    const longer = await client.wait(await client.video({ extend: video.id, index: 2, prompt: 'and on' }));
    expect(longer).toMatchObject({ operation: 'video', parentId: video.id, status: 'succeeded' });

    const edited = await client.wait(await client.edit({ imageUrl: blend.images[1]!.url, prompt: 'make it blue' }));
    expect(edited.images).toHaveLength(4);

    expect(await client.translate('a fox')).toBe('a fox');
  });

  it('delivers a signed callback that parseWebhook turns into the same job', async () => {
    const received: Array<{ url: string; body: string }> = [];
    const server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => {
        body += chunk.toString('utf8');
      });
      request.on('end', () => {
        received.push({ url: `http://127.0.0.1${request.url}`, body });
        response.end('ok');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const port = (server.address() as AddressInfo).port;
      const client = mj({ webhookSecret: 'whsec-e2e-0123456789' });
      const job = await client.imagine({
        prompt: 'a owl at night',
        webhookUrl: `http://127.0.0.1:${port}/hook`,
        ref: 'w-1',
      });
      const polled = await client.wait(job);
      await sim.ledger.settled();
      expect(received).toHaveLength(1);
      const hook = received[0]!;
      const parsed = await client.parseWebhook({ url: hook.url, headers: {}, body: hook.body });
      expect(parsed).toMatchObject({ id: job.id, status: 'succeeded', ref: 'w-1', operation: 'imagine' });
      expect(parsed.images).toEqual(polled.images);
      expect(parsed.actions).toEqual(polled.actions);
      expect(parsed.gridUrl).toBe(polled.gridUrl);
      await expect(
        client.parseWebhook({
          url: hook.url.replace(/mjgate_sig=[^&]+/, 'mjgate_sig=forged'),
          headers: {},
          body: hook.body,
        }),
      ).rejects.toThrow(WebhookVerificationError);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('maps the simulator errors: bad key, banned prompt, failed job', async () => {
    await expect(
      createAceData({ apiKey: 'wrong', baseURL: sim.urls.acedata }).imagine({ prompt: 'x' }),
    ).rejects.toThrow(AuthenticationError);
    await expect(mj().imagine({ prompt: 'something banned' })).rejects.toThrow(ContentPolicyError);
    sim.faults.add({ vendor: 'acedata', route: '/midjourney/imagine', kind: 'fail-job', times: 1 });
    const error = await mj()
      .run({ prompt: 'a doomed cat' })
      .catch((error: unknown) => error);
    expect(error).toBeInstanceOf(JobFailedError);
    expect((error as JobFailedError).job.error?.code).toBeTruthy();
  });

  it('retries a rate-limited submission once it is refused, and never repeats an ambiguous one', async () => {
    sim.faults.add({ vendor: 'acedata', route: '/midjourney/imagine', kind: 'rate-limit', retryAfter: 0, times: 1 });
    await mj().imagine({ prompt: 'a cat' });
    expect(sim.ledger.submissions({ vendor: 'acedata' })).toHaveLength(1);

    sim.reset();
    sim.faults.add({
      vendor: 'acedata',
      route: '/midjourney/imagine',
      kind: 'accept-then-error',
      status: 500,
      times: 1,
    });
    const error = await mj()
      .imagine({ prompt: 'a dog' })
      .catch((error: unknown) => error);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ mayHaveCreatedJob: true });
    expect(sim.ledger.submissions({ vendor: 'acedata' })).toHaveLength(1);
  });

  it('paces submissions to one per second by default', async () => {
    const client = createAceData({ apiKey: KEY, baseURL: sim.urls.acedata });
    const start = Date.now();
    await Promise.all([client.imagine({ prompt: 'one' }), client.imagine({ prompt: 'two' })]);
    const [, second] = sim.ledger
      .submissions({ vendor: 'acedata' })
      .map((request) => Date.parse(request.at))
      .sort((left, right) => left - right);
    // The second call's slot is 1 s after the burst began at the earliest, and it arrives after it is
    // sent: a lower bound no load can break (the gap between arrivals carries each request's own jitter;
    // the exact 1 s spacing is pinned with fake timers in client.test.ts). 2 ms of slack: timers and
    // Date.now() count whole milliseconds on different clocks.
    expect(second! - start).toBeGreaterThanOrEqual(1_000 - 2);
  });
});
