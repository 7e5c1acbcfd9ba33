import { UnsupportedError } from '@mjgate/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createGateway } from '../src/index.js';
import { API_KEY, simGateway, useSimulator } from './helpers.js';

const setup = useSimulator();
afterEach(() => vi.unstubAllEnvs());

function clearVendorEnv() {
  for (const name of ['IMAGINEPRO', 'ACEDATA', 'APIFRAME']) {
    vi.stubEnv(`${name}_API_KEY`, '');
    vi.stubEnv(`${name}_BASE_URL`, '');
  }
  vi.stubEnv('MJGATE_PROVIDER', '');
  vi.stubEnv('MJGATE_FALLBACK', '');
}

describe('createGateway() from the environment', () => {
  it('configures each vendor with a key, honours MJGATE_PROVIDER, MJGATE_FALLBACK and *_BASE_URL', async () => {
    clearVendorEnv();
    vi.stubEnv('APIFRAME_API_KEY', API_KEY);
    vi.stubEnv('APIFRAME_BASE_URL', setup.sim.urls.apiframe);
    vi.stubEnv('ACEDATA_API_KEY', API_KEY);
    vi.stubEnv('ACEDATA_BASE_URL', setup.sim.urls.acedata);
    vi.stubEnv('MJGATE_PROVIDER', 'apiframe');
    vi.stubEnv('MJGATE_FALLBACK', 'acedata');
    const gateway = createGateway();
    expect(gateway.defaultProvider).toBe('apiframe');
    expect(gateway.providers).toEqual(['apiframe', 'acedata']);
    const job = await gateway.imagine({ prompt: 'a red fox' });
    expect(job.provider).toBe('apiframe');
    expect(setup.sim.ledger.submissions({ vendor: 'apiframe', jobId: job.providerJobId })).toHaveLength(1);

    setup.sim.faults.add({ vendor: 'apiframe', category: 'submit', kind: 'status', status: 503, times: 3 });
    const moved = await gateway.imagine({ prompt: 'a red fox' });
    expect(moved.provider).toBe('acedata');
  });

  it('a missing key or an unknown vendor in the environment says what to set', () => {
    clearVendorEnv();
    expect(() => createGateway()).toThrow(
      /No provider configured.*IMAGINEPRO_API_KEY, ACEDATA_API_KEY, APIFRAME_API_KEY/,
    );
    vi.stubEnv('IMAGINEPRO_API_KEY', 'ip-key');
    vi.stubEnv('MJGATE_PROVIDER', 'apiframe');
    expect(() => createGateway()).toThrow(/default provider "apiframe" is not configured.*set APIFRAME_API_KEY/);
    vi.stubEnv('MJGATE_PROVIDER', 'imaginepro');
    vi.stubEnv('MJGATE_FALLBACK', 'acedata');
    expect(() => createGateway()).toThrow(/fallback provider "acedata" is not configured.*ACEDATA_API_KEY/);
    vi.stubEnv('MJGATE_FALLBACK', '');
    expect(createGateway().defaultProvider).toBe('imaginepro');
  });

  it('a MJGATE_TIMEOUT_MS that is not a positive number is a configuration error, not a NaN timeout', () => {
    clearVendorEnv();
    vi.stubEnv('IMAGINEPRO_API_KEY', 'ip-key');
    vi.stubEnv('MJGATE_TIMEOUT_MS', '30s');
    expect(() => createGateway()).toThrow(/MJGATE_TIMEOUT_MS must be a number of milliseconds above 0.*"30s"/);
    vi.stubEnv('MJGATE_TIMEOUT_MS', '30000');
    expect(createGateway().defaultProvider).toBe('imaginepro');
    expect(() => createGateway({ providers: { imaginepro: { apiKey: 'k' } }, maxRetries: -1 })).toThrow(
      /maxRetries must be a whole number/,
    );
  });
});

describe('capabilities across real adapters', () => {
  it('an operation no configured vendor has is UnsupportedError naming the vendors that would', async () => {
    const gateway = simGateway(setup.sim, {
      providers: { acedata: { apiKey: API_KEY, baseURL: setup.sim.urls.acedata } },
    });
    const before = setup.sim.countRequests({ vendor: 'acedata' });
    const failure = await gateway
      .faceSwap({ sourceUrl: 'https://x.example/a.png', targetUrl: 'https://x.example/b.png' })
      .catch((error) => error);
    expect(failure).toBeInstanceOf(UnsupportedError);
    expect(failure.message).toMatch(
      /None of the configured providers \(acedata\) supports faceswap\. imaginepro, apiframe, mjproxy would/,
    );
    expect(setup.sim.countRequests({ vendor: 'acedata' })).toBe(before);
  });

  it('a follow-up the owning vendor lacks is UnsupportedError naming who would, before any request', async () => {
    const gateway = simGateway(setup.sim, { default: 'acedata' });
    const before = setup.sim.countRequests({ vendor: 'acedata' });
    const zoom = await gateway.act('acedata:some-task', 'custom-zoom', { zoom: 1.5 }).catch((error) => error);
    expect(zoom).toBeInstanceOf(UnsupportedError);
    expect(zoom.message).toMatch(
      /acedata does not support the action 'custom-zoom'\. imaginepro, apiframe, mjproxy would/,
    );
    const cancel = await gateway.cancel('apiframe:some-task').catch((error) => error);
    expect(cancel.message).toMatch(/apiframe does not support cancelling a job\. imaginepro, mjproxy would/);
    const seed = await gateway.seed('imaginepro:some-task').catch((error) => error);
    expect(seed.message).toMatch(/imaginepro does not support seed lookups\. acedata, apiframe, mjproxy would/);
    expect(setup.sim.countRequests({ vendor: 'acedata' })).toBe(before);
  });

  it('with several vendors, an operation the default lacks goes to one that has it', async () => {
    const gateway = simGateway(setup.sim, { default: 'acedata' });
    const job = await gateway.faceSwap({ sourceUrl: 'https://x.example/a.png', targetUrl: 'https://x.example/b.png' });
    expect(job.provider).not.toBe('acedata');
    expect((await gateway.wait(job)).images).toHaveLength(1);
  });
});

describe('shared retry settings', () => {
  it('backoff given to the gateway reaches each adapter’s retry loop', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    vi.spyOn(Math, 'random').mockReturnValue(0.999_999); // full jitter at its cap: the wait is maxMs
    try {
      let calls = 0;
      const fetch: typeof globalThis.fetch = async () =>
        ++calls === 1
          ? new Response('{}', { status: 503 })
          : Response.json({ task_id: 't-1', task_type: 'imagine', status: 'processing', percentage: '10' });
      const gateway = createGateway({
        providers: { apiframe: { apiKey: 'k', fetch } },
        backoff: { baseMs: 5_000, maxMs: 5_000 },
      });
      let settled = false;
      const job = gateway.get('apiframe:t-1').finally(() => {
        settled = true;
      });
      await vi.advanceTimersByTimeAsync(4_900);
      expect([calls, settled]).toEqual([1, false]);
      await vi.advanceTimersByTimeAsync(200);
      await expect(job).resolves.toMatchObject({ id: 'apiframe:t-1', status: 'running' });
      expect(calls).toBe(2);
    } finally {
      vi.useRealTimers();
      vi.restoreAllMocks();
    }
  });
});
