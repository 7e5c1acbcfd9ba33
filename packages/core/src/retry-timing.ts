// When the next try of a failed call goes out: the vendor's word (`Retry-After`) when it gave
// one, else full-jitter exponential backoff. Apart from the request loop, as in ky's
// `retry-timing`, so the numbers can be read and tested on their own.

/** `Retry-After` (seconds or HTTP date) or `retry-after-ms`, capped at 60 s. */
export function parseRetryAfter(headers: Headers, now = Date.now()): number | undefined {
  const ms = headers.get('retry-after-ms');
  if (ms && Number.isFinite(Number(ms))) return clampRetry(Number(ms));
  const value = headers.get('retry-after');
  if (!value) return undefined;
  if (/^\s*\d+(\.\d+)?\s*$/.test(value)) return clampRetry(Number(value) * 1000);
  // Only an HTTP date (RFC 9110 §5.6.7): `Date.parse` reads almost any text as some date ("in 5" is
  // in 2001), which would turn advice nobody gave into "retry now".
  if (!HTTP_DATE.test(value.trim())) return undefined;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : clampRetry(date - now);
}

/** IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), RFC 850 (`Sunday, 06-Nov-94 …`) and asctime (`Sun Nov  6 08:49:37 1994`). */
const HTTP_DATE = /^[A-Za-z]{3,9},? [\dA-Za-z -]+ \d{2}:\d{2}:\d{2}(?: GMT| \d{4})$/;

const MAX_RETRY_AFTER_MS = 60_000;
function clampRetry(ms: number): number {
  return Math.min(Math.max(0, ms), MAX_RETRY_AFTER_MS);
}

/** How `maxRetries` tries are spaced: full jitter, delay = random(0, min(maxMs, baseMs·2^n)). */
export interface Backoff {
  baseMs?: number;
  maxMs?: number;
}

/**
 * The wait before try `attemptNumber + 1`: `retryAfterMs` when the vendor said, else a random
 * delay up to the backoff cap for this attempt (full jitter spreads many clients' retries apart).
 */
export function retryDelay(
  attemptNumber: number,
  backoff: Backoff = {},
  retryAfterMs?: number,
  random: () => number = Math.random,
): number {
  if (retryAfterMs !== undefined) return retryAfterMs;
  const { baseMs = 500, maxMs = 8_000 } = backoff;
  const cap = Math.min(maxMs, baseMs * 2 ** (attemptNumber - 1));
  return Math.round(random() * cap);
}
