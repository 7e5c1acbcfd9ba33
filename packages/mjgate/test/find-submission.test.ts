// End to end on the simulator: a submission whose answer is lost (the vendor has the job, the
// client saw a connection reset) is found again with `findSubmission(error.submission)` — through
// each adapter and through the gateway — and nothing is submitted twice. The simulator's clock is
// paused around each submission, so what the vendor lists never races the wall clock.
import { createAceData } from '@mjgate/acedata';
import { createApiFrame } from '@mjgate/apiframe';
import { InvalidRequestError, type Job, MjGateError, type Submission, UnsupportedError } from '@mjgate/core';
import { createImaginePro } from '@mjgate/imaginepro';
import { type Simulator, startSimulator, TIMINGS } from '@mjgate/simulator';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createGateway } from '../src/index.js';

const KEY = 'sim-find-submission-key-0123';
/** Vendor time for a grid to finish, with room to spare. */
const GRID_DONE_MS = TIMINGS.grid.reduce((sum, ms) => sum + ms, 0) + 5_000;

let sim: Simulator;

beforeEach(async () => {
  sim = await startSimulator({ apiKey: KEY, seed: 11 });
});
afterEach(async () => {
  await sim.close();
});

/**
 * A `fetch` that, once armed, passes the next POST whose path ends with `suffix` to the simulator
 * and then throws a connection reset instead of returning the answer: the vendor accepted the job,
 * the client never learns it.
 */
function losingFetch() {
  let armed: string | undefined;
  const fetcher: typeof fetch = async (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const method = init?.method ?? (input instanceof Request ? input.method : 'GET');
    const response = await fetch(input, init);
    if (armed && method.toUpperCase() === 'POST' && new URL(url).pathname.endsWith(armed)) {
      armed = undefined;
      await response.body?.cancel();
      const reset = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
      throw new TypeError('fetch failed', { cause: reset });
    }
    return response;
  };
  return {
    fetch: fetcher,
    /** The next POST to a path ending with `suffix` loses its answer. */
    loseNext(suffix: string) {
      armed = suffix;
    },
  };
}

/** The error of a call that must fail. */
async function failure(call: Promise<unknown>): Promise<MjGateError> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!MjGateError.isInstance(error)) throw new Error(`expected an MjGateError, got ${String(error)}`);
  return error;
}

/** What a user checks before calling findSubmission: the job may exist, and here is how to find it. */
function ambiguous(error: MjGateError): Submission {
  expect(error.mayHaveCreatedJob).toBe(true);
  expect(error.submission).toBeDefined();
  return error.submission!;
}

const jobIds = (vendor: 'imaginepro' | 'acedata' | 'apiframe') =>
  sim.ledger.submissions({ vendor }).map((s) => s.jobId);

describe('ImaginePro: found in the history once it has finished', () => {
  it('imagine → reset after sending → not listed while running → listed and found once done', async () => {
    const net = losingFetch();
    const mj = createImaginePro({
      apiKey: KEY,
      baseURL: sim.urls.imaginepro,
      pace: { submit: 0, read: 0 },
      fetch: net.fetch,
    });
    sim.clock.pause();
    net.loseNext('/api/v1/nova/imagine');
    const submission = ambiguous(
      await failure(mj.imagine({ prompt: 'a lighthouse at dusk', aspectRatio: '16:9', ref: 'find-ip-1' })),
    );
    expect(submission).toMatchObject({
      provider: 'imaginepro',
      operation: 'imagine',
      ref: 'find-ip-1',
      prompt: 'a lighthouse at dusk',
    });
    expect(jobIds('imaginepro')).toHaveLength(1);

    // The history lists generated images: a job still running is not there yet.
    await expect(mj.findSubmission(submission)).resolves.toBeUndefined();

    sim.clock.advance(GRID_DONE_MS);
    const found = await mj.findSubmission(submission);
    expect(found).toMatchObject({
      id: `imaginepro:${jobIds('imaginepro')[0]}`,
      operation: 'imagine',
      status: 'succeeded',
      ref: 'find-ip-1',
      prompt: 'a lighthouse at dusk --ar 16:9',
    });
    expect(found?.images).toHaveLength(4);
    expect(jobIds('imaginepro')).toHaveLength(1); // found, not submitted again
  });

  it('a submission that created nothing is not found', async () => {
    const mj = createImaginePro({ apiKey: KEY, baseURL: sim.urls.imaginepro, pace: { submit: 0, read: 0 } });
    sim.clock.pause();
    const other = await mj.imagine({ prompt: 'a lighthouse at dawn', ref: 'someone-else' });
    sim.clock.advance(GRID_DONE_MS);
    const sentAt = new Date().toISOString();
    const lookup = { provider: 'imaginepro', operation: 'imagine', sentAt } as const;
    await expect(mj.findSubmission({ ...lookup, ref: 'never-sent', prompt: 'a lighthouse at dawn' })).resolves.toBe(
      undefined,
    );
    await expect(mj.findSubmission({ ...lookup, ref: 'someone-else' })).resolves.toMatchObject({ id: other.id });
  });
});

describe('AceData: found in the task listing at once', () => {
  it('imagine → reset after sending → found while still queued, then waited on', async () => {
    const net = losingFetch();
    const mj = createAceData({
      apiKey: KEY,
      baseURL: sim.urls.acedata,
      pace: { submit: 0, read: 0 },
      poll: { intervalMs: 20, maxIntervalMs: 50 },
      fetch: net.fetch,
    });
    sim.clock.pause();
    net.loseNext('/midjourney/imagine');
    const submission = ambiguous(await failure(mj.imagine({ prompt: 'a red fox in snow', ref: 'find-ad-1' })));
    expect(submission).toMatchObject({ provider: 'acedata', operation: 'imagine', ref: 'find-ad-1' });

    const found = await mj.findSubmission(submission);
    expect(found).toMatchObject({
      id: `acedata:${jobIds('acedata')[0]}`,
      operation: 'imagine',
      status: 'queued',
      ref: 'find-ad-1',
    });
    sim.clock.resume();
    await expect(mj.wait(found!, { timeoutMs: 60_000 })).resolves.toMatchObject({ status: 'succeeded' });
    expect(jobIds('acedata')).toHaveLength(1);
  });

  it('an action sent with a webhookUrl and a ref is found by the ref in its callback URL', async () => {
    const net = losingFetch();
    const mj = createAceData({
      apiKey: KEY,
      baseURL: sim.urls.acedata,
      pace: { submit: 0, read: 0 },
      webhookSecret: 'find-submission-secret',
      fetch: net.fetch,
    });
    sim.clock.pause();
    const grid = await mj.imagine({ prompt: 'a paper boat' });
    sim.clock.advance(GRID_DONE_MS);
    const done = await mj.get(grid);
    expect(done.status).toBe('succeeded');

    net.loseNext('/midjourney/imagine');
    const error = await failure(
      mj.act(done, 'upscale-2', { ref: 'find-ad-up', webhookUrl: 'http://127.0.0.1:9/hooks/mj' }),
    );
    const submission = ambiguous(error);
    expect(submission).toMatchObject({ provider: 'acedata', operation: 'action', ref: 'find-ad-up' });
    const found = await mj.findSubmission(submission);
    expect(found).toMatchObject({
      id: `acedata:${jobIds('acedata')[1]}`,
      operation: 'action',
      action: 'upscale-2',
      parentId: grid.id,
      ref: 'find-ad-up',
    });
  });
});

describe("the simulator's AceData listing", () => {
  it('lists only the tasks created within created_at_min / created_at_max (epoch seconds), newest first', async () => {
    const mj = createAceData({ apiKey: KEY, baseURL: sim.urls.acedata, pace: { submit: 0, read: 0 } });
    sim.clock.pause();
    const first = await mj.imagine({ prompt: 'first' });
    const second = await mj.imagine({ prompt: 'second' });
    const list = async (window: Record<string, number>) => {
      const response = await fetch(`${sim.urls.acedata}/midjourney/tasks`, {
        method: 'POST',
        headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ action: 'retrieve_batch', ...window }),
      });
      const body = (await response.json()) as { items: Array<{ id: string }>; count: number };
      return body.items.map((item) => item.id);
    };
    const now = Date.now() / 1000;
    expect(await list({ created_at_min: now - 600 })).toEqual([second.providerJobId, first.providerJobId]);
    expect(await list({ created_at_min: now + 600 })).toEqual([]);
    expect(await list({ created_at_max: now - 600 })).toEqual([]);
  });
});

describe('APIFRAME: no job listing, so the webhook is the way back', () => {
  it('the ambiguous error still carries the submission; findSubmission says to use webhooks', async () => {
    const net = losingFetch();
    const mj = createApiFrame({ apiKey: KEY, baseURL: sim.urls.apiframe, fetch: net.fetch });
    sim.clock.pause();
    net.loseNext('/imagine');
    const submission = ambiguous(await failure(mj.imagine({ prompt: 'a red fox', ref: 'find-af-1' })));
    expect(submission).toMatchObject({ provider: 'apiframe', operation: 'imagine', ref: 'find-af-1' });
    const error = await failure(mj.findSubmission(submission));
    expect(UnsupportedError.isInstance(error)).toBe(true);
    expect(error.message).toMatch(/webhookUrl/);
    expect(jobIds('apiframe')).toHaveLength(1);
  });
});

describe('through the gateway', () => {
  function gateway(net: ReturnType<typeof losingFetch>, fallback: Array<'imaginepro' | 'acedata' | 'apiframe'> = []) {
    const providers = Object.fromEntries(
      (['imaginepro', 'acedata', 'apiframe'] as const).map((vendor) => [
        vendor,
        { apiKey: KEY, baseURL: sim.urls[vendor], pace: { submit: 0, read: 0 } },
      ]),
    );
    return createGateway({ providers, default: 'imaginepro', fallback, fetch: net.fetch, maxRetries: 0 });
  }

  it('routes findSubmission to the vendor the submission went to — a fallback vendor included', async () => {
    const net = losingFetch();
    const mj = gateway(net, ['acedata']);
    // ImaginePro refuses (503: certainly not accepted), so the gateway falls back to AceData, whose answer is lost.
    sim.faults.add({ vendor: 'imaginepro', category: 'submit', kind: 'status', status: 503, times: 1 });
    sim.clock.pause();
    net.loseNext('/midjourney/imagine');
    const submission = ambiguous(await failure(mj.imagine({ prompt: 'a kite over dunes', ref: 'find-gw-1' })));
    expect(submission.provider).toBe('acedata');
    const found: Job | undefined = await mj.findSubmission(submission);
    expect(found).toMatchObject({ id: `acedata:${jobIds('acedata')[0]}`, provider: 'acedata', ref: 'find-gw-1' });
    expect(jobIds('imaginepro')).toHaveLength(0);
  });

  it('an APIFRAME submission gets UnsupportedError, and an unconfigured vendor InvalidRequestError', async () => {
    const net = losingFetch();
    const mj = gateway(net);
    const sentAt = new Date().toISOString();
    const apiframe = await failure(mj.findSubmission({ provider: 'apiframe', operation: 'imagine', sentAt }));
    expect(UnsupportedError.isInstance(apiframe)).toBe(true);
    const unknown = await failure(mj.findSubmission({ provider: 'mjproxy', operation: 'imagine', sentAt }));
    expect(InvalidRequestError.isInstance(unknown)).toBe(true);
    expect(unknown.message).toMatch(/mjproxy, which is not configured here/);
  });
});
