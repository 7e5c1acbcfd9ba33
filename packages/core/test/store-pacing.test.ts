import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createMemoryStore, InvalidRequestError, type Store } from '../src/index.js';
import { ConcurrencyLimit, Pacer, storeScope } from '../src/provider.js';
import { KEY } from './store-support.js';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('global pacing: one pace for every process on one key and store', () => {
  it('two processes taking slots at once keep "one per 3 s" together', async () => {
    const store = createMemoryStore();
    const t0 = Date.now();
    const at: Array<[string, number]> = [];
    const pacer = (name: string) => {
      const own = new Pacer(3_000, { shared: storeScope('fake', KEY, { store }), name: 'submit' });
      return () => own.take().then(() => at.push([name, Date.now() - t0]));
    };
    const a = pacer('a');
    const b = pacer('b');
    const all = Promise.all([a(), b(), a(), b()]);
    await vi.advanceTimersByTimeAsync(10_000);
    await all;
    expect(at).toEqual([
      ['a', 0],
      ['b', 3_000],
      ['a', 6_000],
      ['b', 9_000],
    ]);
  });

  it('processes on separate stores or keys pace on their own, as before', async () => {
    const store = createMemoryStore();
    const t0 = Date.now();
    const at: number[] = [];
    const take = (pacer: Pacer) => pacer.take().then(() => at.push(Date.now() - t0));
    const all = Promise.all([
      take(new Pacer(3_000, { shared: storeScope('fake', KEY, { store }), name: 'submit' })),
      take(new Pacer(3_000, { shared: storeScope('fake', 'another key', { store }), name: 'submit' })),
      take(new Pacer(3_000, { shared: storeScope('fake', KEY, { store: createMemoryStore() }), name: 'submit' })),
    ]);
    await vi.advanceTimersByTimeAsync(1_000);
    await all;
    expect(at).toEqual([0, 0, 0]);
  });

  it("on a shared store the pace key holds 12 hex of the store's digest of the API key, never the key", async () => {
    const keys: string[] = [];
    const store = createMemoryStore();
    const spy: Store = {
      ...store,
      shared: true,
      digest: (text) => createHash('sha256').update(text).digest('hex'),
      reserveSlot: (key, ms) => {
        keys.push(key);
        return store.reserveSlot(key, ms);
      },
    };
    const pacer = new Pacer(3_000, { shared: storeScope('imaginepro', KEY, { store: spy }), name: 'submit' });
    await pacer.take();
    const digest = createHash('sha256').update(KEY).digest('hex').slice(0, 12);
    expect(keys).toEqual([`imaginepro:${digest}:pace:submit`]);
  });

  it('on a store of one process an account is named without its key, the same for every client on it', () => {
    const store = createMemoryStore();
    const [first, again, other] = [KEY, KEY, 'another key'].map(
      (identity) => storeScope('imaginepro', identity, { store }).scope,
    );
    expect(first).toMatch(/^imaginepro:local-\d+$/);
    expect(again).toBe(first);
    expect(other).not.toBe(first);
    expect(first).not.toContain(KEY);
  });

  it('a shared store without digest() is refused before any request, saying what to add', () => {
    const store: Store = { ...createMemoryStore(), shared: true };
    expect(() => storeScope('imaginepro', KEY, { store })).toThrow(InvalidRequestError);
    expect(() => storeScope('imaginepro', KEY, { store })).toThrow(/no digest\(text\) method/);
    expect(() => storeScope('imaginepro', KEY, { store })).not.toThrow(new RegExp(KEY));
  });
});

describe('global concurrency: leases shared by every process on one key and store', () => {
  it('5 slots across two processes: the sixth task waits for a release in either', async () => {
    const store = createMemoryStore();
    const shared = storeScope('acedata', KEY, { store });
    const a = new ConcurrencyLimit(5, { shared, name: 'in-flight' });
    const b = new ConcurrencyLimit(5, { shared, name: 'in-flight' });
    const held = await Promise.all([a.acquire(), a.acquire(), a.acquire(), b.acquire(), b.acquire()]);
    let sixth = false;
    const waiting = b.acquire().then((release) => {
      sixth = true;
      return release;
    });
    await vi.advanceTimersByTimeAsync(10_000);
    expect(sixth).toBe(false);
    held[0]!();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(sixth).toBe(true);
    (await waiting)();
    for (const release of held.slice(1)) release();
  });

  it('a lease held by a process that died comes back after leaseMs', async () => {
    const store = createMemoryStore();
    const shared = storeScope('acedata', KEY, { store });
    const dead = new ConcurrencyLimit(1, { shared, name: 'in-flight', leaseMs: 60_000 });
    await dead.acquire(); // never released
    const alive = new ConcurrencyLimit(1, { shared, name: 'in-flight', leaseMs: 60_000 });
    let got = false;
    void alive.acquire().then(() => {
      got = true;
    });
    await vi.advanceTimersByTimeAsync(59_000);
    expect(got).toBe(false);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(got).toBe(true);
  });

  it('an abort while waiting for a lease rejects and leaves the local slot free', async () => {
    const store = createMemoryStore();
    const shared = storeScope('acedata', KEY, { store });
    await new ConcurrencyLimit(1, { shared, name: 'x' }).acquire();
    const limit = new ConcurrencyLimit(1, { shared, name: 'x' });
    const controller = new AbortController();
    const waiting = limit.acquire(controller.signal).catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(100);
    controller.abort(new Error('stop'));
    await vi.advanceTimersByTimeAsync(2_000);
    expect(await waiting).toEqual(new Error('stop'));
    expect(limit.active).toBe(0);
  });
});
