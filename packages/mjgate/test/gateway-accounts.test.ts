import { createMemoryStore, InvalidRequestError, type MjGateError, ProviderError } from '@mjgate/core';
import { createMockProvider } from '@mjgate/core/testing';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createGateway, type GatewayConfig } from '../src/index.js';

// Health is kept per vendor account (its API key), so two
// gateways sharing a store share a cool-down exactly when they use the same account. Vendors answer
// through an injected fetch: every call fails with 503, and the order of the hosts asked shows which
// vendor the gateway considered healthy.

const ENV = ['IMAGINEPRO_API_KEY', 'APIFRAME_API_KEY', 'ACEDATA_API_KEY', 'MJPROXY_API_KEY'];
/** No vendor pacing: the test's two gateways share one account's pace otherwise. */
const pace = { submit: 0, read: 0 };

beforeEach(() => {
  for (const name of ENV) vi.stubEnv(name, '');
});
afterEach(() => vi.unstubAllEnvs());

function vendors() {
  const hosts: string[] = [];
  const fetch = (async (input: RequestInfo | URL) => {
    const url = input instanceof Request ? input.url : String(input);
    hosts.push(new URL(url).host);
    return new Response('{"error":"unavailable"}', { status: 503, headers: { 'content-type': 'application/json' } });
  }) as typeof globalThis.fetch;
  return { hosts, fetch };
}

const store = createMemoryStore;

/** Gateway A (first vendor only) fails once and cools its account down; which host does B ask first? */
async function firstAskedByB(
  a: GatewayConfig['providers'],
  b: GatewayConfig['providers'],
  first: string,
): Promise<string> {
  const shared = store();
  const net = vendors();
  const common = { store: shared, fetch: net.fetch, maxRetries: 0, cooldownAfter: 1, cooldownMs: 60_000 };
  await expect(createGateway({ providers: a, ...common }).imagine({ prompt: 'fox' })).rejects.toThrow();
  net.hosts.length = 0;
  const gatewayB = createGateway({ providers: b, default: first, fallback: ['apiframe'], ...common });
  await expect(gatewayB.imagine({ prompt: 'fox' })).rejects.toThrow();
  return net.hosts[0]!;
}

const apiframe = { apiKey: 'key-frame' };

describe('health is per account', () => {
  it('another API key for the same vendor is another account: its health is its own', async () => {
    const host = await firstAskedByB(
      { imaginepro: { apiKey: 'key-A', pace } },
      { imaginepro: { apiKey: 'key-B', pace }, apiframe },
      'imaginepro',
    );
    expect(host).toBe('api.imaginepro.ai');
  });

  it('the same key (given padded, or from the environment) is the same account: its cool-down is shared', async () => {
    const padded = await firstAskedByB(
      { imaginepro: { apiKey: '  key-A  ', pace } },
      { imaginepro: { apiKey: 'key-A', pace }, apiframe },
      'imaginepro',
    );
    expect(padded).toBe('api.apiframe.pro');
    vi.stubEnv('IMAGINEPRO_API_KEY', 'key-E');
    const fromEnv = await firstAskedByB(
      { imaginepro: { pace } },
      { imaginepro: { apiKey: 'key-E', pace }, apiframe },
      'imaginepro',
    );
    expect(fromEnv).toBe('api.apiframe.pro');
  });

  it('ready clients share health by name, whatever key the environment holds', async () => {
    const shared = store();
    const imaginepro = createMockProvider({ provider: 'imaginepro' });
    const other = createMockProvider({ provider: 'apiframe' });
    imaginepro.failNext(
      'imagine',
      new ProviderError('imaginepro failed (503)', { provider: 'imaginepro', status: 503 }),
    );
    vi.stubEnv('IMAGINEPRO_API_KEY', 'key-1');
    const common = {
      store: shared,
      cooldownAfter: 1,
      cooldownMs: 60_000,
      default: 'imaginepro',
      fallback: ['apiframe'],
    };
    expect(
      (await createGateway({ providers: { imaginepro, apiframe: other }, ...common }).imagine({ prompt: 'a' }))
        .provider,
    ).toBe('apiframe');
    vi.stubEnv('IMAGINEPRO_API_KEY', 'key-2');
    const b = createGateway({ providers: { imaginepro, apiframe: other }, ...common });
    expect((await b.imagine({ prompt: 'b' })).provider).toBe('apiframe');
  });

  it('a ready client of your own vendor takes part in routing and health', async () => {
    const custom = createMockProvider({ provider: 'custom' });
    const mj = createGateway({ providers: { custom } });
    expect((await mj.imagine({ prompt: 'fox' })).provider).toBe('custom');
  });
});

describe('a built-in vendor that cannot be built', () => {
  it('another configuration mistake than the key surfaces as the adapter said it', () => {
    const attempt = () => createGateway({ providers: { mjproxy: { apiKey: 'key-P' } } });
    expect(attempt).toThrow(InvalidRequestError);
    expect(attempt).toThrow(/^No mjproxy base URL: the midjourney-proxy protocol has no default host\./);
  });

  it('a null entry (a JavaScript config) takes its key, and so its account, from the environment', async () => {
    vi.stubEnv('APIFRAME_API_KEY', 'key-env');
    const shared = store();
    const net = vendors();
    const common = { store: shared, fetch: net.fetch, maxRetries: 0, cooldownAfter: 1, cooldownMs: 60_000 };
    // biome-ignore lint/suspicious/noExplicitAny: null is what a JavaScript config may hold
    const a = createGateway({ providers: { apiframe: null as any }, ...common });
    await expect(a.imagine({ prompt: 'fox' })).rejects.toMatchObject({ provider: 'apiframe', status: 503 });
    expect(net.hosts).toEqual(['api.apiframe.pro']);
    net.hosts.length = 0;
    const b = createGateway({
      providers: { apiframe: { apiKey: 'key-env' }, imaginepro: { apiKey: 'key-I', pace } },
      default: 'apiframe',
      fallback: ['imaginepro'],
      ...common,
    });
    await expect(b.imagine({ prompt: 'fox' })).rejects.toThrow();
    // The account A cooled down is B's: B asks its fallback first.
    expect(net.hosts[0]).toBe('api.imaginepro.ai');
  });

  it('says which option or variable to set', () => {
    const attempt = () => createGateway({ providers: { imaginepro: {} } });
    expect(attempt).toThrow(InvalidRequestError);
    expect(attempt).toThrow(
      'Provider "imaginepro" has no API key: pass providers.imaginepro.apiKey or set IMAGINEPRO_API_KEY.',
    );
    try {
      attempt();
    } catch (error) {
      expect((error as MjGateError).provider).toBe('imaginepro');
      expect(((error as MjGateError).cause as MjGateError).code).toBe('authentication');
    }
  });
});
