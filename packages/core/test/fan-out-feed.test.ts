import { describe, expect, it, vi } from 'vitest';
import { createMemoryStore, emptyJob, type Job, type Store } from '../src/index.js';
import { jobFeed, publishJob, storeScope } from '../src/provider.js';

const job = (status: Job['status'], id = 'j1'): Job =>
  emptyJob({ provider: 'acedata', providerJobId: id, operation: 'imagine', status });

/** Lets the store's microtask deliveries and the feed's promise chains run. */
const settle = async () => {
  for (let i = 0; i < 10; i++) await Promise.resolve();
};

function feedOn() {
  const shared = storeScope('acedata', 'sk-md-feed', { store: createMemoryStore() });
  const confirmed = job('succeeded');
  let release: () => void = () => {};
  const confirm = vi.fn(
    () =>
      new Promise<Job>((resolve) => {
        release = () => resolve(confirmed);
      }),
  );
  const got: Job[] = [];
  const feed = jobFeed(shared, confirmed.id, confirm);
  return { shared, confirm, got, feed, confirmed, release: () => release() };
}

describe('jobFeed', () => {
  it('ignores what is not a state of the job waited on', async () => {
    const { shared, confirm, feed, got } = feedOn();
    const stop = feed.subscribe((j) => got.push(j));
    await settle();
    const channel = `${shared.scope}:job:${job('running').id}`;
    for (const text of ['not json', 'null', '"text"', JSON.stringify({ id: 'acedata:j1' })]) {
      await shared.store.publish(channel, text);
    }
    await publishJob(shared, job('running', 'other'));
    await shared.store.publish(channel, JSON.stringify({ ...job('running'), id: 'acedata:other' }));
    await settle();
    expect(confirm).not.toHaveBeenCalled();
    stop();
  });

  it('confirms one pushed state at a time, then the next, and hands on what the vendor says', async () => {
    const { shared, confirm, feed, got, confirmed, release } = feedOn();
    const stop = feed.subscribe((j) => got.push(j));
    await settle();
    await publishJob(shared, job('running'));
    await settle();
    await publishJob(shared, job('running'));
    await settle();
    expect(confirm).toHaveBeenCalledTimes(1);
    release();
    await settle();
    expect(got).toEqual([confirmed]);
    await publishJob(shared, job('succeeded'));
    await settle();
    expect(confirm).toHaveBeenCalledTimes(2);
    stop();
  });

  it('reads a state published before the wait subscribed', async () => {
    const { shared, confirm, feed, got, release } = feedOn();
    await publishJob(shared, job('succeeded'));
    const stop = feed.subscribe((j) => got.push(j));
    await settle();
    expect(confirm).toHaveBeenCalledTimes(1);
    release();
    await settle();
    expect(got).toHaveLength(1);
    stop();
  });

  it('after stop nothing is confirmed or handed on, even a read already under way', async () => {
    const { shared, confirm, feed, got, release } = feedOn();
    const stop = feed.subscribe((j) => got.push(j));
    await settle();
    await publishJob(shared, job('running'));
    await settle();
    stop();
    release();
    await settle();
    expect(got).toEqual([]);
    await publishJob(shared, job('succeeded'));
    await settle();
    expect(confirm).toHaveBeenCalledTimes(1);
  });

  it('a stop before the subscription is made ends it as soon as it is', async () => {
    const { shared, confirm, feed, got } = feedOn();
    await publishJob(shared, job('succeeded'));
    const stop = feed.subscribe((j) => got.push(j));
    stop();
    await settle();
    await publishJob(shared, job('succeeded'));
    await settle();
    expect(confirm).not.toHaveBeenCalled();
  });

  it('a stop before the subscription is made leaves no subscriber on the store and reads nothing', async () => {
    const memory = createMemoryStore();
    let live = 0;
    const store: Store = {
      ...memory,
      get: vi.fn(memory.get),
      async subscribe(channel, listener) {
        const end = await memory.subscribe(channel, listener);
        live += 1;
        return async () => {
          live -= 1;
          await end();
        };
      },
    };
    const shared = storeScope('acedata', 'sk-feed-stop', { store });
    const confirm = vi.fn(async () => job('succeeded'));
    const stop = jobFeed(shared, job('succeeded').id, confirm).subscribe(() => {});
    stop();
    await settle();
    expect(live).toBe(0);
    expect(store.get).not.toHaveBeenCalled();
    expect(confirm).not.toHaveBeenCalled();
  });
});
