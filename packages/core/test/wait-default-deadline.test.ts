import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { emptyJob, JobTimeoutError } from '../src/index.js';
import { createClient } from '../src/provider.js';

// A wait without timeoutMs on a vendor that sets no poll defaults: core's own defaults apply (15
// minutes), and the read in flight at the deadline is aborted with a reason an adapter can tell
// from the caller's abort.

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

const MINUTE = 60_000;

/** A vendor whose job runs forever; `hang` makes every read after the first wait for its signal. */
function forever(hang = false) {
  const reads: number[] = [];
  const reasons: unknown[] = [];
  const client = createClient({
    provider: 'slow',
    capabilities: { operations: [], actions: [], batchGet: false, webhooks: false, cancel: false, account: false },
    get: async (id, options) => {
      reads.push(Date.now());
      const running = emptyJob({ provider: 'slow', providerJobId: id, operation: 'imagine', status: 'running' });
      if (!hang || reads.length === 1) return running;
      return new Promise((_resolve, reject) => {
        options?.signal?.addEventListener('abort', () => {
          reasons.push(options.signal?.reason);
          reject(options.signal?.reason);
        });
      });
    },
  });
  return { client, reads, reasons };
}

describe('the default deadline of wait()', () => {
  it('is 15 minutes, polling at most every 20 s', async () => {
    const { client, reads } = forever();
    const started = Date.now();
    let outcome: unknown;
    const waiting = client.wait('slow:1').catch((error: unknown) => {
      outcome = error;
    });
    await vi.advanceTimersByTimeAsync(15 * MINUTE - 1_000);
    expect(outcome).toBeUndefined();
    await vi.advanceTimersByTimeAsync(2_000);
    await waiting;
    expect(outcome).toBeInstanceOf(JobTimeoutError);
    expect((outcome as JobTimeoutError).timeoutMs).toBe(15 * MINUTE);
    expect((outcome as JobTimeoutError).message).toBe(
      'Job slow:1 was still running after 900000 ms. It may still finish (and be billed): call wait() again with its id, or raise timeoutMs.',
    );
    const gaps = reads.slice(1).map((at, i) => at - reads[i]!);
    expect(reads[0]).toBe(started);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(1_000);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(20_000);
  });

  it('aborts the read in flight with a TimeoutError DOMException saying the deadline passed', async () => {
    const { client, reasons } = forever(true);
    const waiting = client.wait('slow:1').catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(15 * MINUTE + 1_000);
    expect(await waiting).toBeInstanceOf(JobTimeoutError);
    expect(reasons).toHaveLength(1);
    expect(reasons[0]).toBeInstanceOf(DOMException);
    expect(reasons[0]).toMatchObject({ name: 'TimeoutError', message: 'The wait reached its deadline.' });
  });
});
