import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ContentPolicyError, InvalidRequestError, MjGateError, ProviderError, TimeoutError } from '@mjgate/core';
import { loadTransport } from '@mjgate/core/provider';
import { createMockProvider, type MockProvider } from '@mjgate/core/testing';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createGateway, type GatewayConfig } from '../src/index.js';

// Which vendor the gateway picks after failures and successes: a success clears a vendor's count of
// consecutive failures (and a cool-down), only re-routable failures count, a vendor in cool-down is
// the last resort rather than gone, and a count starts from zero after a cool-down ends.

const submits = (mock: MockProvider) => mock.calls.filter((call) => call.method === 'imagine').length;

/** imaginepro by default, apiframe as its fallback: two failures in a row cool a vendor down for 60 s. */
function gateway(extra: Partial<GatewayConfig> = {}) {
  const imaginepro = createMockProvider({ provider: 'imaginepro', steps: 2 });
  const apiframe = createMockProvider({ provider: 'apiframe', steps: 2 });
  const mj = createGateway({
    providers: { imaginepro, apiframe },
    default: 'imaginepro',
    fallback: ['apiframe'],
    cooldownAfter: 2,
    cooldownMs: 60_000,
    ...extra,
  });
  return { mj, imaginepro, apiframe };
}

const down = () => new ProviderError('imaginepro failed (503)', { provider: 'imaginepro', status: 503 });

afterEach(() => vi.useRealTimers());

describe('a success resets the failure count', () => {
  it('fail, succeed, fail: the vendor is still asked first (two failures, but not in a row)', async () => {
    const { mj, imaginepro } = gateway();
    imaginepro.failNext('imagine', down());
    expect((await mj.imagine({ prompt: '1' })).provider).toBe('apiframe');
    expect((await mj.imagine({ prompt: '2' })).provider).toBe('imaginepro');
    imaginepro.failNext('imagine', down());
    expect((await mj.imagine({ prompt: '3' })).provider).toBe('apiframe');
    expect((await mj.imagine({ prompt: '4' })).provider).toBe('imaginepro');
    expect(submits(imaginepro)).toBe(4);
  });

  it('the same across two gateway instances sharing a store: a success at one clears the count both see', async () => {
    const { createMemoryStore } = await import('../src/index.js');
    const store = createMemoryStore();
    const a = gateway({ store });
    const b = gateway({ store });
    a.imaginepro.failNext('imagine', down());
    expect((await a.mj.imagine({ prompt: '1' })).provider).toBe('apiframe');
    expect((await b.mj.imagine({ prompt: '2' })).provider).toBe('imaginepro');
    b.imaginepro.failNext('imagine', down());
    expect((await b.mj.imagine({ prompt: '3' })).provider).toBe('apiframe');
    // One failure at A, a success at B, one failure at B: no two in a row, so no cool-down anywhere.
    expect((await b.mj.imagine({ prompt: '4' })).provider).toBe('imaginepro');
    expect((await a.mj.imagine({ prompt: '5' })).provider).toBe('imaginepro');
  });

  it('a vendor in cool-down that serves a submission (the others failing) is out of cool-down', async () => {
    const { mj, imaginepro, apiframe } = gateway();
    imaginepro.failNext('imagine', down(), down());
    await mj.imagine({ prompt: '1' });
    await mj.imagine({ prompt: '2' });
    // imaginepro cools down; apiframe fails, so imaginepro, tried last, serves.
    apiframe.failNext('imagine', new ProviderError('apiframe failed (503)', { provider: 'apiframe', status: 503 }));
    expect((await mj.imagine({ prompt: '3' })).provider).toBe('imaginepro');
    expect((await mj.imagine({ prompt: '4' })).provider).toBe('imaginepro');
    expect(submits(imaginepro)).toBe(4);
  });
});

describe('cool-down', () => {
  it('a vendor in cool-down is the last resort, not dropped: when the fallback fails, it is asked', async () => {
    const { mj, imaginepro, apiframe } = gateway();
    imaginepro.failNext('imagine', down(), down());
    await mj.imagine({ prompt: '1' });
    await mj.imagine({ prompt: '2' });
    apiframe.failNext('imagine', new ProviderError('apiframe failed (503)', { provider: 'apiframe', status: 503 }));
    const job = await mj.imagine({ prompt: '3' });
    expect(job.provider).toBe('imaginepro');
    expect(submits(apiframe)).toBe(3);
  });

  it('refusals that are not re-routed (content policy, invalid request) never cool a vendor down', async () => {
    const { mj, imaginepro, apiframe } = gateway();
    imaginepro.failNext(
      'imagine',
      new ContentPolicyError('banned prompt', { provider: 'imaginepro' }),
      new InvalidRequestError('bad --ar', { provider: 'imaginepro' }),
    );
    await expect(mj.imagine({ prompt: 'gore' })).rejects.toBeInstanceOf(ContentPolicyError);
    await expect(mj.imagine({ prompt: 'x --ar wide' })).rejects.toBeInstanceOf(InvalidRequestError);
    expect((await mj.imagine({ prompt: 'a red fox' })).provider).toBe('imaginepro');
    expect(submits(apiframe)).toBe(0);
  });

  it('after a cool-down ends, the count starts from zero: one more failure does not cool it down again', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const { mj, imaginepro } = gateway();
    imaginepro.failNext('imagine', down(), down());
    await mj.imagine({ prompt: '1' });
    await mj.imagine({ prompt: '2' });
    expect((await mj.imagine({ prompt: '3' })).provider).toBe('apiframe');
    expect(submits(imaginepro)).toBe(2);
    vi.setSystemTime(Date.now() + 60_001);
    imaginepro.failNext('imagine', down());
    expect((await mj.imagine({ prompt: '4' })).provider).toBe('apiframe');
    expect((await mj.imagine({ prompt: '5' })).provider).toBe('imaginepro');
    expect(submits(imaginepro)).toBe(4);
  });
});

describe('network failures and limits at the gateway', () => {
  beforeAll(async () => {
    await loadTransport();
  });

  it('a vendor whose port refuses the connection: nothing was submitted, so the fallback serves it', async () => {
    // A port that was just free on this machine: a connection to it is refused (ECONNREFUSED).
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    const apiframe = createMockProvider({ provider: 'apiframe', steps: 2 });
    const onFallback = vi.fn();
    const mj = createGateway({
      providers: {
        imaginepro: {
          apiKey: 'ip-test-key-0123456789',
          baseURL: `http://127.0.0.1:${port}`,
          pace: { submit: 0, read: 0 },
        },
        apiframe,
      },
      default: 'imaginepro',
      fallback: ['apiframe'],
      maxRetries: 0,
      onFallback,
    });
    const job = await mj.imagine({ prompt: 'a red fox' });
    expect(job.provider).toBe('apiframe');
    const { error } = onFallback.mock.calls[0]![0] as { error: MjGateError };
    expect(MjGateError.isInstance(error) && error.code).toBe('provider_unavailable');
    expect(error.mayHaveCreatedJob).toBe(false);
    expect(error.message).toMatch(/^Could not connect to imaginepro at .* \(ECONNREFUSED\)\..*nothing was submitted/);
  });

  it("a vendor's own timeoutMs wins over the gateway's shared one", async () => {
    // Every request stalls until its signal aborts.
    const stalled: typeof fetch = (input, init) => {
      const signal = init?.signal ?? (input as Request).signal;
      return new Promise((_, reject) => signal?.addEventListener('abort', () => reject(signal.reason)));
    };
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const mj = createGateway({
      providers: {
        imaginepro: { apiKey: 'ip-test-key-0123456789', timeoutMs: 100, pace: { submit: 0, read: 0 } },
        apiframe: { apiKey: 'af-test-key-0123456789' },
      },
      timeoutMs: 60_000,
      maxRetries: 0,
      fetch: stalled,
    });
    let failure: unknown;
    const outcome = mj.get('imaginepro:job-1').catch((error: unknown) => {
      failure = error;
    });
    let other: unknown;
    const apiframe = mj.get('apiframe:job-2').catch((error: unknown) => {
      other = error;
    });
    await vi.advanceTimersByTimeAsync(100);
    expect(failure).toBeInstanceOf(TimeoutError);
    expect((failure as Error).message).toMatch(/within 100 ms/);
    // apiframe has no limit of its own: the gateway's 60 s applies.
    await vi.advanceTimersByTimeAsync(59_800);
    expect(other).toBeUndefined();
    await vi.advanceTimersByTimeAsync(100);
    await Promise.all([outcome, apiframe]);
    expect(other).toBeInstanceOf(TimeoutError);
    expect((other as Error).message).toMatch(/within 60000 ms/);
  });
});
