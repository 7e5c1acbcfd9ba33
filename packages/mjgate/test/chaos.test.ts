// Chaos (issue 10 §9): hundreds of jobs per vendor against the simulator with about one request in
// five hit by a fault of every kind, through each adapter and through the gateway with fallback.
// What must hold whatever the faults and the machine's load:
// - nothing is submitted twice (the simulator's ledger has at most one job per submission);
// - every failure is an MjGateError, never a raw TypeError or an abort nobody asked for;
// - every call settles (each flow carries an AbortSignal; tripping it counts as a hang);
// - every job the vendor accepted came back as a Job, or through an error that says it may exist
//   (`mayHaveCreatedJob`) and carries the `submission` that identifies it.
// No assertion depends on timing: which request a fault hits varies with the interleaving, the
// invariants do not.
import { createAceData } from '@mjgate/acedata';
import { createApiFrame } from '@mjgate/apiframe';
import { type Job, type MidjourneyClient, MjGateError } from '@mjgate/core';
import { createImaginePro } from '@mjgate/imaginepro';
import { createMjProxy } from '@mjgate/mjproxy';
import { type FaultRule, type Simulator, startSimulator, type Vendor } from '@mjgate/simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway } from '../src/index.js';
import { API_KEY, VENDORS } from './helpers.js';

/** Flows (imagine → wait, and for every third success an upscale → wait) per vendor, per route. */
const FLOWS = 200;
/** Flows in flight at once per client. */
const CONCURRENCY = 12;
/** One HTTP call's limit: below the `slow` fault's delay, so slow answers become timeouts. */
const CALL_TIMEOUT_MS = 1_500;
/**
 * How long past its own deadline a call may take before it counts as hung: a submission has
 * `timeoutMs` per attempt and a few retries, a wait its `timeoutMs`. Only a call that ignores its
 * deadlines gets near this.
 */
const HANG_MARGIN_MS = 30_000;
/** A wait's own deadline (a `JobTimeoutError` after it, which is a typed outcome, not a hang). */
const WAIT_TIMEOUT_MS = 60_000;
/** Probability of each fault rule: about one request in five is hit by one of them. */
const RATE = 0.02;

/**
 * Every fault kind of the simulator (packages/simulator/src/faults.ts). Those that only make sense
 * for a submission (an accepted job answered with an error, a job that fails, a refusal) are limited
 * to submissions; the transport-level ones hit status checks too. `Retry-After: 0` keeps the run short.
 */
const CHAOS: FaultRule[] = [
  { kind: 'status', status: 500, probability: RATE },
  { kind: 'status', status: 502, probability: RATE },
  { kind: 'rate-limit', retryAfter: 0, probability: RATE },
  { kind: 'reset', probability: RATE },
  { kind: 'malformed', probability: RATE },
  { kind: 'slow', delayMs: CALL_TIMEOUT_MS + 1_000, probability: RATE },
  { kind: 'random', retryAfter: 0, probability: RATE },
  { kind: 'accept-then-error', category: 'submit', probability: RATE },
  { kind: 'fail-job', category: 'submit', probability: RATE },
  { kind: 'content-policy', category: 'submit', probability: RATE },
  { kind: 'no-credits', category: 'submit', probability: RATE },
];

let sim: Simulator;
/** Vendor requests that reached the simulator, counted as it matched them against its fault table. */
let arrived = 0;

beforeAll(async () => {
  sim = await startSimulator({
    apiKey: API_KEY,
    seed: 10_009,
    // Vendor time runs 2000× faster: a 40 s grid takes 20 ms, so hundreds of jobs finish in seconds.
    speed: 2_000,
    credits: 10_000_000,
    log: () => {},
    faults: [
      // Never fires; counts each vendor request as it arrives, so the test can wait for the
      // simulator to finish the ones still being handled (a `slow` one outlives its caller).
      {
        kind: 'status',
        when: () => {
          arrived++;
          return false;
        },
      },
      ...CHAOS,
    ],
  });
});

afterAll(async () => {
  await sim?.close();
});

/** Waits until the simulator has answered every vendor request that reached it. */
async function drained(): Promise<void> {
  const handled = () => VENDORS.reduce((n, vendor) => n + sim.countRequests({ vendor }), 0);
  for (let tries = 0; handled() < arrived && tries < 600; tries++) await new Promise((r) => setTimeout(r, 100));
  expect(handled(), 'every vendor request reached an answer').toBeGreaterThanOrEqual(arrived);
}

/** Settings every client shares (the gateway passes them on to its adapters). */
const shared = {
  timeoutMs: CALL_TIMEOUT_MS,
  maxRetries: 2,
  backoff: { baseMs: 10, maxMs: 100 },
  poll: { intervalMs: 20, maxIntervalMs: 200 },
};
/** Each adapter's own: the key, and no pacing (the simulator has no rate limits to respect). */
const own = { apiKey: API_KEY, pace: { submit: 0, read: 0 } };
const clientOf = (vendor: Vendor): MidjourneyClient =>
  vendor === 'imaginepro'
    ? createImaginePro({ ...shared, ...own, baseURL: sim.urls.imaginepro })
    : vendor === 'acedata'
      ? createAceData({ ...shared, ...own, baseURL: sim.urls.acedata, maxInFlight: 0 })
      : vendor === 'mjproxy'
        ? createMjProxy({ ...shared, ...own, baseURL: sim.urls.mjproxy })
        : createApiFrame({ ...shared, ...own, baseURL: sim.urls.apiframe });
const gatewayOf = (first: Vendor) =>
  createGateway({
    providers: {
      imaginepro: { ...own, baseURL: sim.urls.imaginepro },
      acedata: { ...own, baseURL: sim.urls.acedata, maxInFlight: 0 },
      apiframe: { ...own, baseURL: sim.urls.apiframe },
      mjproxy: { ...own, baseURL: sim.urls.mjproxy },
    },
    default: first,
    fallback: VENDORS.filter((v) => v !== first),
    ...shared,
    // A short cool-down, so one unlucky streak does not send a vendor's whole share elsewhere.
    cooldownMs: 200,
  });

/** What one submission (identified by its `ref`) came to. */
interface Outcome {
  ref: string;
  operation: 'imagine' | 'action';
  job?: Job;
  error?: unknown;
}

/** Everything one run saw. */
interface Run {
  outcomes: Map<string, Outcome>;
  /** The ref of each follow-up, by the parent it acted on (`<vendor>:<vendor's parent key>`). */
  actionRefs: Map<string, string>;
  failures: unknown[];
  hangs: number;
}

/** The key a vendor's follow-up body names its parent by, as the ledger shows it. */
function parentKey(job: Job): string {
  const raw = job.raw as Record<string, unknown> & { response?: Record<string, unknown> };
  if (job.provider === 'acedata') return `acedata:${String(raw.response?.image_id ?? raw.image_id)}`;
  if (job.provider === 'apiframe') return `apiframe:${job.providerJobId}`;
  return `imaginepro:${job.providerJobId}`;
}

/** The ref a ledger entry was submitted with, from its body (each vendor carries it differently). */
function refOf(run: Run, vendor: Vendor, body: Record<string, unknown>): string | undefined {
  if (vendor === 'imaginepro' && typeof body.ref === 'string') return body.ref;
  // mj-proxy carries the ref as the task's `state`, on imagine and on follow-ups alike (§3).
  if (vendor === 'mjproxy' && typeof body.state === 'string') return body.state;
  if (vendor === 'acedata' && body.action !== 'generate') return run.actionRefs.get(`acedata:${String(body.image_id)}`);
  if (vendor === 'apiframe' && body.parent_task_id !== undefined)
    return run.actionRefs.get(`apiframe:${String(body.parent_task_id)}`);
  return /\bchaos-[a-z]+-\d+\b/.exec(String(body.prompt))?.[0];
}

/** Thrown in place of the abort of a call that had to be stopped from outside: a hang. */
class Hung extends Error {}

/**
 * Runs one call with an AbortSignal that fires `limitMs` after it starts. A call that ends only
 * because that signal fired never settled by itself: it is reported as {@link Hung}.
 */
async function settled<T>(limitMs: number, call: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const signal = AbortSignal.timeout(limitMs);
  try {
    return await call(signal);
  } catch (error) {
    throw signal.aborted && error === signal.reason ? new Hung() : error;
  }
}

/** One flow: imagine, wait, and on every third success an upscale and its wait. */
async function flow(client: MidjourneyClient, ref: string, index: number, run: Run): Promise<void> {
  const outcome: Outcome = { ref, operation: 'imagine' };
  run.outcomes.set(ref, outcome);
  const submitLimit = HANG_MARGIN_MS;
  const waitLimit = WAIT_TIMEOUT_MS + HANG_MARGIN_MS;
  const waitOptions = (signal: AbortSignal) => ({ signal, timeoutMs: WAIT_TIMEOUT_MS });
  try {
    const job = await settled(submitLimit, (signal) =>
      client.imagine({ prompt: `${ref} a red fox in snow`, ref }, { signal }),
    ).catch((error: unknown) => {
      outcome.error = error;
      throw error;
    });
    outcome.job = job;
    const done = await settled(waitLimit, (signal) => client.wait(job, waitOptions(signal)));
    if (index % 3 !== 0) return;
    const actionRef = `${ref}-up`;
    const action: Outcome = { ref: actionRef, operation: 'action' };
    run.outcomes.set(actionRef, action);
    run.actionRefs.set(parentKey(done), actionRef);
    const upscale = await settled(submitLimit, (signal) =>
      client.act(done, 'upscale-1', { ref: actionRef }, { signal }),
    ).catch((error: unknown) => {
      action.error = error;
      throw error;
    });
    action.job = upscale;
    await settled(waitLimit, (signal) => client.wait(upscale, waitOptions(signal)));
  } catch (error) {
    if (error instanceof Hung) run.hangs++;
    else run.failures.push(error);
  }
}

/** Runs `count` flows over `client`, `CONCURRENCY` at a time. */
async function flows(client: MidjourneyClient, prefix: string, count: number, run: Run): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const index = next++;
      await flow(client, `chaos-${prefix}-${index}`, index, run);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
}

/** Checks the run against the ledger and returns its numbers. */
function account(run: Run, vendors: readonly Vendor[]) {
  const byRef = new Map<string, { vendor: Vendor; jobId: string }[]>();
  const unknown: unknown[] = [];
  for (const vendor of vendors) {
    for (const entry of sim.ledger.submissions({ vendor })) {
      const ref = refOf(run, vendor, (entry.body ?? {}) as Record<string, unknown>);
      if (!ref || !run.outcomes.has(ref)) {
        unknown.push({ vendor, route: entry.route, jobId: entry.jobId });
        continue;
      }
      byRef.set(ref, [...(byRef.get(ref) ?? []), { vendor, jobId: entry.jobId }]);
    }
  }
  const duplicates = [...byRef].filter(([, entries]) => entries.length > 1).map(([ref, entries]) => ({ ref, entries }));
  const untyped = run.failures.filter((error) => !MjGateError.isInstance(error));
  const lost: unknown[] = [];
  let returned = 0;
  let reported = 0;
  for (const [ref, entries] of byRef) {
    const { job, error } = run.outcomes.get(ref)!;
    for (const { vendor, jobId } of entries) {
      if (job && job.provider === vendor && job.providerJobId.replace(/^(video|describe|faceswap)\./, '') === jobId) {
        returned++;
      } else if (
        MjGateError.isInstance(error) &&
        error.mayHaveCreatedJob &&
        error.submission?.ref === ref &&
        error.submission.provider === vendor &&
        (error.submission.providerJobId === undefined || error.submission.providerJobId === jobId)
      ) {
        reported++;
      } else {
        lost.push({
          ref,
          vendor,
          jobId,
          got: job
            ? { job: job.id }
            : MjGateError.isInstance(error)
              ? {
                  code: error.code,
                  mayHaveCreatedJob: error.mayHaveCreatedJob,
                  submission: error.submission,
                  message: error.message.slice(0, 160),
                }
              : String(error),
        });
      }
    }
  }
  // The other way round: a Job a submission returned is a job the vendor has.
  const phantom = [...run.outcomes.values()].filter(
    (o) => o.job && !byRef.get(o.ref)?.some((e) => e.vendor === o.job!.provider),
  );
  return {
    accepted: [...byRef.values()].flat().length,
    returned,
    reported,
    duplicates,
    untyped,
    lost,
    unknown,
    phantom,
  };
}

function newRun(): Run {
  return { outcomes: new Map(), actionRefs: new Map(), failures: [], hangs: 0 };
}

/** Vendor requests and injected faults so far, to report a run's share of faulty requests. */
function traffic(): { requests: number; faults: Record<string, number> } {
  const { faults } = sim.stats();
  return { requests: VENDORS.reduce((n, vendor) => n + sim.countRequests({ vendor }), 0), faults };
}

function expectInvariants(
  name: string,
  run: Run,
  numbers: ReturnType<typeof account>,
  before: ReturnType<typeof traffic>,
): void {
  const { duplicates, untyped, lost, unknown, phantom, accepted, returned, reported } = numbers;
  const after = traffic();
  const faults = Object.fromEntries(
    Object.entries(after.faults).map(([kind, n]) => [kind, n - (before.faults[kind] ?? 0)]),
  );
  const faulty = Object.values(faults).reduce((a, b) => a + b, 0);
  const requests = after.requests - before.requests;
  const codes: Record<string, number> = {};
  for (const error of run.failures) {
    const code = MjGateError.isInstance(error) ? error.code : 'untyped';
    codes[code] = (codes[code] ?? 0) + 1;
  }
  // One line per run, for the record (issue 10 asks for the numbers).
  console.info(
    `chaos ${name}: ${run.outcomes.size} submissions, ${accepted} accepted (${returned} returned, ${reported} reported with their submission); ` +
      `${requests} requests, ${faulty} faulted (${Math.round((100 * faulty) / Math.max(1, requests))} %: ${JSON.stringify(faults)}); ` +
      `failures ${JSON.stringify(codes)}; ${duplicates.length} duplicates, ${untyped.length} untyped, ${run.hangs} hangs, ${lost.length} lost`,
  );
  expect(duplicates, 'submissions the vendor accepted twice').toEqual([]);
  expect(
    untyped.map((e) => (e instanceof Error ? `${e.name}: ${e.message}` : String(e))),
    'failures that are not MjGateError',
  ).toEqual([]);
  expect(run.hangs, 'flows that never settled').toBe(0);
  expect(unknown, 'ledger entries no submission of this run explains').toEqual([]);
  expect(
    phantom.map((o) => o.job!.id),
    'returned jobs the vendor does not have',
  ).toEqual([]);
  expect(lost, 'accepted jobs neither returned nor reported with their submission').toEqual([]);
}

describe('chaos: about 20 % faults of every kind', () => {
  for (const vendor of VENDORS) {
    it(`${FLOWS} flows through the ${vendor} adapter`, { timeout: 180_000 }, async () => {
      sim.ledger.clear();
      const before = traffic();
      const run = newRun();
      await flows(clientOf(vendor), vendor.slice(0, 4), FLOWS, run);
      await drained();
      expectInvariants(vendor, run, account(run, [vendor]), before);
    });
  }

  it(`${FLOWS} flows per vendor through the gateway, each vendor the default once, with fallback`, {
    timeout: 180_000,
  }, async () => {
    sim.ledger.clear();
    const before = traffic();
    const run = newRun();
    await Promise.all(VENDORS.map((first) => flows(gatewayOf(first), `gw${first.slice(0, 2)}`, FLOWS, run)));
    await drained();
    expectInvariants('gateway', run, account(run, VENDORS), before);
  });
});
