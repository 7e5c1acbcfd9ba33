// End to end against @mjgate/simulator: real HTTP on 127.0.0.1, ImaginePro's wire protocol, no nock.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { JobFailedError, NotFoundError } from '@mjgate/core';
import { type Simulator, startSimulator, TIMINGS } from '@mjgate/simulator';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createImaginePro, type ImagineProClient, type ImagineProOptions } from '../src/index.js';

const KEY = 'sk-e2e-imaginepro-key';
const SECRET = 'e2e-webhook-secret';
const FAST = { pollIntervalMs: 20, maxPollIntervalMs: 60, timeoutMs: 15_000 };
// A 1×1 white PNG: enough for the simulator, which checks the mask is present.
const MASK =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8/5+hHgAHggJ/PchI7wAAAABJRU5ErkJggg==';

let sim: Simulator;
let mj: ImagineProClient;

function connect(extra: ImagineProOptions = {}): ImagineProClient {
  return createImaginePro({ apiKey: KEY, baseURL: sim.urls.imaginepro, pace: { submit: 0, read: 0 }, ...extra });
}

beforeAll(async () => {
  sim = await startSimulator({ apiKey: KEY, speed: 400, seed: 4 });
  mj = connect({ webhookSecret: SECRET });
});
afterAll(() => sim.close());
beforeEach(() => sim.reset());

describe('ImaginePro adapter against the simulator', () => {
  it('imagine → wait → upscale-2 → wait → vary-region with a mask → wait', async () => {
    const seen: string[] = [];
    const grid = await mj.run(
      { prompt: 'a red fox in snow', aspectRatio: '16:9', mode: 'fast', ref: 'e2e-1' },
      { ...FAST, onProgress: (job) => seen.push(job.status) },
    );
    expect(grid).toMatchObject({ operation: 'imagine', status: 'succeeded', progress: 100, ref: 'e2e-1' });
    expect(grid.gridUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
    expect(grid.images).toHaveLength(4);
    expect(grid.actions).toEqual(expect.arrayContaining(['upscale-2', 'variation-4', 'reroll']));
    expect(seen.at(-1)).toBe('succeeded');
    const png = await fetch(grid.gridUrl!);
    expect(png.headers.get('content-type')).toMatch(/image\/png/);

    const up = await mj.wait(await mj.upscale(grid, 2), FAST);
    expect(up).toMatchObject({ operation: 'action', action: 'upscale-2', parentId: grid.id, status: 'succeeded' });
    expect(up.images).toHaveLength(1);
    expect(up.gridUrl).toBeUndefined();
    expect(up.actions).toContain('vary-region');

    const region = await mj.wait(await mj.act(up, 'vary-region', { mask: MASK, prompt: 'a fox wearing a hat' }), FAST);
    expect(region).toMatchObject({ action: 'vary-region', parentId: up.id, status: 'succeeded' });
    expect(region.images).toHaveLength(4);

    const sent = sim.ledger.submissions({ vendor: 'imaginepro' });
    expect(sent.map((call) => [call.route, call.operation])).toEqual([
      ['/api/v1/nova/imagine', 'imagine'],
      ['/api/v1/nova/button', 'U2'],
      ['/api/v1/nova/button', 'Vary (Region)'],
    ]);
    expect(sent[0]?.body).toEqual({ prompt: 'a red fox in snow --ar 16:9 --fast', ref: 'e2e-1' });
    expect(sent[2]?.body).toEqual({
      messageId: up.providerJobId,
      button: 'Vary (Region)',
      mask: MASK.slice('data:image/png;base64,'.length),
      prompt: 'a fox wearing a hat',
    });
  });

  it('acting on a job id string alone works, and an action not offered is refused before any request', async () => {
    const grid = await mj.run({ prompt: 'a paper boat' }, FAST);
    await expect(mj.act(grid.id, 'vary-region', { mask: MASK })).rejects.toThrow(
      /does not offer 'vary-region'. It offers: upscale-1/,
    );
    const variation = await mj.wait(await mj.act(grid.id, 'variation-1'), FAST);
    expect(variation).toMatchObject({ parentId: grid.id, status: 'succeeded' });
    expect(sim.ledger.submissions({ vendor: 'imaginepro' })).toHaveLength(2);
  });

  it('describe', async () => {
    const job = await mj.wait(await mj.describe({ imageUrl: 'https://img.example/fox.png' }), FAST);
    expect(job).toMatchObject({ operation: 'describe', status: 'succeeded' });
    expect(job.id).toMatch(/^imaginepro:describe\./);
    expect(job.texts).toHaveLength(4);
  });

  it('blend and face swap', async () => {
    const blend = await mj.wait(
      await mj.blend({ imageUrls: ['https://img.example/a.png', 'https://img.example/b.png'] }),
      FAST,
    );
    expect(blend).toMatchObject({ operation: 'blend', status: 'succeeded' });
    expect(blend.images).toHaveLength(4);
    const swap = await mj.wait(
      await mj.faceSwap({ sourceUrl: 'https://img.example/face.png', targetUrl: 'https://img.example/body.png' }),
      FAST,
    );
    expect(swap).toMatchObject({ operation: 'faceswap', status: 'succeeded' });
    expect(swap.images).toHaveLength(1);
  });

  it('video generate → wait → extend → wait, polled at the video fetch endpoint', async () => {
    const video = await mj.wait(
      await mj.video({ prompt: 'the fox runs', imageUrl: 'https://img.example/start.png', motion: 'low' }),
      FAST,
    );
    expect(video).toMatchObject({ operation: 'video', status: 'succeeded' });
    expect(video.videoUrls.length).toBeGreaterThan(0);
    const longer = await mj.wait(await mj.video({ extend: video.id, index: 1 }), FAST);
    expect(longer).toMatchObject({ operation: 'video', parentId: video.id, status: 'succeeded' });
    expect(sim.countRequests({ vendor: 'imaginepro', route: '/api/v1/video/mj/fetch/:id' })).toBeGreaterThan(0);
    expect(sim.countRequests({ vendor: 'imaginepro', route: '/api/v1/message/fetch/:id' })).toBe(0);
  });

  it('cancel while running', async () => {
    // The simulator's clock stands still, halfway through the grid, so the job is surely running.
    sim.clock.pause();
    try {
      const job = await mj.imagine({ prompt: 'a slow lighthouse' });
      sim.clock.advance(TIMINGS.grid[0] + TIMINGS.grid[1] / 2);
      expect(await mj.get(job)).toMatchObject({ status: 'running' });
      const cancelled = await mj.cancel(job);
      expect(cancelled).toMatchObject({ id: job.id, status: 'cancelled', error: { code: 'cancelled' } });
      const error = await mj.wait(job, FAST).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(JobFailedError);
      expect((error as JobFailedError).job.status).toBe('cancelled');
      expect(sim.ledger.submissions({ operation: 'Cancel Job' })).toHaveLength(1);
    } finally {
      sim.clock.resume();
    }
  });

  it('a 429 then success: one submission, one job', async () => {
    sim.faults.add({
      vendor: 'imaginepro',
      route: '/api/v1/nova/imagine',
      kind: 'rate-limit',
      retryAfter: 0,
      times: 1,
    });
    const job = await mj.imagine({ prompt: 'a lone oak tree' });
    expect(job.status).toBe('queued');
    expect(sim.countRequests({ vendor: 'imaginepro', route: '/api/v1/nova/imagine' })).toBe(2);
    expect(sim.ledger.submissions({ vendor: 'imaginepro' })).toHaveLength(1);
    await expect(mj.wait(job, FAST)).resolves.toMatchObject({ status: 'succeeded' });
  });

  it('a full job queue (403) then success: retried, one submission, one job', async () => {
    sim.faults.add({ vendor: 'imaginepro', route: '/api/v1/nova/imagine', kind: 'status', status: 403, times: 1 });
    const job = await mj.imagine({ prompt: 'a quiet harbour' });
    expect(job.status).toBe('queued');
    expect(sim.countRequests({ vendor: 'imaginepro', route: '/api/v1/nova/imagine' })).toBe(2);
    expect(sim.ledger.submissions({ vendor: 'imaginepro' })).toHaveLength(1);
  });

  it('an unknown job → NotFoundError, whether ImaginePro answers 404 or 400 (malformed id)', async () => {
    await expect(mj.get('imaginepro:00000000-0000-4000-8000-000000000000')).rejects.toBeInstanceOf(NotFoundError);
    await expect(mj.wait('imaginepro:00000000-0000-4000-8000-000000000001', FAST)).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await expect(mj.get('imaginepro:not-a-message-id')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('errors from the simulator map to the core classes', async () => {
    await expect(connect({ apiKey: 'wrong-key' }).account()).rejects.toMatchObject({ code: 'authentication' });
    await expect(mj.imagine({ prompt: 'something banned here' })).rejects.toMatchObject({ code: 'content_policy' });
    sim.setCredits(0, 'imaginepro');
    try {
      await expect(mj.imagine({ prompt: 'a fox' })).rejects.toMatchObject({ code: 'insufficient_credits' });
    } finally {
      sim.setCredits(10_000, 'imaginepro');
    }
  });

  it('account and promptCheck', async () => {
    await expect(mj.account()).resolves.toMatchObject({ provider: 'imaginepro', plan: 'PROFESSIONAL' });
    expect((await mj.account()).credits).toBeTypeOf('number');
    await expect(mj.promptCheck('a red fox')).resolves.toMatchObject({ ok: true });
    await expect(mj.promptCheck('a banned fox')).resolves.toMatchObject({ ok: false, message: expect.any(String) });
  });

  it('webhooks: the signed callback the simulator posts becomes the same Job as polling', async () => {
    const received: Array<{ url: string; body: string; headers: Record<string, string | string[] | undefined> }> = [];
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        received.push({ url: req.url ?? '/', body: Buffer.concat(chunks).toString('utf8'), headers: req.headers });
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const job = await mj.imagine({ prompt: 'a neon street', webhookUrl: `${origin}/hooks/mj` });
      const polled = await mj.wait(job, FAST);
      await sim.ledger.settled();
      expect(received).toHaveLength(1);
      const hook = received[0]!;
      const fromHook = await mj.parseWebhook({ url: origin + hook.url, headers: hook.headers, body: hook.body });
      expect(polled.status).toBe('succeeded');
      expect(fromHook).toEqual(await mj.get(job));
      expect(fromHook.raw).toEqual(JSON.parse(hook.body));
      await expect(
        mj.parseWebhook({ url: `${origin}/hooks/mj`, headers: hook.headers, body: hook.body }),
      ).rejects.toMatchObject({ code: 'webhook_verification' });
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('a burst of submissions is paced, not rejected', async () => {
    const paced = connect({ pace: { submit: 150, read: 0 } });
    const start = Date.now();
    const jobs = await Promise.all([1, 2, 3].map((number) => paced.imagine({ prompt: `fox number ${number}` })));
    expect(new Set(jobs.map((job) => job.id)).size).toBe(3);
    const times = sim
      .requests({ vendor: 'imaginepro', route: '/api/v1/nova/imagine' })
      .map((request) => request.at)
      .sort((first, second) => first - second);
    expect(times).toHaveLength(3);
    // The pacer gives the k-th call of a burst its slot k × 150 ms after the burst began at the earliest,
    // and a request arrives after it is sent: lower bounds no load can break (gaps between arrivals carry
    // each request's own jitter; the exact spacing is pinned with fake timers in client.test.ts).
    // 2 ms of slack: timers and Date.now() count whole milliseconds on different clocks.
    for (const [index, at] of times.entries()) expect(at - start).toBeGreaterThanOrEqual(index * 150 - 2);
  });
});
