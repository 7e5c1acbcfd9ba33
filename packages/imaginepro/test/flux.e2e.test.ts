// Flux end to end against @mjgate/simulator (vendors/imaginepro.md §3.12, §3.2): real HTTP on
// 127.0.0.1, on a paused clock the test moves, so no timing depends on the machine's load.
import { InvalidRequestError } from '@mjgate/core';
import { type Simulator, startSimulator, TIMINGS } from '@mjgate/simulator';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createImaginePro, type ImagineProClient } from '../src/index.js';

const KEY = 'sk-e2e-imaginepro-flux';
const POLL = { pollIntervalMs: 1, maxPollIntervalMs: 1 };

let sim: Simulator;
let mj: ImagineProClient;

beforeAll(async () => {
  sim = await startSimulator({ apiKey: KEY, paused: true, seed: 16 });
  mj = createImaginePro({ apiKey: KEY, baseURL: sim.urls.imaginepro, pace: { submit: 0, read: 0 } });
});
afterAll(() => sim.close());
beforeEach(() => sim.reset());

describe('Flux on ImaginePro against the simulator', () => {
  it('imagine with model flux-1.1-pro and n 4 → 4 PNG images, no grid, no follow-ups', async () => {
    const job = await mj.imagine({
      prompt: 'a lighthouse at dawn',
      model: 'flux-1.1-pro',
      n: 4,
      aspectRatio: '16:9',
      providerOptions: { outputFormat: 'png' },
    });
    expect(job).toMatchObject({ operation: 'imagine', model: 'flux-1.1-pro', status: 'queued' });
    expect((await mj.get(job)).status).toBe('queued');
    sim.clock.advance(TIMINGS.grid[0] + TIMINGS.grid[1]);
    const done = await mj.wait(job, POLL);
    expect(done).toMatchObject({ id: job.id, status: 'succeeded', progress: 100, model: 'flux-1.1-pro', actions: [] });
    expect(done.gridUrl).toBeUndefined();
    expect(done.images).toHaveLength(4);
    for (const image of done.images) {
      const file = await fetch(image.url);
      expect(file.headers.get('content-type')).toBe('image/png');
    }
    await expect(mj.upscale(done, 1)).rejects.toBeInstanceOf(InvalidRequestError);

    const sent = sim.ledger.submissions({ vendor: 'imaginepro' });
    expect(sent.map((call) => call.route)).toEqual(['/api/v1/flux/imagine']);
    expect(sent[0]?.body).toEqual({
      prompt: 'a lighthouse at dawn',
      n: 4,
      aspect_ratio: '16:9',
      output_format: 'png',
      model: 'flux-1.1-pro',
    });
  });

  it('a Midjourney imagine on the same client still makes a grid', async () => {
    const job = await mj.imagine({ prompt: 'a red fox in snow' });
    sim.clock.advance(TIMINGS.grid[0] + TIMINGS.grid[1]);
    const grid = await mj.wait(job, POLL);
    expect(grid.model).toBeUndefined();
    expect(grid.gridUrl).toBeDefined();
    expect(grid.actions).toContain('upscale-1');
  });
});
