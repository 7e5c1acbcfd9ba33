import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  createMemoryStore,
  InvalidRequestError,
  NotFoundError,
  RateLimitError,
  type Store,
  TimeoutError,
  UnsupportedError,
} from '../src/index.js';
import { IDEMPOTENCY_CLAIM_MS } from '../src/provider.js';
import { fakeVendor, lostAnswer, warnings } from './store-support.js';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('idempotencyKey: one vendor submission per key, across processes sharing a store', () => {
  it('the same key returns the same job from another process, and after a restart', async () => {
    const vendor = fakeVendor();
    const store = createMemoryStore();
    const first = await vendor.client(store).imagine({ prompt: 'a fox' }, { idempotencyKey: 'order-1' });
    const again = await vendor.client(store).imagine({ prompt: 'a fox' }, { idempotencyKey: 'order-1' });
    // A worker started afterwards (a new client on the same store) gets it too.
    const restarted = await vendor.client(store).imagine({ prompt: 'a fox' }, { idempotencyKey: 'order-1' });
    expect(again.id).toBe(first.id);
    expect(restarted.id).toBe(first.id);
    expect(vendor.submissions).toHaveLength(1);

    const other = await vendor.client(store).imagine({ prompt: 'a fox' }, { idempotencyKey: 'order-2' });
    expect(other.id).not.toBe(first.id);
    expect(vendor.submissions).toHaveLength(2);
  });

  it('without a key every call submits, as before', async () => {
    const vendor = fakeVendor();
    const mj = vendor.client();
    await mj.imagine({ prompt: 'a fox' });
    await mj.imagine({ prompt: 'a fox' });
    expect(vendor.submissions).toHaveLength(2);
  });

  it('works within one process with the default memory store', async () => {
    const vendor = fakeVendor();
    const mj = vendor.client();
    const a = await mj.imagine({ prompt: 'a fox' }, { idempotencyKey: 'k' });
    const b = await mj.imagine({ prompt: 'a fox' }, { idempotencyKey: 'k' });
    expect(b.id).toBe(a.id);
    expect(vendor.submissions).toHaveLength(1);
  });

  it('the window ends after idempotencyTtlMs: the key then submits anew', async () => {
    const vendor = fakeVendor();
    const store = createMemoryStore();
    const mj = vendor.client(store, { idempotencyTtlMs: 60_000 });
    const a = await mj.imagine({ prompt: 'a fox' }, { idempotencyKey: 'k' });
    await vi.advanceTimersByTimeAsync(59_000);
    expect((await mj.imagine({ prompt: 'a fox' }, { idempotencyKey: 'k' })).id).toBe(a.id);
    await vi.advanceTimersByTimeAsync(2_000);
    expect((await mj.imagine({ prompt: 'a fox' }, { idempotencyKey: 'k' })).id).not.toBe(a.id);
    expect(vendor.submissions).toHaveLength(2);
  });

  it('a concurrent duplicate in another process waits for the first and gets its job', async () => {
    const vendor = fakeVendor();
    const store = createMemoryStore();
    const held = vendor.holdNext();
    const first = vendor.client(store).imagine({ prompt: 'a fox' }, { idempotencyKey: 'k' });
    await held.reached;
    const duplicate = vendor.client(store).imagine({ prompt: 'a fox' }, { idempotencyKey: 'k' });
    await vi.advanceTimersByTimeAsync(5_000);
    expect(vendor.submissions).toHaveLength(1);
    held.release();
    await vi.advanceTimersByTimeAsync(2_000);
    const [a, b] = await Promise.all([first, duplicate]);
    expect(b.id).toBe(a.id);
    expect(vendor.submissions).toHaveLength(1);
  });

  it('act and its sugar, describe and run take the key too', async () => {
    const vendor = fakeVendor();
    const store = createMemoryStore();
    const grid = vendor.finish((await vendor.client(store).imagine({ prompt: 'a fox' })).id);
    const up1 = await vendor.client(store).upscale(grid, 2, { idempotencyKey: 'up' });
    const up2 = await vendor.client(store).act(grid, 'upscale-2', {}, { idempotencyKey: 'up' });
    expect(up2.id).toBe(up1.id);
    const d1 = await vendor.client(store).describe({ imageUrl: 'https://a.example/x.png' }, { idempotencyKey: 'd' });
    const d2 = await vendor.client(store).describe({ imageUrl: 'https://a.example/x.png' }, { idempotencyKey: 'd' });
    expect(d2.id).toBe(d1.id);
    expect(vendor.submissions.map((s) => s.operation)).toEqual(['imagine', 'action', 'describe']);

    const mj = vendor.client(store);
    const running = mj.run({ prompt: 'a hare' }, { idempotencyKey: 'r' });
    await vi.advanceTimersByTimeAsync(0);
    const id = vendor.submissions.length;
    vendor.finish(`fake:job-${id}`);
    await vi.advanceTimersByTimeAsync(5_000);
    const done = await running;
    expect((await mj.imagine({ prompt: 'a hare' }, { idempotencyKey: 'r' })).id).toBe(done.id);
    expect(vendor.submissions).toHaveLength(4);
  });

  it('a key reused for a different request is refused, naming the fix', async () => {
    const vendor = fakeVendor();
    const mj = vendor.client();
    await mj.imagine({ prompt: 'a fox' }, { idempotencyKey: 'k' });
    await expect(mj.imagine({ prompt: 'a hare' }, { idempotencyKey: 'k' })).rejects.toThrow(
      /already used for a different request.*Use a new key/,
    );
    await expect(mj.imagine({ prompt: 'a fox' }, { idempotencyKey: '' })).rejects.toBeInstanceOf(InvalidRequestError);
    expect(vendor.submissions).toHaveLength(1);
  });

  it('a definite failure frees the key: the retry submits', async () => {
    const vendor = fakeVendor();
    const store = createMemoryStore();
    vendor.failNext(() => new RateLimitError('Slow down.', { provider: 'fake' }));
    await expect(vendor.client(store).imagine({ prompt: 'a fox' }, { idempotencyKey: 'k' })).rejects.toBeInstanceOf(
      RateLimitError,
    );
    const job = await vendor.client(store).imagine({ prompt: 'a fox' }, { idempotencyKey: 'k' });
    expect(job.status).toBe('queued');
    expect(vendor.submissions).toHaveLength(2);
  });
});

describe('idempotencyKey after an ambiguous failure (mayHaveCreatedJob)', () => {
  it('the retry looks the job up with findSubmission instead of submitting again, and says so', async () => {
    const vendor = fakeVendor();
    const store = createMemoryStore();
    vendor.failNext(lostAnswer);
    const error = await vendor
      .client(store)
      .imagine({ prompt: 'a fox', ref: 'r1' }, { idempotencyKey: 'k' })
      .catch((e: unknown) => e);
    expect(TimeoutError.isInstance(error) && error.mayHaveCreatedJob).toBe(true);
    const { lines, logger } = warnings();
    const job = await vendor.client(store, { logger }).imagine({ prompt: 'a fox', ref: 'r1' }, { idempotencyKey: 'k' });
    expect(job.id).toBe('fake:job-1');
    expect(vendor.submissions).toHaveLength(1);
    expect(lines.join('\n')).toMatch(/looked it up with findSubmission and found fake:job-1.*nothing submitted again/);
    // Found once, recorded: later retries return it without another lookup.
    expect((await vendor.client(store).imagine({ prompt: 'a fox', ref: 'r1' }, { idempotencyKey: 'k' })).id).toBe(
      job.id,
    );
  });

  it('when the vendor lists no such job yet, the retry says it looked and submits nothing', async () => {
    const vendor = fakeVendor();
    const store = createMemoryStore();
    vendor.failNext(lostAnswer);
    await vendor
      .client(store)
      .imagine({ prompt: 'a fox' }, { idempotencyKey: 'k' })
      .catch(() => {});
    vendor.hidden = true;
    const error = await vendor
      .client(store)
      .imagine({ prompt: 'a fox' }, { idempotencyKey: 'k' })
      .catch((e: unknown) => e);
    expect(NotFoundError.isInstance(error)).toBe(true);
    expect((error as NotFoundError).retryable).toBe(true);
    expect((error as Error).message).toMatch(/looked it up with findSubmission.*Nothing was submitted again/);
    vendor.hidden = false;
    expect((await vendor.client(store).imagine({ prompt: 'a fox' }, { idempotencyKey: 'k' })).id).toBe('fake:job-1');
    expect(vendor.submissions).toHaveLength(1);
  });

  it('a vendor with no job listing (APIFRAME) cannot look it up: UnsupportedError says why and what to do', async () => {
    const vendor = fakeVendor();
    const store = createMemoryStore();
    vendor.failNext(lostAnswer);
    await vendor
      .client(store, { findable: false })
      .imagine({ prompt: 'a fox' }, { idempotencyKey: 'k' })
      .catch(() => {});
    const error = await vendor
      .client(store, { findable: false })
      .imagine({ prompt: 'a fox' }, { idempotencyKey: 'k' })
      .catch((e: unknown) => e);
    expect(UnsupportedError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/no job listing.*does not submit again.*webhook.*new idempotencyKey/);
    expect(vendor.submissions).toHaveLength(1);
  });

  it('a process that died while submitting: once its claim is stale, a retry looks the job up', async () => {
    const vendor = fakeVendor();
    const store = createMemoryStore();
    // The dying process's store: its claim lands, then nothing it writes arrives any more.
    const dying: Store = { ...store, set: () => new Promise<void>(() => {}) };
    const held = vendor.holdNext();
    void vendor.client(dying).imagine({ prompt: 'a fox' }, { idempotencyKey: 'k' });
    await held.reached;
    const retry = vendor.client(store).imagine({ prompt: 'a fox' }, { idempotencyKey: 'k' });
    let settled = false;
    void retry.then(() => {
      settled = true;
    });
    await vi.advanceTimersByTimeAsync(IDEMPOTENCY_CLAIM_MS - 1_000);
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(3_000);
    expect((await retry).id).toBe('fake:job-1');
    expect(vendor.submissions).toHaveLength(1);
  });

  it('a live holder keeps its claim fresh, however long its submission takes', async () => {
    const vendor = fakeVendor();
    const store = createMemoryStore();
    const held = vendor.holdNext();
    const first = vendor.client(store).imagine({ prompt: 'a fox' }, { idempotencyKey: 'k' });
    await held.reached;
    const duplicate = vendor.client(store).imagine({ prompt: 'a fox' }, { idempotencyKey: 'k' });
    vendor.hidden = true; // a lookup now would fail: proves the duplicate does not look
    await vi.advanceTimersByTimeAsync(IDEMPOTENCY_CLAIM_MS * 4);
    held.release();
    await vi.advanceTimersByTimeAsync(2_000);
    expect((await duplicate).id).toBe((await first).id);
  });
});
