import { InvalidRequestError, type MidjourneyClient, type ProviderOptions } from '@mjgate/core';
import { createMockProvider } from '@mjgate/core/testing';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BUILTIN_PROVIDERS, BUILTIN_VENDORS, type BuiltinProvider, createGateway } from '../src/index.js';

/**
 * The gateway imports a vendor's adapter only when it is configured with it (issue 13: an adapter
 * costs ~20 ms of start-up, and an app uses one or two). Each registry row's `load` is watched here;
 * what a built app really loads is checked by lazy-adapters-built.test.ts.
 */

type Factory = (options: ProviderOptions) => MidjourneyClient;

/** A promise and the functions that settle it, to hold an adapter's import open. */
function pending<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((yes, no) => {
    resolve = yes;
    reject = no;
  });
  return { promise, resolve, reject };
}

/** Lets every settled promise run its callbacks (the gateway's awaits are a few ticks deep). */
const settle = () => new Promise((resolve) => setImmediate(resolve));

/** Answers every request with a 503: enough to see a call reach the vendor's adapter. */
const unavailable = async () => new Response('{}', { status: 503 });

const loads = () =>
  Object.fromEntries(BUILTIN_PROVIDERS.map((name) => [name, vi.spyOn(BUILTIN_VENDORS[name], 'load')]));

beforeEach(() => {
  for (const name of BUILTIN_PROVIDERS) vi.stubEnv(BUILTIN_VENDORS[name].env.apiKey, '');
});
afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

describe('a gateway loads only the adapters it is configured with', () => {
  it('one vendor configured: its adapter is imported once, at createGateway; the others never, whatever is called', async () => {
    const spies = loads();
    const mj = createGateway({ providers: { imaginepro: { apiKey: 'key-I' } }, fetch: unavailable, maxRetries: 0 });
    expect(spies.imaginepro).toHaveBeenCalledTimes(1);
    await expect(mj.imagine({ prompt: 'a fox' })).rejects.toMatchObject({ provider: 'imaginepro', status: 503 });
    await expect(mj.get('acedata:task-1')).rejects.toThrow(/not configured/);
    expect(mj.capabilities.operations).toContain('faceswap');
    await mj.pending();
    expect(spies.imaginepro).toHaveBeenCalledTimes(1);
    for (const name of ['acedata', 'apiframe', 'mjproxy'] as const) expect(spies[name]).not.toHaveBeenCalled();
  });

  it('a fallback vendor is imported with the default one; an unconfigured one is not', async () => {
    const spies = loads();
    createGateway({
      providers: { apiframe: { apiKey: 'key-F' }, acedata: { apiKey: 'key-A' } },
      default: 'apiframe',
      fallback: ['acedata'],
    });
    expect(spies.apiframe).toHaveBeenCalledTimes(1);
    expect(spies.acedata).toHaveBeenCalledTimes(1);
    expect(spies.imaginepro).not.toHaveBeenCalled();
    expect(spies.mjproxy).not.toHaveBeenCalled();
  });

  it('a ready client of a vendor takes the place of its adapter, which is then not imported', async () => {
    const spies = loads();
    const imaginepro = createMockProvider({ provider: 'imaginepro' });
    const mj = createGateway({ providers: { imaginepro } });
    expect(mj.client('imaginepro')).toBe(imaginepro);
    for (const name of BUILTIN_PROVIDERS) expect(spies[name]).not.toHaveBeenCalled();
  });
});

describe('before the adapter has loaded', () => {
  /** A gateway over ImaginePro and APIFRAME whose ImaginePro import waits for `load.resolve`. */
  function held() {
    const load = pending<Factory>();
    vi.spyOn(BUILTIN_VENDORS.imaginepro, 'load').mockReturnValue(load.promise as never);
    const factory = vi.fn<Factory>(() => createMockProvider({ provider: 'imaginepro', steps: 1 }));
    const mj = createGateway({
      providers: { imaginepro: { apiKey: 'key-I', timeoutMs: 1234 }, apiframe: { apiKey: 'key-F' } },
      default: 'imaginepro',
    });
    return { mj, load, factory };
  }

  it('provider and capabilities are known without the adapter: routing and the gateway’s capabilities need no import', () => {
    const { mj } = held();
    const client = mj.client('imaginepro');
    expect(client.provider).toBe('imaginepro');
    expect(client.capabilities).toBe(BUILTIN_VENDORS.imaginepro.capabilities);
    expect(mj.capabilities.models).toEqual(expect.arrayContaining(['midjourney', 'flux-1.1-pro']));
    expect(mj.providers).toEqual(['imaginepro', 'apiframe']);
  });

  it('a first call waits for the import, then the client is built once, with the options a built client always had', async () => {
    const { mj, load, factory } = held();
    let settled = false;
    const first = mj.imagine({ prompt: 'a fox' }).finally(() => {
      settled = true;
    });
    const watched = mj.client('imaginepro').watch('imaginepro:job-1');
    await settle();
    expect(settled).toBe(false);
    expect(factory).not.toHaveBeenCalled();
    load.resolve(factory);
    const job = await first;
    expect(job.provider).toBe('imaginepro');
    await mj.get(job);
    expect(factory).toHaveBeenCalledTimes(1);
    expect(factory.mock.calls[0]![0]).toMatchObject({ apiKey: 'key-I', timeoutMs: 1234 });
    expect(factory.mock.calls[0]![0].store).toBeDefined();
    // watch() handed back its iterable before the import; it reads the client once the adapter is there.
    expect(job.id).toBe('imaginepro:job-1');
    await expect(watched[Symbol.asyncIterator]().next()).resolves.toMatchObject({ value: { id: job.id } });
  });

  it('a failed import rejects each call with an error naming the package, and is no unhandled rejection', async () => {
    const unhandled = vi.fn();
    process.on('unhandledRejection', unhandled);
    try {
      const { mj, load } = held();
      load.reject(new Error("Cannot find package '@mjgate/imaginepro'"));
      await settle();
      await settle();
      expect(unhandled).not.toHaveBeenCalled();
      const attempt = mj.client('imaginepro').get('imaginepro:job-1');
      await expect(attempt).rejects.toThrow(InvalidRequestError);
      await expect(attempt).rejects.toThrow(
        "mjgate could not load @mjgate/imaginepro, the imaginepro adapter (Cannot find package '@mjgate/imaginepro'). Install @mjgate/imaginepro at the same version as mjgate.",
      );
      await expect(mj.imagine({ prompt: 'a fox' })).rejects.toMatchObject({ provider: 'imaginepro' });
      await expect(mj.client('apiframe').pending()).resolves.toEqual([]);
    } finally {
      process.off('unhandledRejection', unhandled);
    }
  });
});

describe('configuration mistakes', () => {
  it('a missing API key still throws at createGateway, naming the option and the variable, before any import', () => {
    const spies = loads();
    const attempt = () => createGateway({ providers: { acedata: {} } });
    expect(attempt).toThrow(InvalidRequestError);
    expect(attempt).toThrow('Provider "acedata" has no API key: pass providers.acedata.apiKey or set ACEDATA_API_KEY.');
    expect(spies.acedata).not.toHaveBeenCalled();
  });

  it('the key is read as the adapter reads it: blank is none, the environment variable counts', () => {
    expect(() => createGateway({ providers: { apiframe: { apiKey: '  ' } } })).toThrow(/APIFRAME_API_KEY/);
    vi.stubEnv('APIFRAME_API_KEY', 'key-from-env');
    expect(createGateway({ providers: { apiframe: { apiKey: '  ' } } }).providers).toEqual(['apiframe']);
  });

  it('baseURL and baseUrl at odds still throw at createGateway', () => {
    expect(() =>
      createGateway({
        providers: { imaginepro: { apiKey: 'k', baseURL: 'http://a.example', baseUrl: 'http://b.example' } },
      }),
    ).toThrow(/Both baseURL and baseUrl/);
  });

  it('an option only the adapter checks rejects the first call to that vendor with the adapter’s own error', async () => {
    const mj = createGateway({
      // biome-ignore lint/suspicious/noExplicitAny: a JavaScript config may hold any value
      providers: { mjproxy: { apiKey: 'key-P', baseURL: 'http://127.0.0.1:9', authScheme: 'cookie' as any } },
    });
    await expect(mj.imagine({ prompt: 'a fox' })).rejects.toThrow(InvalidRequestError);
    await expect(mj.imagine({ prompt: 'a fox' })).rejects.toThrow(
      'authScheme must be one of mj-api-secret, bearer, raw.',
    );
  });
});

// Every row is checked, so a vendor added to the registry is covered without a change here.
describe.each(BUILTIN_PROVIDERS)('the %s row', (name: BuiltinProvider) => {
  it('loads the adapter’s factory, which builds a client of that vendor', async () => {
    vi.stubEnv(BUILTIN_VENDORS[name].env.baseURL, 'http://127.0.0.1:9');
    const create = (await BUILTIN_VENDORS[name].load()) as Factory;
    expect(create({ apiKey: 'key' }).provider).toBe(name);
  });
});
