// The per-call cost of mjgate's request machinery (issue 13), on the simulator over loopback:
// - `get()` of one APIFRAME task next to a bare ky call and a bare `fetch` + `JSON.parse` of the
//   same endpoint, interleaved in rounds: the median over rounds of the ratio within a round;
// - ImaginePro submit + one status read per job at a fixed concurrency, through the client (pacing
//   off) next to the same requests made with raw `fetch`, in jobs per second.
// Each figure also shows bare ky against the same anchor: the transport makes its requests with ky
// (the chosen stack), so ky's own ratio is the most any client built on it could reach.
// Run through `pnpm bench` (after `pnpm build`), or alone: node --expose-gc bench/transport.ts
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = join(import.meta.dirname, '..');
const load = (pkg: string) => import(pathToFileURL(join(root, 'packages', pkg, 'dist', 'index.js')).href);
const { startSimulator } = await load('simulator');
const { createApiFrame } = await load('apiframe');
const { createImaginePro } = await load('imaginepro');
// ky as core depends on it: the same version the transport runs.
const { default: ky } = await import(
  pathToFileURL(join(root, 'packages', 'core', 'node_modules', 'ky', 'distribution', 'index.js')).href
);

/** APIFRAME's own JS client: none is published on npm, so the measured ratio stands in. */
const VENDOR_CLIENT_RATIO = 1.22;
const ROUNDS = Number(process.env.MJGATE_BENCH_ROUNDS ?? 21);
const CALLS = 500;
const KEY = 'bench-key';

const sim = await startSimulator({ speed: 1, apiKey: KEY, credits: 1e12 });
try {
  // ---- get() overhead -------------------------------------------------------------------------
  const created = await fetch(`${sim.urls.apiframe}/imagine`, {
    method: 'POST',
    headers: { authorization: KEY, 'content-type': 'application/json' },
    body: JSON.stringify({ prompt: 'a red fox in snow' }),
  }).then((response) => response.json() as Promise<{ task_id: string }>);
  const taskId = created.task_id;
  const url = `${sim.urls.apiframe}/fetch`;
  const client = createApiFrame({ apiKey: KEY, baseUrl: sim.urls.apiframe });

  const contenders: Record<string, () => Promise<unknown>> = {
    fetch: async () => {
      const response = await fetch(url, {
        method: 'POST',
        headers: { authorization: KEY, 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ task_id: taskId }),
      });
      return JSON.parse(await response.text());
    },
    ky: () => ky.post(url, { headers: { authorization: KEY }, json: { task_id: taskId }, retry: 0 }).json(),
    get: () => client.get(taskId),
  };
  const perCall = new Map<string, number[]>(Object.keys(contenders).map((name) => [name, []]));
  // `pnpm bench` runs the scripts with --expose-gc: a collection before each sample makes every
  // contender pay for its own garbage, instead of the next one paying for what this one left.
  const collect = (globalThis as { gc?: () => void }).gc ?? (() => {});
  // CPU time of this process (client and simulator both run in it) per call: on an idle machine it
  // is the wall time of a loopback call; on a busy one, wall time mostly measures the wait for a core.
  const time = async (call: () => Promise<unknown>) => {
    collect();
    const started = process.cpuUsage();
    for (let i = 0; i < CALLS; i++) await call();
    const used = process.cpuUsage(started);
    return (used.user + used.system) / 1000 / CALLS;
  };
  for (const call of Object.values(contenders)) await time(call); // warm up: JIT, sockets
  for (let round = 0; round < ROUNDS; round++) {
    // Each round in another order, so that no contender always follows the same one.
    const names = Object.keys(contenders);
    const order = round % 2 === 0 ? names : names.reverse();
    for (const name of order) perCall.get(name)!.push(await time(contenders[name]!));
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  /**
   * The median over rounds of `a`'s time over `b`'s in the same round: samples taken a few hundred
   * ms apart share the machine's state (its load, its clock), which moves more than the goals do.
   */
  const pairedRatio = (a: string, b: string) => {
    const over = perCall.get(b)!;
    return median(perCall.get(a)!.map((ms, round) => ms / over[round]!));
  };
  /**
   * Bytes allocated per call (client and simulator together, as the CPU time), sampled by V8's heap
   * profiler with collected objects counted: what a call leaves for the garbage collector, whose work
   * is much of what get() spends over ky (counted with callgrind, docs/performance.md).
   */
  const allocatedPerCall = async (call: () => Promise<unknown>) => {
    const session = new Session();
    session.connect();
    try {
      await session.post('HeapProfiler.startSampling', {
        samplingInterval: 256,
        includeObjectsCollectedByMajorGC: true,
        includeObjectsCollectedByMinorGC: true,
      });
      for (let i = 0; i < CALLS; i++) await call();
      const { profile } = await session.post('HeapProfiler.stopSampling');
      type Node = { selfSize: number; children: Node[] };
      const total = (node: Node): number => node.children.reduce((sum, child) => sum + total(child), node.selfSize);
      return total(profile.head as Node) / CALLS / 1024;
    } finally {
      session.disconnect();
    }
  };
  const allocated = { ky: await allocatedPerCall(contenders.ky!), get: await allocatedPerCall(contenders.get!) };
  const fetchMs = median(perCall.get('fetch')!);
  const kyMs = median(perCall.get('ky')!);
  const getMs = median(perCall.get('get')!);
  const overKy = (pairedRatio('get', 'ky') - 1) * 100;
  console.log(
    JSON.stringify({
      figure: 'get() time over a bare ky call (APIFRAME /fetch)',
      unit: '%',
      anchor: {
        'ky (CPU ms/call)': kyMs,
        'get() (CPU ms/call)': getMs,
        'ky (kB allocated/call)': allocated.ky,
        'get() (kB allocated/call)': allocated.get,
      },
      value: overKy,
      goal: '≤ +5',
      pass: overKy <= 5,
    }),
  );
  const overFetch = pairedRatio('get', 'fetch');
  console.log(
    JSON.stringify({
      figure: 'get() over bare fetch + JSON.parse (APIFRAME /fetch)',
      unit: '×',
      anchor: {
        'fetch (CPU ms/call)': fetchMs,
        "vendor's JS client (issue 13, not on npm)": VENDOR_CLIENT_RATIO,
        'bare ky over fetch (×)': pairedRatio('ky', 'fetch'),
      },
      value: overFetch,
      goal: `< ${VENDOR_CLIENT_RATIO}`,
      pass: overFetch < VENDOR_CLIENT_RATIO,
    }),
  );

  // ---- submit + poll throughput ----------------------------------------------------------------
  const JOBS = Number(process.env.MJGATE_BENCH_JOBS ?? 1_000);
  const CONCURRENCY = 20;
  const base = sim.urls.imaginepro;
  const headers = { authorization: `Bearer ${KEY}`, 'content-type': 'application/json', accept: 'application/json' };
  const raw = async (i: number) => {
    const response = await fetch(`${base}/api/v1/nova/imagine`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ prompt: `job ${i}` }),
    });
    const { messageId } = JSON.parse(await response.text()) as { messageId: string };
    // The status endpoint the client reads (§3.2): a missing job would be a cheaper 404.
    const status = await fetch(`${base}/api/v1/message/fetch/${messageId}`, { headers });
    if (!status.ok) throw new Error(`the status read answered ${status.status}`);
    JSON.parse(await status.text());
  };
  // The same two requests made with bare ky (its retry off, as the transport has it).
  const bareKy = async (i: number) => {
    const { messageId } = await ky
      .post(`${base}/api/v1/nova/imagine`, { headers, json: { prompt: `job ${i}` }, retry: 0 })
      .json<{ messageId: string }>();
    await ky.get(`${base}/api/v1/message/fetch/${messageId}`, { headers, retry: 0 }).json();
  };
  const imaginepro = createImaginePro({ apiKey: KEY, baseUrl: base, pace: { submit: 0, read: 0 } });
  const viaClient = async (i: number) => {
    const job = await imaginepro.imagine({ prompt: `job ${i}` });
    await imaginepro.get(job);
  };
  /** Jobs per CPU second (of client and simulator together, as above). */
  const jobsPerSecond = async (one: (i: number) => Promise<void>) => {
    let next = 0;
    const started = process.cpuUsage();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < JOBS) await one(next++);
      }),
    );
    const used = process.cpuUsage(started);
    return JOBS / ((used.user + used.system) / 1e6);
  };
  await jobsPerSecond(raw);
  await jobsPerSecond(bareKy);
  await jobsPerSecond(viaClient);
  const rawRates: number[] = [];
  const kyRates: number[] = [];
  const clientRates: number[] = [];
  for (let round = 0; round < 3; round++) {
    rawRates.push(await jobsPerSecond(raw));
    kyRates.push(await jobsPerSecond(bareKy));
    clientRates.push(await jobsPerSecond(viaClient));
  }
  const ratio = median(clientRates) / median(rawRates);
  console.log(
    JSON.stringify({
      figure: `submit + poll throughput, ImaginePro (${CONCURRENCY} at once), vs raw fetches`,
      unit: '×',
      anchor: {
        'raw fetch (jobs/CPU s)': median(rawRates),
        'client (jobs/CPU s)': median(clientRates),
        'bare ky over raw fetch (×)': median(kyRates) / median(rawRates),
      },
      value: ratio,
      goal: '≥ 0.9',
      pass: ratio >= 0.9,
    }),
  );
} finally {
  await sim.close();
}
