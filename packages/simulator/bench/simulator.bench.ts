// 1,000 jobs held at once, then status requests on loopback (Vitest 5 `bench` fixture). Run from the repo root:
//   pnpm exec vitest bench --run --project 'simulator (bench)'
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type Simulator, startSimulator } from '../src/index';

const JOBS = 1_000;
const BATCH = 50;
let sim: Simulator;
let ids: string[] = [];
let cursor = 0;

const headers = { authorization: 'bench', 'content-type': 'application/json' };
const nextId = () => ids[cursor++ % ids.length] as string;

async function fetchTask(id: string): Promise<void> {
  const res = await fetch(`${sim.urls.apiframe}/fetch`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ task_id: id }),
  });
  if (res.status !== 200) throw new Error(`status ${res.status}`);
  await res.arrayBuffer();
}

describe('simulator on loopback', () => {
  beforeAll(async () => {
    // speed 1 (real vendor time): the jobs stay queued/running for the whole run, so all 1,000 are in flight
    sim = await startSimulator({ speed: 1 });
    const created = await Promise.all(
      Array.from({ length: JOBS }, (_, i) =>
        fetch(`${sim.urls.apiframe}/imagine`, {
          method: 'POST',
          headers,
          body: JSON.stringify({ prompt: `job ${i}` }),
        }).then((r) => r.json() as Promise<{ task_id: string }>),
      ),
    );
    ids = created.map((c) => c.task_id);
  });
  afterAll(() => sim.close());

  test('holds 1,000 concurrent jobs', () => {
    expect(new Set(ids).size).toBe(JOBS);
    expect(sim.stats().jobs.running).toBe(JOBS);
    expect(sim.ledger.submissions()).toHaveLength(JOBS);
  });

  test('status requests per second', async ({ bench }) => {
    const sequential = await bench('POST /apiframe/fetch, one at a time', async () => {
      await fetchTask(nextId());
    }).run();
    const parallel = await bench(`POST /apiframe/fetch, ${BATCH} in parallel`, async () => {
      await Promise.all(Array.from({ length: BATCH }, () => fetchTask(nextId())));
    }).run();
    const many = await bench('POST /apiframe/fetch-many (20 ids)', async () => {
      const task_ids = Array.from({ length: 20 }, nextId);
      const res = await fetch(`${sim.urls.apiframe}/fetch-many`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ task_ids }),
      });
      await res.arrayBuffer();
    }).run();
    const seqRps = sequential.throughput.mean;
    const parRps = parallel.throughput.mean * BATCH;
    console.log(
      `[simulator bench] ${sim.stats().jobs.running} jobs in flight; status requests/s: sequential ${seqRps.toFixed(0)}, ` +
        `${BATCH} in parallel ${parRps.toFixed(0)}; fetch-many(20)/s ${many.throughput.mean.toFixed(0)} ` +
        `(= ${(many.throughput.mean * 20).toFixed(0)} task reads/s)`,
    );
    expect(seqRps).toBeGreaterThan(0);
  });
});
