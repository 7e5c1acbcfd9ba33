import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createMemoryStore, type Store } from '../src/index.js';
import { ConcurrencyLimit, DEFAULT_IDEMPOTENCY_TTL_MS, DEFAULT_LEASE_MS, storeScope } from '../src/provider.js';
import { fakeVendor, KEY } from './store-support.js';

// The defaults a caller relies on without setting them, observed through their effect on a fake
// clock: how long a crashed holder keeps a shared slot, how long an idempotency key holds its job,
// how long a callback's state stays readable for a wait that subscribes late.

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

describe('a shared concurrency limit without leaseMs', () => {
  it('gives a crashed holder’s slot back after 5 minutes, not before', async () => {
    expect(DEFAULT_LEASE_MS).toBe(5 * MINUTE);
    const store = createMemoryStore();
    const crashed = new ConcurrencyLimit(1, { shared: storeScope('fake', KEY, { store }), name: 'requests' });
    const other = new ConcurrencyLimit(1, { shared: storeScope('fake', KEY, { store }), name: 'requests' });
    // The first process takes the only slot and dies without releasing it.
    await crashed.acquire();
    let released: (() => void) | undefined;
    const waiting = other.acquire().then((release) => {
      released = release;
    });
    await vi.advanceTimersByTimeAsync(5 * MINUTE - 2_000);
    expect(released).toBeUndefined();
    await vi.advanceTimersByTimeAsync(3_000);
    await waiting;
    expect(released).toBeTypeOf('function');
  });
});

describe('an idempotency key without idempotencyTtlMs', () => {
  it('holds its job for 24 hours, then a new submission goes out', async () => {
    expect(DEFAULT_IDEMPOTENCY_TTL_MS).toBe(24 * HOUR);
    const vendor = fakeVendor();
    const store = createMemoryStore();
    const first = await vendor.client(store).imagine({ prompt: 'a fox' }, { idempotencyKey: 'order-1' });
    await vi.advanceTimersByTimeAsync(24 * HOUR - MINUTE);
    const again = await vendor.client(store).imagine({ prompt: 'a fox' }, { idempotencyKey: 'order-1' });
    expect(again.id).toBe(first.id);
    expect(vendor.submissions).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(2 * MINUTE);
    const later = await vendor.client(store).imagine({ prompt: 'a fox' }, { idempotencyKey: 'order-1' });
    expect(later.id).not.toBe(first.id);
    expect(vendor.submissions).toHaveLength(2);
  });
});

describe('a verified callback on a shared store', () => {
  it('keeps the job’s latest state for an hour, for a wait that subscribes late', async () => {
    const kept: Array<{ key: string; ttlMs: number | undefined }> = [];
    const memory = createMemoryStore();
    const store: Store = {
      ...memory,
      set: (key, value, ttlMs) => {
        kept.push({ key, ttlMs });
        return memory.set(key, value, ttlMs);
      },
    };
    const vendor = fakeVendor();
    const client = vendor.client(store);
    const job = await client.imagine({ prompt: 'a fox' });
    vendor.finish(job.id);
    kept.length = 0;
    await client.parseWebhook(vendor.webhook(job.id));
    const latest = kept.filter((entry) => entry.key.endsWith(`:webhook:${job.id}`));
    expect(latest).toEqual([{ key: expect.stringMatching(/^fake:/), ttlMs: HOUR }]);
    // Readable for an hour on the store's clock, then gone.
    await vi.advanceTimersByTimeAsync(HOUR - MINUTE);
    expect(JSON.parse((await store.get(latest[0]!.key)) ?? 'null')).toMatchObject({ id: job.id, status: 'succeeded' });
    await vi.advanceTimersByTimeAsync(2 * MINUTE);
    expect(await store.get(latest[0]!.key)).toBeUndefined();
  });
});
