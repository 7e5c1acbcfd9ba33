import { describe, expect, it, vi } from 'vitest';
import { ConcurrencyLimit } from '../src/provider.js';
import type { StoreScope } from '../src/store-scope.js';
import { abortListeners } from './transport-support.js';

/** A store scope whose lease calls are recorded, answered by `acquire` and `release`. */
function leasing(
  acquire: (key: string, max: number) => Promise<string | undefined>,
  release: (key: string, id: string) => Promise<void> = async () => {},
) {
  const warn = vi.fn();
  const acquired: string[] = [];
  const released: Array<[string, string]> = [];
  const shared = {
    store: {
      acquireLease: async (key: string, max: number) => {
        acquired.push(key);
        return acquire(key, max);
      },
      releaseLease: async (key: string, id: string) => {
        released.push([key, id]);
        return release(key, id);
      },
    },
    provider: 'acedata',
    scope: 'acedata:abc',
    logger: { warn },
    idempotencyTtlMs: 1000,
  } as unknown as StoreScope;
  return { shared, warn, acquired, released };
}

describe('ConcurrencyLimit of this process alone', () => {
  it('a waiter that got its slot lets go of its signal', async () => {
    const limit = new ConcurrencyLimit(1);
    const first = await limit.acquire();
    const caller = new AbortController();
    const held = abortListeners(caller.signal);
    const second = limit.acquire(caller.signal);
    expect(held.size).toBe(1);
    first();
    const release = await second;
    expect(held.size).toBe(0);
    release();
    expect(limit.active).toBe(0);
  });

  it('run takes a free slot at once, and queues behind a full limit', async () => {
    const limit = new ConcurrencyLimit(1);
    let finish = () => {};
    const order: string[] = [];
    const first = limit.run(
      () =>
        new Promise<void>((resolve) => {
          order.push('first');
          finish = resolve;
        }),
    );
    const second = limit.run(async () => {
      order.push('second');
    });
    expect(order).toEqual(['first']);
    expect(limit.waiting).toBe(1);
    finish();
    await Promise.all([first, second]);
    expect(order).toEqual(['first', 'second']);
  });
});

describe('ConcurrencyLimit shared through a store', () => {
  it('leases each slot under `<scope>:limit:<name>` and gives the lease back once, however often released', async () => {
    const { shared, acquired, released } = leasing(async () => 'lease-1');
    const limit = new ConcurrencyLimit(2, { shared, name: 'requests' });
    const release = await limit.acquire();
    expect(acquired).toEqual(['acedata:abc:limit:requests']);
    release();
    release();
    expect(released).toEqual([['acedata:abc:limit:requests', 'lease-1']]);
    expect(limit.active).toBe(0);
  });

  it('run leases a slot too, even when this process has one free', async () => {
    const { shared, acquired, released } = leasing(async () => 'lease-2');
    const limit = new ConcurrencyLimit(2, { shared, name: 'requests' });
    expect(await limit.run(async () => 'done')).toBe('done');
    expect(acquired).toEqual(['acedata:abc:limit:requests']);
    expect(released).toEqual([['acedata:abc:limit:requests', 'lease-2']]);
  });

  it('says so when the store cannot lease, and limits this process alone', async () => {
    const { shared, warn } = leasing(async () => {
      throw new Error('connection refused');
    });
    const limit = new ConcurrencyLimit(3, { shared, name: 'requests' });
    const release = await limit.acquire();
    expect(warn.mock.calls).toEqual([
      [
        'mjgate: the store failed for the requests limit (connection refused); limiting this process alone to 3.',
        { provider: 'acedata' },
      ],
    ]);
    release();
    expect(limit.active).toBe(0);
  });

  it('says so when the store cannot take a lease back, which then ends by itself', async () => {
    const { shared, warn } = leasing(
      async () => 'lease-3',
      async () => {
        throw new Error('store gone');
      },
    );
    const limit = new ConcurrencyLimit(2, { shared, name: 'requests' });
    const release = await limit.acquire();
    release();
    // The store's refusal settles in promise jobs, all run before the next macrotask.
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(warn.mock.calls).toEqual([
      [
        'mjgate: the store failed for the requests limit (store gone); its lease ends by itself when its time is up.',
        { provider: 'acedata' },
      ],
    ]);
    expect(limit.active).toBe(0);
  });
});
