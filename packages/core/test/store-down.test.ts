import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { StoreUnavailableError } from '../src/index.js';
import { ConcurrencyLimit, Pacer, storeScope } from '../src/provider.js';
import { downStore, fakeVendor, KEY, warnings } from './store-support.js';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('when the store is down, each feature does what it documents', () => {
  it('pacing: falls back to this process alone, and says so', async () => {
    const { lines, logger } = warnings();
    const pacer = new Pacer(3_000, { shared: storeScope('fake', KEY, { store: downStore(), logger }), name: 'submit' });
    const t0 = Date.now();
    const at: number[] = [];
    const all = Promise.all([1, 2, 3].map(() => pacer.take().then(() => at.push(Date.now() - t0))));
    await vi.advanceTimersByTimeAsync(10_000);
    await all;
    expect(at).toEqual([0, 3_000, 6_000]);
    expect(lines[0]).toMatch(/store failed for the submit pace \(connect ECONNREFUSED.*\); pacing this process alone/);
    expect(lines.join('\n')).not.toContain(KEY);
  });

  it('pacing: picks the store up again once it answers, with no restart', async () => {
    const store = downStore();
    const { logger } = warnings();
    const shared = storeScope('fake', KEY, { store, logger });
    const pacer = new Pacer(3_000, { shared, name: 'submit' });
    await pacer.take();
    const calls = store.calls.length;
    await vi.advanceTimersByTimeAsync(3_000);
    await pacer.take();
    expect(store.calls.length).toBe(calls + 1);
  });

  it('concurrency: limits this process alone', async () => {
    const { lines, logger } = warnings();
    const limit = new ConcurrencyLimit(2, {
      shared: storeScope('fake', KEY, { store: downStore(), logger }),
      name: 'x',
    });
    const first = await limit.acquire();
    await limit.acquire();
    let third = false;
    void limit.acquire().then(() => {
      third = true;
    });
    await vi.advanceTimersByTimeAsync(1_000);
    expect(third).toBe(false);
    first();
    await vi.advanceTimersByTimeAsync(0);
    expect(third).toBe(true);
    expect(lines[0]).toMatch(/limiting this process alone to 2/);
  });

  it('idempotency: refuses with StoreUnavailableError before any vendor request', async () => {
    const vendor = fakeVendor();
    const error = await vendor
      .client(downStore())
      .imagine({ prompt: 'a fox' }, { idempotencyKey: 'k' })
      .catch((e: unknown) => e);
    expect(StoreUnavailableError.isInstance(error)).toBe(true);
    expect((error as StoreUnavailableError).retryable).toBe(true);
    expect((error as Error).message).toMatch(/store is unreachable.*refused rather than risk paying for it twice/);
    expect(vendor.submissions).toEqual([]);
  });

  it('idempotency: a StoreUnavailableError the store throws reaches the caller as it is', async () => {
    const vendor = fakeVendor();
    const own = new StoreUnavailableError('Redis is unreachable (ECONNREFUSED) at redis://127.0.0.1:6379.');
    const store = { ...downStore(), setIfAbsent: async () => Promise.reject(own) };
    await expect(vendor.client(store).imagine({ prompt: 'a fox' }, { idempotencyKey: 'k' })).rejects.toBe(own);
  });

  it('submissions without a key, pending and fan-out: go on, logging; waits poll', async () => {
    const vendor = fakeVendor();
    const { lines, logger } = warnings();
    const mj = vendor.client(downStore(), { logger });
    const job = await mj.imagine({ prompt: 'a fox' });
    expect(lines.join('\n')).toMatch(/pending-jobs list.*fake:job-1 is not listed by pending\(\)/);
    const waiting = mj.wait(job);
    await vi.advanceTimersByTimeAsync(100);
    expect(lines.join('\n')).toMatch(/callback feed of fake:job-1.*the wait goes on polling/);
    vendor.finish(job.id);
    await vi.advanceTimersByTimeAsync(30_000);
    expect(await waiting).toMatchObject({ status: 'succeeded' });
    // A verified callback is still answered; other processes see the job by polling.
    await expect(mj.parseWebhook(vendor.webhook(job.id))).resolves.toMatchObject({ status: 'succeeded' });
    expect(lines.join('\n')).toMatch(/callback of fake:job-1.*waits elsewhere see it by polling/);
  });

  it('pending(): cannot list without the store, and says so', async () => {
    const error = await fakeVendor()
      .client(downStore())
      .pending()
      .catch((e: unknown) => e);
    expect(StoreUnavailableError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/pending jobs cannot be listed/);
  });
});
