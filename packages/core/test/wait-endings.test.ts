import { getEventListeners } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { emptyJob, type Job, JobTimeoutError, ProviderError, TimeoutError } from '../src/index.js';
import type { JobFeed } from '../src/provider.js';
import { DEFAULT_POLL, deadlineError, waitFor, watchJob } from '../src/wait.js';
import { stubNumberTimers } from './transport-support.js';

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

// How a wait ends when it has nothing to end with.

describe('deadlineError', () => {
  it('quotes the last failed check and its vendor when no status was read, and may be retried', () => {
    const lastError = new ProviderError('acme answered 503.', { provider: 'acme' });
    const error = deadlineError(undefined, 5_000, lastError) as TimeoutError;
    expect(TimeoutError.isInstance(error)).toBe(true);
    expect(JobTimeoutError.isInstance(error)).toBe(false);
    expect(error.message).toBe(
      'No status of the job could be read within 5000 ms. The last check failed: acme answered 503. The job may still finish: wait on its id again later.',
    );
    expect(error.provider).toBe('acme');
    expect(error.retryable).toBe(true);
  });

  it('without a failed check it says only that no status came', () => {
    const error = deadlineError(undefined, 5_000) as TimeoutError;
    expect(error.message).toBe(
      'No status of the job could be read within 5000 ms. The job may still finish: wait on its id again later.',
    );
    expect(error.provider).toBeUndefined();
    expect(error.retryable).toBe(true);
  });
});

describe('waitFor', () => {
  it('a watch that ends before any status is a TimeoutError telling to wait again', async () => {
    async function* nothing() {}
    const error = (await waitFor(nothing()).catch((caught: unknown) => caught)) as TimeoutError;
    expect(TimeoutError.isInstance(error)).toBe(true);
    expect(error.message).toBe('The watch ended before any status was read. Wait on the job again.');
  });
});

describe('watchJob', () => {
  const done = (): Job =>
    emptyJob({ provider: 'acme', providerJobId: 'j1', operation: 'imagine', status: 'succeeded' });

  it('a signal aborted before the wait starts ends it with its reason, without a request', async () => {
    const check = vi.fn(async () => done());
    const controller = new AbortController();
    controller.abort(new Error('caller gave up'));
    await expect(waitFor(watchJob(check, undefined, { signal: controller.signal }))).rejects.toThrow('caller gave up');
    expect(check).not.toHaveBeenCalled();
  });

  /** Fails the first check with `failure`, then answers finished; returns when each check ran. */
  async function retryTimes(failure: ProviderError): Promise<number[]> {
    vi.useFakeTimers({ now: 0 });
    const polls: number[] = [];
    const check = async () => {
      polls.push(Date.now());
      if (polls.length === 1) throw failure;
      return done();
    };
    let ended = false;
    const outcome = waitFor(
      watchJob(check, undefined, { pollIntervalMs: 1_000, timeoutMs: 600_000 }, DEFAULT_POLL),
    ).finally(() => {
      ended = true;
    });
    while (!ended && Date.now() < 700_000) await vi.advanceTimersByTimeAsync(250);
    await outcome;
    return polls;
  }

  it('after a retryable failure the next check waits the grown floor, not at once', async () => {
    const polls = await retryTimes(new ProviderError('acme answered 503.', { provider: 'acme', retryable: true }));
    expect(polls).toHaveLength(2);
    expect(polls[1]! - polls[0]!).toBeGreaterThanOrEqual(1_500);
    expect(polls[1]! - polls[0]!).toBeLessThan(20_000);
  });

  it('a Retry-After that is not a finite number is ignored', async () => {
    const polls = await retryTimes(
      new ProviderError('acme answered 503.', {
        provider: 'acme',
        retryable: true,
        retryAfterMs: Number.POSITIVE_INFINITY,
      }),
    );
    expect(polls).toHaveLength(2);
    expect(polls[1]! - polls[0]!).toBeLessThan(20_000);
  });
});

describe('what a wait leaves behind', () => {
  const state = (status: Job['status'], progress: number | null = null): Job =>
    emptyJob({ provider: 'acme', providerJobId: 'j1', operation: 'imagine', status, progress });

  /** A feed the test pushes into. */
  function pushFeed() {
    const listeners = new Set<(job: Job) => void>();
    const feed: JobFeed & { push(job: Job): void } = {
      subscribe(listener) {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
      push(job) {
        for (const listener of listeners) listener(job);
      },
    };
    return feed;
  }

  it('a wait that ends removes its listener from the caller’s signal and leaves no timer', async () => {
    vi.useFakeTimers({ now: 0 });
    const controller = new AbortController();
    const check = vi.fn(async () => state('succeeded'));
    const outcome = waitFor(watchJob(check, state('queued'), { signal: controller.signal, pollIntervalMs: 1_000 }));
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(60_000);
    await expect(outcome).resolves.toMatchObject({ status: 'succeeded' });
    expect(check).toHaveBeenCalledTimes(1);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('a push that ends a sleeping wait clears the sleep’s timer and lets the poll signal go', async () => {
    vi.useFakeTimers({ now: 0 });
    const feed = pushFeed();
    const signals: AbortSignal[] = [];
    const check = vi.fn(async (signal: AbortSignal) => {
      signals.push(signal);
      return state('running', 10);
    });
    const outcome = waitFor(
      watchJob(check, state('queued'), { pollIntervalMs: 5_000, maxPollIntervalMs: 5_000 }, DEFAULT_POLL, feed),
    );
    await vi.advanceTimersByTimeAsync(6_000);
    expect(check).toHaveBeenCalledTimes(1);
    feed.push(state('succeeded', 100));
    await expect(outcome).resolves.toMatchObject({ status: 'succeeded' });
    expect(vi.getTimerCount()).toBe(0);
    // The signal handed to the polls is aborted, and the wait holds nothing on it any more.
    expect(signals[0]!.aborted).toBe(true);
    expect(getEventListeners(signals[0]!, 'abort')).toHaveLength(0);
  });

  it('a poll still in flight when a push ends the wait is aborted with “The wait ended.”', async () => {
    vi.useFakeTimers({ now: 0 });
    const feed = pushFeed();
    const reasons: unknown[] = [];
    const check = (signal: AbortSignal) =>
      new Promise<Job>((_resolve, reject) => {
        signal.addEventListener('abort', () => {
          reasons.push(signal.reason);
          reject(signal.reason);
        });
      });
    const outcome = waitFor(watchJob(check, undefined, { pollIntervalMs: 1_000 }, DEFAULT_POLL, feed));
    await vi.advanceTimersByTimeAsync(10);
    feed.push(state('succeeded', 100));
    await expect(outcome).resolves.toMatchObject({ status: 'succeeded' });
    expect(reasons).toHaveLength(1);
    expect(reasons[0]).toBeInstanceOf(DOMException);
    expect((reasons[0] as DOMException).name).toBe('AbortError');
    expect((reasons[0] as DOMException).message).toBe('The wait ended.');
  });

  it('the caller aborting while it holds a reported state takes the wait’s listener off at once', async () => {
    const controller = new AbortController();
    const watch = watchJob(async () => state('running', 50), state('queued'), { signal: controller.signal });
    await expect(watch.next()).resolves.toMatchObject({ value: { status: 'queued' } });
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
    controller.abort(new Error('caller gave up'));
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    await expect(watch.next()).rejects.toThrow('caller gave up');
  });

  it('runs where timers have no unref (a browser, a worker)', async () => {
    const timers = stubNumberTimers();
    await expect(waitFor(watchJob(async () => state('succeeded'), state('succeeded')))).resolves.toMatchObject({
      status: 'succeeded',
    });
    expect(timers.size).toBe(0);
  });

  it('reports each state once: a poll that brings nothing new is not yielded again', async () => {
    vi.useFakeTimers({ now: 0 });
    const answers = [state('running', 50), state('running', 50), state('succeeded', 100)];
    const check = vi.fn(async () => answers.shift()!);
    const seen: Array<number | null> = [];
    const collect = (async () => {
      for await (const job of watchJob(check, undefined, { pollIntervalMs: 1_000, maxPollIntervalMs: 1_000 })) {
        seen.push(job.progress);
      }
    })();
    await vi.advanceTimersByTimeAsync(10_000);
    await collect;
    expect(check).toHaveBeenCalledTimes(3);
    expect(seen).toEqual([50, 100]);
  });

  it('once pushes arrive, polls slow to the safety net’s pace but never past the longest gap asked for', async () => {
    vi.useFakeTimers({ now: 0 });
    const feed = pushFeed();
    const polls: number[] = [];
    const check = async () => {
      polls.push(Date.now());
      return state('running', 10);
    };
    const controller = new AbortController();
    const outcome = waitFor(
      watchJob(
        check,
        state('running', 5),
        { signal: controller.signal, pollIntervalMs: 1_000, maxPollIntervalMs: 4_000, timeoutMs: 600_000 },
        DEFAULT_POLL,
        feed,
      ),
    ).catch((error: unknown) => error);
    feed.push(state('running', 20));
    await vi.advanceTimersByTimeAsync(40_000);
    controller.abort(new Error('enough'));
    await outcome;
    const gaps = polls.slice(1).map((at, i) => at - polls[i]!);
    expect(gaps.length).toBeGreaterThanOrEqual(8);
    for (const gap of gaps) expect(gap).toBe(4_000);
  });

  it('a caller who aborts just as a poll fails gets their own reason, not the poll’s error', async () => {
    // The abort lands 0, 1 or 2 microtask turns after the check rejects. At 2 turns (on V8) it lands
    // after the failed poll reached the wait but before the wait acted on it: the abort still wins.
    // One turn later the wait has already ended with the check's error.
    for (const turns of [0, 1, 2]) {
      const controller = new AbortController();
      const reason = new Error('caller gave up');
      const check = (): Promise<Job> => {
        let later = Promise.resolve();
        for (let turn = 0; turn < turns; turn++) later = later.then(() => undefined);
        void later.then(() => controller.abort(reason));
        return Promise.reject(new TypeError('socket closed'));
      };
      await expect(waitFor(watchJob(check, undefined, { signal: controller.signal }))).rejects.toBe(reason);
    }
  });
});
