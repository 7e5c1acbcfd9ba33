// How waiting costs (issue 13), on the simulator over loopback, each figure next to its anchor in
// the same run. The simulator's clock runs at 2/3 speed, so its 40-s grid lasts 60 real seconds.
// - Per job (20 jobs per vendor, one client each so nothing is batched, started 250 ms apart):
//   status requests for a 60-s job, and how long after the job ended the wait noticed (p95). Anchors:
//   the same jobs polled with `get()` every 2 s and every 5 s.
// - At scale: 1,000 jobs of 60 s submitted over 10 s by this process, then waited on all at once by
//   one client in a child process of its own (so RSS is the waits' alone) — the extra RSS at the peak
//   over the warmed-up baseline, and how many fewer status requests they cost than a naive poller
//   (one `get()` per job every 2 s, in its own process beside them). For ImaginePro, which reads one
//   job per request, two more anchors: bare `fetch`, and bare ky (what the transport is built on),
//   each making as many status reads as its waits made.
// Run through `pnpm bench` (after `pnpm build`), or alone: node bench/waiting.ts (about 4 minutes;
// `--scale-only` skips the per-job part; MJGATE_BENCH_JOBS / _WAITS / _VENDORS shrink it).
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = join(import.meta.dirname, '..');
const load = (pkg: string) => import(pathToFileURL(join(root, 'packages', pkg, 'dist', 'index.js')).href);

const KEY = 'bench-key';
const JOB_MS = 60_000;
/** The simulator's grid: 3 s queued + 37 s running, in vendor time. */
const SPEED = 40_000 / JOB_MS;
const PER_JOB = Number(process.env.MJGATE_BENCH_JOBS ?? 20);
const SCALE = Number(process.env.MJGATE_BENCH_WAITS ?? 1_000);
const NAIVE_MS = 2_000;

type Vendor = 'imaginepro' | 'apiframe' | 'acedata';
const VENDORS: Vendor[] = ['imaginepro', 'apiframe', 'acedata'];
const NAMES: Record<Vendor, string> = { imaginepro: 'ImaginePro', apiframe: 'APIFRAME', acedata: 'AceData' };
/** The status-read paths of each vendor: what counts as a status request. */
const STATUS_PATH: Record<Vendor, RegExp> = {
  imaginepro: /\/api\/v1\/(message|video\/mj)\/fetch\//,
  apiframe: /\/fetch(-many)?$/,
  acedata: /\/midjourney\/tasks$/,
};
const FACTORY: Record<Vendor, string> = {
  imaginepro: 'createImaginePro',
  apiframe: 'createApiFrame',
  acedata: 'createAceData',
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!;
};
const mean = (values: number[]) => values.reduce((sum, v) => sum + v, 0) / values.length;
const print = (figure: Record<string, unknown>) => console.log(JSON.stringify(figure));

interface Counter {
  status: number;
}

/** The part of a job and of a client (built from `dist/`, so untyped here) the bench uses. */
interface BenchJob {
  id: string;
  providerJobId: string;
  status: string;
}
interface BenchClient {
  imagine(input: { prompt: string }): Promise<BenchJob>;
  get(id: string): Promise<BenchJob>;
  wait(job: BenchJob): Promise<BenchJob>;
  run(input: { prompt: string }): Promise<BenchJob>;
}
interface BenchSimulator {
  urls: Record<Vendor, string>;
  speed: number;
  ledger: { submissions(): Array<{ jobId: string; at: string }> };
  close(): Promise<void>;
}

/** A client of `vendor` on the simulator at `baseURL`, pacing off, counting its status requests. */
async function clientOf(vendor: Vendor, baseURL: string, counter: Counter): Promise<BenchClient> {
  const factory = (await load(vendor))[FACTORY[vendor]];
  const fetchCounted: typeof fetch = (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (STATUS_PATH[vendor].test(new URL(url).pathname)) counter.status += 1;
    return fetch(input, init);
  };
  return factory({
    apiKey: KEY,
    baseURL,
    fetch: fetchCounted,
    pace: { submit: 0, read: 0 },
  });
}

/** Real jobs vary: 55–65 s here (mean 60 s), from a fixed seed so that runs compare. */
function durations(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return JOB_MS - 5_000 + (10_000 * state) / 2 ** 31;
  };
}

let submitting: Promise<void> = Promise.resolve();

/**
 * Starts `follow` on a job that lasts `ms`, and says when the job ends. Submissions go one at a time:
 * the simulator's speed applies to the jobs submitted next, and its ledger tells when a job began.
 */
async function timedJob(sim: BenchSimulator, ms: number, follow: () => Promise<BenchJob>) {
  const previous = submitting;
  let release = () => {};
  submitting = new Promise((resolve) => {
    release = resolve;
  });
  await previous;
  try {
    const before = sim.ledger.submissions().length;
    sim.speed = 40_000 / ms;
    const done = follow();
    done.catch(() => {});
    while (sim.ledger.submissions().length === before) await sleep(2);
    const endsAt = Date.parse(sim.ledger.submissions()[before]!.at) + ms;
    return { endsAt, done };
  } finally {
    release();
  }
}

/** `get()` every `intervalMs` until the job ends: the anchor pollers. */
async function pollFixed(client: BenchClient, job: BenchJob, intervalMs: number) {
  let last = job;
  while (!['succeeded', 'failed', 'cancelled'].includes(last.status)) {
    await sleep(intervalMs);
    last = await client.get(last.id);
  }
  return last;
}

interface JobSample {
  requests: number;
  lateMs: number;
}

async function perJob(sim: BenchSimulator): Promise<void> {
  const contenders: Record<string, { vendor: Vendor; follow: (client: BenchClient) => Promise<BenchJob> }> = {
    ImaginePro: { vendor: 'imaginepro', follow: async (c) => c.wait(await c.imagine({ prompt: 'a red fox' })) },
    APIFRAME: { vendor: 'apiframe', follow: async (c) => c.wait(await c.imagine({ prompt: 'a red fox' })) },
    'AceData run() (stream)': { vendor: 'acedata', follow: (c) => c.run({ prompt: 'a red fox' }) },
    'AceData wait() (polling)': {
      vendor: 'acedata',
      follow: async (c) => c.wait(await c.imagine({ prompt: 'a red fox' })),
    },
    'fixed 2-s polling': {
      vendor: 'apiframe',
      follow: async (c) => pollFixed(c, await c.imagine({ prompt: 'a red fox' }), 2_000),
    },
    'fixed 5-s polling': {
      vendor: 'apiframe',
      follow: async (c) => pollFixed(c, await c.imagine({ prompt: 'a red fox' }), 5_000),
    },
  };
  const samples = new Map<string, JobSample[]>(Object.keys(contenders).map((name) => [name, []]));
  const runs: Promise<void>[] = [];
  // Every contender meets the same durations, in the same order.
  const next = Object.fromEntries(Object.keys(contenders).map((name) => [name, durations(13)]));
  for (let i = 0; i < PER_JOB; i++) {
    for (const [name, { vendor, follow }] of Object.entries(contenders)) {
      runs.push(
        (async () => {
          await sleep(i * 250);
          const counter = { status: 0 };
          const client = await clientOf(vendor, sim.urls[vendor], counter);
          let noticedAt = 0;
          const { endsAt, done } = await timedJob(sim, next[name]!(), () =>
            follow(client).then((job) => {
              noticedAt = Date.now();
              return job;
            }),
          );
          await done;
          samples.get(name)!.push({ requests: counter.status, lateMs: noticedAt - endsAt });
        })(),
      );
    }
  }
  await Promise.all(runs);
  sim.speed = SPEED;
  const requests = (name: string) => mean(samples.get(name)!.map((s) => s.requests));
  const lateP95 = (name: string) =>
    percentile(
      samples.get(name)!.map((s) => s.lateMs),
      0.95,
    ) / 1000;
  const anchors = ['fixed 2-s polling', 'fixed 5-s polling'];
  for (const name of Object.keys(contenders).filter((n) => !anchors.includes(n))) {
    const value = requests(name);
    print({
      figure: `status requests for a 60-s job, ${name}`,
      unit: 'requests',
      anchor: Object.fromEntries(anchors.map((a) => [a, requests(a)])),
      value,
      goal: '≤ 10',
      pass: value <= 10,
    });
  }
  for (const name of Object.keys(contenders).filter((n) => !anchors.includes(n))) {
    const value = lateP95(name);
    print({
      figure: `completion noticed after it happened, p95, ${name}`,
      unit: 's',
      anchor: Object.fromEntries(anchors.map((a) => [a, lateP95(a)])),
      value,
      goal: '≤ 1.5',
      pass: value <= 1.5,
    });
  }
}

type ScaleMode = 'mjgate' | 'naive' | 'fetch' | 'ky';

/** Submits `SCALE` jobs over 10 s from this process, as they are for one scale measurement. */
async function submitScaleJobs(vendor: Vendor, baseURL: string): Promise<BenchJob[]> {
  const submitter = await clientOf(vendor, baseURL, { status: 0 });
  const submitted: Promise<BenchJob>[] = [];
  for (let i = 0; i < SCALE; i++) {
    if (i % 10 === 0) await sleep((10_000 * 10) / SCALE);
    submitted.push(submitter.imagine({ prompt: `a red fox number ${i}` }));
  }
  return Promise.all(submitted);
}

/**
 * Runs one scale measurement on `jobs` in a child process of its own (ids on its stdin); resolves
 * with what the child printed.
 */
async function scaleChild(
  vendor: Vendor,
  mode: ScaleMode,
  baseURL: string,
  jobs: BenchJob[],
  reads = 0,
): Promise<ScaleResult> {
  return new Promise((resolve, reject) => {
    const args = ['--expose-gc', import.meta.filename, '--scale', vendor, mode, baseURL, String(reads)];
    const child = spawn(process.execPath, args, {
      cwd: root,
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    child.stdin.end(JSON.stringify(jobs));
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
    });
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`the ${vendor} ${mode} scale run exited with ${code}`));
      resolve(JSON.parse(out.trim().split('\n').at(-1)!) as ScaleResult);
    });
  });
}

interface ScaleResult {
  extraRssMb: number;
  statusRequests: number;
  /** What one status request per job every `NAIVE_MS` would have cost over the same waits. */
  onePerJob: number;
  finished: number;
  seconds: number;
}

/**
 * In the child: one wait on each job read from stdin (as `imagine` returned it), all at once on one
 * client. The baseline is taken after 200 warm-up reads, so the extra RSS is what the waits add to a
 * client in use.
 */
async function runScale(vendor: Vendor, mode: ScaleMode, baseURL: string, reads: number): Promise<void> {
  let input = '';
  for await (const chunk of process.stdin) input += chunk;
  const jobs = JSON.parse(input) as BenchJob[];
  const counter = { status: 0 };
  const client = await clientOf(vendor, baseURL, counter);
  // Warm up: modules, sockets, and the heap a client in use keeps (a forced GC would shrink it below
  // what any working client holds, and its regrowth would be counted against the waits).
  for (let i = 0; i < 200; i++) await client.get(jobs[i % jobs.length]!.id);
  await sleep(200);
  const baseline = process.memoryUsage().rss;
  counter.status = 0;
  let peak = baseline;
  let tick = 0;
  const sampler = setInterval(() => {
    const usage = process.memoryUsage();
    peak = Math.max(peak, usage.rss);
    if (process.env.MJGATE_BENCH_TRACE && ++tick % 10 === 0) {
      if (process.env.MJGATE_BENCH_TRACE === 'gc') (globalThis as { gc?: () => void }).gc?.();
      const traced = process.memoryUsage();
      const mb = (n: number) => Math.round(n / 2 ** 20);
      console.error(
        `${vendor} ${mode} rss ${mb(traced.rss - baseline)} heap ${mb(traced.heapUsed)}/${mb(traced.heapTotal)} ext ${mb(traced.external)} buf ${mb(traced.arrayBuffers)}`,
      );
    }
  }, 100);
  const started = Date.now();
  let finished = 0;
  let onePerJob = 0;
  if (mode === 'fetch' || mode === 'ky') {
    // `reads` status reads with bare fetch or ky, 20 at a time, round the jobs: the memory that many
    // reads cost without mjgate (measured: their pace, 100/s or as fast as they go, changes it little).
    if (vendor !== 'imaginepro') throw new Error(`bare reads are ImaginePro's status reads only, not ${vendor}'s`);
    const read = await bareReader(mode, baseURL);
    let next = 0;
    await Promise.all(
      Array.from({ length: 20 }, async () => {
        while (next < reads) await read(jobs[next++ % jobs.length]!);
      }),
    );
    counter.status = reads;
    finished = jobs.length;
  } else {
    await Promise.all(
      jobs.map(async (job) => {
        await (mode === 'naive' ? pollFixed(client, job, NAIVE_MS) : client.wait(job));
        finished += 1;
        onePerJob += Math.ceil((Date.now() - started) / NAIVE_MS);
      }),
    );
  }
  clearInterval(sampler);
  const result: ScaleResult = {
    extraRssMb: (peak - baseline) / 2 ** 20,
    statusRequests: counter.status,
    onePerJob,
    finished,
    seconds: (Date.now() - started) / 1000,
  };
  console.log(JSON.stringify(result));
}

/**
 * One ImaginePro status read (§3.2) with bare `fetch` (the body parsed as the client does), or with
 * bare ky as the transport calls it (its retry and timeout off, a signal of the call's own).
 */
async function bareReader(how: 'fetch' | 'ky', baseURL: string): Promise<(job: BenchJob) => Promise<void>> {
  const headers = { authorization: `Bearer ${KEY}`, accept: 'application/json' };
  const url = (job: BenchJob) => `${baseURL}/api/v1/message/fetch/${job.providerJobId}`;
  if (how === 'ky') {
    // ky as core depends on it: the same version the transport runs.
    const { default: ky } = await import(
      pathToFileURL(join(root, 'packages', 'core', 'node_modules', 'ky', 'distribution', 'index.js')).href
    );
    return async (job) => {
      const signal = new AbortController().signal;
      await ky.get(url(job), { headers, retry: 0, timeout: false, signal }).json();
    };
  }
  return async (job) => {
    const response = await fetch(url(job), { headers });
    if (!response.ok) throw new Error(`the status read answered ${response.status}`);
    JSON.parse(await response.text());
  };
}

/** The bare `fetch` and bare ky scale runs, each making `reads` ImaginePro status reads. */
async function bareScale(baseURL: string, reads: number): Promise<Record<'fetch' | 'ky', ScaleResult>> {
  // Both read one set of jobs: a few seconds apart, still running.
  const jobs = await submitScaleJobs('imaginepro', baseURL);
  return {
    fetch: await scaleChild('imaginepro', 'fetch', baseURL, jobs, reads),
    ky: await scaleChild('imaginepro', 'ky', baseURL, jobs, reads),
  };
}

async function main(): Promise<void> {
  const { startSimulator } = await load('simulator');
  const sim: BenchSimulator = await startSimulator({ speed: SPEED, apiKey: KEY, credits: 1e12, log: () => {} });
  try {
    if (!process.argv.includes('--scale-only')) {
      console.error(`per-job figures: ${PER_JOB} jobs per contender, 60 s each …`);
      await perJob(sim);
    }
    console.error(`scale: ${SCALE} concurrent waits per vendor (each in its own process) …`);
    const only = process.env.MJGATE_BENCH_VENDORS?.split(',') as Vendor[] | undefined;
    const vendors = only ?? VENDORS;
    const ours = await Promise.all(
      vendors.map(async (vendor) =>
        scaleChild(vendor, 'mjgate', sim.urls[vendor], await submitScaleJobs(vendor, sim.urls[vendor])),
      ),
    );
    // The anchor runs after them: its load on the simulator would slow their answers.
    console.error('scale anchor: a naive poller …');
    const naive = await scaleChild(
      'apiframe',
      'naive',
      sim.urls.apiframe,
      await submitScaleJobs('apiframe', sim.urls.apiframe),
    );
    const imagineproReads = ours[vendors.indexOf('imaginepro')]?.statusRequests;
    const bare = imagineproReads ? await bareScale(sim.urls.imaginepro, imagineproReads) : undefined;
    const goals: Partial<Record<Vendor, number>> = { apiframe: 25, acedata: 40 };
    vendors.forEach((vendor, i) => {
      const result = ours[i]!;
      console.error(`  ${vendor}: ${JSON.stringify(result)}`);
      print({
        figure: `${SCALE.toLocaleString('en')} concurrent waits: extra RSS, ${NAMES[vendor]}`,
        unit: 'MB',
        anchor: {
          'a naive poller': naive.extraRssMb,
          ...(vendor === 'imaginepro' && bare
            ? {
                [`bare fetch, the same ${imagineproReads} reads`]: bare.fetch.extraRssMb,
                [`bare ky, the same ${imagineproReads} reads`]: bare.ky.extraRssMb,
              }
            : {}),
        },
        value: result.extraRssMb,
        goal: '≤ 50',
        pass: result.extraRssMb <= 50 && result.finished === SCALE,
      });
      const goal = goals[vendor];
      // One request per job every 2 s over the same waits' lives: the measured naive poller falls
      // short of its own pace when the simulator is slowed by its load, so it is shown beside.
      const reduction = result.onePerJob / result.statusRequests;
      print({
        figure: `${SCALE.toLocaleString('en')} concurrent waits: fewer status requests than one-per-job, ${NAMES[vendor]}`,
        unit: '×',
        anchor: {
          [`one request per job every ${NAIVE_MS / 1000} s`]: result.onePerJob,
          'naive poller, measured': naive.statusRequests,
          requests: result.statusRequests,
        },
        value: reduction,
        ...(goal ? { goal: `≥ ${goal}`, pass: reduction >= goal } : {}),
      });
    });
    console.error(`  naive: ${JSON.stringify(naive)}`);
    if (bare) console.error(`  bare fetch: ${JSON.stringify(bare.fetch)}\n  bare ky: ${JSON.stringify(bare.ky)}`);
  } finally {
    await sim.close();
  }
}

if (process.argv[2] === '--scale') {
  await runScale(process.argv[3] as Vendor, process.argv[4] as ScaleMode, process.argv[5]!, Number(process.argv[6]));
} else {
  await main();
}
