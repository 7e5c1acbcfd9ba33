import { describe, expect, it } from 'vitest';
import { emptyJob, type Job } from '../src/index.js';
import { jobKind, PollSchedule } from '../src/poll-schedule.js';

// The poll plan of one wait, in exact numbers: an adapter author tunes `floorMs`, `capMs` and
// `expectedMs` against these (DEFAULT_EXPECTED_MS: grid 45 s, faceswap 15 s).

function state(status: Job['status'], progress: number | null, fields: Partial<Job> = {}): Job {
  return emptyJob({ provider: 'acme', providerJobId: 'j1', operation: 'imagine', status, progress, ...fields });
}

const SETTINGS = { floorMs: 1_000, capMs: 60_000 };

describe('jobKind', () => {
  it('names the kind of every operation and action', () => {
    const kind = (operation: Job['operation'], action?: string) => jobKind({ operation, action } as Job);
    expect(kind('imagine')).toBe('grid');
    expect(kind('blend')).toBe('grid');
    expect(kind('describe')).toBe('text');
    expect(kind('shorten')).toBe('text');
    expect(kind('faceswap')).toBe('faceswap');
    expect(kind('video')).toBe('video');
    expect(kind('seed')).toBe('instant');
    expect(kind('action', 'upscale-1')).toBe('upscale');
    expect(kind('action', 'upscale-4')).toBe('upscale');
    expect(kind('action', 'upscale-2x')).toBe('upscale-hd');
    expect(kind('action', 'upscale-creative')).toBe('upscale-hd');
    expect(kind('action', 'x-upscale-1')).toBe('upscale-hd');
    expect(kind('action', 'variation-2')).toBe('grid');
    expect(kind('action')).toBe('grid');
  });
});

describe('PollSchedule', () => {
  it('before any state, and while queued, looks early, then less often the longer the queue', () => {
    const schedule = new PollSchedule(SETTINGS, 0);
    // No state yet: a tenth of a grid's usual 45 s.
    expect(schedule.nextDelay(0)).toBe(4_500);
    schedule.observe(state('queued', 0), 1_000);
    expect(schedule.nextDelay(1_000)).toBe(4_500);
    // Queued 20 s: half the time waited.
    expect(schedule.nextDelay(20_000)).toBe(10_000);
    // Never past the cap.
    expect(schedule.nextDelay(500_000)).toBe(60_000);
  });

  it('a queued job of another kind starts from that kind’s usual duration', () => {
    const schedule = new PollSchedule(SETTINGS, 0);
    schedule.observe(state('queued', 0, { operation: 'faceswap' }), 0);
    expect(schedule.nextDelay(0)).toBe(1_500);
    const tuned = new PollSchedule({ ...SETTINGS, expectedMs: { faceswap: 30_000 } }, 0);
    tuned.observe(state('queued', 0, { operation: 'faceswap' }), 0);
    expect(tuned.nextDelay(0)).toBe(3_000);
  });

  it('one progress reading: the finish comes from the prior, half of it uncertain', () => {
    const schedule = new PollSchedule(SETTINGS, 0);
    schedule.observe(state('running', 10), 10_000);
    // 90 % of 45 s left after 10 s.
    expect(schedule.estimate()).toEqual({ finish: 50_500, uncertainty: 0.5 });
    expect(schedule.nextDelay(10_000)).toBe(20_250);
  });

  it('two readings: the finish comes from the job’s own rate, with a margin that shrinks as it spans more', () => {
    const schedule = new PollSchedule(SETTINGS, 0);
    schedule.observe(state('running', 10), 10_000);
    schedule.observe(state('running', 30), 20_000);
    // 20 points in 10 s: the 70 left take 35 s; 0.15 + 3/20 of it may be wrong.
    expect(schedule.estimate()).toEqual({ finish: 55_000, uncertainty: 0.3 });
    expect(schedule.nextDelay(20_000)).toBe(24_500);
    // Within one floor of the finish: every floor.
    expect(schedule.nextDelay(54_500)).toBe(1_000);
    // Past the finish: half the overrun.
    expect(schedule.nextDelay(65_000)).toBe(5_000);
    // A stall (same progress) keeps the estimate.
    schedule.observe(state('running', 30), 40_000);
    expect(schedule.estimate()).toEqual({ finish: 55_000, uncertainty: 0.3 });
  });

  it('a wide span is trusted more, down to a 15 % margin… but never less sure than the prior', () => {
    const wide = new PollSchedule(SETTINGS, 0);
    wide.observe(state('running', 0), 0);
    wide.observe(state('running', 60), 30_000);
    expect(wide.estimate()).toEqual({ finish: 50_000, uncertainty: 0.2 });
    const narrow = new PollSchedule(SETTINGS, 0);
    narrow.observe(state('running', 10), 0);
    narrow.observe(state('running', 12), 1_000);
    expect(narrow.estimate()).toEqual({ finish: 45_000, uncertainty: 0.5 });
  });

  it('only running states with a progress count as readings', () => {
    const queuedFirst = new PollSchedule(SETTINGS, 0);
    queuedFirst.observe(state('queued', 0), 5_000);
    queuedFirst.observe(state('running', 50), 10_000);
    expect(queuedFirst.estimate()).toEqual({ finish: 32_500, uncertainty: 0.5 });
    const unreported = new PollSchedule(SETTINGS, 0);
    unreported.observe(state('running', null), 5_000);
    unreported.observe(state('running', 50), 10_000);
    expect(unreported.estimate()).toEqual({ finish: 32_500, uncertainty: 0.5 });
    // Nothing read yet: the prior from the start of the wait.
    expect(new PollSchedule(SETTINGS, 2_000).estimate()).toEqual({ finish: 47_000, uncertainty: 0.6 });
  });

  it('two readings at the same instant give no rate: the prior stands', () => {
    const schedule = new PollSchedule(SETTINGS, 0);
    schedule.observe(state('running', 10), 1_000);
    schedule.observe(state('running', 20), 1_000);
    expect(schedule.estimate()).toEqual({ finish: 37_000, uncertainty: 0.5 });
  });
});
