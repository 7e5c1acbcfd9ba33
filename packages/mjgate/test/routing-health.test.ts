import { createMemoryStore, type Logger, type Store } from '@mjgate/core';
import { describe, expect, it, vi } from 'vitest';
import { Health } from '../src/routing.js';

const SCOPE = 'apiframe:account';
const FAILURES = `${SCOPE}:health:failures`;
const COOLDOWN = `${SCOPE}:health:cooldown`;

function warnings() {
  const warn = vi.fn<NonNullable<Logger['warn']>>();
  return { logger: { warn } satisfies Logger, warn };
}

/** A memory store whose calls are recorded, and whose named methods fail with `failure`. */
function recordedStore(failing: Array<keyof Store> = [], failure: unknown = new Error('store down')) {
  const store = createMemoryStore();
  const calls: Array<[string, ...unknown[]]> = [];
  const wrapped = new Proxy(store, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        calls.push([String(property), ...args]);
        if (failing.includes(property as keyof Store)) throw failure;
        return value.apply(target, args);
      };
    },
  });
  return { store: wrapped, raw: store, calls };
}

describe('Health of one instance (no shared store)', () => {
  it('counts failures, cools a vendor down for cooldownMs, and forgets on success', async () => {
    const health = new Health(1_000, 2);
    await health.failed('apiframe', 0);
    expect(await health.coolingDown('apiframe', 10)).toBe(false);
    await health.failed('apiframe', 0);
    expect(await health.coolingDown('apiframe', 999)).toBe(true);
    // The cool-down ends exactly cooldownMs after the failure that started it.
    expect(await health.coolingDown('apiframe', 1_000)).toBe(false);
    await health.failed('apiframe', 2_000);
    await health.succeeded('apiframe');
    await health.failed('apiframe', 2_000);
    expect(await health.coolingDown('apiframe', 2_001)).toBe(false);
  });
});

describe('Health shared through a store', () => {
  it('counts failures under <scope>:health:failures for at least a minute, then records the cool-down', async () => {
    const { store, raw, calls } = recordedStore();
    const health = new Health(30_000, 2, { store, scopeOf: () => SCOPE });
    await health.failed('apiframe', 5_000);
    expect(calls).toContainEqual(['increment', FAILURES, 60_000]);
    await health.failed('apiframe', 5_000);
    expect(calls).toContainEqual(['set', COOLDOWN, '35000', 30_000]);
    expect(await raw.get(COOLDOWN)).toBe('35000');
    expect(await raw.get(FAILURES)).toBeUndefined();

    const long = recordedStore();
    await new Health(120_000, 3, { store: long.store, scopeOf: () => SCOPE }).failed('apiframe', 0);
    expect(long.calls).toContainEqual(['increment', FAILURES, 120_000]);
  });

  it('another instance sees the cool-down, and after it ends counts failures afresh', async () => {
    const store = createMemoryStore();
    const shared = { store, scopeOf: () => SCOPE };
    const first = new Health(30_000, 2, shared);
    const second = new Health(30_000, 2, shared);
    await first.failed('apiframe');
    await first.failed('apiframe');
    expect(await second.coolingDown('apiframe')).toBe(true);
    await store.delete(COOLDOWN); // the cool-down expired
    await second.failed('apiframe');
    expect(await second.coolingDown('apiframe')).toBe(false);
    await second.failed('apiframe');
    expect(await first.coolingDown('apiframe')).toBe(true);
    await first.succeeded('apiframe');
    // A third instance, with no counts of its own, sees the success cleared the shared cool-down.
    expect(await new Health(30_000, 2, shared).coolingDown('apiframe')).toBe(false);
  });

  it('with cooldownMs 0 no cool-down is recorded', async () => {
    const { store, calls } = recordedStore();
    const health = new Health(0, 1, { store, scopeOf: () => SCOPE });
    await health.failed('apiframe', 1_000);
    expect(calls.filter(([method]) => method === 'set')).toEqual([]);
    expect(await health.coolingDown('apiframe', 1_000)).toBe(false);
  });

  it('a failing store is logged with what failed and why, and the instance goes on with its own counts', async () => {
    const { store } = recordedStore(['get', 'increment', 'delete']);
    const { logger, warn } = warnings();
    const health = new Health(30_000, 1, { store, scopeOf: () => SCOPE, logger });
    expect(await health.coolingDown('apiframe', 0)).toBe(false);
    expect(warn).toHaveBeenLastCalledWith(
      'mjgate: the store failed reading the cool-down for apiframe (store down); this instance goes on with the health it saw itself.',
      { provider: 'apiframe' },
    );
    await health.failed('apiframe', 0);
    expect(warn).toHaveBeenLastCalledWith(
      'mjgate: the store failed counting a failure for apiframe (store down); this instance goes on with the health it saw itself.',
      { provider: 'apiframe' },
    );
    expect(await health.coolingDown('apiframe', 1)).toBe(true);
    await health.succeeded('apiframe');
    expect(warn).toHaveBeenLastCalledWith(
      'mjgate: the store failed recording a success for apiframe (store down); this instance goes on with the health it saw itself.',
      { provider: 'apiframe' },
    );
    expect(warn).toHaveBeenCalledTimes(3);
  });

  it('a store failing with no error at all, and a logger without warn or no logger, break nothing', async () => {
    const nothing = recordedStore(['get'], null);
    const { logger, warn } = warnings();
    expect(await new Health(30_000, 1, { store: nothing.store, scopeOf: () => SCOPE, logger }).coolingDown('x')).toBe(
      false,
    );
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('for x (null);'), { provider: 'x' });
    const { store } = recordedStore(['get']);
    await expect(new Health(30_000, 1, { store, scopeOf: () => SCOPE, logger: {} }).coolingDown('x')).resolves.toBe(
      false,
    );
    await expect(new Health(30_000, 1, { store, scopeOf: () => SCOPE }).coolingDown('x')).resolves.toBe(false);
  });
});
