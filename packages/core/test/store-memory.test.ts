import { describe, expect, it } from 'vitest';
import { createMemoryStore } from '../src/index.js';

/** A store on a clock the test moves by hand. */
function clocked() {
  let now = 1_000_000;
  const store = createMemoryStore({ now: () => now });
  return { store, advance: (ms: number) => (now += ms) };
}

describe('createMemoryStore', () => {
  it('reserveSlot spaces the callers of one key intervalMs apart, and forgets an idle pace', async () => {
    const { store, advance } = clocked();
    expect(await store.reserveSlot('p', 3_000)).toBe(0);
    expect(await store.reserveSlot('p', 3_000)).toBe(3_000);
    expect(await store.reserveSlot('p', 3_000)).toBe(6_000);
    expect(await store.reserveSlot('other', 3_000)).toBe(0);
    advance(1_000);
    expect(await store.reserveSlot('p', 3_000)).toBe(8_000);
    advance(60_000);
    expect(await store.reserveSlot('p', 3_000)).toBe(0);
  });

  it('acquireLease hands out at most max leases; a released or expired one comes back', async () => {
    const { store, advance } = clocked();
    const a = await store.acquireLease('l', 2, 10_000);
    const b = await store.acquireLease('l', 2, 10_000);
    expect(a).toBeDefined();
    expect(b).toBeDefined();
    expect(a).not.toBe(b);
    expect(await store.acquireLease('l', 2, 10_000)).toBeUndefined();
    await store.releaseLease('l', a!);
    await store.releaseLease('l', 'unknown');
    expect(await store.acquireLease('l', 2, 10_000)).toBeDefined();
    expect(await store.acquireLease('l', 2, 10_000)).toBeUndefined();
    advance(10_001);
    expect(await store.acquireLease('l', 2, 10_000)).toBeDefined();
  });

  it('get/set/setIfAbsent/delete/increment honour their TTLs', async () => {
    const { store, advance } = clocked();
    await store.set('k', 'v', 1_000);
    await store.set('forever', 'v');
    expect(await store.setIfAbsent('k', 'w', 1_000)).toBe(false);
    expect(await store.get('k')).toBe('v');
    advance(1_000);
    expect(await store.get('k')).toBeUndefined();
    expect(await store.setIfAbsent('k', 'w', 1_000)).toBe(true);
    expect(await store.get('k')).toBe('w');
    await store.delete('k');
    expect(await store.get('k')).toBeUndefined();
    expect(await store.increment('n', 5_000)).toBe(1);
    advance(4_000);
    // The window is the first increment's: later ones do not extend it.
    expect(await store.increment('n', 5_000)).toBe(2);
    advance(1_000);
    expect(await store.increment('n', 5_000)).toBe(1);
    advance(1_000_000);
    expect(await store.get('forever')).toBe('v');
  });

  it('maps keep their fields until deleted', async () => {
    const { store } = clocked();
    await store.setEntry('m', 'a', '1');
    await store.setEntry('m', 'b', '2');
    await store.setEntry('m', 'a', '3');
    await store.deleteEntry('m', 'b');
    expect(await store.entries('m')).toEqual([['a', '3']]);
    expect(await store.entries('none')).toEqual([]);
  });

  it('publish reaches every subscriber of the channel, after the publisher returns, until it unsubscribes', async () => {
    const { store } = clocked();
    const got: string[] = [];
    const end = await store.subscribe('c', (message) => got.push(`1:${message}`));
    await store.subscribe('c', (message) => got.push(`2:${message}`));
    await store.subscribe('other', (message) => got.push(`x:${message}`));
    const sent = store.publish('c', 'hello');
    expect(got).toEqual([]);
    await sent;
    await Promise.resolve();
    expect(got).toEqual(['1:hello', '2:hello']);
    await end();
    await store.publish('c', 'again');
    await Promise.resolve();
    expect(got).toEqual(['1:hello', '2:hello', '2:again']);
    expect(store.shared).toBe(false);
  });
});
