import { describe, expect, it } from 'vitest';
import { SubmissionMemo } from '../src/provider.js';

describe('SubmissionMemo', () => {
  it('recalls an entry until it is older than maxAgeMs', () => {
    let now = 1_000;
    const memo = new SubmissionMemo<string>({ maxAgeMs: 15_000, now: () => now });
    memo.remember('a', 'job a');
    now += 15_000;
    expect(memo.recall('a')).toBe('job a');
    now += 1;
    expect(memo.recall('a')).toBeUndefined();
    expect(memo.recall('b')).toBeUndefined();
  });

  it('keeps at most maxEntries, dropping the oldest, and a re-remembered id counts as new', () => {
    const memo = new SubmissionMemo<number>({ maxEntries: 2 });
    memo.remember('a', 1);
    memo.remember('b', 2);
    memo.remember('a', 3);
    memo.remember('c', 4);
    expect(memo.recall('b')).toBeUndefined();
    expect(memo.recall('a')).toBe(3);
    expect(memo.recall('c')).toBe(4);
  });

  it('sweeps expired entries when remembering, so it does not grow', () => {
    let now = 0;
    const memo = new SubmissionMemo<number>({ maxAgeMs: 10, maxEntries: 3, now: () => now });
    memo.remember('a', 1);
    now = 20;
    memo.remember('b', 2);
    memo.remember('c', 3);
    memo.remember('d', 4);
    expect([memo.recall('a'), memo.recall('b'), memo.recall('c'), memo.recall('d')]).toEqual([undefined, 2, 3, 4]);
  });
});

describe('SubmissionMemo under a steady stream of submissions', () => {
  it('keeps the newest maxEntries and every young entry recalled, with ids remembered again', () => {
    let now = 0;
    const memo = new SubmissionMemo<number>({ maxAgeMs: 1_000, maxEntries: 100, now: () => now });
    for (let i = 0; i < 10_000; i++) {
      now += 1;
      memo.remember(`job-${i}`, i);
      // An id remembered again moves to the newest place, as a fresh submission would.
      if (i % 10 === 0) memo.remember('again', i);
    }
    expect(memo.recall('job-9999')).toBe(9999);
    expect(memo.recall('again')).toBe(9990);
    // 100 entries at most: 'again' and the 99 newest jobs.
    expect(memo.recall('job-9901')).toBe(9901);
    expect(memo.recall('job-9900')).toBeUndefined();
    expect(memo.recall('job-0')).toBeUndefined();
  });

  it('drops entries older than maxAgeMs as new ones arrive', () => {
    let now = 0;
    const memo = new SubmissionMemo<number>({ maxAgeMs: 10, now: () => now });
    for (let i = 0; i < 5_000; i++) {
      now += 1;
      memo.remember(`job-${i}`, i);
    }
    expect(memo.recall('job-4999')).toBe(4999);
    expect(memo.recall('job-4989')).toBe(4989);
    expect(memo.recall('job-4988')).toBeUndefined();
  });
});
