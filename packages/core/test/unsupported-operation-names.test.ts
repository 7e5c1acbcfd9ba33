import { describe, expect, it } from 'vitest';
import { emptyJob, type MidjourneyClient, UnsupportedError } from '../src/index.js';
import { createClient, type ProviderDefinition } from '../src/provider.js';

// The words an UnsupportedError uses for each operation a vendor may not offer: a caller reads
// "bare does not support face swap.", never an internal operation id or an empty name.

/** A vendor that offers no operation at all: every submission is refused before any call. */
function bare(): { client: MidjourneyClient; calls: string[] } {
  const calls: string[] = [];
  const record = (name: string) => async () => {
    calls.push(name);
    return emptyJob({ provider: 'bare', providerJobId: '1', operation: 'imagine', status: 'queued' });
  };
  const definition: ProviderDefinition = {
    provider: 'bare',
    capabilities: { operations: [], actions: [], batchGet: false, webhooks: false, cancel: false, account: false },
    get: record('get'),
    // The methods exist, so only the missing capability refuses them.
    imagine: record('imagine'),
    act: record('act'),
    describe: record('describe'),
    blend: record('blend'),
    faceSwap: record('faceSwap'),
    video: record('video'),
    shorten: record('shorten'),
    seed: async () => {
      calls.push('seed');
      return { seed: '1' } as never;
    },
  };
  return { client: createClient(definition), calls };
}

const CASES: Array<{ call: (client: MidjourneyClient) => Promise<unknown>; message: string }> = [
  { call: (client) => client.imagine({ prompt: 'a cat' }), message: 'bare does not support imagine.' },
  { call: (client) => client.act('bare:1', 'upscale-1'), message: 'bare does not support follow-up actions.' },
  {
    call: (client) => client.describe({ imageUrl: 'https://a.example/1.png' }),
    message: 'bare does not support describe.',
  },
  {
    call: (client) => client.blend({ imageUrls: ['https://a.example/1.png', 'https://a.example/2.png'] }),
    message: 'bare does not support blend.',
  },
  {
    call: (client) =>
      client.faceSwap({ sourceUrl: 'https://a.example/face.png', targetUrl: 'https://a.example/body.png' }),
    message: 'bare does not support face swap.',
  },
  {
    call: (client) => client.video({ imageUrl: 'https://a.example/frame.png' }),
    message: 'bare does not support video.',
  },
  { call: (client) => client.shorten({ prompt: 'a long prompt' }), message: 'bare does not support shorten.' },
  { call: (client) => client.seed('bare:1'), message: 'bare does not support seed lookups.' },
];

describe('an operation the vendor does not offer', () => {
  it.each(CASES)('says "$message"', async ({ call, message }) => {
    const { client, calls } = bare();
    const error = (await call(client).catch((caught: unknown) => caught)) as UnsupportedError;
    expect(error).toBeInstanceOf(UnsupportedError);
    expect(error.message).toBe(message);
    expect(error.provider).toBe('bare');
    expect(error.retryable).toBe(false);
    expect(calls).toEqual([]);
  });
});
