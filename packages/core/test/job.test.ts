import { describe, expect, it } from 'vitest';
import pkg from '../package.json' with { type: 'json' };
import { emptyJob, formatJobId, type Job, mergeJob, parseJobId, VERSION } from '../src/index.js';

const at = (status: Job['status'], progress: number | null, extra: Partial<Job> = {}): Job =>
  emptyJob({ provider: 'imaginepro', providerJobId: 'm1', operation: 'imagine', status, progress, ...extra });

describe('mergeJob', () => {
  it('never moves progress backwards', () => {
    const merged = mergeJob(at('running', 80), at('running', 40));
    expect(merged.progress).toBe(80);
    expect(merged.status).toBe('running');
  });

  it('never turns a terminal state back into running', () => {
    const done = at('succeeded', 100, { images: [{ url: 'https://x/1.png' }] });
    const merged = mergeJob(done, at('running', 50));
    expect(merged).toBe(done);
    expect(mergeJob(at('failed', 30), at('succeeded', 100)).status).toBe('failed');
  });

  it('never goes from running back to queued', () => {
    expect(mergeJob(at('running', 10), at('queued', 0)).status).toBe('running');
  });

  it('moves forward and keeps fields the newer observation lacks', () => {
    const merged = mergeJob(at('running', 50, { prompt: 'a fox', ref: 'r1' }), at('succeeded', 100));
    expect(merged).toMatchObject({ status: 'succeeded', progress: 100, prompt: 'a fox', ref: 'r1' });
  });

  it('takes the richer copy of the same terminal state', () => {
    const merged = mergeJob(at('succeeded', 100), at('succeeded', 100, { images: [{ url: 'https://x/1.png' }] }));
    expect(merged.images).toHaveLength(1);
  });

  it('a repeat of the same terminal state never loses or lowers its progress', () => {
    // e.g. a final webhook without a percentage arriving after the poll that saw 100 %.
    const merged = mergeJob(at('succeeded', 100), at('succeeded', null, { images: [{ url: 'https://x/1.png' }] }));
    expect(merged.progress).toBe(100);
    expect(merged.images).toHaveLength(1);
    expect(mergeJob(at('failed', 60), at('failed', 0)).progress).toBe(60);
  });

  it('a sequence of out-of-order observations is monotonic', () => {
    const seen = [10, 60, 30, 90, 20].map((p) => at('running', p));
    let job: Job | undefined;
    const progress: (number | null)[] = [];
    for (const s of seen) {
      job = mergeJob(job, s);
      progress.push(job.progress);
    }
    expect(progress).toEqual([10, 60, 60, 90, 90]);
  });
});

describe('job ids', () => {
  it('formats and parses provider-qualified ids', () => {
    expect(formatJobId('apiframe', 'abc')).toBe('apiframe:abc');
    expect(parseJobId('apiframe:abc:def')).toEqual({ provider: 'apiframe', providerJobId: 'abc:def' });
    expect(parseJobId('abc')).toBeUndefined();
    expect(parseJobId(':abc')).toBeUndefined();
  });

  it('a job survives JSON', () => {
    const job = at('succeeded', 100, { images: [{ url: 'https://x/1.png', width: 1 }] });
    expect(JSON.parse(JSON.stringify(job))).toEqual(JSON.parse(JSON.stringify(job)));
    expect(job.id).toBe('imaginepro:m1');
  });
});

it('VERSION matches package.json', () => {
  expect(VERSION).toBe(pkg.version);
});
