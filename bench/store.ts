// The cost of sharing state in Redis (issue 14): one ImaginePro submission through the client on the
// simulator, with everything a shared submission touches in its store — the submit pace
// (reserveSlot), an idempotency record (setIfAbsent, then set) and the pending-jobs map (setEntry) —
// once on core's in-memory store and once on @mjgate/redis against a redis-server on loopback,
// interleaved in rounds; the figure is the difference of the two medians (p50) per submission.
// Also, for reference, the p50 of each store operation alone on Redis.
// Run through `pnpm bench` (after `pnpm build`), or alone: node bench/store.ts
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = join(import.meta.dirname, '..');
const load = (pkg: string) => import(pathToFileURL(join(root, 'packages', pkg, 'dist', 'index.js')).href);
const { redisServerPath, startRedisServer } = await import(pathToFileURL(join(root, 'scripts', 'redis.mjs')).href);
const FIGURE = 'store cost per submission, Redis on loopback over the in-memory store (p50)';

if (!redisServerPath()) {
  console.error('redis-server is not on the PATH: run `bash scripts/ensure-redis.sh` to measure the Redis store.');
  console.log(JSON.stringify({ figure: FIGURE, unit: 'ms', anchor: { skipped: 'no redis-server' }, goal: '≤ 1' }));
  process.exit(0);
}

const { startSimulator } = await load('simulator');
const { createImaginePro } = await load('imaginepro');
const { createMemoryStore } = await load('core');
const { createRedisStore } = await load('redis');

const ROUNDS = Number(process.env.MJGATE_BENCH_ROUNDS ?? 15);
const PER_ROUND = 40;
const KEY = 'bench-store-key';

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;
const elapsedMs = (started: bigint) => Number(process.hrtime.bigint() - started) / 1e6;

const redis = await startRedisServer();
const sim = await startSimulator({ speed: 1, apiKey: KEY, credits: 1e12 });
const memoryStore = createMemoryStore();
const redisStore = createRedisStore({ url: redis.url, prefix: 'bench:' });
try {
  // A 1 ms pace: each submission reserves its slot in the store, and one at a time never waits.
  const clientOn = (store: unknown) =>
    createImaginePro({ apiKey: KEY, baseURL: sim.urls.imaginepro, store, pace: { submit: 1, read: 0 } });
  const clients = { memory: clientOn(memoryStore), redis: clientOn(redisStore) };
  const samples: Record<keyof typeof clients, number[]> = { memory: [], redis: [] };
  let n = 0;
  const submitOnce = async (name: keyof typeof clients, record: boolean) => {
    const started = process.hrtime.bigint();
    await clients[name].imagine({ prompt: `a red fox in snow ${n}` }, { idempotencyKey: `bench-${name}-${n++}` });
    if (record) samples[name].push(elapsedMs(started));
  };
  for (let i = 0; i < PER_ROUND; i++) for (const name of ['memory', 'redis'] as const) await submitOnce(name, false);
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? (['memory', 'redis'] as const) : (['redis', 'memory'] as const);
    for (const name of order) for (let i = 0; i < PER_ROUND; i++) await submitOnce(name, true);
  }
  const memoryMs = median(samples.memory);
  const redisMs = median(samples.redis);
  const over = redisMs - memoryMs;
  console.log(
    JSON.stringify({
      figure: FIGURE,
      unit: 'ms',
      anchor: { 'memory store (ms/submission)': memoryMs, 'Redis store (ms/submission)': redisMs },
      value: over,
      goal: '≤ 1',
      pass: over <= 1,
    }),
  );

  // Each operation alone, p50 over 2,000 calls (the scripts are cached by Redis after the first).
  const operations: Record<string, (i: number) => Promise<unknown>> = {
    reserveSlot: () => redisStore.reserveSlot('op:pace', 1),
    'acquireLease + releaseLease': async (i) => {
      const lease = await redisStore.acquireLease('op:lease', 5, 60_000);
      if (lease) await redisStore.releaseLease('op:lease', lease);
      return i;
    },
    setIfAbsent: (i) => redisStore.setIfAbsent(`op:absent:${i}`, 'x', 60_000),
    get: () => redisStore.get('op:absent:1'),
    setEntry: (i) => redisStore.setEntry('op:map', `f${i % 100}`, '{"id":"x"}'),
  };
  const perOperation: Record<string, number> = {};
  for (const [name, run] of Object.entries(operations)) {
    const times: number[] = [];
    for (let i = 0; i < 2_000; i++) {
      const started = process.hrtime.bigint();
      await run(i);
      if (i >= 200) times.push(elapsedMs(started));
    }
    perOperation[`${name} (ms)`] = median(times);
  }
  const slowest = Math.max(...Object.values(perOperation));
  console.log(
    JSON.stringify({
      figure: 'slowest single Redis store operation on loopback (p50)',
      unit: 'ms',
      anchor: perOperation,
      value: slowest,
      goal: '≤ 1',
      pass: slowest <= 1,
    }),
  );
} finally {
  await redisStore.close();
  await sim.close();
  await redis.stop();
}
