// End to end against @mjgate/simulator's `/mjproxy` vendor, in each dialect it imitates (§0).
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WaitOptions } from '@mjgate/core';
import { type MjProxyDialect, type Simulator, startSimulator } from '@mjgate/simulator';
import { afterEach, describe, expect, it } from 'vitest';
import { createMjProxy, type MjProxyOptions } from '../src/index.js';

const KEY = 'mjp-e2e-key-0123456789';
const FAST: WaitOptions = { pollIntervalMs: 20, maxPollIntervalMs: 50, timeoutMs: 15_000 };

let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

/** The header each dialect's docs show: the protocol's own on novicezk and trueai, Bearer on a relay. */
const AUTH: Record<MjProxyDialect, MjProxyOptions['authScheme']> = {
  novicezk: 'mj-api-secret',
  trueai: 'mj-api-secret',
  'new-api': 'bearer',
};

describe.each(['novicezk', 'trueai', 'new-api'] as const)('the %s dialect', (dialect) => {
  it('imagine → wait → upscale-2 → wait, one submission each', async () => {
    sim = await startSimulator({ apiKey: KEY, speed: 400, seed: 5, mjproxy: { dialect } });
    const mj = createMjProxy({ apiKey: KEY, baseURL: sim.urls.mjproxy, authScheme: AUTH[dialect] });
    const grid = await mj.wait(
      await mj.imagine({ prompt: 'a red fox in snow', aspectRatio: '16:9', ref: 'e2e-1' }),
      FAST,
    );
    expect(grid).toMatchObject({ status: 'succeeded', operation: 'imagine', progress: 100, ref: 'e2e-1' });
    expect(grid.gridUrl).toMatch(/^http:\/\/127\.0\.0\.1/);
    expect(grid.actions).toEqual(expect.arrayContaining(['upscale-2', 'variation-1', 'reroll']));

    const upscaled = await mj.wait(await mj.upscale(grid, 2), FAST);
    expect(upscaled).toMatchObject({ status: 'succeeded', action: 'upscale-2', parentId: grid.id });
    expect(upscaled.images).toHaveLength(1);
    const routes = sim.ledger.submissions({ vendor: 'mjproxy' }).map((submission) => submission.route);
    expect(routes).toEqual(['/mj/submit/imagine', dialect === 'novicezk' ? '/mj/submit/change' : '/mj/submit/action']);
  });
});

describe('the modal flow (§4.3), trueai', () => {
  it('upscale → vary-region with a mask: action answered 21, then /mj/submit/modal; describe reads four prompts', async () => {
    sim = await startSimulator({ apiKey: KEY, speed: 400, seed: 6, mjproxy: { dialect: 'trueai' } });
    const mj = createMjProxy({ apiKey: KEY, baseURL: sim.urls.mjproxy });
    const grid = await mj.run({ prompt: 'a lighthouse' }, FAST);
    const upscaled = await mj.wait(await mj.upscale(grid.id, 1), FAST);
    const mask = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';
    const region = await mj.wait(await mj.act(upscaled, 'vary-region', { mask, prompt: 'a red door' }), FAST);
    expect(region).toMatchObject({ status: 'succeeded', action: 'vary-region', parentId: upscaled.id });
    // One billed task for the whole action → modal chain (the simulator's ledger records what it accepted).
    const entries = sim.ledger
      .submissions({ vendor: 'mjproxy' })
      .filter((entry) => entry.jobId === region.providerJobId);
    expect(entries).toHaveLength(1);
    const described = await mj.wait(await mj.describe({ imageUrl: upscaled.images[0]!.url }), FAST);
    expect(described.texts.length).toBeGreaterThanOrEqual(4);
  });
});

describe('blend, batched reads and callbacks over real HTTP', () => {
  it('blend of two images makes a grid; getMany reads three jobs in the order asked through list-by-condition', async () => {
    sim = await startSimulator({ apiKey: KEY, speed: 400, seed: 7, mjproxy: { dialect: 'trueai' } });
    const mj = createMjProxy({ apiKey: KEY, baseURL: sim.urls.mjproxy });
    const grid = await mj.run({ prompt: 'two foxes' }, FAST);
    const blended = await mj.wait(
      await mj.blend({ imageUrls: [grid.gridUrl!, grid.images[0]?.url ?? grid.gridUrl!] }),
      FAST,
    );
    expect(blended).toMatchObject({ status: 'succeeded', operation: 'blend' });
    expect(blended.gridUrl ?? blended.images[0]?.url).toMatch(/^http:\/\/127\.0\.0\.1/);

    const jobs = await Promise.all(['a cat', 'a dog', 'a bird'].map((prompt) => mj.imagine({ prompt })));
    const before = sim.requests({ vendor: 'mjproxy' }).length;
    const asked = [jobs[2]!, jobs[0]!, jobs[1]!];
    const read = await mj.getMany(asked);
    expect(read.map((job) => job.id)).toEqual(asked.map((job) => job.id));
    const reads = sim.requests({ vendor: 'mjproxy' }).slice(before);
    expect(reads.map((request) => request.path)).toEqual(['/mj/task/list-by-condition']);
  });

  it('a signed notifyHook callback, delivered over HTTP by the simulator, parses to the job polling returns', async () => {
    sim = await startSimulator({ apiKey: KEY, speed: 400, seed: 8, mjproxy: { dialect: 'novicezk' } });
    const bodies: Array<{ url: string; headers: Record<string, string | string[] | undefined>; body: string }> = [];
    const receiver = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => {
        body += chunk;
      });
      request.on('end', () => {
        bodies.push({ url: `http://127.0.0.1${request.url}`, headers: request.headers, body });
        response.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    try {
      const hook = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/mj`;
      const mj = createMjProxy({ apiKey: KEY, baseURL: sim.urls.mjproxy, webhookSecret: 'whsec-mjproxy-e2e-01' });
      const polled = await mj.wait(await mj.imagine({ prompt: 'a red fox', webhookUrl: hook, ref: 'hook-1' }), FAST);
      await sim.ledger.settled();
      expect(bodies.length).toBeGreaterThan(0);
      const last = bodies.at(-1)!;
      expect(new URL(last.url).searchParams.get('mjgate_sig')).toBeTruthy();
      const fromCallback = await mj.parseWebhook(last);
      expect(fromCallback).toMatchObject({ id: polled.id, status: 'succeeded', ref: 'hook-1' });
      expect(fromCallback.gridUrl).toBe(polled.gridUrl);
      // A forged copy on an altered URL is refused.
      const forged = { ...last, url: last.url.replace('mjgate_ref=hook-1', 'mjgate_ref=other') };
      await expect(mj.parseWebhook(forged)).rejects.toMatchObject({ code: 'webhook_verification' });
    } finally {
      await new Promise<void>((resolve) => receiver.close(() => resolve()));
    }
  });
});
