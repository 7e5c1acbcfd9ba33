import { afterEach, describe, expect, it, vi } from 'vitest';
import { emptyJob, type Job } from '../src/index.js';
import { DEFAULT_POLL, type PollDefaults, waitFor, watchJob } from '../src/provider.js';

afterEach(() => vi.useRealTimers());

/**
 * A vendor job on the fake clock: queued for `queuedMs`, then running with a linear progress (in
 * whole percent, as vendors report it) for `runMs`. `progress: false` leaves progress unreported.
 */
function vendorJob(
  { queuedMs, runMs, progress = true }: { queuedMs: number; runMs: number; progress?: boolean },
  fields: Partial<Job> = {},
) {
  const start = Date.now();
  const endsAt = start + queuedMs + runMs;
  const polls: number[] = [];
  const state = (): Job => {
    const now = Date.now();
    const base = { provider: 'acme', providerJobId: 'j1', operation: 'imagine' as const, ...fields };
    if (now >= endsAt) return emptyJob({ ...base, status: 'succeeded', progress: 100 });
    if (now < start + queuedMs) return emptyJob({ ...base, status: 'queued', progress: progress ? 0 : null });
    const percent = Math.floor(((now - start - queuedMs) / runMs) * 100);
    return emptyJob({ ...base, status: 'running', progress: progress ? Math.min(99, percent) : null });
  };
  const check = vi.fn(async () => {
    polls.push(Date.now());
    return state();
  });
  return { check, polls, endsAt, initial: state() };
}

/** Runs a wait to its end on the fake clock; returns when it noticed the end. */
async function runToEnd(job: ReturnType<typeof vendorJob>, options = {}, defaults: PollDefaults = DEFAULT_POLL) {
  let noticedAt = 0;
  const outcome = waitFor(watchJob(job.check, job.initial, options, defaults)).then((done) => {
    noticedAt = Date.now();
    return done;
  });
  while (noticedAt === 0) await vi.advanceTimersByTimeAsync(100);
  await outcome;
  const gaps = job.polls.map((at, i) => at - (i === 0 ? job.polls[0]! : job.polls[i - 1]!)).slice(1);
  return { noticedAfter: noticedAt - job.endsAt, gaps };
}

describe('progress-driven polling', () => {
  it('a 60-s grid costs at most 10 status requests and its end is noticed within one floor', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'], now: 1_000_000 });
    const job = vendorJob({ queuedMs: 3_000, runMs: 57_000 });
    const { noticedAfter } = await runToEnd(job);
    expect(job.check.mock.calls.length).toBeLessThanOrEqual(10);
    expect(noticedAfter).toBeGreaterThanOrEqual(0);
    expect(noticedAfter).toBeLessThanOrEqual(DEFAULT_POLL.intervalMs);
  });

  it('polls sparsely while the finish is far and every floor around it', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'], now: 1_000_000 });
    const job = vendorJob({ queuedMs: 3_000, runMs: 57_000 });
    const { gaps } = await runToEnd(job, { pollIntervalMs: 1_000, maxPollIntervalMs: 30_000 });
    expect(gaps[0]).toBeGreaterThanOrEqual(10_000);
    expect(gaps.at(-1)).toBe(1_000);
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(1_000);
  });

  it('never waits longer than maxPollIntervalMs nor less than pollIntervalMs', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'], now: 1_000_000 });
    const job = vendorJob({ queuedMs: 3_000, runMs: 57_000 });
    const { gaps } = await runToEnd(job, { pollIntervalMs: 2_000, maxPollIntervalMs: 4_000 });
    expect(Math.max(...gaps)).toBe(4_000);
    expect(Math.min(...gaps)).toBe(2_000);
  });

  it('plans the first poll by the kind of job: an upscale is asked about sooner than a grid', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'], now: 1_000_000 });
    const grid = vendorJob({ queuedMs: 3_000, runMs: 57_000 });
    await runToEnd(grid);
    const upscale = vendorJob({ queuedMs: 1_000, runMs: 9_000 }, { operation: 'action', action: 'upscale-2' });
    const { noticedAfter } = await runToEnd(upscale);
    const firstWait = (polls: number[], from: number) => polls[0]! - from;
    expect(firstWait(upscale.polls, upscale.endsAt - 10_000)).toBeLessThan(firstWait(grid.polls, grid.endsAt - 60_000));
    expect(upscale.check.mock.calls.length).toBeLessThanOrEqual(6);
    expect(noticedAfter).toBeLessThanOrEqual(1_000);
  });

  it("takes an adapter's priors: a vendor whose grids take 2 minutes is asked about later", async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'], now: 1_000_000 });
    const usual = vendorJob({ queuedMs: 3_000, runMs: 117_000 });
    await runToEnd(usual, { maxPollIntervalMs: 60_000 });
    const slow = vendorJob({ queuedMs: 3_000, runMs: 117_000 });
    await runToEnd(slow, { maxPollIntervalMs: 60_000 }, { ...DEFAULT_POLL, expectedMs: { grid: 120_000 } });
    expect(slow.polls[0]! - (slow.endsAt - 120_000)).toBeGreaterThan(usual.polls[0]! - (usual.endsAt - 120_000));
    expect(slow.check.mock.calls.length).toBeLessThanOrEqual(usual.check.mock.calls.length);
  });

  it('a job that stalls past its estimated finish is polled less and less often', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'], now: 1_000_000 });
    // Progress reaches 99 % at 60 s, then the job sits there for 3 minutes.
    const job = vendorJob({ queuedMs: 3_000, runMs: 57_000 });
    const stuckUntil = job.endsAt + 180_000;
    const check = job.check.getMockImplementation()!;
    job.check.mockImplementation(async () => {
      const state = await check();
      return Date.now() < stuckUntil && state.status === 'succeeded'
        ? { ...state, status: 'running', progress: 99 }
        : state;
    });
    job.endsAt = stuckUntil;
    const { gaps } = await runToEnd(job);
    // Dense around the estimate, then spread out: far fewer polls than one per floor over 3 minutes.
    expect(job.check.mock.calls.length).toBeLessThan(40);
    expect(Math.max(...gaps.slice(-5))).toBe(DEFAULT_POLL.maxIntervalMs);
  });

  it('a vendor that reports no progress is polled by the prior alone', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'], now: 1_000_000 });
    const job = vendorJob({ queuedMs: 3_000, runMs: 42_000, progress: false });
    const { noticedAfter } = await runToEnd(job);
    expect(job.check.mock.calls.length).toBeLessThanOrEqual(12);
    expect(noticedAfter).toBeLessThanOrEqual(1_500);
  });

  it('a batching client aligns the polls of all its waits to shared slots', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'], now: 1_000_123 });
    const jobs = [0, 1, 2].map((i) => vendorJob({ queuedMs: 1_000 + i * 377, runMs: 50_000 + i * 2_311 }));
    await Promise.all(jobs.map((job) => runToEnd(job, {}, { ...DEFAULT_POLL, alignMs: 1_000 })));
    for (const job of jobs) for (const at of job.polls.slice(1)) expect(at % 1_000).toBe(0);
  });

  it('aligned polls that take a moment still come every floor around the finish, not every floor plus a slot', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'], now: 1_000_000 });
    const job = vendorJob({ queuedMs: 3_000, runMs: 57_300 });
    const answer = job.check.getMockImplementation()!;
    // Each status request takes 40 ms, so every poll ends just past a line of the grid.
    job.check.mockImplementation(async () => {
      const state = await answer();
      await new Promise((resolve) => setTimeout(resolve, 40));
      return state;
    });
    const { gaps, noticedAfter } = await runToEnd(job, {}, { ...DEFAULT_POLL, alignMs: 1_000 });
    expect(gaps.at(-1)).toBe(1_000);
    expect(noticedAfter).toBeLessThanOrEqual(1_040);
  });
});
