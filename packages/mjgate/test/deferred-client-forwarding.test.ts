import { type MidjourneyClient, MjGateError, type ProviderOptions } from '@mjgate/core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BUILTIN_VENDORS, createGateway } from '../src/index.js';

/**
 * `mj.client(name)` of a built-in vendor is the deferred client: every `MidjourneyClient` method must
 * reach the adapter's client with the caller's arguments and hand back its answer — a method that
 * dropped its call would resolve `undefined` where the adapter gave a job.
 */

type Call = { method: string; args: unknown[] };

/** An adapter's client that records each call and answers with the method's name. */
function recordingClient(calls: Call[]): MidjourneyClient {
  return new Proxy({} as MidjourneyClient, {
    get(_, method) {
      if (method === 'provider') return 'imaginepro';
      if (method === 'then') return undefined;
      if (method === 'watch') {
        return (...args: unknown[]) => {
          calls.push({ method, args });
          return (async function* () {
            yield { watched: args[0] };
          })();
        };
      }
      return async (...args: unknown[]) => {
        calls.push({ method: String(method), args });
        return { answeredBy: method };
      };
    },
  });
}

beforeEach(() => vi.stubEnv('IMAGINEPRO_API_KEY', ''));
afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

describe("a built-in vendor's client, before and after its adapter loads", () => {
  const job = 'imaginepro:job-1';
  const options = { timeoutMs: 1_234 };
  // Each method, the arguments it is called with.
  const CALLS: Record<string, unknown[]> = {
    imagine: [{ prompt: 'a fox' }, options],
    act: [job, 'vary-strong', { prompt: 'a hat' }, options],
    describe: [{ image: 'https://example.com/a.png' }, options],
    blend: [{ images: ['https://example.com/a.png', 'https://example.com/b.png'] }, options],
    faceSwap: [{ source: 'https://example.com/a.png', target: 'https://example.com/b.png' }, options],
    video: [{ prompt: 'a fox', image: 'https://example.com/a.png' }, options],
    shorten: [{ prompt: 'a very long prompt' }, options],
    seed: [job, options],
    get: [job, options],
    getMany: [[job, 'imaginepro:job-2'], options],
    cancel: [job, options],
    account: [options],
    findSubmission: [{ operation: 'imagine', prompt: 'a fox' }, options],
    pending: [],
    wait: [job, options],
    run: [{ prompt: 'a fox' }, options],
    upscale: [job, 2, options],
    variation: [job, 3, options],
    reroll: [job, options],
    parseWebhook: [{ url: 'https://app.example/hook', headers: {}, body: '{}' }],
  };

  it.each(Object.keys(CALLS))(
    '%s reaches the adapter’s client with the same arguments and returns its answer',
    async (method) => {
      const calls: Call[] = [];
      const factory = vi.fn((_: ProviderOptions) => recordingClient(calls));
      vi.spyOn(BUILTIN_VENDORS.imaginepro, 'load').mockResolvedValue(factory as never);
      const client = createGateway({ providers: { imaginepro: { apiKey: 'key-I' } } }).client('imaginepro');
      const args = CALLS[method]!;
      const answer = await (client as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[method]!(
        ...args,
      );
      expect(answer).toEqual({ answeredBy: method });
      expect(calls).toEqual([{ method, args }]);
      expect(factory).toHaveBeenCalledTimes(1);
    },
  );

  it('watch hands back its iterable at once and yields what the adapter’s watch yields', async () => {
    const calls: Call[] = [];
    vi.spyOn(BUILTIN_VENDORS.imaginepro, 'load').mockResolvedValue((() => recordingClient(calls)) as never);
    const client = createGateway({ providers: { imaginepro: { apiKey: 'key-I' } } }).client('imaginepro');
    const seen: unknown[] = [];
    for await (const update of client.watch(job, options)) seen.push(update);
    expect(seen).toEqual([{ watched: job }]);
    expect(calls).toEqual([{ method: 'watch', args: [job, options] }]);
  });
});

describe('a configuration mistake the gateway catches before loading the adapter', () => {
  it('mjproxy without a base URL: the error names the vendor, for the gateway’s configuration', () => {
    vi.stubEnv('MJPROXY_BASE_URL', '');
    const error = (() => {
      try {
        createGateway({ providers: { mjproxy: { apiKey: 'key-P' } } });
      } catch (caught) {
        return caught;
      }
    })();
    expect(MjGateError.isInstance(error) && error.provider).toBe('mjproxy');
  });
});
