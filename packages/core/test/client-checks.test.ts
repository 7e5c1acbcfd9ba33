import { describe, expect, it } from 'vitest';
import {
  type Capabilities,
  emptyJob,
  InvalidRequestError,
  type Job,
  NotFoundError,
  UnsupportedError,
} from '../src/index.js';
import { createClient, type ProviderDefinition } from '../src/provider.js';

// What createClient itself checks before any adapter call: ids, models, capabilities, owners.

const CAPABILITIES: Capabilities = {
  operations: ['imagine', 'action'],
  actions: ['upscale-1'],
  batchGet: false,
  webhooks: false,
  cancel: false,
  account: false,
};

function job(id: string, fields: Partial<Job> = {}): Job {
  return emptyJob({ provider: 'tiny', providerJobId: id, operation: 'imagine', status: 'queued', ...fields });
}

/** A definition that records every adapter call it receives. */
function tiny(overrides: Partial<ProviderDefinition> = {}) {
  const calls: string[] = [];
  const definition: ProviderDefinition = {
    provider: 'tiny',
    capabilities: CAPABILITIES,
    get: async (id) => {
      calls.push(`get:${id}`);
      return job(id, { status: 'succeeded' });
    },
    imagine: async () => {
      calls.push('imagine');
      return job('1');
    },
    ...overrides,
  };
  return { client: createClient(definition), calls };
}

async function rejection(promise: Promise<unknown>): Promise<Error & { provider?: string }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { provider?: string };
  }
  throw new Error('expected a rejection');
}

describe('job ids', () => {
  it('refuses an empty id or a job without one, naming the vendor, before any request', async () => {
    const { client, calls } = tiny();
    for (const bad of ['', { id: '' } as Job, { id: 42 } as unknown as Job]) {
      const error = await rejection(client.get(bad));
      expect(error).toBeInstanceOf(InvalidRequestError);
      expect(error.message).toBe('A job or a job id is required.');
      expect(error.provider).toBe('tiny');
    }
    expect(calls).toEqual([]);
  });

  it('a job of another vendor is refused with the vendor named on the error', async () => {
    const { client, calls } = tiny();
    const error = await rejection(client.get('apiframe:9'));
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect(error.provider).toBe('tiny');
    expect(calls).toEqual([]);
  });

  it('a bare vendor id is read as this vendor’s job', async () => {
    const { client, calls } = tiny();
    await expect(client.get('abc')).resolves.toMatchObject({ id: 'tiny:abc' });
    expect(calls).toEqual(['get:abc']);
  });
});

describe('models', () => {
  it('refuses a model the client does not offer, listing those it does', async () => {
    const { client, calls } = tiny({ capabilities: { ...CAPABILITIES, models: ['midjourney', 'flux-1.1-pro'] } });
    const error = await rejection(client.imagine({ prompt: 'p', model: 'dall-e' }));
    expect(error).toBeInstanceOf(UnsupportedError);
    expect(error.message).toBe("tiny does not support the model 'dall-e'. It offers: midjourney, flux-1.1-pro.");
    expect(error.provider).toBe('tiny');
    expect(calls).toEqual([]);
  });

  it('refuses `n` for Midjourney but passes it to a model that takes it', async () => {
    const { client, calls } = tiny({ capabilities: { ...CAPABILITIES, models: ['midjourney', 'flux-1.1-pro'] } });
    const error = await rejection(client.imagine({ prompt: 'p', n: 2 }));
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect(error.message).toMatch(/^Invalid imagine input: `n` does not apply to Midjourney/);
    expect(error.provider).toBe('tiny');
    expect(calls).toEqual([]);
    await expect(client.imagine({ prompt: 'p', model: 'flux-1.1-pro', n: 2 })).resolves.toMatchObject({ id: 'tiny:1' });
    await expect(client.imagine({ prompt: 'p' })).resolves.toMatchObject({ id: 'tiny:1' });
    expect(calls).toEqual(['imagine', 'imagine']);
  });
});

describe('capabilities', () => {
  it('an operation needs both the method and the capability', async () => {
    // The method without the capability…
    const unlisted = tiny({ describe: async () => job('d') });
    const error = await rejection(unlisted.client.describe({ imageUrl: 'https://a.example/b.png' }));
    expect(error).toBeInstanceOf(UnsupportedError);
    expect(error.message).toBe('tiny does not support describe.');
    expect(error.provider).toBe('tiny');
    // …and the capability without the method.
    const missing = tiny({ capabilities: { ...CAPABILITIES, operations: ['imagine', 'action', 'describe'] } });
    await expect(missing.client.describe({ imageUrl: 'https://a.example/b.png' })).rejects.toThrow(
      'tiny does not support describe.',
    );
  });

  it('cancel, account and webhooks need both the capability and the method', async () => {
    const { client } = tiny({ capabilities: { ...CAPABILITIES, cancel: true, account: true, webhooks: true } });
    await expect(client.cancel('tiny:1')).rejects.toThrow('tiny does not support cancelling a job.');
    await expect(client.account()).rejects.toThrow('tiny does not support account information.');
    await expect(client.parseWebhook({ url: 'https://a.example/h', headers: {}, body: '{}' })).rejects.toThrow(
      'tiny does not support webhooks.',
    );
    const off = tiny({ parseWebhook: async () => job('1') });
    const error = await rejection(off.client.parseWebhook({ url: 'https://a.example/h', headers: {}, body: '{}' }));
    expect(error).toBeInstanceOf(UnsupportedError);
    expect(error.message).toBe('tiny does not support webhooks.');
  });
});

describe('getMany', () => {
  it('an id the vendor does not know fails with NotFoundError naming the vendor', async () => {
    // Vendors leave unknown ids out of a batch answer.
    const { client } = tiny({
      batch: { max: 10 },
      getMany: async (ids) => ids.filter((id) => id !== 'gone').map((id) => job(id)),
    });
    await expect(client.getMany(['tiny:a', 'b'])).resolves.toMatchObject([{ id: 'tiny:a' }, { id: 'tiny:b' }]);
    const error = await rejection(client.getMany(['tiny:a', 'tiny:gone']));
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error.message).toBe('tiny does not know job gone.');
    expect(error.provider).toBe('tiny');
  });
});

describe('findSubmission', () => {
  it('refuses a submission sent to another vendor, before asking the vendor', async () => {
    const asked: unknown[] = [];
    const { client } = tiny({
      findSubmission: async (submission) => {
        asked.push(submission);
        return undefined;
      },
    });
    const error = await rejection(
      client.findSubmission({ provider: 'apiframe', operation: 'imagine', prompt: 'p', sentAt: 0 } as never),
    );
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect(error.message).toBe(
      'This submission was sent to apiframe, not tiny: look it up with that client, or the gateway.',
    );
    expect(error.provider).toBe('tiny');
    await expect(client.findSubmission(undefined as never)).rejects.toThrow(/sent to undefined, not tiny/);
    expect(asked).toEqual([]);
    const mine = { provider: 'tiny', operation: 'imagine', prompt: 'p', sentAt: 0 } as never;
    await expect(client.findSubmission(mine)).resolves.toBeUndefined();
    expect(asked).toEqual([mine]);
  });

  it('without a listing the error says to use webhooks', async () => {
    const { client } = tiny();
    const error = await rejection(client.findSubmission({ provider: 'tiny' } as never));
    expect(error).toBeInstanceOf(UnsupportedError);
    expect(error.provider).toBe('tiny');
  });
});
