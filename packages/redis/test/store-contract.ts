// What every Store must do, whatever keeps it: run against the Redis store and core's in-memory one.
// TTLs are checked without racing the wall clock: a 1 ms TTL is awaited until it has expired (the
// `vi.waitFor` timeout is a hang guard only), a long one is checked still there at once.
import type { Store } from '@mjgate/core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

export interface StoreUnderTest {
  store: Store;
  /** Closes the store and whatever the factory started for it. */
  cleanup?: () => Promise<void>;
}

let sequence = 0;
/** A key no other test uses, so tests of one store never see each other's state. */
const fresh = (name: string) => `contract:${name}:${process.pid}:${++sequence}`;

const HANG_GUARD = { timeout: 10_000, interval: 5 };

export function storeContract(name: string, factory: () => Promise<StoreUnderTest>): void {
  describe(`Store contract: ${name}`, () => {
    let subject: StoreUnderTest;
    let store: Store;
    beforeAll(async () => {
      subject = await factory();
      store = subject.store;
    });
    afterAll(async () => {
      await subject?.cleanup?.();
    });

    describe('reserveSlot', () => {
      it('lets the first caller start at once and spaces the next ones one interval apart', async () => {
        const key = fresh('slot');
        expect(await store.reserveSlot(key, 100_000)).toBe(0);
        const second = await store.reserveSlot(key, 100_000);
        const third = await store.reserveSlot(key, 100_000);
        // Minus the (small) time elapsed between the calls.
        expect(second).toBeGreaterThan(90_000);
        expect(second).toBeLessThanOrEqual(100_000);
        expect(third).toBeGreaterThan(190_000);
        expect(third).toBeLessThanOrEqual(200_000);
      });

      it('gives many parallel callers distinct slots, one interval apart', async () => {
        const key = fresh('slot-parallel');
        const waits = await Promise.all(Array.from({ length: 40 }, () => store.reserveSlot(key, 100_000)));
        const sorted = [...waits].sort((a, b) => a - b);
        expect(sorted[0]).toBe(0);
        for (let i = 1; i < sorted.length; i++) {
          expect((sorted[i] ?? 0) - (sorted[i - 1] ?? 0)).toBeGreaterThan(90_000);
        }
      });

      it('lets a caller start at once when the last slot is more than one interval ago', async () => {
        const key = fresh('slot-expired');
        expect(await store.reserveSlot(key, 1)).toBe(0);
        await vi.waitFor(async () => expect(await store.reserveSlot(key, 1)).toBe(0), HANG_GUARD);
      });

      it('keeps paces under different keys apart', async () => {
        const a = fresh('slot-a');
        const b = fresh('slot-b');
        await store.reserveSlot(a, 100_000);
        expect(await store.reserveSlot(b, 100_000)).toBe(0);
      });
    });

    describe('leases', () => {
      it('hands out at most `max` leases, and one more once one is given back', async () => {
        const key = fresh('lease');
        const leases = [await store.acquireLease(key, 3, 60_000), await store.acquireLease(key, 3, 60_000)];
        leases.push(await store.acquireLease(key, 3, 60_000));
        expect(leases.every((l) => typeof l === 'string')).toBe(true);
        expect(new Set(leases).size).toBe(3);
        expect(await store.acquireLease(key, 3, 60_000)).toBeUndefined();
        await store.releaseLease(key, leases[1] as string);
        expect(await store.acquireLease(key, 3, 60_000)).toEqual(expect.any(String));
        expect(await store.acquireLease(key, 3, 60_000)).toBeUndefined();
      });

      it('never exceeds `max` under many parallel acquirers', async () => {
        const key = fresh('lease-parallel');
        const leases = await Promise.all(Array.from({ length: 40 }, () => store.acquireLease(key, 5, 60_000)));
        const held = leases.filter((l): l is string => l !== undefined);
        expect(held).toHaveLength(5);
        expect(new Set(held).size).toBe(5);
      });

      it("frees an expired lease by itself (a crashed holder's)", async () => {
        const key = fresh('lease-ttl');
        expect(await store.acquireLease(key, 1, 1)).toEqual(expect.any(String));
        await vi.waitFor(
          async () => expect(await store.acquireLease(key, 1, 60_000)).toEqual(expect.any(String)),
          HANG_GUARD,
        );
        expect(await store.acquireLease(key, 1, 60_000)).toBeUndefined();
      });

      it('ignores the release of an unknown lease', async () => {
        const key = fresh('lease-unknown');
        const lease = await store.acquireLease(key, 1, 60_000);
        await store.releaseLease(key, 'not-a-lease');
        await store.releaseLease(fresh('nothing'), 'not-a-lease');
        expect(await store.acquireLease(key, 1, 60_000)).toBeUndefined();
        await store.releaseLease(key, lease as string);
        await store.releaseLease(key, lease as string);
        expect(await store.acquireLease(key, 1, 60_000)).toEqual(expect.any(String));
      });
    });

    describe('values', () => {
      it('gets what was set, overwrites, deletes', async () => {
        const key = fresh('value');
        expect(await store.get(key)).toBeUndefined();
        await store.set(key, '{"a":1}');
        expect(await store.get(key)).toBe('{"a":1}');
        await store.set(key, 'two', 60_000);
        expect(await store.get(key)).toBe('two');
        await store.delete(key);
        expect(await store.get(key)).toBeUndefined();
        await store.delete(key);
      });

      it('keeps unicode and empty strings as they are', async () => {
        const key = fresh('value-unicode');
        await store.set(key, 'renard roux ❄️ 雪');
        expect(await store.get(key)).toBe('renard roux ❄️ 雪');
        await store.set(key, '');
        expect(await store.get(key)).toBe('');
      });

      it('forgets a value once its TTL has passed, keeps one whose TTL has not', async () => {
        const short = fresh('value-short');
        const long = fresh('value-long');
        await store.set(short, 'x', 1);
        await store.set(long, 'y', 60_000);
        await vi.waitFor(async () => expect(await store.get(short)).toBeUndefined(), HANG_GUARD);
        expect(await store.get(long)).toBe('y');
      });

      it('setIfAbsent stores only when nothing is there, and again once the value expired', async () => {
        const key = fresh('absent');
        expect(await store.setIfAbsent(key, 'first', 60_000)).toBe(true);
        expect(await store.setIfAbsent(key, 'second', 60_000)).toBe(false);
        expect(await store.get(key)).toBe('first');
        const shortKey = fresh('absent-short');
        expect(await store.setIfAbsent(shortKey, 'a', 1)).toBe(true);
        await vi.waitFor(async () => expect(await store.setIfAbsent(shortKey, 'b', 60_000)).toBe(true), HANG_GUARD);
        expect(await store.get(shortKey)).toBe('b');
      });

      it('setIfAbsent has exactly one winner among parallel callers', async () => {
        const key = fresh('absent-parallel');
        const wins = await Promise.all(Array.from({ length: 30 }, (_, i) => store.setIfAbsent(key, `v${i}`, 60_000)));
        expect(wins.filter(Boolean)).toHaveLength(1);
        expect(await store.get(key)).toBe(`v${wins.indexOf(true)}`);
      });
    });

    describe('increment', () => {
      it('counts from 1', async () => {
        const key = fresh('count');
        expect(await store.increment(key, 60_000)).toBe(1);
        expect(await store.increment(key, 60_000)).toBe(2);
        expect(await store.increment(key, 60_000)).toBe(3);
      });

      it('gives parallel callers every value once', async () => {
        const key = fresh('count-parallel');
        const values = await Promise.all(Array.from({ length: 30 }, () => store.increment(key, 60_000)));
        expect([...values].sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
      });

      it('starts again from 1 once the counter expired', async () => {
        const key = fresh('count-ttl');
        expect(await store.increment(key, 1)).toBe(1);
        // Each call either finds the counter alive (2, 3, …) or expired (1 again, for 1 ms more).
        await vi.waitFor(async () => expect(await store.increment(key, 1)).toBe(1), HANG_GUARD);
      });
    });

    describe('maps', () => {
      it('sets, overwrites, lists and removes entries', async () => {
        const key = fresh('map');
        expect(await store.entries(key)).toEqual([]);
        await store.setEntry(key, 'job-1', '{"id":"job-1"}');
        await store.setEntry(key, 'job-2', 'two');
        await store.setEntry(key, 'job-2', 'two again');
        const sorted = (await store.entries(key)).sort(([a], [b]) => a.localeCompare(b));
        expect(sorted).toEqual([
          ['job-1', '{"id":"job-1"}'],
          ['job-2', 'two again'],
        ]);
        await store.deleteEntry(key, 'job-1');
        await store.deleteEntry(key, 'unknown');
        expect(await store.entries(key)).toEqual([['job-2', 'two again']]);
        await store.deleteEntry(key, 'job-2');
        expect(await store.entries(key)).toEqual([]);
      });
    });

    describe('publish / subscribe', () => {
      it('delivers to every subscriber of the channel, in order, and nothing from before', async () => {
        const channel = fresh('channel');
        await store.publish(channel, 'before');
        const first: string[] = [];
        const second: string[] = [];
        const endFirst = await store.subscribe(channel, (m) => first.push(m));
        const endSecond = await store.subscribe(channel, (m) => second.push(m));
        await store.publish(channel, 'one');
        await store.publish(channel, 'two');
        await vi.waitFor(() => expect(second).toEqual(['one', 'two']), HANG_GUARD);
        await vi.waitFor(() => expect(first).toEqual(['one', 'two']), HANG_GUARD);
        await endFirst();
        await store.publish(channel, 'three');
        await vi.waitFor(() => expect(second).toEqual(['one', 'two', 'three']), HANG_GUARD);
        // Delivered in order on one connection: once `second` has 'three', `first` would have it too.
        expect(first).toEqual(['one', 'two']);
        await endSecond();
        await endSecond();
      });

      it('keeps channels apart', async () => {
        const a = fresh('channel-a');
        const b = fresh('channel-b');
        const gotA: string[] = [];
        const gotB: string[] = [];
        const endA = await store.subscribe(a, (m) => gotA.push(m));
        const endB = await store.subscribe(b, (m) => gotB.push(m));
        await store.publish(a, 'for a');
        await store.publish(b, 'for b');
        await vi.waitFor(() => expect(gotB).toEqual(['for b']), HANG_GUARD);
        await vi.waitFor(() => expect(gotA).toEqual(['for a']), HANG_GUARD);
        await endA();
        await endB();
      });
    });
  });
}
