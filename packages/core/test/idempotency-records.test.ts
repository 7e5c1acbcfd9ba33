import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  createMemoryStore,
  emptyJob,
  InvalidRequestError,
  type Job,
  MjGateError,
  NotFoundError,
  RateLimitError,
  type Store,
  type Submission,
  TimeoutError,
  UnsupportedError,
} from '../src/index.js';
import { IDEMPOTENCY_CLAIM_MS, type IdempotentSubmission, storeScope, submitOnce } from '../src/provider.js';

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(Date.UTC(2026, 10, 27));
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

const SUBMISSION: Submission = {
  provider: 'acedata',
  operation: 'imagine',
  prompt: 'a fox',
  sentAt: '2026-11-27T00:00:00Z',
};
const JOB: Job = emptyJob({ provider: 'acedata', providerJobId: 'j1', operation: 'imagine', status: 'queued' });

function setup(store: Store = createMemoryStore()) {
  const lines: Array<{ message: string; data?: Record<string, unknown> }> = [];
  const shared = storeScope('acedata', 'sk-md', {
    store,
    logger: { warn: (message: string, data?: Record<string, unknown>) => lines.push({ message, data }) },
  });
  const submit = vi.fn(async () => JOB);
  const find = vi.fn(async (_submission: Submission): Promise<Job | undefined> => JOB);
  const call = (over: Partial<IdempotentSubmission> = {}): IdempotentSubmission => ({
    shared,
    key: 'order-1',
    request: { prompt: 'a fox' },
    submission: SUBMISSION,
    submit,
    find,
    ...over,
  });
  const recordKey = `${shared.scope}:idempotency:order-1`;
  return { shared, store, lines, submit, find, call, recordKey };
}

/** A record as another process would have left it (the memory store names requests by their JSON). */
const record = (fields: Record<string, unknown>) => JSON.stringify({ request: '{"prompt":"a fox"}', ...fields });

describe('idempotencyKey checks', () => {
  it('refuses a key that is not a string, blank, or over 255 characters, naming the vendor', async () => {
    const { call, submit } = setup();
    for (const key of [5 as unknown as string, '', '   ', 'k'.repeat(256)]) {
      const error = await submitOnce(call({ key })).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InvalidRequestError);
      expect((error as InvalidRequestError).message).toBe(
        'idempotencyKey must be a non-empty string of at most 255 characters, such as a UUID.',
      );
      expect((error as InvalidRequestError).provider).toBe('acedata');
    }
    expect(submit).not.toHaveBeenCalled();
    await expect(submitOnce(call({ key: 'k'.repeat(255) }))).resolves.toBe(JOB);
  });

  it('an aborted signal stops it before anything is claimed or submitted', async () => {
    const { call, submit, store, recordKey } = setup();
    const reason = new Error('stop');
    await expect(submitOnce(call({ signal: AbortSignal.abort(reason) }))).rejects.toBe(reason);
    expect(submit).not.toHaveBeenCalled();
    expect(await store.get(recordKey)).toBeUndefined();
  });

  it('one request is the same request whatever order its keys come in, nested ones included', async () => {
    const { call, submit, store, recordKey } = setup();
    await submitOnce(call({ request: { b: 1, a: { d: [1, { z: 1, y: 2 }], c: 2 }, e: 3 } }));
    expect(JSON.parse((await store.get(recordKey)) ?? '{}').request).toBe(
      '{"a":{"c":2,"d":[1,{"y":2,"z":1}]},"b":1,"e":3}',
    );
    await expect(submitOnce(call({ request: { e: 3, a: { c: 2, d: [1, { y: 2, z: 1 }] }, b: 1 } }))).resolves.toEqual(
      JOB,
    );
    expect(submit).toHaveBeenCalledTimes(1);
  });

  it('another request under the key is refused, naming the vendor', async () => {
    const { call } = setup();
    await submitOnce(call());
    const error = await submitOnce(call({ request: { prompt: 'a cat' } })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect((error as InvalidRequestError).provider).toBe('acedata');
  });
});

describe('the record in the store', () => {
  it('says "submitting" while the submission runs, and works where timers are plain numbers', async () => {
    const { call, store, recordKey } = setup();
    vi.stubGlobal('setInterval', () => 1);
    vi.stubGlobal('clearInterval', () => undefined);
    let seen: string | undefined;
    const job = await submitOnce(
      call({
        submit: async () => {
          seen = await store.get(recordKey);
          return JOB;
        },
      }),
    );
    expect(job).toBe(JOB);
    expect(JSON.parse(seen ?? '{}')).toMatchObject({ state: 'submitting', submission: SUBMISSION });
  });

  it('a failure that created nothing frees the key for good: the claim is not rewritten afterwards', async () => {
    const { call, store, recordKey } = setup();
    const failing = call({
      submit: async () => {
        await vi.advanceTimersByTimeAsync(0);
        throw new RateLimitError('slow down', { provider: 'acedata' });
      },
    });
    await expect(submitOnce(failing)).rejects.toBeInstanceOf(RateLimitError);
    await vi.advanceTimersByTimeAsync(IDEMPOTENCY_CLAIM_MS * 2);
    expect(await store.get(recordKey)).toBeUndefined();
  });

  it('an unreadable record is reported as such, never taken for another request', async () => {
    for (const text of ['null', '{}', 'not json', '"text"', '{"request":5}']) {
      const { call, store, recordKey, submit } = setup();
      await store.set(recordKey, text, 60_000);
      const error = await submitOnce(call()).catch((e: unknown) => e);
      expect(MjGateError.isInstance(error)).toBe(true);
      expect((error as MjGateError).code).toBe('bad_response');
      expect((error as MjGateError).message).toBe(
        "The store holds an unreadable idempotency record: another program may write under mjgate's keys. Give mjgate a key prefix of its own.",
      );
      expect(submit).not.toHaveBeenCalled();
    }
  });

  it('a key freed between the claim and the read is claimed again', async () => {
    const memory = createMemoryStore();
    let first = true;
    const store: Store = {
      ...memory,
      setIfAbsent: async (...args: Parameters<Store['setIfAbsent']>) => {
        if (!first) return memory.setIfAbsent(...args);
        first = false;
        return false;
      },
    } as Store;
    const { call, submit } = setup(store);
    await expect(submitOnce(call())).resolves.toBe(JOB);
    expect(submit).toHaveBeenCalledTimes(1);
  });
});

describe('store failures after the submission', () => {
  const failingSet = (memory: Store, fail: { set: boolean; delete: boolean }): Store =>
    ({
      ...memory,
      set: (...args: Parameters<Store['set']>) =>
        fail.set ? Promise.reject(new Error('redis down')) : memory.set(...args),
      delete: (...args: Parameters<Store['delete']>) =>
        fail.delete ? Promise.reject(new Error('redis down')) : memory.delete(...args),
    }) as Store;

  it('a failed submission whose key cannot be freed is still thrown, and logged', async () => {
    const { call, lines } = setup(failingSet(createMemoryStore(), { set: false, delete: true }));
    const failure = new RateLimitError('slow down', { provider: 'acedata' });
    await expect(submitOnce(call({ submit: async () => Promise.reject(failure) }))).rejects.toBe(failure);
    expect(lines.map((line) => line.message)).toEqual([
      'mjgate: the store failed for an idempotency record (redis down); a retry with this key will look the job up.',
    ]);
  });

  it('a created job whose record cannot be written is returned, and logged with its id', async () => {
    const { call, lines } = setup(failingSet(createMemoryStore(), { set: true, delete: false }));
    await expect(submitOnce(call())).resolves.toBe(JOB);
    expect(lines.map((line) => line.message)).toEqual([
      `mjgate: the store failed for an idempotency record (redis down); a retry with this key will look ${JOB.id} up.`,
    ]);
  });
});

describe('looking up a submission with an unknown outcome', () => {
  it('uses the submission the failure names, and says why it looked', async () => {
    const { call, find, lines } = setup();
    const sent: Submission = { ...SUBMISSION, providerJobId: 'vendor-7' };
    await expect(
      submitOnce(
        call({
          submit: async () =>
            Promise.reject(
              new TimeoutError('lost', { provider: 'acedata', mayHaveCreatedJob: true, submission: sent }),
            ),
        }),
      ),
    ).rejects.toBeInstanceOf(TimeoutError);
    await expect(submitOnce(call())).resolves.toBe(JOB);
    expect(find).toHaveBeenCalledWith(sent);
    expect(lines).toEqual([
      {
        message: `mjgate: An earlier submission with this idempotencyKey may have created a job (its answer was lost); looked it up with findSubmission and found ${JOB.id}: returning it, nothing submitted again.`,
        data: { provider: 'acedata', jobId: JOB.id },
      },
    ]);
  });

  it('a vendor without a listing: UnsupportedError that may have created the job', async () => {
    const { call, store, recordKey } = setup();
    await store.set(recordKey, record({ state: 'unknown', submission: SUBMISSION }), 60_000);
    const find = async () => Promise.reject(new UnsupportedError('no listing', { provider: 'acedata' }));
    const error = (await submitOnce(call({ find })).catch((e: unknown) => e)) as UnsupportedError;
    expect(error).toBeInstanceOf(UnsupportedError);
    expect(error.message).toMatch(
      /^An earlier submission with this idempotencyKey may have created a job \(its answer was lost\), and acedata offers no job listing/,
    );
    expect(error.provider).toBe('acedata');
    expect(error.mayHaveCreatedJob).toBe(true);
    expect(error.submission).toEqual(SUBMISSION);
  });

  it('another lookup failure comes through as it is', async () => {
    const { call, store, recordKey } = setup();
    await store.set(recordKey, record({ state: 'unknown', submission: SUBMISSION }), 60_000);
    const failure = new RateLimitError('slow down', { provider: 'acedata' });
    await expect(submitOnce(call({ find: async () => Promise.reject(failure) }))).rejects.toBe(failure);
  });

  it('nothing found yet: a retryable NotFoundError that may have created the job', async () => {
    const { call, store, recordKey } = setup();
    await store.set(recordKey, record({ state: 'unknown', submission: SUBMISSION }), 60_000);
    const error = (await submitOnce(call({ find: async () => undefined })).catch((e: unknown) => e)) as NotFoundError;
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error.mayHaveCreatedJob).toBe(true);
    expect(error.retryable).toBe(true);
    expect(error.provider).toBe('acedata');
  });

  it('a holder silent for exactly the claim time is still waited for; past it, looked up', async () => {
    const { call, store, recordKey, find, submit } = setup();
    const claimedAt = Date.now() - IDEMPOTENCY_CLAIM_MS;
    await store.set(recordKey, record({ state: 'submitting', submission: SUBMISSION, claimedAt }), 120_000);
    const outcome = submitOnce(call()).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(0);
    expect(find).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(25);
    const error = (await outcome) as Job;
    expect(error).toBe(JOB);
    expect(find).toHaveBeenCalledTimes(1);
    expect(submit).not.toHaveBeenCalled();
  });

  it('the stale-holder lookup says why, and a logger without warn is fine', async () => {
    const store = createMemoryStore();
    const shared = storeScope('acedata', 'sk-md', { store, logger: {} });
    const key = `${shared.scope}:idempotency:order-1`;
    await store.set(key, record({ state: 'submitting', submission: SUBMISSION, claimedAt: 0 }), 120_000);
    const base = {
      shared,
      key: 'order-1',
      request: { prompt: 'a fox' },
      submission: SUBMISSION,
      submit: async () => JOB,
    };
    const error = (await submitOnce({ ...base, find: async () => undefined }).catch((e: unknown) => e)) as Error;
    expect(error.message).toContain('(the process submitting it stopped before recording the job)');
    await expect(submitOnce({ ...base, find: async () => JOB })).resolves.toBe(JOB);
  });

  it('a found job whose record cannot be written is returned, and logged', async () => {
    const memory = createMemoryStore();
    const { call, lines, recordKey } = setup({
      ...memory,
      set: (...args: Parameters<Store['set']>) =>
        args[1].includes('"created"') ? Promise.reject(new Error('redis down')) : memory.set(...args),
    } as Store);
    await memory.set(recordKey, record({ state: 'unknown', submission: SUBMISSION }), 60_000);
    await expect(submitOnce(call())).resolves.toBe(JOB);
    expect(lines.map((line) => line.message)).toContain(
      'mjgate: the store failed for an idempotency record (redis down); the next retry looks the job up again.',
    );
  });
});
