import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Pacer, sleep, timeoutSignal } from '../src/sleep.js';
import type { StoreScope } from '../src/store-scope.js';
import { stubNumberTimers } from './transport-support.js';

beforeEach(() => {
  vi.useFakeTimers({ now: 1_000_000 });
});
afterEach(() => {
  vi.useRealTimers();
});

function aborted(reason = new Error('stopped')): AbortSignal {
  const controller = new AbortController();
  controller.abort(reason);
  return controller.signal;
}

describe('sleep', () => {
  it('rejects with the reason of an already aborted signal, even for no wait', async () => {
    await expect(sleep(0, aborted())).rejects.toThrow('stopped');
  });

  it('releases its timer when aborted while waiting', async () => {
    const controller = new AbortController();
    const waiting = sleep(5000, controller.signal);
    expect(vi.getTimerCount()).toBe(1);
    controller.abort(new Error('cancelled'));
    await expect(waiting).rejects.toThrow('cancelled');
    expect(vi.getTimerCount()).toBe(0);
  });

  it('lets go of the abort listener once it has slept', async () => {
    const signal = new AbortController().signal;
    const removed = vi.spyOn(signal, 'removeEventListener');
    const waiting = sleep(100, signal);
    await vi.advanceTimersByTimeAsync(100);
    await waiting;
    expect(removed).toHaveBeenCalledWith('abort', expect.any(Function));
  });
});

describe('Pacer', () => {
  it('does not pace at an interval of 0, even for an aborted caller', async () => {
    await expect(new Pacer(0).take(aborted())).resolves.toBeUndefined();
  });

  it('gives no slot away to a caller that had already given up', async () => {
    const pacer = new Pacer(1000);
    await expect(pacer.take(aborted())).rejects.toThrow('stopped');
    let done = false;
    void pacer.take().then(() => {
      done = true;
    });
    await vi.advanceTimersByTimeAsync(0);
    expect(done).toBe(true);
  });

  it('keeps the shared pace locally when the store fails afterwards', async () => {
    const warnings: string[] = [];
    let calls = 0;
    const shared: StoreScope = {
      store: {
        reserveSlot: async () => {
          calls++;
          if (calls === 1) return 500;
          throw new Error('store gone');
        },
      } as unknown as StoreScope['store'],
      provider: 'acedata',
      scope: 'acedata:test',
      logger: { warn: (message: string) => warnings.push(message) } as StoreScope['logger'],
      idempotencyTtlMs: 60_000,
    };
    const pacer = new Pacer(1000, { shared, name: 'submit' });
    const first = pacer.take();
    await vi.advanceTimersByTimeAsync(500);
    await first;
    // The store said "wait 500"; the next slot is then 500 + 1000 ms from the start.
    let done = false;
    void pacer.take().then(() => {
      done = true;
    });
    await vi.advanceTimersByTimeAsync(999);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(done).toBe(true);
    expect(warnings).toEqual(['mjgate: the store failed for the submit pace (store gone); pacing this process alone.']);
  });
});

describe('timeoutSignal', () => {
  it('aborts with a TimeoutError after the time', async () => {
    const { signal } = timeoutSignal(50);
    await vi.advanceTimersByTimeAsync(49);
    expect(signal.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toBeInstanceOf(DOMException);
    expect(signal.reason).toMatchObject({ name: 'TimeoutError', message: 'timed out after 50 ms' });
  });

  it('never aborts once cleared', async () => {
    const timeout = timeoutSignal(50);
    timeout.clear();
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(100);
    expect(timeout.signal.aborted).toBe(false);
  });
});

describe('timeoutSignal where timers are plain numbers (browsers, Deno)', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('aborts after the time, with no unref to call', async () => {
    stubNumberTimers();
    const { signal } = timeoutSignal(50);
    expect(signal.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(50);
    expect(signal.aborted).toBe(true);
  });
});
