import { describe, expect, it } from 'vitest';
import { parseRetryAfter, retryDelay } from '../src/retry-timing.js';

describe('retry timing, apart from the request loop', () => {
  it('full jitter: a random share of a cap that doubles per attempt up to maxMs', () => {
    const top = () => 0.999_999;
    expect(retryDelay(1, { baseMs: 500, maxMs: 8_000 }, undefined, top)).toBe(500);
    expect(retryDelay(2, { baseMs: 500, maxMs: 8_000 }, undefined, top)).toBe(1_000);
    expect(retryDelay(4, { baseMs: 500, maxMs: 8_000 }, undefined, top)).toBe(4_000);
    expect(retryDelay(9, { baseMs: 500, maxMs: 8_000 }, undefined, top)).toBe(8_000);
    expect(retryDelay(3, {}, undefined, () => 0)).toBe(0);
  });

  it('the vendor’s Retry-After wins over the backoff', () => {
    expect(retryDelay(1, { baseMs: 500 }, 3_000, () => 0.5)).toBe(3_000);
    expect(retryDelay(1, { baseMs: 500 }, 0, () => 0.5)).toBe(0);
  });

  it('Retry-After as an HTTP date in each of its three forms, and no advice from text that is not one', () => {
    const now = Date.parse('Sun, 06 Nov 1994 08:49:30 GMT');
    const after = (value: string) => parseRetryAfter(new Headers({ 'retry-after': value }), now);
    expect(after('Sun, 06 Nov 1994 08:49:37 GMT')).toBe(7_000);
    expect(after('Sunday, 06-Nov-94 08:49:37 GMT')).toBe(7_000);
    expect(after('Sun Nov  6 08:49:37 1994')).toBe(7_000);
    expect(after(' 5 ')).toBe(5_000);
    // Date.parse reads these as dates in 2001, which would mean "retry now".
    expect(after('in 5')).toBeUndefined();
    expect(after('abc 5')).toBeUndefined();
    expect(after('soon')).toBeUndefined();
  });
});
