import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  emptyJob,
  type Job,
  JobFailedError,
  JobTimeoutError,
  ProviderError,
  RateLimitError,
  TimeoutError,
} from '../src/index.js';
import { waitFor, watchJob } from '../src/provider.js';

const job = (status: Job['status'], progress: number | null, extra: Partial<Job> = {}): Job =>
  emptyJob({ provider: 'acme', providerJobId: 'j1', operation: 'imagine', status, progress, ...extra });

/** A status check that returns the scripted states in order, then repeats the last. */
function script(...states: (Job | Error)[]) {
  let i = 0;
  const check = vi.fn(async () => {
    const s = states[Math.min(i++, states.length - 1)]!;
    if (s instanceof Error) throw s;
    return s;
  });
  return check;
}

afterEach(() => vi.useRealTimers());

describe('wait', () => {
  it('reports progress in order, never backwards, and resolves with the succeeded job', async () => {
    const check = script(
      job('queued', 0),
      job('running', 30),
      job('running', 20),
      job('running', 70),
      job('succeeded', 100),
    );
    const seen: (number | null)[] = [];
    const done = await waitFor(
      watchJob(check, undefined, { pollIntervalMs: 1, maxPollIntervalMs: 1, onProgress: (j) => seen.push(j.progress) }),
    );
    expect(done.status).toBe('succeeded');
    expect(seen).toEqual([0, 30, 70, 100]);
  });

  it('throws JobFailedError carrying the failed job', async () => {
    const failed = job('failed', 40, { error: { code: 'banned_prompt', message: 'Banned prompt detected' } });
    const err = await waitFor(
      watchJob(script(job('running', 10), failed), undefined, { pollIntervalMs: 1, maxPollIntervalMs: 1 }),
    ).catch((e) => e);
    expect(err).toBeInstanceOf(JobFailedError);
    expect(err.job.error.code).toBe('banned_prompt');
    expect(err.message).toContain('Banned prompt detected');
  });

  it('cancelled is a failure too', async () => {
    const err = await waitFor(watchJob(script(job('cancelled', null)), undefined, { pollIntervalMs: 1 })).catch(
      (e) => e,
    );
    expect(JobFailedError.isInstance(err)).toBe(true);
  });

  it('throws JobTimeoutError with the last job at the deadline', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const check = script(job('running', 10), job('running', 20));
    const outcome = waitFor(
      watchJob(check, undefined, { timeoutMs: 5_000, pollIntervalMs: 1_000, maxPollIntervalMs: 1_000 }),
    ).catch((e) => e);
    await vi.advanceTimersByTimeAsync(6_000);
    const err = await outcome;
    expect(err).toBeInstanceOf(JobTimeoutError);
    expect(err.job.progress).toBe(20);
    expect(err.message).toMatch(/may still finish/);
  });

  it('an abort stops the wait at once with the abort reason', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const controller = new AbortController();
    const check = script(job('running', 10));
    const outcome = waitFor(watchJob(check, undefined, { signal: controller.signal, pollIntervalMs: 10_000 })).catch(
      (e) => e,
    );
    await vi.advanceTimersByTimeAsync(100);
    controller.abort(new Error('stop'));
    const err = await outcome;
    expect(err.message).toBe('stop');
    expect(check).toHaveBeenCalledTimes(1);
  });

  it('rides out a transient failure and honours Retry-After on a rate limit', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const check = script(
      job('running', 10),
      new ProviderError('blip'),
      new RateLimitError('slow', { retryAfterMs: 4_000 }),
      job('succeeded', 100),
    );
    const outcome = waitFor(watchJob(check, undefined, { pollIntervalMs: 100, maxPollIntervalMs: 100 }));
    await vi.advanceTimersByTimeAsync(3_000);
    expect(check).toHaveBeenCalledTimes(3);
    await vi.advanceTimersByTimeAsync(2_000);
    await expect(outcome).resolves.toMatchObject({ status: 'succeeded' });
  });

  it('honours a Retry-After longer than the polling cap, on a 503 as on a 429', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const unavailable = Object.assign(new ProviderError('down for maintenance'), { retryAfterMs: 30_000 });
    const check = script(job('running', 10), unavailable, job('running', 20), job('succeeded', 100));
    const outcome = waitFor(watchJob(check, undefined, { pollIntervalMs: 1_000, maxPollIntervalMs: 1_000 }));
    await vi.advanceTimersByTimeAsync(1_500);
    expect(check).toHaveBeenCalledTimes(2);
    // The vendor asked for 30 s: no poll before then, although the cap is 1 s.
    await vi.advanceTimersByTimeAsync(29_000);
    expect(check).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(check).toHaveBeenCalledTimes(3);
    // Back to the adaptive interval afterwards, not stuck at 30 s.
    await vi.advanceTimersByTimeAsync(5_000);
    await expect(outcome).resolves.toMatchObject({ status: 'succeeded' });
  });

  it('a deadline before any status was read is a TimeoutError saying why, never a JobTimeoutError without a job', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const check = script(new ProviderError('imaginepro failed (503): maintenance', { provider: 'imaginepro' }));
    const outcome = waitFor(watchJob(check, undefined, { pollIntervalMs: 100, timeoutMs: 1_000 })).catch((e) => e);
    await vi.advanceTimersByTimeAsync(1_100);
    const err = await outcome;
    expect(JobTimeoutError.isInstance(err)).toBe(false);
    expect(TimeoutError.isInstance(err)).toBe(true);
    expect(err.message).toMatch(/No status of the job could be read within 1000 ms.*maintenance/);
    expect(err.provider).toBe('imaginepro');
  });

  it('a non-retryable failure ends the wait', async () => {
    const err = await waitFor(
      watchJob(script(new JobFailedError(job('failed', 0))), undefined, { pollIntervalMs: 1 }),
    ).catch((e) => e);
    expect(err.code).toBe('job_failed');
  });

  it('a job already terminal is returned without a request', async () => {
    const check = script(job('running', 1));
    const done = await waitFor(watchJob(check, job('succeeded', 100), {}));
    expect(done.status).toBe('succeeded');
    expect(check).not.toHaveBeenCalled();
  });
});

describe('wait on a job just submitted', () => {
  it('reports the submitted state first and polls only after the planned delay', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const check = script(job('succeeded', 100));
    const seen: string[] = [];
    const outcome = waitFor(
      watchJob(check, job('queued', 0), {
        pollIntervalMs: 500,
        maxPollIntervalMs: 500,
        onProgress: (j) => seen.push(j.status),
      }),
    );
    await vi.advanceTimersByTimeAsync(499);
    expect(check).not.toHaveBeenCalled();
    expect(seen).toEqual(['queued']);
    await vi.advanceTimersByTimeAsync(1);
    await expect(outcome).resolves.toMatchObject({ status: 'succeeded' });
    expect(seen).toEqual(['queued', 'succeeded']);
  });
});
