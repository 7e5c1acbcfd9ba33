// Three Node processes (fixtures/worker.ts) on one vendor key, one Redis and the simulator: what one
// process does, the others honour. Each test uses its own API key, so its keys in Redis (scoped by a
// hash of the key) and its ledger entries (by prompt) are its own. No test races the wall clock: the
// simulator's clock is paused (jobs move only on `sim.clock.advance`), the pace is checked against
// lower bounds that hold however late a process runs, and every wait is on an event.
import { createServer, request as httpRequest, type Server } from 'node:http';
import { type Simulator, startSimulator } from '@mjgate/simulator';
import { createClient } from '@redis/client';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { type RedisServer, startRedisServer } from '../../../scripts/redis.mjs';
import type { WorkerConfig } from './fixtures/worker.js';
import { redisAvailable } from './redis-available.js';
import { startWorker, type Worker, WorkerError } from './worker-process.js';

const HANG_GUARD = { timeout: 30_000, interval: 20 };

describe.skipIf(!redisAvailable)('three processes sharing one key and one Redis', { timeout: 60_000 }, () => {
  let redis: RedisServer;
  let sim: Simulator;
  /** Three worker processes, started once (their start is the slow part) and set up anew per test. */
  let pool: Worker[] = [];
  let testNumber = 0;

  beforeAll(async () => {
    // Every write on disk before it is answered, as docs/scaling.md advises: a restart keeps them.
    redis = await startRedisServer({ appendOnly: true });
    sim = await startSimulator({ paused: true, log: () => {} });
    pool = await Promise.all([startWorker(), startWorker(), startWorker()]);
  }, 120_000);
  beforeEach(() => {
    testNumber += 1;
  });
  afterAll(async () => {
    await Promise.all(pool.map((worker) => worker.exit()));
    await sim?.close();
    await redis?.stop();
  }, 60_000);

  /** Settings of a worker of this test: the test's own API key. */
  function settings(overrides: Partial<WorkerConfig> = {}): WorkerConfig {
    return {
      redisUrl: redis.url,
      urls: { imaginepro: sim.urls.imaginepro, apiframe: sim.urls.apiframe },
      apiKey: `key-of-test-${testNumber}`,
      webhookSecret: 'a-webhook-secret-of-32-characters!',
      submitPaceMs: 0,
      ...overrides,
    };
  }
  /** `count` workers of the pool, set up for this test. */
  async function use(count: number, overrides: Partial<WorkerConfig> = {}): Promise<Worker[]> {
    const chosen = pool.slice(0, count);
    await Promise.all(chosen.map((worker) => worker.call('configure', { config: settings(overrides) })));
    return chosen;
  }
  /** Replaces a worker that died with a new process, set up for this test. */
  async function replace(dead: Worker, overrides: Partial<WorkerConfig> = {}): Promise<Worker> {
    const fresh = await startWorker();
    pool[pool.indexOf(dead)] = fresh;
    await fresh.call('configure', { config: settings(overrides) });
    return fresh;
  }
  const submissionsOf = (prefix: string) =>
    sim.ledger.submissions().filter((s) => String((s.body as { prompt?: unknown })?.prompt ?? '').startsWith(prefix));

  it('holds the submission pace across processes: the simulator’s ledger shows one per interval', async () => {
    const interval = 400;
    const trio = await use(3, { submitPaceMs: interval });
    const go = Date.now();
    await Promise.all(
      trio.flatMap((worker, w) => [0, 1, 2].map((j) => worker.call('imagine', { prompt: `pace ${w}.${j}` }))),
    );
    const times = submissionsOf('pace ')
      .map((s) => Date.parse(s.at))
      .sort((a, b) => a - b);
    expect(times).toHaveLength(9);
    // Slot k of the shared pace starts k intervals after the first, which is no earlier than `go`;
    // each request reaches the simulator no earlier than its slot. (Each process pacing alone would
    // have sent three at once.) A little slack for timers, which may fire a ms early.
    // Held by the store, not by each process alone after a store failure.
    for (const worker of trio) expect(await worker.call('warnings')).toEqual([]);
    const early = times.map((at, k) => at - go - k * interval);
    expect(Math.min(...early), `ms past each slot's earliest start: ${early.join(', ')}`).toBeGreaterThanOrEqual(-25);
  });

  it('sends one vendor job per idempotency key under concurrent duplicates from every process', async () => {
    const trio = await use(3);
    const calls = trio.flatMap((worker) =>
      [0, 1].map(() => worker.call<{ id: string }>('imagine', { prompt: 'duplicate fox', idempotencyKey: 'order-17' })),
    );
    const jobs = await Promise.all(calls);
    expect(new Set(jobs.map((job) => job.id)).size).toBe(1);
    expect(submissionsOf('duplicate fox')).toHaveLength(1);
    // Later, from a process set up anew (as after a restart): the same job, nothing sent.
    const [late] = await use(1);
    expect(
      await late?.call<{ id: string }>('imagine', { prompt: 'duplicate fox', idempotencyKey: 'order-17' }),
    ).toMatchObject({
      id: jobs[0]?.id,
    });
    expect(submissionsOf('duplicate fox')).toHaveLength(1);
  });

  it('sends one vendor job per idempotency key when the submitting process is killed before it recorded the job', async () => {
    // A proxy that lets the submission reach the vendor and keeps the answer: the worker dies
    // knowing nothing, with the vendor's job created and its claim on the key left behind.
    const held: Array<() => void> = [];
    const proxy = await holdingProxy(sim.url, held);
    try {
      const [doomed] = await use(1, { urls: { imaginepro: `${proxy.url}/imaginepro`, apiframe: sim.urls.apiframe } });
      const lost = doomed
        ?.call('imagine', { prompt: 'killed fox', idempotencyKey: 'order-18' })
        .catch((e: unknown) => e);
      await vi.waitFor(() => expect(submissionsOf('killed fox')).toHaveLength(1), HANG_GUARD);
      await doomed?.kill();
      expect(await lost).toBeInstanceOf(WorkerError);

      // ImaginePro's history lists finished jobs only: the job finishes.
      sim.clock.advance(10 * 60_000);
      // A worker started later — its clock past the claim's 30 s freshness — retries with the key.
      const later = await replace(doomed as Worker, { clockOffsetMs: 31_000 });
      const job = await later.call<{ id: string }>('imagine', { prompt: 'killed fox', idempotencyKey: 'order-18' });
      const [submitted] = submissionsOf('killed fox');
      expect(job?.id).toContain(submitted?.jobId);
      expect(submissionsOf('killed fox')).toHaveLength(1);
      // And from then on the key returns that job at once, to anyone.
      const [, third] = await use(2);
      expect(await third?.call('imagine', { prompt: 'killed fox', idempotencyKey: 'order-18' })).toMatchObject({
        id: job?.id,
      });
    } finally {
      for (const release of held) release();
      await proxy.close();
    }
  });

  it('ends a wait() in process A with a callback delivered to process B', async () => {
    const [a, b] = await use(2);
    const hooks = await b?.call<string>('serveWebhooks');
    const job = await a?.call<{ id: string }>('imagine', { prompt: 'webhook fox', webhookUrl: hooks });
    // Submitted and not yet finished: every process lists it (a restarted worker would wait on it).
    expect(await b?.call('pending')).toEqual([expect.objectContaining({ id: job?.id })]);
    // A's wait polls once, then not for ten minutes: only B's callback can end it within the test.
    const waited = a?.call<{ id: string; status: string }>('wait', { jobId: job?.id });
    const [submitted] = submissionsOf('webhook fox');
    sim.clock.advance(10 * 60_000);
    await sim.ledger.settled();
    const delivered = sim.ledger.webhooks({ jobId: submitted?.jobId });
    expect(delivered.length).toBeGreaterThan(0);
    expect(delivered.every((d) => d.url.startsWith(String(hooks)))).toBe(true);
    expect(await waited).toMatchObject({ id: job?.id, status: 'succeeded' });
    expect(await a?.call('pending')).toEqual([]);
  });

  it('honours in every process a cool-down that one process found', async () => {
    const trio = await use(3);
    const submitsTo = (vendor: 'imaginepro' | 'apiframe') => sim.countRequests({ vendor, category: 'submit' });
    const failing = sim.faults.add({ vendor: 'imaginepro', category: 'submit', kind: 'status', status: 503 });
    const first = await trio[0]?.call<{ provider: string }>('gatewayImagine', { prompt: 'cool-down fox 0' });
    expect(first?.provider).toBe('apiframe');
    expect(failing.hits).toBe(1);
    // ImaginePro works again, but the cool-down process 0 recorded stands for processes 1 and 2.
    failing.remove();
    const before = submitsTo('imaginepro');
    for (const [index, worker] of trio.slice(1).entries()) {
      expect(await worker.call('gatewayImagine', { prompt: `cool-down fox ${index + 1}` })).toMatchObject({
        provider: 'apiframe',
      });
    }
    expect(submitsTo('imaginepro')).toBe(before);
    expect(submissionsOf('cool-down fox').map((s) => s.vendor)).toEqual(['apiframe', 'apiframe', 'apiframe']);
  });

  it('loses no job and sends none twice when Redis restarts mid-run', async () => {
    const trio = await use(3, { submitPaceMs: 20 });
    const perWorker = 10;
    const runs = trio.map(async (worker, w) => {
      const jobs: Array<{ id: string; key: string }> = [];
      for (let i = 0; i < perWorker; i++) {
        const key = `restart-${w}-${i}`;
        // Retried with the same key while the store is down, as a worker loop would.
        const job = await worker.call<{ id: string }>('imagineThroughOutage', {
          prompt: `restart fox ${key}`,
          idempotencyKey: key,
        });
        jobs.push({ ...job, key });
      }
      return jobs;
    });
    const settled = Promise.allSettled(runs);
    await vi.waitFor(() => expect(submissionsOf('restart fox').length).toBeGreaterThanOrEqual(6), HANG_GUARD);
    // Redis stops taking commands for a moment first, so that none is half-done when it stops (one
    // it ran but whose answer was lost is a claim only time clears: see docs/scaling.md).
    await pauseRedis(redis.url);
    await redis.kill();
    // Down until the workers have met the outage: their submissions were refused, not sent blind.
    const outages = async () =>
      (await Promise.all(trio.map((worker) => worker.call<number>('outages')))).reduce((a, b) => a + b);
    await vi.waitFor(async () => expect(await outages()).toBeGreaterThan(0), HANG_GUARD);
    await redis.start();
    const results = await settled;
    const jobs = results.flatMap((result) => {
      if (result.status === 'rejected') throw result.reason;
      return result.value;
    });
    expect(jobs).toHaveLength(3 * perWorker);
    const submitted = submissionsOf('restart fox');
    expect(submitted).toHaveLength(3 * perWorker);
    for (const job of jobs) {
      const match = submitted.filter((s) => (s.body as { prompt: string }).prompt === `restart fox ${job.key}`);
      expect(match).toHaveLength(1);
      expect(job.id).toContain(match[0]?.jobId);
    }
  });
});

/** `CLIENT PAUSE ALL` on a connection of its own: commands wait unrun until the restart. */
async function pauseRedis(url: string): Promise<void> {
  const admin = createClient({ url });
  await admin.connect();
  await admin.sendCommand(['CLIENT', 'PAUSE', '60000', 'ALL']);
  admin.destroy();
}

/**
 * A loopback proxy to the simulator that forwards every request and answers it, except submissions
 * (`POST …/imagine`): those reach the simulator, and their answers are held until `held` is called.
 */
async function holdingProxy(target: string, held: Array<() => void>): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((incoming, outgoing) => {
    const upstream = httpRequest(
      `${target}${incoming.url}`,
      { method: incoming.method, headers: incoming.headers },
      (answer) => {
        const deliver = () => {
          outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(outgoing);
        };
        if (incoming.method === 'POST' && /\/imagine$/.test(incoming.url ?? '')) held.push(() => outgoing.destroy());
        else deliver();
      },
    );
    upstream.on('error', () => outgoing.destroy());
    incoming.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
