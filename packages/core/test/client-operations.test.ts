import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  type CallOptions,
  createMemoryStore,
  emptyJob,
  InvalidRequestError,
  type Job,
  type MidjourneyClient,
  MjGateError,
  ResponseValidationError,
} from '../src/index.js';
import { createClient, type ProviderDefinition, publishJob, storeScope } from '../src/provider.js';
import { WIDE_CAPABILITIES } from './client-support.js';

// Every submission kind createClient wraps: its input check, the callback URL context, the job it
// hands back, and the submission an error with an unknown outcome names.

const CAPABILITIES = WIDE_CAPABILITIES;

type Operation = 'describe' | 'blend' | 'faceswap' | 'video' | 'shorten';

/** An adapter whose every submission records what it received, and fails once when told to. */
function wide(overrides: Partial<ProviderDefinition> = {}) {
  const received: Array<{ operation: string; webhookUrl?: string }> = [];
  let failNext = false;
  const submit = (operation: Operation) => async (input: { webhookUrl?: string }) => {
    received.push({ operation, webhookUrl: input.webhookUrl });
    if (failNext) {
      failNext = false;
      throw new TypeError('answer cut');
    }
    return emptyJob({ provider: 'wide', providerJobId: `${operation}-1`, operation, status: 'queued' });
  };
  const definition: ProviderDefinition = {
    provider: 'wide',
    capabilities: CAPABILITIES,
    webhookSecret: 'whsec_wide_0123456789',
    get: async (id) =>
      emptyJob({ provider: 'wide', providerJobId: id, operation: 'imagine', status: 'succeeded', prompt: 'a cat' }),
    describe: submit('describe'),
    blend: submit('blend'),
    faceSwap: submit('faceswap'),
    video: submit('video'),
    shorten: submit('shorten'),
    ...overrides,
  };
  return {
    client: createClient(definition),
    received,
    failOnce: () => {
      failNext = true;
    },
  };
}

const CASES: Array<{
  operation: Operation;
  label: string;
  call: (client: MidjourneyClient, extra: { webhookUrl?: string }) => Promise<Job>;
  invalid: (client: MidjourneyClient) => Promise<Job>;
}> = [
  {
    operation: 'describe',
    label: 'describe',
    call: (client, extra) => client.describe({ imageUrl: 'https://a.example/1.png', ...extra }),
    invalid: (client) => client.describe({ imageUrl: 'nope' }),
  },
  {
    operation: 'blend',
    label: 'blend',
    call: (client, extra) =>
      client.blend({ imageUrls: ['https://a.example/1.png', 'https://a.example/2.png'], ...extra }),
    invalid: (client) => client.blend({ imageUrls: [] }),
  },
  {
    operation: 'faceswap',
    label: 'faceSwap',
    call: (client, extra) =>
      client.faceSwap({ sourceUrl: 'https://a.example/face.png', targetUrl: 'https://a.example/body.png', ...extra }),
    invalid: (client) => client.faceSwap({ sourceUrl: 'nope', targetUrl: 'https://a.example/body.png' }),
  },
  {
    operation: 'video',
    label: 'video',
    call: (client, extra) => client.video({ imageUrl: 'https://a.example/frame.png', prompt: 'waves', ...extra }),
    invalid: (client) => client.video({ imageUrl: 'nope' }),
  },
  {
    operation: 'shorten',
    label: 'shorten',
    call: (client, extra) => client.shorten({ prompt: 'a long prompt', ...extra }),
    invalid: (client) => client.shorten({ prompt: '   ' }),
  },
];

describe.each(CASES)('$label', ({ operation, label, call, invalid }) => {
  it('hands back the adapter’s job, with the operation in the signed callback URL', async () => {
    const { client, received } = wide();
    await expect(call(client, {})).resolves.toMatchObject({ id: `wide:${operation}-1`, operation });
    await expect(call(client, { webhookUrl: 'https://app.example/hook' })).resolves.toMatchObject({
      id: `wide:${operation}-1`,
    });
    expect(received.map((sent) => sent.operation)).toEqual([operation, operation]);
    expect(received[0]!.webhookUrl).toBeUndefined();
    const url = new URL(received[1]!.webhookUrl!);
    expect(url.searchParams.get('mjgate_op')).toBe(operation);
    expect(url.searchParams.get('mjgate_sig')).toBeTruthy();
  });

  it('names the operation in an input error, before any request', async () => {
    const { client, received } = wide();
    const error = await invalid(client).catch((caught: unknown) => caught as Error);
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect((error as Error).message).toMatch(new RegExp(`^Invalid ${label} input: `));
    expect(received).toEqual([]);
  });

  it('an unreadable answer names the submission, so it can be looked up', async () => {
    const { client, failOnce } = wide();
    failOnce();
    const error = (await call(client, {}).catch((caught: unknown) => caught)) as MjGateError;
    expect(MjGateError.isInstance(error)).toBe(true);
    expect(error.mayHaveCreatedJob).toBe(true);
    expect(error.submission).toMatchObject({ provider: 'wide', operation });
  });

  it('is unsupported without its capability', async () => {
    const { client, received } = wide({
      capabilities: { ...CAPABILITIES, operations: CAPABILITIES.operations.filter((op) => op !== operation) },
    });
    await expect(call(client, {})).rejects.toThrow(/^wide does not support /);
    expect(received).toEqual([]);
  });
});

describe('video extending a job', () => {
  it('puts the extended job in the callback context', async () => {
    const { client, received } = wide();
    await client.video({ extend: 'wide:v0', index: 0, webhookUrl: 'https://app.example/hook' });
    const query = new URL(received[0]!.webhookUrl!).searchParams;
    expect(query.get('mjgate_parent')).toBe('wide:v0');
    expect(query.get('mjgate_op')).toBe('video');
  });
});

describe('actions', () => {
  const grid = emptyJob({
    provider: 'wide',
    providerJobId: 'g1',
    operation: 'imagine',
    status: 'succeeded',
    prompt: 'a cat',
    actions: ['upscale-1', 'custom-zoom', 'vary-region'],
  });

  it('a zoom without input.zoom, or a repaint without a mask, is refused before any request', async () => {
    const acted: string[] = [];
    const { client } = wide({
      act: async (_parent, action) => {
        acted.push(action);
        return emptyJob({ provider: 'wide', providerJobId: 'a1', operation: 'action', status: 'queued', action });
      },
    });
    const zoom = (await client.act(grid, 'custom-zoom').catch((caught: unknown) => caught)) as InvalidRequestError;
    expect(zoom).toBeInstanceOf(InvalidRequestError);
    expect(zoom.message).toBe("'custom-zoom' needs input.zoom, a number with 1 < zoom ≤ 2.");
    expect(zoom.provider).toBe('wide');
    const mask = (await client.act(grid, 'vary-region').catch((caught: unknown) => caught)) as InvalidRequestError;
    expect(mask.provider).toBe('wide');
    expect(acted).toEqual([]);
    await expect(client.act(grid, 'custom-zoom', { zoom: 1.5 })).resolves.toMatchObject({ action: 'custom-zoom' });
    expect(acted).toEqual(['custom-zoom']);
  });

  it('an action on a job that does not offer it lists what it does offer, naming the vendor', async () => {
    const { client } = wide({ act: async () => grid });
    const small = { ...grid, actions: ['upscale-1' as const, 'vary-region' as const] };
    const error = (await client
      .act(small, 'custom-zoom', { zoom: 1.5 })
      .catch((caught: unknown) => caught)) as Error & {
      provider: string;
    };
    expect(error.message).toBe("Job wide:g1 does not offer 'custom-zoom'. It offers: upscale-1, vary-region.");
    expect(error.provider).toBe('wide');
    const running = (await client
      .act({ ...grid, status: 'running' }, 'upscale-1')
      .catch((caught: unknown) => caught)) as {
      provider: string;
    };
    expect(running.provider).toBe('wide');
  });

  it('an unreadable answer names the action, the parent and the parent’s prompt', async () => {
    const { client } = wide({
      act: async () => {
        throw new TypeError('answer cut');
      },
    });
    const error = (await client.act(grid, 'upscale-1').catch((caught: unknown) => caught)) as MjGateError;
    expect(error.mayHaveCreatedJob).toBe(true);
    expect(error.submission).toMatchObject({
      provider: 'wide',
      operation: 'action',
      action: 'upscale-1',
      parentId: 'wide:g1',
      prompt: 'a cat',
    });
    // A parent without a prompt leaves it out.
    const bare = (await client
      .act({ ...grid, prompt: undefined }, 'upscale-1')
      .catch((caught: unknown) => caught)) as MjGateError;
    expect(bare.submission).not.toHaveProperty('prompt');
  });
});

describe('getMany', () => {
  it('a batch answer that cannot be read is asked again one job at a time', async () => {
    const asked: string[] = [];
    const { client } = wide({
      batch: { max: 2 },
      getMany: async (ids) => {
        asked.push(`many:${ids.join(',')}`);
        throw new ResponseValidationError('unreadable', { provider: 'wide' });
      },
      get: async (id) => {
        asked.push(`one:${id}`);
        return emptyJob({ provider: 'wide', providerJobId: id, operation: 'imagine', status: 'running' });
      },
    });
    await expect(client.getMany(['wide:a', 'wide:b', 'wide:c'])).resolves.toMatchObject([
      { id: 'wide:a' },
      { id: 'wide:b' },
      { id: 'wide:c' },
    ]);
    expect(asked.sort()).toEqual(['many:a,b', 'many:c', 'one:a', 'one:b', 'one:c']);
  });

  it('any other batch failure reaches the caller', async () => {
    const asked: string[] = [];
    const { client } = wide({
      batch: { max: 5 },
      getMany: async () => {
        throw new InvalidRequestError('refused', { provider: 'wide' });
      },
      get: async (id) => {
        asked.push(id);
        return emptyJob({ provider: 'wide', providerJobId: id, operation: 'imagine', status: 'running' });
      },
    });
    await expect(client.getMany(['wide:a', 'wide:b'])).rejects.toThrow('refused');
    expect(asked).toEqual([]);
  });

  it('a getMany without batch settings reads one job at a time', async () => {
    const asked: string[] = [];
    const { client } = wide({
      getMany: async () => {
        throw new Error('not to be called without batch settings');
      },
      get: async (id) => {
        asked.push(id);
        return emptyJob({ provider: 'wide', providerJobId: id, operation: 'imagine', status: 'running' });
      },
    });
    await expect(client.getMany(['wide:a', 'b'])).resolves.toHaveLength(2);
    expect(asked).toEqual(['a', 'b']);
  });
});

describe('a submission whose answer was lost is looked up, not sent again', () => {
  /** Fails the first submission with an unreadable answer; the retry with the same key looks it up. */
  function lossy() {
    const looked: unknown[] = [];
    const found = emptyJob({ provider: 'wide', providerJobId: 'found-1', operation: 'imagine', status: 'queued' });
    const cut = async (): Promise<Job> => {
      throw new TypeError('answer cut');
    };
    const { client } = wide({
      describe: cut,
      shorten: cut,
      video: cut,
      act: cut,
      findSubmission: async (submission) => {
        looked.push(submission);
        return found;
      },
    });
    return { client, looked };
  }

  it.each([
    {
      name: 'describe',
      call: (client: MidjourneyClient, key: string) =>
        client.describe({ imageUrl: 'https://a.example/1.png' }, { idempotencyKey: key }),
      submission: { provider: 'wide', operation: 'describe' },
    },
    {
      name: 'shorten',
      call: (client: MidjourneyClient, key: string) => client.shorten({ prompt: 'long' }, { idempotencyKey: key }),
      submission: { provider: 'wide', operation: 'shorten', prompt: 'long' },
    },
    {
      name: 'video extending a job',
      call: (client: MidjourneyClient, key: string) =>
        client.video({ extend: 'wide:v0', index: 0 }, { idempotencyKey: key }),
      // The parent is what the lost video is found by.
      submission: { provider: 'wide', operation: 'video', parentId: 'wide:v0' },
    },
    {
      name: 'an action, with the parent’s prompt',
      call: (client: MidjourneyClient, key: string) =>
        client.act(
          emptyJob({
            provider: 'wide',
            providerJobId: 'g1',
            operation: 'imagine',
            status: 'succeeded',
            prompt: 'a cat',
            actions: ['upscale-1'],
          }),
          'upscale-1',
          {},
          { idempotencyKey: key },
        ),
      submission: { provider: 'wide', operation: 'action', action: 'upscale-1', parentId: 'wide:g1', prompt: 'a cat' },
    },
  ])('$name', async ({ call, submission }) => {
    const { client, looked } = lossy();
    await expect(call(client, 'k-1')).rejects.toMatchObject({ mayHaveCreatedJob: true });
    await expect(call(client, 'k-1')).resolves.toMatchObject({ id: 'wide:found-1' });
    expect(looked).toHaveLength(1);
    expect(looked[0]).toMatchObject(submission);
  });
});

describe('the sugar and lookup methods reach the adapter', () => {
  const grid = emptyJob({
    provider: 'wide',
    providerJobId: 'g1',
    operation: 'imagine',
    status: 'succeeded',
    prompt: 'a cat',
  });

  it('variation and reroll act on the job with their canonical action ids', async () => {
    const acted: string[] = [];
    const { client } = wide({
      capabilities: { ...CAPABILITIES, actions: ['variation-2', 'reroll'] },
      act: async (parent, action) => {
        acted.push(`${parent.id} ${action}`);
        return emptyJob({ provider: 'wide', providerJobId: `a${acted.length}`, operation: 'action', status: 'queued' });
      },
    });
    await expect(client.variation(grid, 2)).resolves.toMatchObject({ id: 'wide:a1' });
    await expect(client.reroll(grid)).resolves.toMatchObject({ id: 'wide:a2' });
    expect(acted).toEqual(['wide:g1 variation-2', 'wide:g1 reroll']);
  });

  it('seed asks the adapter for the job’s seed', async () => {
    const { client } = wide({
      seed: async (job) =>
        emptyJob({
          provider: 'wide',
          providerJobId: job.providerJobId,
          operation: 'seed',
          status: 'succeeded',
          seed: '42',
        }),
    });
    await expect(client.seed('wide:g1')).resolves.toMatchObject({ id: 'wide:g1', seed: '42' });
  });

  it('an unknown action names the vendor on the error', async () => {
    const { client } = wide({ act: async () => grid });
    const error = (await client
      .act(grid, 'sideways' as never)
      .catch((caught: unknown) => caught)) as InvalidRequestError;
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect(error.message).toBe(
      "Unknown action \"sideways\". Use a canonical id such as 'upscale-1', 'vary-strong' or 'zoom-out-2x'.",
    );
    expect(error.provider).toBe('wide');
  });

  it('an action with a prompt of its own names that prompt on an unreadable answer, not the parent’s', async () => {
    const { client } = wide({
      act: async () => {
        throw new TypeError('answer cut');
      },
    });
    const error = (await client
      .act({ ...grid, actions: [] }, 'vary-region', { mask: 'bWFzaw==', prompt: 'a cat in a hat' })
      .catch((caught: unknown) => caught)) as MjGateError;
    expect(error.mayHaveCreatedJob).toBe(true);
    expect(error.submission).toMatchObject({ operation: 'action', action: 'vary-region', prompt: 'a cat in a hat' });
  });

  it('a plain JavaScript caller passing null options still gets the vendor’s error', async () => {
    const { client } = wide({
      get: async () => {
        throw new InvalidRequestError('wide refused the id.', { provider: 'wide' });
      },
    });
    const error = (await client.get('wide:g1', null as never).catch((caught: unknown) => caught)) as Error;
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect(error.message).toBe('wide refused the id.');
  });
});

describe('getMany answers', () => {
  const running = (id: string) =>
    emptyJob({ provider: 'wide', providerJobId: id, operation: 'imagine', status: 'running' });

  it('asks the vendor nothing for no ids, even when it takes batches of any size', async () => {
    const asked: string[][] = [];
    const { client } = wide({
      batch: { max: 2, min: 0 },
      getMany: async (ids) => {
        asked.push([...ids]);
        return ids.map(running);
      },
    });
    await expect(client.getMany([])).resolves.toEqual([]);
    await expect(client.getMany(['wide:a', 'wide:b'])).resolves.toHaveLength(2);
    expect(asked).toEqual([['a', 'b']]);
  });

  it('an answer about a job nobody asked for is dropped, even one that could not be used', async () => {
    const { client } = wide({
      batch: { max: 5 },
      getMany: async () => [
        running('a'),
        // Succeeded without a usable result: read on its own, this would be a ResponseValidationError.
        emptyJob({
          provider: 'wide',
          providerJobId: 'stray',
          operation: 'imagine',
          status: 'succeeded',
          gridUrl: 'file:///grid.png',
        }),
      ],
    });
    await expect(client.getMany(['wide:a'])).resolves.toMatchObject([{ id: 'wide:a', status: 'running' }]);
  });

  it('a job a batch read reports finished leaves the pending list', async () => {
    const finished = emptyJob({
      provider: 'wide',
      providerJobId: 'describe-1',
      operation: 'describe',
      status: 'succeeded',
      texts: ['a cat'],
    });
    const { client } = wide({ batch: { max: 5 }, getMany: async () => [finished] });
    await client.describe({ imageUrl: 'https://a.example/1.png' });
    expect((await client.pending()).map((job) => job.id)).toEqual(['wide:describe-1']);
    await client.getMany(['wide:describe-1']);
    expect(await client.pending()).toEqual([]);
  });
});

describe('the status reads of a wait', () => {
  afterEach(() => vi.useRealTimers());

  it('carry the caller’s headers, polls and the read confirming a callback alike; polls carry the wait’s signal', async () => {
    vi.useFakeTimers({ now: Date.UTC(2026, 10, 27) });
    const shared = storeScope('wide', 'sk-wide-0123456789', { store: createMemoryStore() });
    const reads: CallOptions[] = [];
    let status: Job['status'] = 'running';
    const { client } = wide({
      shared,
      get: async (id, options) => {
        reads.push(options);
        return emptyJob({ provider: 'wide', providerJobId: id, operation: 'describe', status, texts: ['a cat'] });
      },
    });
    let ended = false;
    const outcome = client
      .wait('wide:j1', { headers: { 'x-trace': 'w-1' }, pollIntervalMs: 60_000, maxPollIntervalMs: 60_000 })
      .finally(() => {
        ended = true;
      });
    await vi.advanceTimersByTimeAsync(10);
    expect(reads).toHaveLength(1);
    // Another process verified the vendor's callback: the wait reads the job once to confirm it.
    status = 'succeeded';
    await publishJob(shared, emptyJob({ provider: 'wide', providerJobId: 'j1', operation: 'describe', status }));
    await vi.advanceTimersByTimeAsync(10);
    expect(ended).toBe(true);
    await expect(outcome).resolves.toMatchObject({ id: 'wide:j1', status: 'succeeded' });
    expect(reads).toHaveLength(2);
    for (const read of reads) expect(read.headers).toEqual({ 'x-trace': 'w-1' });
    expect(reads[0]!.signal).toBeInstanceOf(AbortSignal);
  });
});
