import { afterEach, describe, expect, it, vi } from 'vitest';
import { emptyJob, type Job } from '../src/index.js';
import { createClient } from '../src/provider.js';

// The vendor's batch limit is a hard limit (APIFRAME's /fetch-many answers 400 past 20 ids, §3.18):
// however many waits poll at once, no status request may carry one id more, and a batch that is
// exactly full is one request.

afterEach(() => vi.useRealTimers());

const MAX = 20;

/** A batching client (max 20, min 2 ids per request) whose jobs are done; records each batch sent. */
function batchingClient() {
  const batches: string[][] = [];
  const singles: string[] = [];
  const done = (id: string): Job =>
    emptyJob({ provider: 'acme', providerJobId: id, operation: 'imagine', status: 'succeeded', progress: 100 });
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
    poll: { intervalMs: 1_000, maxIntervalMs: 1_000 },
    batch: { max: MAX, min: 2 },
    async get(id) {
      singles.push(id);
      return done(id);
    },
    async getMany(ids) {
      // What the vendor would do with one id too many.
      if (ids.length > MAX) throw new Error(`the vendor refuses ${ids.length} ids: at most ${MAX}`);
      batches.push(ids);
      return ids.map(done);
    },
  });
  return { client, batches, singles };
}

/** `count` waits started together on running jobs, run to the end on the fake clock. */
async function waitsTogether(count: number) {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  const vendor = batchingClient();
  const ids = Array.from({ length: count }, (_, i) => `job${i}`);
  const waits = Promise.all(
    ids.map((id) =>
      vendor.client.wait(emptyJob({ provider: 'acme', providerJobId: id, operation: 'imagine', status: 'running' })),
    ),
  );
  let settled = false;
  const outcome = waits.then(
    (jobs) => jobs,
    (error: unknown) => error,
  );
  void outcome.then(() => {
    settled = true;
  });
  for (let step = 0; step < 120 && !settled; step++) await vi.advanceTimersByTimeAsync(250);
  // A wait left hanging (an id dropped from every batch) fails the test at once, not at its timeout.
  return { ...vendor, ids, result: settled ? await outcome : 'still waiting after 30 s' };
}

describe("batched polls never exceed the vendor's limit", () => {
  it.each([MAX + 1, 2 * MAX + 1, 3 * MAX - 1])(
    '%i waits polling at once: every status request carries at most 20 ids, and every wait gets its job',
    async (count) => {
      const { batches, singles, ids, result } = await waitsTogether(count);
      expect(result).toBeInstanceOf(Array);
      expect((result as Job[]).map((job) => job.status)).toEqual(ids.map(() => 'succeeded'));
      expect(Math.max(...batches.map((batch) => batch.length))).toBeLessThanOrEqual(MAX);
      // Each job was asked for once, in as few requests as the limit allows.
      expect([...batches.flat(), ...singles].sort()).toEqual([...ids].sort());
      expect(batches.length + singles.length).toBe(Math.ceil(count / MAX));
    },
  );

  it('exactly 20 waits: one request with all 20 ids', async () => {
    const { batches, singles, ids } = await waitsTogether(MAX);
    expect(batches).toEqual([ids]);
    expect(singles).toEqual([]);
  });

  it('getMany with 41 ids: requests of 20, 20 and a lone id by the single check', async () => {
    const { client, batches, singles } = batchingClient();
    const ids = Array.from({ length: 2 * MAX + 1 }, (_, i) => `acme:g${i}`);
    const jobs = await client.getMany(ids);
    expect(jobs.map((job) => job.id)).toEqual(ids);
    expect(batches.map((batch) => batch.length)).toEqual([MAX, MAX]);
    expect(singles).toEqual([`g${2 * MAX}`]);
  });
});
