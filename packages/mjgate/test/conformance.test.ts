import { type ActionId, InvalidRequestError, type Job, NotFoundError } from '@mjgate/core';
import { describe, expect, it } from 'vitest';
import { simGateway, useSimulator, VENDORS } from './helpers.js';

const ctx = useSimulator();

/** Follow-ups worth trying on an upscaled image, in order of preference. */
const FOLLOW_UPS: ActionId[] = ['vary-strong', 'zoom-out-2x', 'pan-left', 'upscale-subtle', 'make-square'];

describe.each(VENDORS)('the same scenario on %s', (vendor) => {
  it('imagine with an aspect ratio → progress → four images → upscale → one image → a follow-up', async () => {
    const gw = simGateway(ctx.sim, { default: vendor });
    const seen: Job[] = [];
    const grid = await gw.run(
      { prompt: 'a red fox in snow', aspectRatio: '16:9' },
      { onProgress: (j) => seen.push(j) },
    );

    expect(grid).toMatchObject({ provider: vendor, operation: 'imagine', status: 'succeeded' });
    expect(grid.id.startsWith(`${vendor}:`)).toBe(true);
    expect(grid.images).toHaveLength(4);
    expect(grid.gridUrl).toMatch(/^http:\/\/127\.0\.0\.1/);
    expect(seen.length).toBeGreaterThan(1);
    expect(seen.some((j) => j.status !== 'succeeded')).toBe(true);
    const progress = seen.map((j) => j.progress ?? 0);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    const submitted = ctx.sim.ledger.submissions({ vendor, jobId: grid.providerJobId });
    expect(JSON.stringify(submitted[0]?.body)).toMatch(/16:9/);

    const up = await gw.wait(await gw.upscale(grid, 2));
    expect(up).toMatchObject({ provider: vendor, operation: 'action', action: 'upscale-2', status: 'succeeded' });
    expect(up.parentId).toBe(grid.id);
    expect(up.images).toHaveLength(1);

    const next = FOLLOW_UPS.find((a) => up.actions.includes(a) && gw.capabilities.actions.includes(a));
    expect(next, `offered: ${up.actions.join(', ')}`).toBeDefined();
    const follow = await gw.wait(await gw.act(up, next!));
    expect(follow).toMatchObject({ provider: vendor, action: next, status: 'succeeded', parentId: up.id });
    expect(follow.images.length).toBeGreaterThan(0);
  });

  it('describe returns prompts', async () => {
    const gw = simGateway(ctx.sim, { default: vendor });
    const job = await gw.wait(await gw.describe({ imageUrl: `${ctx.sim.url}/imaginepro/files/sample.png` }));
    expect(job).toMatchObject({ provider: vendor, operation: 'describe', status: 'succeeded' });
    expect(job.texts.length).toBeGreaterThanOrEqual(1);
  });

  it('an action the job does not offer is rejected before any request', async () => {
    const gw = simGateway(ctx.sim, { default: vendor });
    const grid = await gw.run({ prompt: 'a quiet harbour' });
    const before = ctx.sim.countRequests({ vendor });
    await expect(gw.act(grid, 'pan-left')).rejects.toBeInstanceOf(InvalidRequestError);
    await expect(gw.act(grid, 'vary-region')).rejects.toThrow(/mask/);
    expect(ctx.sim.countRequests({ vendor })).toBe(before);
  });

  it('an unknown job id is NotFoundError', async () => {
    const gw = simGateway(ctx.sim, { default: vendor });
    await expect(gw.get(`${vendor}:3f0d6c1e-0000-4000-8000-000000000000`)).rejects.toBeInstanceOf(NotFoundError);
  });
});
