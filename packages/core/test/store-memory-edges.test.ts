import { describe, expect, it } from 'vitest';
import { createMemoryStore, InvalidRequestError, type Store, StoreUnavailableError } from '../src/index.js';
import { SubmissionMemo, scopeName, storeScope, storeUnavailable, warnStoreDown } from '../src/provider.js';

describe('createMemoryStore edges', () => {
  it('a lease expiring exactly now is free again', async () => {
    let now = 0;
    const store = createMemoryStore({ now: () => now });
    const first = await store.acquireLease('k', 1, 1000);
    now = 999;
    expect(await store.acquireLease('k', 1, 1000)).toBeUndefined();
    now = 1000;
    const second = await store.acquireLease('k', 1, 1000);
    expect(second).toBeDefined();
    expect(second).not.toBe(first);
  });

  it('releasing a lease or deleting a field of a key it never held is a no-op', async () => {
    const store = createMemoryStore();
    await expect(store.releaseLease('never', 'lease-1')).resolves.toBeUndefined();
    await expect(store.deleteEntry('never', 'field')).resolves.toBeUndefined();
    await store.setEntry('map', 'a', '1');
    await store.deleteEntry('map', 'a');
    expect(await store.entries('map')).toEqual([]);
  });

  it('a second unsubscribe of an ended subscription does not cut off a later subscriber', async () => {
    const store = createMemoryStore();
    const got: string[] = [];
    const first = await store.subscribe('ch', () => got.push('first'));
    await first();
    await store.subscribe('ch', (message) => got.push(message));
    await first();
    await store.publish('ch', 'hello');
    await Promise.resolve();
    expect(got).toEqual(['hello']);
  });

  it('close() forgets values, leases, maps and subscribers', async () => {
    const store = createMemoryStore();
    await store.set('v', '1');
    await store.acquireLease('l', 1, 60_000);
    await store.setEntry('m', 'f', 'x');
    const got: string[] = [];
    await store.subscribe('ch', (message) => got.push(message));
    await store.close?.();
    expect(await store.get('v')).toBeUndefined();
    expect(await store.acquireLease('l', 1, 60_000)).toBeDefined();
    expect(await store.entries('m')).toEqual([]);
    await store.publish('ch', 'after close');
    await Promise.resolve();
    expect(got).toEqual([]);
  });

  it('a value found expired stays gone when the clock steps back (Date.now is wall time)', async () => {
    let now = 0;
    const store = createMemoryStore({ now: () => now });
    await store.set('k', 'v', 100);
    now = 200;
    expect(await store.get('k')).toBeUndefined();
    now = 50;
    expect(await store.get('k')).toBeUndefined();
  });

  it('ending a subscription made before close() does not cut off one made after', async () => {
    const store = createMemoryStore();
    const got: string[] = [];
    const before = await store.subscribe('ch', () => got.push('before'));
    await store.close?.();
    await store.subscribe('ch', (message) => got.push(message));
    await before();
    await store.publish('ch', 'hello');
    await Promise.resolve();
    expect(got).toEqual(['hello']);
  });
});

describe('SubmissionMemo edges', () => {
  it('an entry recall found too old does not break the next remember', () => {
    let now = 0;
    const memo = new SubmissionMemo<string>({ maxAgeMs: 100, now: () => now });
    memo.remember('a', 'A');
    now = 200;
    expect(memo.recall('a')).toBeUndefined();
    expect(() => memo.remember('b', 'B')).not.toThrow();
    expect(memo.recall('b')).toBe('B');
  });

  it('an entry found too old, by recall or by a later remember, stays forgotten when the clock steps back', () => {
    let now = 0;
    const recalled = new SubmissionMemo<string>({ maxAgeMs: 100, now: () => now });
    recalled.remember('a', 'A');
    now = 200;
    expect(recalled.recall('a')).toBeUndefined();
    now = 50;
    expect(recalled.recall('a')).toBeUndefined();

    now = 0;
    const swept = new SubmissionMemo<string>({ maxAgeMs: 100, now: () => now });
    swept.remember('a', 'A');
    now = 200;
    swept.remember('b', 'B');
    now = 50;
    expect(swept.recall('a')).toBeUndefined();
    expect(swept.recall('b')).toBe('B');
  });

  it('a negative maxAgeMs keeps nothing, without failing', () => {
    const memo = new SubmissionMemo<string>({ maxAgeMs: -1, now: () => 0 });
    expect(() => memo.remember('a', 'A')).not.toThrow();
    expect(memo.recall('a')).toBeUndefined();
  });

  it('still drops the oldest first after one id was remembered again a thousand times', () => {
    let now = 0;
    const memo = new SubmissionMemo<number>({ maxEntries: 3, maxAgeMs: 1_000_000, now: () => now });
    memo.remember('x', 0);
    for (let i = 1; i <= 1100; i++) memo.remember('hot', i);
    // One entry made stale by recall while its item is still queued.
    memo.remember('old', -1);
    now = 2_000_000;
    memo.remember('fresh', 1);
    now = 0;
    memo.remember('b', 2);
    memo.remember('c', 3);
    memo.remember('d', 4);
    expect(memo.recall('x')).toBeUndefined();
    expect(memo.recall('hot')).toBeUndefined();
    expect(memo.recall('b')).toBe(2);
    expect(memo.recall('c')).toBe(3);
    expect(memo.recall('d')).toBe(4);
  });

  it('compaction keeps the live entries in their order, so the oldest still go first', () => {
    let now = 0;
    const memo = new SubmissionMemo<number>({ maxEntries: 4, maxAgeMs: 100, now: () => now });
    now = 150;
    memo.remember('y', 0);
    now = 0;
    memo.remember('x', 0);
    now = 200;
    // x is too old: recall drops it while its item stays queued behind the live y.
    expect(memo.recall('x')).toBeUndefined();
    now = 150;
    for (let i = 1; i <= 1100; i++) memo.remember('hot', i);
    memo.remember('b', 2);
    memo.remember('c', 3);
    memo.remember('d', 4);
    memo.remember('e', 5);
    expect(memo.recall('hot')).toBeUndefined();
    expect(memo.recall('y')).toBeUndefined();
    expect([memo.recall('b'), memo.recall('c'), memo.recall('d'), memo.recall('e')]).toEqual([2, 3, 4, 5]);
  });
});

describe('store scopes', () => {
  it('a client without an identity gets the vendor’s default scope', () => {
    const store = createMemoryStore();
    expect(scopeName('acedata', undefined, store)).toBe('acedata:default');
    expect(scopeName('acedata', '', store)).toBe('acedata:default');
  });

  it('accounts of one process get distinct local names counted from one', () => {
    const store = createMemoryStore();
    const a = scopeName('acedata', 'md-first-key-unique', store);
    const b = scopeName('acedata', 'md-second-key-unique', store);
    const numberOf = (name: string) => Number(name.replace('acedata:local-', ''));
    expect(a).toMatch(/^acedata:local-\d+$/);
    expect(numberOf(b)).toBe(numberOf(a) + 1);
    expect(scopeName('imaginepro', 'md-first-key-unique', store)).toBe(`imaginepro:local-${numberOf(a)}`);
  });

  it('refuses an idempotencyTtlMs that is not a positive number, naming the vendor', () => {
    for (const ttl of [0, -5, Number.NaN, Number.POSITIVE_INFINITY]) {
      let caught: unknown;
      try {
        storeScope('acedata', 'k', { idempotencyTtlMs: ttl });
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(InvalidRequestError);
      expect((caught as InvalidRequestError).message).toBe(
        `idempotencyTtlMs must be a number of milliseconds above 0; got ${ttl}.`,
      );
      expect((caught as InvalidRequestError).provider).toBe('acedata');
    }
    expect(storeScope('acedata', 'k', { idempotencyTtlMs: 1 }).idempotencyTtlMs).toBe(1);
  });

  it('a shared store without digest() is refused, naming the vendor', () => {
    const store = { ...createMemoryStore(), shared: true } as Store;
    let caught: unknown;
    try {
      storeScope('apiframe', 'k', { store });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InvalidRequestError);
    expect((caught as InvalidRequestError).provider).toBe('apiframe');
  });

  it('warnStoreDown logs what failed and what happens instead, naming the vendor', () => {
    const lines: Array<[string, unknown]> = [];
    const shared = storeScope('acedata', 'k', { logger: { warn: (message, data) => lines.push([message, data]) } });
    warnStoreDown(shared, 'the pace', 'pacing locally', new Error('ECONNRESET'));
    warnStoreDown(shared, 'the pace', 'pacing locally', undefined);
    expect(lines).toEqual([
      ['mjgate: the store failed for the pace (ECONNRESET); pacing locally.', { provider: 'acedata' }],
      ['mjgate: the store failed for the pace (undefined); pacing locally.', { provider: 'acedata' }],
    ]);
    const quiet = storeScope('acedata', 'k', { logger: {} });
    expect(() => warnStoreDown(quiet, 'the pace', 'pacing locally', new Error('x'))).not.toThrow();
    const none = storeScope('acedata', 'k');
    expect(() => warnStoreDown(none, 'the pace', 'pacing locally', new Error('x'))).not.toThrow();
  });

  it('storeUnavailable says why when it knows, nothing when it does not, and names the vendor', () => {
    const shared = storeScope('acedata', 'k');
    const known = storeUnavailable(shared, new Error('ECONNREFUSED'), 'the job is not recorded.');
    expect(known).toBeInstanceOf(StoreUnavailableError);
    expect(known.message).toBe(
      'The store is unreachable (ECONNREFUSED): the job is not recorded. Retry once the store is back.',
    );
    expect(known.provider).toBe('acedata');
    const unknown = storeUnavailable(shared, undefined, 'the job is not recorded.');
    expect(unknown.message).toBe('The store is unreachable: the job is not recorded. Retry once the store is back.');
  });
});
