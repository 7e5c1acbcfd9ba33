import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createMemoryStore } from '../src/index.js';
import { fakeVendor } from './store-support.js';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('pending(): submitted jobs not yet seen finished, for a restarted worker to resume', () => {
  it('lists what a worker submitted, to another worker on the same store, until one sees it finish', async () => {
    const vendor = fakeVendor();
    const store = createMemoryStore();
    const worker = vendor.client(store);
    const a = await worker.imagine({ prompt: 'a fox' });
    const b = await worker.imagine({ prompt: 'a hare' });
    // The worker crashes here; a new one starts on the same store.
    const restarted = vendor.client(store);
    const listed = await restarted.pending();
    expect(listed.map((job) => job.id)).toEqual([a.id, b.id]);
    expect(listed[0]).toMatchObject({ status: 'queued', prompt: 'a fox', operation: 'imagine' });

    vendor.finish(a.id);
    vendor.finish(b.id, 'failed');
    const waits = listed.map((job) => restarted.wait(job).catch((error: Error) => error.name));
    await vi.advanceTimersByTimeAsync(5_000);
    const [done, failed] = await Promise.all(waits);
    expect(done).toMatchObject({ id: a.id, status: 'succeeded' });
    expect(failed).toBe('JobFailedError');
    expect(await restarted.pending()).toEqual([]);
    expect(await worker.pending()).toEqual([]);
  });

  it('lists a job submitted with an idempotencyKey, once, however often the key is reused', async () => {
    const vendor = fakeVendor();
    const store = createMemoryStore();
    const worker = vendor.client(store);
    const job = await worker.imagine({ prompt: 'a fox' }, { idempotencyKey: 'order-42' });
    const again = await worker.imagine({ prompt: 'a fox' }, { idempotencyKey: 'order-42' });
    expect(again.id).toBe(job.id);
    const listed = await vendor.client(store).pending();
    expect(listed.map((pending) => pending.id)).toEqual([job.id]);
  });

  it('a get that sees the job terminal takes it off; one that sees it running keeps it', async () => {
    const vendor = fakeVendor();
    const mj = vendor.client();
    const job = await mj.imagine({ prompt: 'a fox' });
    vendor.finish(job.id, 'running');
    await mj.get(job.id);
    expect((await mj.pending()).map((j) => j.id)).toEqual([job.id]);
    vendor.finish(job.id, 'cancelled');
    await mj.get(job);
    expect(await mj.pending()).toEqual([]);
  });

  it('a verified webhook that reports the job finished takes it off', async () => {
    const vendor = fakeVendor();
    const store = createMemoryStore();
    const job = await vendor.client(store).imagine({ prompt: 'a fox' });
    vendor.finish(job.id);
    await vendor.client(store).parseWebhook(vendor.webhook(job.id));
    expect(await vendor.client(store).pending()).toEqual([]);
  });

  it('a client on its own memory store (no store option) lists the same way: oldest first, copies, once per key', async () => {
    const vendor = fakeVendor();
    const mj = vendor.client();
    const a = await mj.imagine({ prompt: 'a fox' });
    const b = await mj.imagine({ prompt: 'a hare' }, { idempotencyKey: 'order-7' });
    await mj.imagine({ prompt: 'a hare' }, { idempotencyKey: 'order-7' });
    const listed = await mj.pending();
    expect(listed.map((job) => job.id)).toEqual([a.id, b.id]);
    expect(listed[0]).toMatchObject({ status: 'queued', prompt: 'a fox', operation: 'imagine' });
    expect(listed[0]?.raw).toBeUndefined();
    // What the caller does with a listed job does not change the list, as with a store of text.
    listed[0]!.prompt = 'changed';
    listed[0]!.images.push({ url: 'https://example.com/x.png' });
    expect(await mj.pending()).toEqual(
      listed.map((job, i) => (i === 0 ? { ...job, prompt: 'a fox', images: [] } : job)),
    );
    vendor.finish(a.id);
    await mj.get(a);
    expect((await mj.pending()).map((job) => job.id)).toEqual([b.id]);
    // Another client of its own does not see them.
    expect(await vendor.client().pending()).toEqual([]);
  });

  it('keeps no vendor body (`raw`), and clients on another API key or vendor do not see the jobs', async () => {
    const vendor = fakeVendor();
    const store = createMemoryStore();
    await vendor.client(store).imagine({ prompt: 'a fox' });
    const [listed] = await vendor.client(store).pending();
    expect(listed?.raw).toBeUndefined();
    expect(await vendor.client(createMemoryStore()).pending()).toEqual([]);
  });
});
