import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  type CallOptions,
  createMemoryStore,
  emptyJob,
  InvalidRequestError,
  type Job,
  type MidjourneyClient,
  type Store,
  type Submission,
} from '../src/index.js';
import { createClient, type ProviderDefinition, storeScope } from '../src/provider.js';
import { WIDE_CAPABILITIES } from './client-support.js';

// What a submission under an idempotencyKey leaves in the store while it runs, and what a later
// call (another process sharing the store) looks the job up by when the first one died mid-call.

const CAPABILITIES = WIDE_CAPABILITIES;

const START = Date.UTC(2026, 10, 27, 12, 0, 0);

const GRID = emptyJob({
  provider: 'wide',
  providerJobId: 'g1',
  operation: 'imagine',
  status: 'succeeded',
  prompt: 'a cat',
  actions: ['upscale-1', 'custom-zoom', 'vary-region'],
});

afterEach(() => vi.useRealTimers());

/** A vendor whose submissions never answer: the process that sends them is as good as dead. */
function stuck(store: Store): MidjourneyClient {
  const never = () => new Promise<Job>(() => {});
  return createClient({
    provider: 'wide',
    capabilities: CAPABILITIES,
    shared: storeScope('wide', 'sk-wide-0123456789', { store }),
    get: async (id) => ({ ...GRID, id: `wide:${id}`, providerJobId: id }),
    imagine: never,
    act: never,
    describe: never,
    blend: never,
    faceSwap: never,
    video: never,
    shorten: never,
  });
}

/** Another process on the same store, whose vendor lists the lost job. */
function survivor(store: Store) {
  const looked: Array<{ submission: Submission; options: CallOptions }> = [];
  const found = emptyJob({ provider: 'wide', providerJobId: 'found-1', operation: 'imagine', status: 'queued' });
  const submit = vi.fn(async (): Promise<Job> => found);
  const client = createClient({
    provider: 'wide',
    capabilities: CAPABILITIES,
    shared: storeScope('wide', 'sk-wide-0123456789', { store }),
    get: async (id) => ({ ...GRID, id: `wide:${id}`, providerJobId: id }),
    imagine: submit,
    act: submit,
    describe: submit,
    blend: submit,
    faceSwap: submit,
    video: submit,
    shorten: submit,
    findSubmission: async (submission, options) => {
      looked.push({ submission, options });
      return found;
    },
  });
  return { client, looked, submit };
}

const SENT_AT = new Date(START).toISOString();

const CASES: Array<{
  name: string;
  call: (client: MidjourneyClient, options: CallOptions) => Promise<Job>;
  submission: Record<string, unknown>;
}> = [
  {
    name: 'imagine',
    call: (client, options) => client.imagine({ prompt: 'a fox' }, options),
    submission: { provider: 'wide', operation: 'imagine', prompt: 'a fox', sentAt: SENT_AT },
  },
  {
    name: 'describe',
    call: (client, options) => client.describe({ imageUrl: 'https://a.example/1.png', ref: 'order-7' }, options),
    submission: { provider: 'wide', operation: 'describe', ref: 'order-7', sentAt: SENT_AT },
  },
  {
    name: 'blend',
    call: (client, options) =>
      client.blend({ imageUrls: ['https://a.example/1.png', 'https://a.example/2.png'], prompt: 'mix' }, options),
    submission: { provider: 'wide', operation: 'blend', prompt: 'mix', sentAt: SENT_AT },
  },
  {
    name: 'faceSwap',
    call: (client, options) =>
      client.faceSwap({ sourceUrl: 'https://a.example/face.png', targetUrl: 'https://a.example/body.png' }, options),
    submission: { provider: 'wide', operation: 'faceswap', sentAt: SENT_AT },
  },
  {
    name: 'video extending a job',
    call: (client, options) => client.video({ extend: 'wide:v0', index: 0, prompt: 'waves' }, options),
    submission: { provider: 'wide', operation: 'video', parentId: 'wide:v0', prompt: 'waves', sentAt: SENT_AT },
  },
  {
    name: 'shorten',
    call: (client, options) => client.shorten({ prompt: 'a long prompt' }, options),
    submission: { provider: 'wide', operation: 'shorten', prompt: 'a long prompt', sentAt: SENT_AT },
  },
  {
    name: 'an action, with the parent’s prompt',
    call: (client, options) => client.act(GRID, 'upscale-1', {}, options),
    submission: {
      provider: 'wide',
      operation: 'action',
      action: 'upscale-1',
      parentId: 'wide:g1',
      prompt: 'a cat',
      sentAt: SENT_AT,
    },
  },
  {
    name: 'an action with a prompt of its own, which wins over the parent’s',
    call: (client, options) => client.act(GRID, 'vary-region', { mask: 'bWFzaw==', prompt: 'a cat in a hat' }, options),
    submission: {
      provider: 'wide',
      operation: 'action',
      action: 'vary-region',
      parentId: 'wide:g1',
      prompt: 'a cat in a hat',
      sentAt: SENT_AT,
    },
  },
  {
    name: 'an action on a parent without a prompt',
    call: (client, options) => client.act({ ...GRID, prompt: undefined }, 'upscale-1', {}, options),
    submission: { provider: 'wide', operation: 'action', action: 'upscale-1', parentId: 'wide:g1', sentAt: SENT_AT },
  },
];

describe('a process that dies mid-submission leaves what it sent, and a later call finds the job by it', () => {
  it.each(CASES)('$name', async ({ call, submission }) => {
    vi.useFakeTimers({ now: START });
    const store = createMemoryStore();
    void call(stuck(store), { idempotencyKey: 'order-7' }).catch(() => {});
    // Let the claim reach the store; no timer runs, so the stuck process never refreshes it again.
    await vi.advanceTimersByTimeAsync(1);
    vi.setSystemTime(START + 60_000);

    const { client, looked, submit } = survivor(store);
    const signal = new AbortController().signal;
    await expect(
      call(client, { idempotencyKey: 'order-7', signal, headers: { 'x-trace': 'retry-1' } }),
    ).resolves.toMatchObject({ id: 'wide:found-1' });
    expect(submit).not.toHaveBeenCalled();
    expect(looked).toHaveLength(1);
    expect(looked[0]!.submission).toEqual(submission);
    // The lookup goes out with the retry's own signal and headers.
    expect(looked[0]!.options.signal).toBe(signal);
    expect(looked[0]!.options.headers).toEqual({ 'x-trace': 'retry-1' });
  });
});

describe('a key reused for another request is refused', () => {
  function live() {
    const store = createMemoryStore();
    const sent: string[] = [];
    const answer = (operation: Job['operation']) => async (): Promise<Job> => {
      sent.push(operation);
      return emptyJob({ provider: 'wide', providerJobId: `${operation}-${sent.length}`, operation, status: 'queued' });
    };
    const client = createClient({
      provider: 'wide',
      capabilities: CAPABILITIES,
      shared: storeScope('wide', 'sk-wide-0123456789', { store }),
      get: async (id) => ({ ...GRID, id: `wide:${id}`, providerJobId: id }),
      act: answer('action'),
      video: answer('video'),
    } satisfies ProviderDefinition);
    return { client, sent };
  }

  const refused = async (attempt: Promise<Job>) => {
    const error = await attempt.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect((error as Error).message).toBe(
      'This idempotencyKey was already used for a different request within its window. Use a new key for a new request (a UUID per intended submission).',
    );
  };

  it('another action on the same parent', async () => {
    const { client, sent } = live();
    await client.act(GRID, 'upscale-1', {}, { idempotencyKey: 'k-act' });
    await expect(client.act(GRID, 'upscale-1', {}, { idempotencyKey: 'k-act' })).resolves.toMatchObject({
      id: 'wide:action-1',
    });
    await refused(client.act(GRID, 'custom-zoom', { zoom: 1.5 }, { idempotencyKey: 'k-act' }));
    expect(sent).toEqual(['action']);
  });

  it('another video', async () => {
    const { client, sent } = live();
    await client.video({ imageUrl: 'https://a.example/1.png', prompt: 'waves' }, { idempotencyKey: 'k-video' });
    await refused(
      client.video({ imageUrl: 'https://a.example/2.png', prompt: 'waves' }, { idempotencyKey: 'k-video' }),
    );
    await refused(client.video({ extend: 'wide:v0', index: 0 }, { idempotencyKey: 'k-video' }));
    expect(sent).toEqual(['video']);
  });
});
