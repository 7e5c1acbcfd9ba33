import { describe, expect, it } from 'vitest';
import { emptyJob, type Job, jobIdOf, mergeJob, parseJobId } from '../src/index.js';
import { definedOnly } from '../src/provider.js';
import { parseRetryAfter } from '../src/retry-timing.js';

const job = (status: Job['status'], fields: Partial<Job> = {}, id = 'j1'): Job =>
  emptyJob({ provider: 'acedata', providerJobId: id, operation: 'imagine', status, ...fields });

describe('mergeJob', () => {
  it('a job with another id replaces the earlier one, even a finished one', () => {
    const merged = mergeJob(job('succeeded', {}, 'a'), job('running', {}, 'b'));
    expect(merged.providerJobId).toBe('b');
    expect(merged.status).toBe('running');
  });

  it('progress never goes back to unknown', () => {
    expect(mergeJob(job('running', { progress: 50 }), job('running', { progress: null })).progress).toBe(50);
    expect(mergeJob(job('running', { progress: null }), job('running', { progress: 30 })).progress).toBe(30);
    expect(mergeJob(job('running', { progress: 0 }), job('running', { progress: null })).progress).toBe(0);
  });

  it('an empty list keeps the earlier one; a filled one replaces it', () => {
    const before = job('running', { images: [{ url: 'https://cdn.example/1.png' }], texts: ['first'] });
    const emptied = mergeJob(before, job('running', { images: [], texts: [] }));
    expect(emptied.images).toEqual([{ url: 'https://cdn.example/1.png' }]);
    expect(emptied.texts).toEqual(['first']);
    const replaced = mergeJob(before, job('running', { images: [{ url: 'https://cdn.example/2.png' }] }));
    expect(replaced.images).toEqual([{ url: 'https://cdn.example/2.png' }]);
  });
});

describe('job ids', () => {
  it('parseJobId refuses an id without a vendor or without a vendor job id', () => {
    expect(parseJobId('acedata:')).toBeUndefined();
    expect(parseJobId(':abc')).toBeUndefined();
    expect(parseJobId('acedata')).toBeUndefined();
    expect(parseJobId('acedata:a:b')).toEqual({ provider: 'acedata', providerJobId: 'a:b' });
    expect(parseJobId('a:b')).toEqual({ provider: 'a', providerJobId: 'b' });
  });

  it('jobIdOf reads a Job or passes an id string through', () => {
    expect(jobIdOf('acedata:x')).toBe('acedata:x');
    expect(jobIdOf(job('queued'))).toBe('acedata:j1');
  });

  it('definedOnly drops undefined entries and keeps the rest', () => {
    expect(definedOnly({ a: 1, b: undefined, c: null, d: '' })).toEqual({ a: 1, c: null, d: '' });
    expect(Object.keys(definedOnly({ a: 1, b: undefined }))).toEqual(['a']);
  });
});

describe('parseRetryAfter', () => {
  const after = (value: string) => parseRetryAfter(new Headers({ 'retry-after': value }), Date.UTC(2026, 10, 27));

  it('reads seconds, whole or decimal, with spaces around', () => {
    expect(after('12')).toBe(12_000);
    expect(after('1.25')).toBe(1250);
    expect(after('1.5')).toBe(1500);
    expect(after(' 5 ')).toBe(5000);
    expect(after('5 ')).toBe(5000);
  });

  it('a value that is neither seconds nor a date is no advice', () => {
    expect(after('x5')).toBeUndefined();
    expect(after('5 seconds')).toBeUndefined();
    expect(after('5x')).toBeUndefined();
    expect(after('')).toBeUndefined();
  });

  it('reads an HTTP date with other whitespace around it than spaces', () => {
    // Headers strip spaces and tabs only; a Latin-1 server may pad with a non-breaking space.
    expect(after('Fri, 27 Nov 2026 00:00:30 GMT\u00a0')).toBe(30_000);
    expect(after('\fFri, 27 Nov 2026 00:00:30 GMT')).toBe(30_000);
  });
});
