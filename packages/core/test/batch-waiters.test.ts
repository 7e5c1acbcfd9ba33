import { getEventListeners } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { emptyJob, type Job, MjGateError, NotFoundError, RateLimitError } from '../src/index.js';
import { Batcher, type BatcherOptions } from '../src/provider.js';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

const job = (id: string): Job =>
  emptyJob({ provider: 'acedata', providerJobId: id, operation: 'imagine', status: 'running' });

function batcher(options: Partial<BatcherOptions> = {}) {
  const fetchMany = vi.fn(async (ids: string[]) => ids.map(job));
  const fetchOne = vi.fn(async (id: string) => job(id));
  const batch = new Batcher({ provider: 'acedata', maxBatch: 2, fetchMany, fetchOne, ...options });
  return { batch, fetchMany: options.fetchMany ?? fetchMany, fetchOne: options.fetchOne ?? fetchOne };
}

describe('Batcher', () => {
  it('an already aborted check is refused without a request', async () => {
    const { batch, fetchMany, fetchOne } = batcher();
    const reason = new Error('stop');
    await expect(batch.get('a', AbortSignal.abort(reason))).rejects.toBe(reason);
    await vi.advanceTimersByTimeAsync(100);
    expect(fetchMany).not.toHaveBeenCalled();
    expect(fetchOne).not.toHaveBeenCalled();
  });

  it('checks within the default 15 ms window share one request', async () => {
    const { batch, fetchMany } = batcher({ maxBatch: 10 });
    const a = batch.get('a');
    await vi.advanceTimersByTimeAsync(10);
    const b = batch.get('b');
    await vi.advanceTimersByTimeAsync(10);
    await Promise.all([a, b]);
    expect(fetchMany).toHaveBeenCalledTimes(1);
    expect(fetchMany).toHaveBeenCalledWith(['a', 'b']);
  });

  it('a full batch goes out at once and its window ends with it', async () => {
    const { batch, fetchMany } = batcher({ maxBatch: 2 });
    await Promise.all([batch.get('a'), batch.get('b')]);
    expect(fetchMany).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(10);
    const c = batch.get('c');
    await vi.advanceTimersByTimeAsync(10);
    // The window of c started at 10 ms: nothing went out at 15 ms.
    expect(fetchMany).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(10);
    await c;
    expect(fetchMany).toHaveBeenCalledTimes(2);
  });

  it('ids go out in requests of maxBatch; a group below minBatch is read one by one', async () => {
    const fetchMany = vi.fn(async (ids: string[]) => ids.map(job));
    const fetchOne = vi.fn(async (id: string) => job(id));
    const batch = new Batcher({ provider: 'acedata', maxBatch: 2, minBatch: 2, fetchMany, fetchOne });
    const checks = ['a', 'b', 'c', 'd', 'e'].map((id) => batch.get(id));
    await vi.advanceTimersByTimeAsync(20);
    await Promise.all(checks);
    expect(fetchMany.mock.calls.map(([ids]) => ids)).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
    expect(fetchOne.mock.calls).toEqual([['e']]);
  });

  it('a job the batch answer lacks is a NotFoundError naming the vendor and the id', async () => {
    const { batch } = batcher({ fetchMany: async () => [job('a')] });
    const a = batch.get('a');
    const b = batch.get('b').catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(20);
    await expect(a).resolves.toMatchObject({ providerJobId: 'a' });
    const error = (await b) as NotFoundError;
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error.message).toBe('acedata does not know job b.');
    expect(error.provider).toBe('acedata');
  });

  it('an unreadable answer for one id, or any other failure, is not retried one by one', async () => {
    const bad = new MjGateError('bad_response', 'unreadable', { provider: 'acedata' });
    const fetchOne = vi.fn(async (id: string) => job(id));
    const single = batcher({ maxBatch: 5, fetchMany: async () => Promise.reject(bad), fetchOne });
    const only = single.batch.get('a').catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(20);
    expect(await only).toBe(bad);
    const limited = new RateLimitError('slow down', { provider: 'acedata' });
    const pair = batcher({ maxBatch: 5, fetchMany: async () => Promise.reject(limited), fetchOne });
    const both = [pair.batch.get('a'), pair.batch.get('b')].map((p) => p.catch((e: unknown) => e));
    await vi.advanceTimersByTimeAsync(20);
    expect(await Promise.all(both)).toEqual([limited, limited]);
    const plain = Object.assign(new Error('x'), { code: 'bad_response' });
    const odd = batcher({ maxBatch: 5, fetchMany: async () => Promise.reject(plain), fetchOne });
    const both2 = [odd.batch.get('a'), odd.batch.get('b')].map((p) => p.catch((e: unknown) => e));
    await vi.advanceTimersByTimeAsync(20);
    expect(await Promise.all(both2)).toEqual([plain, plain]);
    expect(fetchOne).not.toHaveBeenCalled();
  });

  it('a check aborted while its request is in flight rejects at once; a newer check of the job still gets its answer', async () => {
    let answer: (jobs: Job[]) => void = () => {};
    const fetchMany = vi
      .fn<(ids: string[]) => Promise<Job[]>>()
      .mockImplementationOnce(() => new Promise((resolve) => (answer = resolve)))
      .mockImplementation(async (ids) => ids.map(job));
    const { batch } = batcher({ maxBatch: 5, fetchMany });
    const controller = new AbortController();
    const first = batch.get('a', controller.signal).catch((e: unknown) => e);
    const lone = new AbortController();
    const alone = batch.get('z', lone.signal).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(20);
    expect(fetchMany).toHaveBeenCalledTimes(1);
    lone.abort(new Error('no one else waits'));
    expect(((await alone) as Error).message).toBe('no one else waits');
    const second = batch.get('a');
    controller.abort(new Error('gave up'));
    expect(((await first) as Error).message).toBe('gave up');
    await vi.advanceTimersByTimeAsync(20);
    await expect(second).resolves.toMatchObject({ providerJobId: 'a' });
    answer([job('a')]);
  });

  it('an aborted check leaves the batch; the others sharing it are answered', async () => {
    const { batch, fetchMany } = batcher({ maxBatch: 5 });
    const controller = new AbortController();
    const gone = batch.get('a', controller.signal).catch((e: unknown) => e);
    const kept = batch.get('a');
    const lone = new AbortController();
    const alone = batch.get('b', lone.signal).catch((e: unknown) => e);
    controller.abort(new Error('one'));
    lone.abort(new Error('two'));
    await vi.advanceTimersByTimeAsync(20);
    expect(((await gone) as Error).message).toBe('one');
    expect(((await alone) as Error).message).toBe('two');
    await expect(kept).resolves.toMatchObject({ providerJobId: 'a' });
    expect(fetchMany).toHaveBeenCalledWith(['a']);
  });

  it('when every check of a job is aborted, in any order, no request goes out for it', async () => {
    const { batch, fetchMany, fetchOne } = batcher({ maxBatch: 5 });
    const first = new AbortController();
    const second = new AbortController();
    const checks = [batch.get('a', first.signal), batch.get('a', second.signal)].map((p) => p.catch((e: unknown) => e));
    // The later check leaves first: it is not at the head of the job's waiters.
    second.abort(new Error('second'));
    first.abort(new Error('first'));
    await vi.advanceTimersByTimeAsync(20);
    expect((await Promise.all(checks)).map((e) => (e as Error).message)).toEqual(['first', 'second']);
    expect(fetchMany).not.toHaveBeenCalled();
    expect(fetchOne).not.toHaveBeenCalled();
  });

  it('lets go of the abort listener once its check is answered, or fails', async () => {
    const answered = new AbortController();
    const { batch } = batcher({ maxBatch: 5 });
    const check = batch.get('a', answered.signal);
    expect(getEventListeners(answered.signal, 'abort')).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(20);
    await expect(check).resolves.toMatchObject({ providerJobId: 'a' });
    expect(getEventListeners(answered.signal, 'abort')).toHaveLength(0);

    const failed = new AbortController();
    const refused = batcher({ maxBatch: 5, fetchMany: async () => Promise.reject(new Error('down')) });
    const miss = refused.batch.get('a', failed.signal).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(20);
    expect(((await miss) as Error).message).toBe('down');
    expect(getEventListeners(failed.signal, 'abort')).toHaveLength(0);
  });

  it('an aborted check leaves no listener on its signal', async () => {
    const { batch } = batcher({ maxBatch: 5 });
    const controller = new AbortController();
    const check = batch.get('a', controller.signal).catch((e: unknown) => e);
    controller.abort(new Error('gone'));
    expect(((await check) as Error).message).toBe('gone');
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('with minBatch 0 every group is batched, and no request goes out without ids', async () => {
    const fetchMany = vi.fn(async (ids: string[]) => ids.map(job));
    const { batch, fetchOne } = batcher({ maxBatch: 2, minBatch: 0, fetchMany });
    await Promise.all([batch.get('a'), batch.get('b')]);
    const c = batch.get('c');
    await vi.advanceTimersByTimeAsync(20);
    await c;
    expect(fetchMany.mock.calls.map(([ids]) => ids)).toEqual([['a', 'b'], ['c']]);
    expect(fetchOne).not.toHaveBeenCalled();
  });
});
