import { describe, expect, it } from 'vitest';
import { retryDelay } from '../src/retry-timing.js';

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
});
