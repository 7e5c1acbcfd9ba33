import { describe, expect, it } from 'vitest';
import { parseRetryAfter } from '../src/provider.js';

// Which `Retry-After` texts are read as an HTTP date (RFC 9110 §5.6.7): the three forms exactly,
// anchored at both ends, so text around a date never turns into "retry in N seconds".

const now = Date.parse('Sun, 06 Nov 1994 08:49:07 GMT');
const after = (value: string) => parseRetryAfter(new Headers({ 'retry-after': value }), now);

describe('Retry-After as an HTTP date', () => {
  it.each([
    ['IMF-fixdate', 'Sun, 06 Nov 1994 08:49:37 GMT'],
    ['IMF-fixdate with a long day name', 'Wednesday, 09 Nov 1994 08:49:37 GMT'],
    ['RFC 850', 'Sunday, 06-Nov-94 08:49:37 GMT'],
    ['asctime', 'Sun Nov  6 08:49:37 1994'],
    ['a day name without its comma', 'Sun 06 Nov 1994 08:49:37 GMT'],
  ])('%s (%s) is read', (_form, value) => {
    const expected = Math.min(60_000, Date.parse(value) - now);
    expect(after(value)).toBe(expected);
    expect(expected).toBeGreaterThan(0);
  });

  it.each([
    ['a word before it', 'x Sun, 06 Nov 1994 08:49:37 GMT'],
    ['a number before it', '5 Sun, 06 Nov 1994 08:49:37 GMT'],
    ['an offset after GMT', 'Sun, 06 Nov 1994 08:49:37 GMT+0000'],
    ['text after it', 'Sun, 06 Nov 1994 08:49:37 GMT junk'],
    ['a one-letter day', 'S, 06 Nov 1994 08:49:37 GMT'],
    ['a one-digit hour', 'Sun, 06 Nov 1994 8:49:37 GMT'],
    ['a one-digit minute', 'Sun, 06 Nov 1994 08:9:37 GMT'],
    ['a one-digit second', 'Sun, 06 Nov 1994 08:49:7 GMT'],
    ['a one-digit asctime year', 'Sun, 06 Nov 1994 08:49:37 2'],
    ['no date at all', 'Sun, 08:49:37 GMT'],
  ])('%s (%s) is no advice', (_why, value) => {
    expect(after(value)).toBeUndefined();
  });
});
