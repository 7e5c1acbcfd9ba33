import { afterEach, describe, expect, it, vi } from 'vitest';
import { emptyJob, type Job } from '../src/index.js';
import { Batcher, createClient } from '../src/provider.js';

afterEach(() => vi.useRealTimers());

const running = (id: string) =>
  emptyJob({ provider: 'acme', providerJobId: id, operation: 'imagine', status: 'running' });

describe('Batcher groups waiters by job id', () => {
  it('several waits on one job share its slot in the batch, and each gets the answer', async () => {
    const asked: string[][] = [];
    const batcher = new Batcher({
      provider: 'acme',
      maxBatch: 20,
      windowMs: 1,
      fetchMany: async (ids) => {
        asked.push(ids);
        return ids.map(running);
      },
      fetchOne: async (id) => running(id),
    });
    const controller = new AbortController();
    const waits = [batcher.get('a'), batcher.get('b'), batcher.get('a', controller.signal), batcher.get('a')];
    controller.abort(new Error('gave up'));
    const [a1, b, a2, a3] = await Promise.allSettled(waits);
    expect(asked).toEqual([['a', 'b']]);
    expect(a1).toMatchObject({ status: 'fulfilled', value: { providerJobId: 'a' } });
    expect(a3).toMatchObject({ status: 'fulfilled', value: { providerJobId: 'a' } });
    expect(b).toMatchObject({ status: 'fulfilled', value: { providerJobId: 'b' } });
    expect(a2).toMatchObject({ status: 'rejected', reason: new Error('gave up') });
  });

  it('a batch that is full goes out without waiting for the window', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const fetchMany = vi.fn(async (ids: string[]) => ids.map(running));
    const batcher = new Batcher({
      provider: 'acme',
      maxBatch: 3,
      windowMs: 1_000,
      fetchMany,
      fetchOne: async (id) => running(id),
    });
    const full = Promise.all(['a', 'b', 'c'].map((id) => batcher.get(id)));
    await expect(full).resolves.toHaveLength(3);
    expect(fetchMany).toHaveBeenCalledWith(['a', 'b', 'c']);
    const late = batcher.get('d');
    await vi.advanceTimersByTimeAsync(1_000);
    await expect(late).resolves.toMatchObject({ providerJobId: 'd' });
  });
});

/**
 * 1,000 concurrent waits on 60-s jobs (started over 10 s, lasting 55–65 s) through a client whose
 * vendor takes `max` ids per status request, on the fake clock. Returns the status requests made and
 * the ids they carried.
 */
async function thousandWaits(max: number) {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'], now: 1_700_000_000_000 });
  const t0 = Date.now();
  const jobs = new Map(
    Array.from({ length: 1_000 }, (_, i) => [
      `j${i}`,
      { start: t0 + ((i * 7_919) % 10_000), ms: 55_000 + ((i * 104_729) % 10_000) },
    ]),
  );
  const state = (id: string): Job => {
    const { start, ms } = jobs.get(id)!;
    const now = Date.now();
    const base = { provider: 'acme', providerJobId: id, operation: 'imagine' as const };
    if (now >= start + ms) return emptyJob({ ...base, status: 'succeeded', progress: 100 });
    if (now < start + 3_000) return emptyJob({ ...base, status: 'queued', progress: 0 });
    return emptyJob({ ...base, status: 'running', progress: Math.floor(((now - start - 3_000) / (ms - 3_000)) * 100) });
  };
  let requests = 0;
  let carried = 0;
  const client = createClient({
    provider: 'acme',
    capabilities: {
      operations: ['imagine'],
      actions: [],
      batchGet: true,
      webhooks: false,
      cancel: false,
      account: false,
    },
    batch: { max, min: 2 },
    async get(id) {
      requests += 1;
      carried += 1;
      return state(id);
    },
    async getMany(ids) {
      requests += 1;
      carried += ids.length;
      return ids.map(state);
    },
  });
  let done = 0;
  const waits: Promise<unknown>[] = [];
  for (const [id, { start }] of jobs) {
    // Each wait starts when its job is submitted, holding the submitted (queued) state.
    setTimeout(() => waits.push(client.wait(state(id)).then(() => done++)), start - t0);
  }
  while (done < jobs.size) await vi.advanceTimersByTimeAsync(250);
  await Promise.all(waits);
  return { requests, carried };
}

describe('1,000 concurrent waits on a batching client', () => {
  it('APIFRAME-sized batches (20 ids): at least 25× fewer requests than polling each job every 2 s', async () => {
    const { requests, carried } = await thousandWaits(20);
    const naive = 1_000 * 30;
    expect(naive / requests).toBeGreaterThanOrEqual(25);
    // Polls aligned to shared slots fill the batches.
    expect(carried / requests).toBeGreaterThanOrEqual(15);
  });

  it('AceData-sized batches (50 ids): at least 40× fewer requests than polling each job every 2 s', async () => {
    const { requests, carried } = await thousandWaits(50);
    expect((1_000 * 30) / requests).toBeGreaterThanOrEqual(40);
    expect(carried / requests).toBeGreaterThanOrEqual(30);
  });
});
