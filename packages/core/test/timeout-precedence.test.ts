import * as v from 'valibot';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  emptyJob,
  type Job,
  JobTimeoutError,
  type MidjourneyClient,
  type MjGateError,
  TimeoutError,
} from '../src/index.js';
import { createClient, HttpTransport, loadTransport } from '../src/provider.js';

// Which limit applies when two are set. A call's own `timeoutMs` beats the client's (in either
// direction: shorter and longer); a wait's `timeoutMs` beats the client's poll default; and a wait's
// (or run's) deadline is never the limit of one HTTP call made on its way.

const BASE = 'https://slow.test';
const record = v.object({ id: v.string(), state: v.string() });

/**
 * A vendor on the fake clock: each request is answered `answerAfter(path, n)` ms after it is sent
 * (`Infinity`: never), or given up when its signal aborts. `sent` counts requests per path.
 */
function vendor(answerAfter: (path: string, n: number) => number) {
  const sent = new Map<string, number>();
  const fetch: typeof globalThis.fetch = (input, init) => {
    const request = input instanceof Request ? input : new Request(input);
    const path = new URL(request.url).pathname;
    const n = (sent.get(path) ?? 0) + 1;
    sent.set(path, n);
    const signal = init?.signal ?? request.signal;
    return new Promise<Response>((resolve, reject) => {
      const delay = answerAfter(path, n);
      const timer =
        delay === Number.POSITIVE_INFINITY
          ? undefined
          : setTimeout(() => resolve(Response.json({ id: 'j1', state: 'done' })), delay);
      signal?.addEventListener('abort', () => {
        clearTimeout(timer);
        reject(signal.reason);
      });
    });
  };
  return { fetch, sent: (path: string) => sent.get(path) ?? 0 };
}

/** A client over HTTP, as an adapter builds one, with the client-level limits given. */
function client(fetch: typeof globalThis.fetch, limits: { timeoutMs?: number; waitTimeoutMs?: number }) {
  const http = new HttpTransport({
    provider: 'slowco',
    baseUrl: BASE,
    authHeaders: { authorization: 'Bearer sk-slow-test' },
    timeoutMs: limits.timeoutMs,
    maxRetries: 0,
    fetch,
  });
  const toJob = (r: v.InferOutput<typeof record>): Job =>
    emptyJob({
      provider: 'slowco',
      providerJobId: r.id,
      operation: 'imagine',
      status: r.state === 'done' ? 'succeeded' : 'running',
    });
  return createClient({
    provider: 'slowco',
    capabilities: {
      operations: ['imagine'],
      actions: [],
      batchGet: false,
      webhooks: false,
      cancel: false,
      account: false,
    },
    poll: {
      intervalMs: 1_000,
      maxIntervalMs: 1_000,
      ...(limits.waitTimeoutMs ? { timeoutMs: limits.waitTimeoutMs } : {}),
    },
    async get(id, options) {
      const r = await http.request({ method: 'GET', path: `/jobs/${id}`, call: 'read', schema: record }, options);
      return toJob(r.data);
    },
    async imagine(input, options) {
      const r = await http.request(
        { method: 'POST', path: '/imagine', body: { prompt: input.prompt }, call: 'submit', schema: record },
        options,
      );
      return toJob(r.data);
    },
  });
}

/** Settles `promise` on the fake clock, advancing it `stepMs` at a time, and says when it settled. */
async function settle<T>(promise: Promise<T>, stepMs: number, maxMs: number) {
  const started = Date.now();
  let outcome: { value?: T; error?: unknown; at?: number } = {};
  promise.then(
    (value) => {
      outcome = { value, at: Date.now() - started };
    },
    (error: unknown) => {
      outcome = { error, at: Date.now() - started };
    },
  );
  while (outcome.at === undefined && Date.now() - started < maxMs) await vi.advanceTimersByTimeAsync(stepMs);
  return outcome;
}

beforeAll(async () => {
  // ky and p-retry load once, on the real clock, before any test turns fake timers on.
  await loadTransport();
});
afterEach(() => vi.useRealTimers());
const fakeClock = () => vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });

describe("a call's own timeoutMs wins over the client's", () => {
  it('shorter: a status check given 100 ms fails with TimeoutError at 100 ms, though the client allows 60 s', async () => {
    fakeClock();
    const slow = vendor(() => Number.POSITIVE_INFINITY);
    const mj = client(slow.fetch, { timeoutMs: 60_000 });
    const { error, at } = await settle(mj.get('slowco:j1', { timeoutMs: 100 }), 10, 120_000);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as MjGateError).message).toBe(
      'slowco did not answer GET /jobs/j1 within 100 ms. Retry later or raise timeoutMs.',
    );
    expect(at).toBe(100);
  });

  it('longer: a status check given 5 s gets the answer that comes at 3 s, though the client allows 1 s', async () => {
    fakeClock();
    const slow = vendor(() => 3_000);
    const mj = client(slow.fetch, { timeoutMs: 1_000 });
    const { value, error } = await settle(mj.get('slowco:j1', { timeoutMs: 5_000 }), 100, 10_000);
    expect(error).toBeUndefined();
    expect(value).toMatchObject({ id: 'slowco:j1', status: 'succeeded' });
  });

  it("without its own, a call has the client's limit", async () => {
    fakeClock();
    const mj = client(vendor(() => Number.POSITIVE_INFINITY).fetch, { timeoutMs: 250 });
    const { error, at } = await settle(mj.get('slowco:j1'), 10, 120_000);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(at).toBe(250);
  });

  it('a submission given 100 ms fails at 100 ms, saying the job may exist', async () => {
    fakeClock();
    const mj = client(vendor(() => Number.POSITIVE_INFINITY).fetch, { timeoutMs: 60_000 });
    const { error, at } = await settle(mj.imagine({ prompt: 'a red fox' }, { timeoutMs: 100 }), 10, 120_000);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ mayHaveCreatedJob: true });
    expect((error as MjGateError).message).toMatch(/^slowco did not answer POST \/imagine within 100 ms\./);
    expect(at).toBe(100);
  });
});

describe("a wait's timeoutMs", () => {
  const running = (mj: MidjourneyClient) =>
    mj.wait(emptyJob({ provider: 'slowco', providerJobId: 'j1', operation: 'imagine', status: 'running' }), {
      timeoutMs: 2_000,
    });

  it("wins over the client's poll default: JobTimeoutError after the 2 s asked, not the client's 10 min", async () => {
    fakeClock();
    // The job never finishes: every status check says it is still running.
    const fetch: typeof globalThis.fetch = async () => Response.json({ id: 'j1', state: 'running' });
    const mj = client(fetch, { waitTimeoutMs: 600_000 });
    const { error, at } = await settle(running(mj), 100, 700_000);
    expect(error).toBeInstanceOf(JobTimeoutError);
    expect(error).toMatchObject({ timeoutMs: 2_000 });
    expect(at).toBe(2_000);
  });

  it("is the wait's deadline, not each poll's limit: a stalled poll ends at the client's 300 ms and the next one answers", async () => {
    fakeClock();
    const slow = vendor((_path, n) => (n === 1 ? Number.POSITIVE_INFINITY : 10));
    const mj = client(slow.fetch, { timeoutMs: 300 });
    const wait = mj.wait(
      emptyJob({ provider: 'slowco', providerJobId: 'j1', operation: 'imagine', status: 'running' }),
      {
        timeoutMs: 600_000,
      },
    );
    const { value, error, at } = await settle(wait, 50, 700_000);
    expect(error).toBeUndefined();
    expect(value).toMatchObject({ status: 'succeeded' });
    expect(slow.sent('/jobs/j1')).toBe(2);
    expect(at).toBeLessThan(10_000);
  });

  it("run's timeoutMs bounds the wait, not the submission: a stalled submission still ends at the client's 300 ms", async () => {
    fakeClock();
    const slow = vendor(() => Number.POSITIVE_INFINITY);
    const mj = client(slow.fetch, { timeoutMs: 300 });
    const { error, at } = await settle(mj.run({ prompt: 'a red fox' }, { timeoutMs: 600_000 }), 50, 700_000);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as MjGateError).message).toMatch(/within 300 ms/);
    expect(at).toBe(300);
  });
});
