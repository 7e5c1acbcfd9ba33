import { type ActionId, InvalidRequestError, type Job, NotFoundError } from '@mjgate/core';
import { describe, expect, it } from 'vitest';
import { simGateway, useSimulator, VENDORS } from './helpers.js';

const setup = useSimulator();

/** Follow-ups worth trying on an upscaled image, in order of preference. */
const FOLLOW_UPS: ActionId[] = ['vary-strong', 'zoom-out-2x', 'pan-left', 'upscale-subtle', 'make-square'];

describe.each(VENDORS)('the same scenario on %s', (vendor) => {
  it('imagine with an aspect ratio → progress → four images → upscale → one image → a follow-up', async () => {
    const gateway = simGateway(setup.sim, { default: vendor });
    const seen: Job[] = [];
    const grid = await gateway.run(
      { prompt: 'a red fox in snow', aspectRatio: '16:9' },
      { onProgress: (update) => seen.push(update) },
    );

    expect(grid).toMatchObject({ provider: vendor, operation: 'imagine', status: 'succeeded' });
    expect(grid.id.startsWith(`${vendor}:`)).toBe(true);
    expect(grid.images).toHaveLength(4);
    expect(grid.gridUrl).toMatch(/^http:\/\/127\.0\.0\.1/);
    expect(seen.length).toBeGreaterThan(1);
    expect(seen.some((update) => update.status !== 'succeeded')).toBe(true);
    const progress = seen.map((update) => update.progress ?? 0);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    const submitted = setup.sim.ledger.submissions({ vendor, jobId: grid.providerJobId });
    expect(JSON.stringify(submitted[0]?.body)).toMatch(/16:9/);

    const up = await gateway.wait(await gateway.upscale(grid, 2));
    expect(up).toMatchObject({ provider: vendor, operation: 'action', action: 'upscale-2', status: 'succeeded' });
    expect(up.parentId).toBe(grid.id);
    expect(up.images).toHaveLength(1);

    const next = FOLLOW_UPS.find((a) => up.actions.includes(a) && gateway.capabilities.actions.includes(a));
    expect(next, `offered: ${up.actions.join(', ')}`).toBeDefined();
    const follow = await gateway.wait(await gateway.act(up, next!));
    expect(follow).toMatchObject({ provider: vendor, action: next, status: 'succeeded', parentId: up.id });
    expect(follow.images.length).toBeGreaterThan(0);
  });

  it('describe returns prompts', async () => {
    const gateway = simGateway(setup.sim, { default: vendor });
    const job = await gateway.wait(
      await gateway.describe({ imageUrl: `${setup.sim.url}/imaginepro/files/sample.png` }),
    );
    expect(job).toMatchObject({ provider: vendor, operation: 'describe', status: 'succeeded' });
    expect(job.texts.length).toBeGreaterThanOrEqual(1);
  });

  it('an action the job does not offer is rejected before any request', async () => {
    const gateway = simGateway(setup.sim, { default: vendor });
    const grid = await gateway.run({ prompt: 'a quiet harbour' });
    const before = setup.sim.countRequests({ vendor });
    await expect(gateway.act(grid, 'pan-left')).rejects.toBeInstanceOf(InvalidRequestError);
    await expect(gateway.act(grid, 'vary-region')).rejects.toThrow(/mask/);
    expect(setup.sim.countRequests({ vendor })).toBe(before);
  });

  it('an unknown job id is NotFoundError', async () => {
    const gateway = simGateway(setup.sim, { default: vendor });
    await expect(gateway.get(`${vendor}:3f0d6c1e-0000-4000-8000-000000000000`)).rejects.toBeInstanceOf(NotFoundError);
  });
});
