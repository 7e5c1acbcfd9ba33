// The client's pace, store and in-flight limit as a user meets them (§12.3): the default read pace of
// 17 ms, a store shared by two clients on one key, and the warning when that store fails.
import { createMemoryStore, InvalidRequestError, type Store } from '@mjgate/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type AceDataOptions, createAceData } from '../src/index.js';
import { fixture, KEY } from './helpers.js';

const TASK = '7489df4c-ef03-4de0-b598-e9a590793434';

/** A fetch answering every task read with a finished task and every imagine with a task id, noting when each was sent. */
function fakeFetch() {
  const sentAt: Array<{ path: string; at: number }> = [];
  const fetch = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    const path = new URL(request.url).pathname;
    sentAt.push({ path, at: Date.now() });
    if (path === '/midjourney/tasks') return Response.json(fixture('task-succeeded.json'));
    return Response.json({ success: true, task_id: TASK });
  });
  return { fetch: fetch as unknown as typeof globalThis.fetch, sentAt };
}

const aceData = (options: AceDataOptions) => createAceData({ apiKey: KEY, maxRetries: 0, ...options });
const logger = () => ({ warn: vi.fn(), info: vi.fn(), debug: vi.fn(), error: vi.fn() });

afterEach(() => {
  vi.useRealTimers();
});

/**
 * Starts `reads` at once on the fake clock and lets them go one by one, moving the clock `stepMs`
 * before each but the first; returns when each was sent, in ms after they were asked for. The clock
 * stands still while a read is on its way, so a paced read leaves exactly at its slot.
 */
async function pacedTimes(sentAt: Array<{ at: number }>, reads: Array<() => Promise<unknown>>, stepMs: number) {
  const asked = Date.now();
  const pending = reads.map((read) => read());
  for (const [index, read] of pending.entries()) {
    if (index > 0) await vi.advanceTimersByTimeAsync(stepMs);
    await read;
  }
  return sentAt.map((request) => request.at - asked);
}

describe('the read pace', () => {
  /** When each of three reads asked for at once left, letting the clock move by `stepMs` between them. */
  async function readTimes(options: AceDataOptions, stepMs: number): Promise<number[]> {
    vi.useFakeTimers();
    const { fetch, sentAt } = fakeFetch();
    const mj = aceData({ fetch, ...options });
    const read = () => mj.get(TASK);
    return pacedTimes(sentAt, [read, read, read], stepMs);
  }

  it('spaces status reads 17 ms apart by default (60 lookups a second, §12.3)', async () => {
    expect(await readTimes({}, 17)).toEqual([0, 17, 34]);
  });

  it('keeps the 17 ms default when only the submit pace is set', async () => {
    expect(await readTimes({ pace: { submit: 0 } }, 17)).toEqual([0, 17, 34]);
  });

  it('takes a read pace of the caller’s own', async () => {
    expect(await readTimes({ pace: { read: 40 } }, 40)).toEqual([0, 40, 80]);
  });

  it('sends reads without waiting for a clock when the read pace is 0', async () => {
    vi.useFakeTimers();
    const { fetch, sentAt } = fakeFetch();
    const mj = aceData({ fetch, pace: { submit: 0, read: 0 } });
    // No timer is advanced: a paced read would never be sent.
    await Promise.all([mj.get(TASK), mj.get(TASK), mj.get(TASK)]);
    expect(sentAt).toHaveLength(3);
  });
});

describe('the store', () => {
  it('two clients on one key handed one store keep one read pace', async () => {
    vi.useFakeTimers();
    const store = createMemoryStore();
    const { fetch, sentAt } = fakeFetch();
    const first = aceData({ fetch, store, pace: { submit: 0, read: 50 } });
    const second = aceData({ fetch, store, pace: { submit: 0, read: 50 } });
    // The second client's read waits for the slot the first one's took.
    expect(await pacedTimes(sentAt, [() => first.get(TASK), () => second.get(TASK)], 50)).toEqual([0, 50]);
  });

  it('refuses an idempotency window that is no time, naming the option', () => {
    let thrown: unknown;
    try {
      aceData({ idempotencyTtlMs: 0 });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(InvalidRequestError);
    expect((thrown as Error).message).toBe('idempotencyTtlMs must be a number of milliseconds above 0; got 0.');
  });

  it('a store that fails to lease a slot is logged, naming the in-flight limit, and the submission goes through', async () => {
    const memory = createMemoryStore();
    // A store whose lease call fails (a Redis outage, say); everything else works.
    const failing: Store = {
      shared: false,
      reserveSlot: (key, intervalMs) => memory.reserveSlot(key, intervalMs),
      acquireLease: async () => {
        throw new Error('connection refused');
      },
      releaseLease: (key, lease) => memory.releaseLease(key, lease),
      get: (key) => memory.get(key),
      set: (key, value, ttlMs) => memory.set(key, value, ttlMs),
      setIfAbsent: (key, value, ttlMs) => memory.setIfAbsent(key, value, ttlMs),
      delete: (key) => memory.delete(key),
      increment: (key, ttlMs) => memory.increment(key, ttlMs),
      setEntry: (key, field, value) => memory.setEntry(key, field, value),
      deleteEntry: (key, field) => memory.deleteEntry(key, field),
      entries: (key) => memory.entries(key),
      publish: (channel, message) => memory.publish(channel, message),
      subscribe: (channel, listener) => memory.subscribe(channel, listener),
    };
    const log = logger();
    const { fetch } = fakeFetch();
    const job = await aceData({ fetch, store: failing, logger: log, pace: { submit: 0, read: 0 } }).imagine({
      prompt: 'a red fox',
    });
    expect(job.providerJobId).toBe(TASK);
    expect(log.warn).toHaveBeenCalledWith(
      'mjgate: the store failed for the in-flight limit (connection refused); limiting this process alone to 5.',
      { provider: 'acedata' },
    );
  });

  it('refuses a shared store that cannot hash the key, before any request', () => {
    const { fetch, sentAt } = fakeFetch();
    const store: Store = { ...createMemoryStore(), shared: true };
    expect(() => aceData({ fetch, store })).toThrow(/shared store must name API keys by a hash/);
    expect(sentAt).toHaveLength(0);
  });
});
