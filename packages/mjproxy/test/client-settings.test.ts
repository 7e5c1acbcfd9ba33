import { createMemoryStore, InvalidRequestError, type Job } from '@mjgate/core';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { MjProxyOptions } from '../src/index.js';
import { BASE, client, fixture, KEY, SECRET } from './helpers.js';

// What the client's settings change for a user: which store records its idempotency keys (and who
// shares them), that its credentials never reach a log line or a Job, and how often it polls.

beforeEach(() => nock.disableNetConnect());
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
  vi.useRealTimers();
});

describe('the store (idempotency keys)', () => {
  it('two clients on one key and one store share an idempotency key: the second sends nothing', async () => {
    const store = createMemoryStore();
    const scope = nock(BASE).post('/mj/submit/imagine').once().reply(200, fixture('submit-success'));
    const first = await client({ store }).imagine({ prompt: 'a cat' }, { idempotencyKey: 'order-1' });
    const again = await client({ store }).imagine({ prompt: 'a cat' }, { idempotencyKey: 'order-1' });
    expect(scope.isDone()).toBe(true);
    expect(again.id).toBe(first.id);
  });

  it('clients on other keys of the same server never share one', async () => {
    const store = createMemoryStore();
    const scope = nock(BASE)
      .post('/mj/submit/imagine')
      .reply(200, fixture('submit-success'))
      .post('/mj/submit/imagine')
      .reply(200, fixture('submit-queued'));
    const mine = await client({ store }).imagine({ prompt: 'a cat' }, { idempotencyKey: 'order-1' });
    const theirs = await client({ store, apiKey: 'another-key-9876543210' }).imagine(
      { prompt: 'a cat' },
      { idempotencyKey: 'order-1' },
    );
    expect(scope.isDone()).toBe(true);
    expect([mine.providerJobId, theirs.providerJobId]).toEqual(['8498455807619990', '0741798445574458']);
  });

  it('an idempotencyTtlMs that is no duration is refused when the client is created', () => {
    expect(() => client({ idempotencyTtlMs: -1 })).toThrow(InvalidRequestError);
    expect(() => client({ idempotencyTtlMs: -1 })).toThrow('idempotencyTtlMs must be a number of milliseconds');
  });
});

describe('credentials are masked', () => {
  it('a retry warning never quotes the webhook secret a server echoed back', async () => {
    const lines: string[] = [];
    const record = (message: string, data?: unknown) => lines.push(`${message} ${JSON.stringify(data ?? {})}`);
    nock(BASE)
      .get('/mj/task/14001929738841620/fetch')
      .reply(500, { message: `upstream refused secret ${SECRET}` })
      .get('/mj/task/14001929738841620/fetch')
      .reply(200, fixture('task-imagine-novicezk'));
    const mj = client({
      webhookSecret: SECRET,
      maxRetries: 1,
      backoff: { baseMs: 0, maxMs: 0 },
      logger: { debug: record, warn: record },
    });
    expect((await mj.get('14001929738841620')).status).toBe('succeeded');
    const warning = lines.find((line) => line.includes('retry in'));
    expect(warning).toContain('upstream refused secret [redacted]');
    expect(lines.join('\n')).not.toContain(SECRET);
  });

  it('a Task that quotes the key or the webhook secret reaches the caller masked', async () => {
    const failure = `key ${KEY} and secret ${SECRET} were refused`;
    nock(BASE)
      .get('/mj/task/1712345678900001/fetch')
      .reply(200, { ...fixture('task-failure-banned'), id: '1712345678900001', failReason: failure });
    const job = await client({ webhookSecret: SECRET }).get('1712345678900001');
    expect(job.error?.message).toBe('key [redacted] and secret [redacted] were refused');
    expect(JSON.stringify(job.raw)).not.toContain(KEY);
    expect(JSON.stringify(job.raw)).not.toContain(SECRET);
  });
});

describe('polling (§7)', () => {
  const queued = (id: string) => ({ id, action: 'SHORTEN', status: 'SUBMITTED', prompt: 'a long prompt' });

  /** A fetch that answers every read with a queued task and notes when each came, ms after `start`. */
  function countingFetch(at: number[], start: number) {
    return async (input: Request | URL | string) => {
      const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
      at.push(Date.now() - start);
      const id = url.pathname.split('/')[3] ?? '';
      const body = url.pathname.endsWith('/list-by-condition') ? [queued('7001')] : queued(id);
      return Response.json(body);
    };
  }

  async function pollTimes(options: MjProxyOptions, forMs: number): Promise<number[]> {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    vi.setSystemTime(Date.UTC(2026, 0, 1));
    const at: number[] = [];
    const start = Date.now();
    const mj = client({ ...options, fetch: countingFetch(at, start) as typeof fetch });
    const parent: Job = { ...(await mj.get('7001')), status: 'queued' };
    at.length = 0;
    const waiting = mj.wait(parent, { timeoutMs: forMs }).catch(() => undefined);
    await vi.advanceTimersByTimeAsync(forMs + 1_000);
    await waiting;
    return at;
  }

  // Polls fall on the batching client's 1 s grid (the nearest line), so a gap may be 0.5 s off its plan.
  it('by default polls no more often than every 3 s and no less often than every 15 s', async () => {
    const at = await pollTimes({}, 120_000);
    const gaps = at.slice(1).map((time, index) => time - at[index]!);
    expect(at.length).toBeGreaterThan(5);
    expect(Math.min(at[0]!, ...gaps)).toBeGreaterThanOrEqual(2_500);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(15_500);
  });

  it('poll options replace the defaults', async () => {
    const at = await pollTimes({ poll: { intervalMs: 40_000, maxIntervalMs: 40_000 } }, 100_000);
    expect(at[0]).toBeGreaterThanOrEqual(39_500);
    expect(at[1]! - at[0]!).toBeGreaterThanOrEqual(39_500);
  });
});
