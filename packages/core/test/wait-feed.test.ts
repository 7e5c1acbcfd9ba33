import { afterEach, describe, expect, it, vi } from 'vitest';
import { emptyJob, type Job, JobTimeoutError } from '../src/index.js';
import { type JobFeed, waitFor, watchJob } from '../src/provider.js';

const job = (status: Job['status'], progress: number | null, extra: Partial<Job> = {}): Job =>
  emptyJob({ provider: 'acme', providerJobId: 'j1', operation: 'imagine', status, progress, ...extra });

/** A feed the test pushes into, counting who listens. */
function testFeed() {
  const listeners = new Set<(job: Job) => void>();
  const feed: JobFeed & { push(job: Job): void; listening: number } = {
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    push(pushed) {
      for (const listener of listeners) listener(pushed);
    },
    get listening() {
      return listeners.size;
    },
  };
  return feed;
}

afterEach(() => vi.useRealTimers());

describe('wait with a feed of pushed jobs', () => {
  it('a terminal push during a sleep ends the wait at once, without another request', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const feed = testFeed();
    const check = vi.fn(async () => job('running', 10));
    const outcome = waitFor(
      watchJob(check, job('queued', 0), { pollIntervalMs: 5_000, maxPollIntervalMs: 5_000 }, undefined, feed),
    );
    await vi.advanceTimersByTimeAsync(5_000);
    expect(check).toHaveBeenCalledTimes(1);
    expect(feed.listening).toBe(1);
    await vi.advanceTimersByTimeAsync(1_000);
    feed.push(job('succeeded', 100, { gridUrl: 'https://cdn.example/grid.png' }));
    await expect(outcome).resolves.toMatchObject({ status: 'succeeded', gridUrl: 'https://cdn.example/grid.png' });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(check).toHaveBeenCalledTimes(1);
    expect(feed.listening).toBe(0);
  });

  it('a pushed state is reported as soon as it arrives, merged so progress never goes backwards', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const feed = testFeed();
    const polled = [job('running', 40), job('running', 50), job('succeeded', 100)];
    const check = vi.fn(async () => polled.shift()!);
    const seen: (number | null)[] = [];
    const outcome = waitFor(
      watchJob(
        check,
        job('queued', 0),
        { pollIntervalMs: 2_000, maxPollIntervalMs: 2_000, onProgress: (j) => seen.push(j.progress) },
        undefined,
        feed,
      ),
    );
    await vi.advanceTimersByTimeAsync(2_000);
    expect(seen).toEqual([0, 40]);
    feed.push(job('running', 30)); // older than what the poll read: not reported
    feed.push(job('running', 45));
    await vi.advanceTimersByTimeAsync(0);
    expect(seen).toEqual([0, 40, 45]);
    expect(check).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(20_000);
    await expect(outcome).resolves.toMatchObject({ status: 'succeeded' });
    expect(seen).toEqual([0, 40, 45, 50, 100]);
  });

  it('once states are pushed, polling slows to a safety net: at least 10 s apart, within the cap', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const feed = testFeed();
    const polls: number[] = [];
    const check = vi.fn(async () => {
      polls.push(Date.now());
      return job('running', 95);
    });
    const start = Date.now();
    const outcome = waitFor(watchJob(check, undefined, {}, undefined, feed));
    await vi.advanceTimersByTimeAsync(0);
    expect(check).toHaveBeenCalledTimes(1);
    // Near the end a wait polls every second; a push shows the callbacks get through.
    feed.push(job('running', 97));
    await vi.advanceTimersByTimeAsync(60_000);
    const gaps = polls.slice(1).map((at, i) => at - polls[i]!);
    expect(gaps.length).toBeGreaterThan(0);
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(10_000);
    expect(polls.length).toBeLessThanOrEqual(1 + 60_000 / 10_000);
    feed.push(job('succeeded', 100));
    await expect(outcome).resolves.toMatchObject({ status: 'succeeded' });
    expect(Date.now() - start).toBe(60_000);
  });

  it('a terminal push while a poll is in flight ends the wait and lets the poll go', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const feed = testFeed();
    let pollSignal: AbortSignal | undefined;
    const check = vi.fn(
      (signal: AbortSignal) =>
        new Promise<Job>((_resolve, reject) => {
          pollSignal = signal;
          signal.addEventListener('abort', () => reject(signal.reason));
        }),
    );
    const outcome = waitFor(watchJob(check, undefined, {}, undefined, feed));
    await vi.advanceTimersByTimeAsync(0);
    expect(check).toHaveBeenCalledTimes(1);
    feed.push(job('succeeded', 100));
    await expect(outcome).resolves.toMatchObject({ status: 'succeeded' });
    expect(pollSignal?.aborted).toBe(true);
    expect(feed.listening).toBe(0);
  });

  it('a feed that already holds the final state resolves the wait without any request', async () => {
    const done = job('succeeded', 100);
    const feed: JobFeed = {
      subscribe(listener) {
        listener(done);
        return () => {};
      },
    };
    const check = vi.fn(async () => job('running', 1));
    await expect(waitFor(watchJob(check, undefined, {}, undefined, feed))).resolves.toMatchObject({
      status: 'succeeded',
    });
    expect(check).not.toHaveBeenCalled();
  });

  it('a pushed failure fails the wait like a polled one', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const feed = testFeed();
    const outcome = waitFor(
      watchJob(async () => job('running', 10), job('queued', 0), { maxPollIntervalMs: 1_000 }, undefined, feed),
    ).catch((e) => e);
    await vi.advanceTimersByTimeAsync(1_500);
    feed.push(job('failed', 10, { error: { code: 'banned_prompt', message: 'Banned prompt detected' } }));
    const err = await outcome;
    expect(err.code).toBe('job_failed');
    expect(feed.listening).toBe(0);
  });

  it('stops listening however the wait ends: abort, deadline, failed poll, or the caller leaving the loop', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const running = async () => job('running', 10);

    const aborted = testFeed();
    const controller = new AbortController();
    const abortOutcome = waitFor(watchJob(running, undefined, { signal: controller.signal }, undefined, aborted)).catch(
      (e) => e,
    );
    await vi.advanceTimersByTimeAsync(100);
    controller.abort(new Error('stop'));
    expect((await abortOutcome).message).toBe('stop');
    expect(aborted.listening).toBe(0);

    const late = testFeed();
    const lateOutcome = waitFor(watchJob(running, undefined, { timeoutMs: 3_000 }, undefined, late)).catch((e) => e);
    await vi.advanceTimersByTimeAsync(3_000);
    expect(await lateOutcome).toBeInstanceOf(JobTimeoutError);
    expect(late.listening).toBe(0);

    const broken = testFeed();
    const failing = async (): Promise<Job> => {
      throw new TypeError('adapter bug');
    };
    await expect(waitFor(watchJob(failing, undefined, {}, undefined, broken))).rejects.toThrow('adapter bug');
    expect(broken.listening).toBe(0);

    const left = testFeed();
    for await (const seen of watchJob(running, undefined, {}, undefined, left)) {
      expect(seen.progress).toBe(10);
      break;
    }
    expect(left.listening).toBe(0);
  });
});
