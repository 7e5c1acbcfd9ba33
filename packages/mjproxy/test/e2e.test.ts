// End to end against @mjgate/simulator's `/mjproxy` vendor, in each dialect it imitates (§0).
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
    const mj = createMjProxy({ apiKey: KEY, baseUrl: sim.urls.mjproxy, authScheme: AUTH[dialect] });
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
    const mj = createMjProxy({ apiKey: KEY, baseUrl: sim.urls.mjproxy });
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
