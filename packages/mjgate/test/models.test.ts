import { InvalidRequestError, ProviderError, UnsupportedError } from '@mjgate/core';
import { createMockProvider, type MockProvider } from '@mjgate/core/testing';
import { type Simulator, startSimulator, TIMINGS } from '@mjgate/simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway } from '../src/index.js';
import { API_KEY } from './helpers.js';

// The model as a routing dimension (issue 16): a submission naming a model goes to a configured
// vendor that lists it in `capabilities.models`, default first, then the fallback order.

const FLUX = 'flux-1.1-pro';
const submits = (mock: MockProvider) => mock.calls.filter((call) => call.method === 'imagine').length;

function mocks({ fluxOn = ['imaginepro'] }: { fluxOn?: string[] } = {}) {
  const make = (provider: string) =>
    createMockProvider({ provider, steps: 2, models: fluxOn.includes(provider) ? ['midjourney', FLUX] : undefined });
  return { imaginepro: make('imaginepro'), acedata: make('acedata'), apiframe: make('apiframe') };
}

describe('routing by model', () => {
  it('sends a Flux imagine to the vendor that offers Flux, though another is the default', async () => {
    const vendors = mocks();
    const gateway = createGateway({ providers: vendors, default: 'acedata', fallback: ['apiframe'] });
    const job = await gateway.run({ prompt: 'a lighthouse', model: FLUX, n: 2 });
    expect(job).toMatchObject({ provider: 'imaginepro', model: FLUX, status: 'succeeded' });
    expect(job.images).toHaveLength(2);
    expect(submits(vendors.acedata)).toBe(0);
    expect(submits(vendors.apiframe)).toBe(0);
    // A Midjourney imagine still goes to the default.
    expect((await gateway.imagine({ prompt: 'a red fox' })).provider).toBe('acedata');
  });

  it('prefers the default, then the fallback order, among vendors that offer the model', async () => {
    const vendors = mocks({ fluxOn: ['imaginepro', 'apiframe'] });
    const onDefault = createGateway({ providers: vendors, default: 'apiframe', fallback: ['imaginepro'] });
    expect((await onDefault.imagine({ prompt: 'x', model: FLUX })).provider).toBe('apiframe');
    const onFallback = createGateway({ providers: vendors, default: 'acedata', fallback: ['apiframe', 'imaginepro'] });
    expect((await onFallback.imagine({ prompt: 'x', model: FLUX })).provider).toBe('apiframe');
  });

  it('falls back only to vendors that offer the model', async () => {
    const vendors = mocks({ fluxOn: ['imaginepro', 'acedata'] });
    vendors.imaginepro.failNext('imagine', new ProviderError('ImaginePro is down.', { provider: 'imaginepro' }));
    const gateway = createGateway({ providers: vendors, default: 'imaginepro', fallback: ['apiframe', 'acedata'] });
    const job = await gateway.imagine({ prompt: 'x', model: FLUX });
    expect(job.provider).toBe('acedata');
    expect(submits(vendors.apiframe)).toBe(0);

    const alone = mocks();
    alone.imaginepro.failNext('imagine', new ProviderError('ImaginePro is down.', { provider: 'imaginepro' }));
    const strict = createGateway({ providers: alone, default: 'imaginepro', fallback: ['apiframe', 'acedata'] });
    await expect(strict.imagine({ prompt: 'x', model: FLUX })).rejects.toThrow('ImaginePro is down.');
    expect(submits(alone.apiframe) + submits(alone.acedata)).toBe(0);
  });

  it('names the vendor that would take the model when no configured one offers it', async () => {
    const { acedata, apiframe } = mocks();
    const gateway = createGateway({ providers: { acedata, apiframe }, default: 'acedata' });
    const error = await gateway.imagine({ prompt: 'x', model: FLUX }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UnsupportedError);
    expect((error as Error).message).toBe(
      "None of the configured providers (acedata, apiframe) supports imagine with the model 'flux-1.1-pro'. imaginepro would: configure one of them.",
    );
    expect(submits(acedata) + submits(apiframe)).toBe(0);
  });

  it('refuses n on Midjourney before any request, with no fallback', async () => {
    const vendors = mocks();
    const gateway = createGateway({ providers: vendors, default: 'imaginepro', fallback: ['apiframe'] });
    await expect(gateway.imagine({ prompt: 'x', n: 2 })).rejects.toBeInstanceOf(InvalidRequestError);
    expect(submits(vendors.imaginepro) + submits(vendors.apiframe)).toBe(0);
  });

  it('lists every configured vendor’s models in its capabilities', () => {
    const gateway = createGateway({ providers: mocks(), default: 'acedata' });
    expect(gateway.capabilities.models).toEqual(['midjourney', FLUX]);
  });
});

describe('routing by model against the simulator', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ apiKey: API_KEY, paused: true, seed: 16 });
  });
  afterAll(() => sim.close());

  it('AceData by default, Flux on ImaginePro: n images from ImaginePro, nothing sent to AceData', async () => {
    const vendor = (name: 'imaginepro' | 'acedata') => ({
      apiKey: API_KEY,
      baseURL: sim.urls[name],
      pace: { submit: 0, read: 0 },
    });
    const gateway = createGateway({
      providers: { acedata: vendor('acedata'), imaginepro: vendor('imaginepro') },
      default: 'acedata',
      poll: { intervalMs: 1, maxIntervalMs: 1 },
    });
    const job = await gateway.imagine({ prompt: 'a lighthouse at dawn', model: FLUX, n: 2 });
    expect(job).toMatchObject({ provider: 'imaginepro', model: FLUX });
    sim.clock.advance(TIMINGS.grid[0] + TIMINGS.grid[1]);
    const done = await gateway.wait(job.id);
    expect(done).toMatchObject({ status: 'succeeded', model: FLUX, actions: [] });
    expect(done.images).toHaveLength(2);
    expect(done.gridUrl).toBeUndefined();
    expect(sim.ledger.submissions({ vendor: 'acedata' })).toHaveLength(0);
    expect(sim.ledger.submissions({ vendor: 'imaginepro' }).map((call) => call.route)).toEqual([
      '/api/v1/flux/imagine',
    ]);
  });
});
