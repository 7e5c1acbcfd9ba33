import { afterEach, describe, expect, it, vi } from 'vitest';
import { emptyJob, type Job, JobTimeoutError, ProviderError, TimeoutError } from '../src/index.js';
import { DEFAULT_POLL, deadlineError, waitFor, watchJob } from '../src/wait.js';

afterEach(() => vi.useRealTimers());

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
