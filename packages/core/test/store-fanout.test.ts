import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createMemoryStore, type Job } from '../src/index.js';
import type { WebhookRequest } from '../src/types.js';
import { fakeVendor } from './store-support.js';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

/** A callback body saying the job is done while the vendor says it is not. */
function forged(job: Job): WebhookRequest {
  const done = { ...job, status: 'succeeded', progress: 100, images: [{ url: 'https://cdn.example/1.png' }] };
  return { url: 'https://app.example/hooks/mj', headers: {}, body: JSON.stringify(done) };
}

describe('webhook → wait fan-out through the store', () => {
  it('a callback verified by process B ends a wait() running in process A at once, not at its next poll', async () => {
    const vendor = fakeVendor();
    const store = createMemoryStore();
    const a = vendor.client(store);
    const b = vendor.client(store);
    const job = await a.imagine({ prompt: 'a fox' });
    let result: Job | undefined;
    const waiting = a.wait(job, { pollIntervalMs: 60_000, maxPollIntervalMs: 60_000 }).then((done) => {
      result = done;
      return done;
    });
    await vi.advanceTimersByTimeAsync(100);
    expect(result).toBeUndefined();
    const polls = vendor.polls.length;
    vendor.finish(job.id);
    await b.parseWebhook(vendor.webhook(job.id));
    await vi.advanceTimersByTimeAsync(0);
    expect(result).toMatchObject({ id: job.id, status: 'succeeded' });
    // One read confirms the callback with the vendor; the next poll (a minute away) never happens.
    expect(vendor.polls.length).toBe(polls + 1);
    await waiting;
  });

  it('a callback that came before the wait began still ends it', async () => {
    const vendor = fakeVendor();
    const store = createMemoryStore();
    const job = await vendor.client(store).imagine({ prompt: 'a fox' });
    vendor.finish(job.id);
    await vendor.client(store).parseWebhook(vendor.webhook(job.id));
    const waiting = vendor.client(store).wait(job, { pollIntervalMs: 60_000, maxPollIntervalMs: 60_000 });
    await vi.advanceTimersByTimeAsync(10);
    expect(await waiting).toMatchObject({ status: 'succeeded' });
  });

  it('a body the vendor does not confirm (replayed or forged on a genuine URL) does not end the wait', async () => {
    const vendor = fakeVendor();
    const store = createMemoryStore();
    const job = await vendor.client(store).imagine({ prompt: 'a fox' });
    vendor.finish(job.id, 'running');
    let result: Job | undefined;
    void vendor
      .client(store)
      .wait(job, { pollIntervalMs: 60_000, maxPollIntervalMs: 60_000, timeoutMs: 120_000 })
      .then((done) => {
        result = done;
      })
      .catch(() => {});
    await vi.advanceTimersByTimeAsync(100);
    await vendor.client(store).parseWebhook(forged(job));
    await vi.advanceTimersByTimeAsync(100);
    expect(result).toBeUndefined();
    await vi.advanceTimersByTimeAsync(200_000);
  });

  it('processes on another store do not hear it: their wait goes on polling', async () => {
    const vendor = fakeVendor();
    const job = await vendor.client().imagine({ prompt: 'a fox' });
    let result: Job | undefined;
    void vendor
      .client(createMemoryStore())
      .wait(job, { pollIntervalMs: 60_000, maxPollIntervalMs: 60_000 })
      .then((done) => {
        result = done;
      });
    await vi.advanceTimersByTimeAsync(100);
    vendor.finish(job.id);
    await vendor.client(createMemoryStore()).parseWebhook(vendor.webhook(job.id));
    await vi.advanceTimersByTimeAsync(1_000);
    expect(result).toBeUndefined();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(result).toMatchObject({ status: 'succeeded' });
  });

  it('polling stays the safety net when no callback comes', async () => {
    const vendor = fakeVendor();
    const mj = vendor.client(createMemoryStore());
    const job = await mj.imagine({ prompt: 'a fox' });
    const waiting = mj.wait(job);
    vendor.finish(job.id);
    await vi.advanceTimersByTimeAsync(30_000);
    expect(await waiting).toMatchObject({ status: 'succeeded' });
  });
});
