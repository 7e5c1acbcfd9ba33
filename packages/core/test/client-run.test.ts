import { describe, expect, it } from 'vitest';
import { type Capabilities, emptyJob, InvalidRequestError, type Job, MjGateError } from '../src/index.js';
import { createClient, type ProviderDefinition } from '../src/provider.js';

// `run` on a vendor that follows the job itself (AceData's stream: `runImagine`), and the context a
// callback URL gives back to the job `parseWebhook` returns.

const CAPABILITIES: Capabilities = {
  operations: ['imagine', 'action'],
  actions: ['upscale-1', 'upscale-3'],
  batchGet: false,
  webhooks: true,
  cancel: false,
  account: false,
};

function job(status: Job['status'], fields: Partial<Job> = {}): Job {
  return emptyJob({ provider: 'streamy', providerJobId: 's1', operation: 'imagine', status, ...fields });
}

/** A streaming vendor: `runImagine` yields the states it is given; every call is recorded. */
function streamy(states: Job[], overrides: Partial<ProviderDefinition> = {}) {
  const calls: string[] = [];
  const pendingSeen: string[][] = [];
  const definition: ProviderDefinition = {
    provider: 'streamy',
    capabilities: CAPABILITIES,
    get: async (id) => {
      calls.push(`get:${id}`);
      return job('succeeded', { providerJobId: id });
    },
    imagine: async (input) => {
      calls.push(`imagine:${input.webhookUrl ?? ''}`);
      return job('queued');
    },
    async *runImagine(input) {
      calls.push(`runImagine:${input.prompt}`);
      for (const state of states) {
        // What a worker restarted right now would find to resume.
        pendingSeen.push((await client.pending()).map((pending) => `${pending.id}:${pending.status}`));
        yield state;
      }
    },
    ...overrides,
  };
  const client = createClient(definition);
  return { client, calls, pendingSeen };
}

describe('run on a vendor that follows the job itself', () => {
  it('ends with its last state, lists the job as pending while it runs, and takes it off at the end', async () => {
    const { client, calls, pendingSeen } = streamy([
      job('queued'),
      job('running', { progress: 50 }),
      job('running', { progress: 80 }),
      job('succeeded', { progress: 100 }),
    ]);
    const done = await client.run({ prompt: 'fox' });
    expect(done).toMatchObject({ id: 'streamy:s1', status: 'succeeded' });
    expect(calls).toEqual(['runImagine:fox']);
    // Listed from the first state on, once; off the list after the terminal one.
    expect(pendingSeen).toEqual([[], ['streamy:s1:queued'], ['streamy:s1:queued'], ['streamy:s1:queued']]);
    await expect(client.pending()).resolves.toEqual([]);
  });

  it('a job that finishes at once is never listed', async () => {
    const { client, pendingSeen } = streamy([job('succeeded')]);
    await expect(client.run({ prompt: 'fox' })).resolves.toMatchObject({ status: 'succeeded' });
    expect(pendingSeen).toEqual([[]]);
    await expect(client.pending()).resolves.toEqual([]);
  });

  it('checks input and model before following anything', async () => {
    const { client, calls } = streamy([job('succeeded')]);
    await expect(client.run({ prompt: '  ' })).rejects.toBeInstanceOf(InvalidRequestError);
    await expect(client.run({ prompt: 'p', model: 'dall-e' })).rejects.toThrow(
      "streamy does not support the model 'dall-e'. It offers: midjourney.",
    );
    await expect(client.run({ prompt: 'p', n: 2 })).rejects.toThrow(/`n` does not apply to Midjourney/);
    expect(calls).toEqual([]);
  });

  it('without the imagine operation, run is unsupported even with a stream', async () => {
    const { client, calls } = streamy([job('succeeded')], {
      capabilities: { ...CAPABILITIES, operations: ['action'] },
    });
    await expect(client.run({ prompt: 'p' })).rejects.toThrow('streamy does not support imagine.');
    expect(calls).toEqual([]);
  });

  it('a webhook or an idempotency key goes through imagine and polling instead', async () => {
    // The submission answers finished, so the wait ends without a poll.
    const { client, calls } = streamy([job('succeeded')], {
      imagine: async (input) => {
        calls.push(`imagine:${input.webhookUrl ?? ''}`);
        return job('succeeded');
      },
    });
    await expect(client.run({ prompt: 'p', webhookUrl: 'https://app.example/h' })).resolves.toMatchObject({
      status: 'succeeded',
    });
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatch(/^imagine:https:\/\/app\.example\/h\?/);
    calls.length = 0;
    await client.run({ prompt: 'p' }, { idempotencyKey: 'k-1' });
    expect(calls).toEqual(['imagine:']);
  });

  it('a broken stream passes through the output guard: a typed error naming the submission', async () => {
    const { client } = streamy([], {
      // biome-ignore lint/correctness/useYield: fails before its first state on purpose
      async *runImagine() {
        throw new TypeError('stream cut');
      },
    });
    const error = await client.run({ prompt: 'a fox' }).catch((caught: unknown) => caught);
    expect(MjGateError.isInstance(error)).toBe(true);
    const typed = error as MjGateError;
    expect(typed.message).toMatch(/^streamy's answer could not be read \(.*stream cut.*\)\. The request was sent/);
    expect(typed.mayHaveCreatedJob).toBe(true);
    expect(typed.submission).toMatchObject({ provider: 'streamy', operation: 'imagine', prompt: 'a fox' });
  });

  it('the states it yields are masked like every job', async () => {
    const secret = 'sk-streamy-0123456789';
    const { client } = streamy([job('succeeded', { raw: { echoed: secret } })], { secrets: [secret] });
    const done = await client.run({ prompt: 'p' });
    expect(JSON.stringify(done)).not.toContain(secret);
  });
});

describe('a callback fills what the job lacks from its URL context', () => {
  const url =
    'https://app.example/h?mjgate_op=action&mjgate_action=upscale-3&mjgate_parent=streamy%3Aparent&mjgate_ref=r-1';

  it('fills action, parent and ref when the vendor body has none', async () => {
    const { client } = streamy([], { parseWebhook: async () => job('succeeded', { operation: 'action' }) });
    const filled = await client.parseWebhook({ url, headers: {}, body: '{}' });
    expect(filled).toMatchObject({ action: 'upscale-3', parentId: 'streamy:parent', ref: 'r-1' });
  });

  it('keeps what the vendor said over the context', async () => {
    const { client } = streamy([], {
      parseWebhook: async () =>
        job('succeeded', { operation: 'action', action: 'upscale-1', parentId: 'streamy:own', ref: 'own' }),
    });
    const kept = await client.parseWebhook({ url, headers: {}, body: '{}' });
    expect(kept).toMatchObject({ action: 'upscale-1', parentId: 'streamy:own', ref: 'own' });
  });

  it('an empty ref in the URL is kept; absent context leaves the fields absent', async () => {
    const { client } = streamy([], { parseWebhook: async () => job('succeeded') });
    const empty = await client.parseWebhook({ url: 'https://app.example/h?mjgate_ref=', headers: {}, body: '{}' });
    expect(empty.ref).toBe('');
    const bare = await client.parseWebhook({ url: 'https://app.example/h', headers: {}, body: '{}' });
    expect(Object.keys(bare)).not.toContain('action');
    expect(Object.keys(bare)).not.toContain('parentId');
    expect(Object.keys(bare)).not.toContain('ref');
  });
});
