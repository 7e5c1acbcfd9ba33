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
