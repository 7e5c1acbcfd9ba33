import nock from 'nock';
import * as v from 'valibot';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  InvalidRequestError,
  MjGateError,
  NotFoundError,
  ProviderError,
  RateLimitError,
  ResponseValidationError,
  TimeoutError,
  VERSION,
} from '../src/index.js';
import { HttpTransport, parseRetryAfter } from '../src/provider.js';

const BASE = 'https://vendor.test/api';
const KEY = 'sk-live-SECRET-1234567890';
const ok = v.object({ ok: v.boolean() });

/** A fetch that never answers until its request is aborted, as a stalled vendor would. */
const stalledFetch: typeof fetch = (input, init) => {
  const signal = init?.signal ?? (input as Request).signal;
  return new Promise((_, reject) => signal?.addEventListener('abort', () => reject(signal.reason)));
};

/** A fetch that fails the way undici does when the socket closes mid-request. */
function resetFetch(calls: { n: number }): typeof fetch {
  return async () => {
    calls.n += 1;
    throw new TypeError('fetch failed', {
      cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }),
    });
  };
}

function transport(extra: Partial<ConstructorParameters<typeof HttpTransport>[0]> = {}) {
  return new HttpTransport({
    provider: 'acme',
    baseUrl: BASE,
    authHeaders: { authorization: `Bearer ${KEY}` },
    secrets: [KEY],
    maxRetries: 3,
    ...extra,
  });
}

beforeEach(() => {
  nock.disableNetConnect();
});
afterEach(() => {
  vi.useRealTimers();
  nock.cleanAll();
  nock.enableNetConnect();
});

describe('reads', () => {
  it('retries a 503 and returns the later success', async () => {
    const scope = nock(BASE).get('/status').reply(503, { message: 'down' }).get('/status').reply(200, { ok: true });
    const t = transport({ backoff: { baseMs: 1, maxMs: 1 } });
    const result = await t.request({ method: 'GET', path: '/status', call: 'read', schema: ok });
    expect(result.data).toEqual({ ok: true });
    expect(scope.isDone()).toBe(true);
  });

  it('waits as long as Retry-After says before retrying', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    nock(BASE).get('/status').reply(429, {}, { 'Retry-After': '2' }).get('/status').reply(200, { ok: true });
    const t = transport();
    let settled = false;
    const call = t.request({ method: 'GET', path: '/status', call: 'read', schema: ok }).finally(() => {
      settled = true;
    });
    await vi.advanceTimersByTimeAsync(1_900);
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(200);
    await expect(call).resolves.toMatchObject({ data: { ok: true } });
  });

  it('gives up after maxRetries with the mapped error', async () => {
    nock(BASE).get('/status').times(3).reply(500, { message: 'boom' });
    const t = transport({ maxRetries: 2, backoff: { baseMs: 1, maxMs: 1 } });
    const err = await t.request({ method: 'GET', path: '/status', call: 'read', schema: ok }).catch((e) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err.status).toBe(500);
    expect(err.message).toContain('boom');
    expect(nock.isDone()).toBe(true);
  });

  it('does not retry a 404', async () => {
    nock(BASE).get('/jobs/x').reply(404, { message: 'no such job' });
    const err = await transport()
      .request({ method: 'GET', path: '/jobs/x', call: 'read', schema: ok })
      .catch((e) => e);
    expect(err).toBeInstanceOf(NotFoundError);
    expect(err.message).toContain('no such job');
  });

  it('an abort during a backoff sleep rejects at once with the abort reason', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    nock(BASE).get('/status').reply(503, {}, { 'Retry-After': '30' });
    const controller = new AbortController();
    const call = transport().request(
      { method: 'GET', path: '/status', call: 'read', schema: ok },
      { signal: controller.signal },
    );
    const outcome = call.catch((e) => e);
    await vi.advanceTimersByTimeAsync(1_000);
    controller.abort(new Error('user gave up'));
    const err = await outcome;
    expect(err).toBeInstanceOf(Error);
    expect(err.message).toBe('user gave up');
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('times out one call after timeoutMs and retries it (a read is safe to repeat)', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    let calls = 0;
    const fetch: typeof globalThis.fetch = (input, init) =>
      ++calls === 1 ? stalledFetch(input, init) : Promise.resolve(Response.json({ ok: true }));
    const t = transport({ timeoutMs: 100, backoff: { baseMs: 1, maxMs: 1 }, fetch });
    const call = t.request({ method: 'GET', path: '/slow', call: 'read', schema: ok });
    await vi.advanceTimersByTimeAsync(200);
    await expect(call).resolves.toMatchObject({ data: { ok: true } });
    expect(calls).toBe(2);
  });

  it('a per-call timeout surfaces as TimeoutError when retries run out', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const t = transport({ maxRetries: 0, fetch: stalledFetch });
    const call = t
      .request({ method: 'GET', path: '/slow', call: 'read', schema: ok }, { timeoutMs: 250 })
      .catch((e) => e);
    await vi.advanceTimersByTimeAsync(249);
    let settled = false;
    void call.then(() => {
      settled = true;
    });
    await Promise.resolve();
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(2);
    const err = await call;
    expect(err).toBeInstanceOf(TimeoutError);
    expect(err.message).toContain('250 ms');
  });

  it('times out a body that stalls after the headers', async () => {
    const fetch: typeof globalThis.fetch = async () =>
      new Response(new ReadableStream({ start() {} }), {
        status: 200,
        headers: { 'content-type': 'application/json' },
      });
    const err = await transport({ maxRetries: 0, timeoutMs: 30, fetch })
      .request({ method: 'GET', path: '/slow', call: 'read', schema: ok })
      .catch((e) => e);
    expect(err).toBeInstanceOf(TimeoutError);
  });
});

describe('error bodies', () => {
  it('an error answer whose body stalls is still bounded by the per-call timeout', async () => {
    const fetch: typeof globalThis.fetch = async () =>
      new Response(new ReadableStream({ start() {} }), {
        status: 503,
        headers: { 'content-type': 'application/json' },
      });
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    let settled = false;
    const call = transport({ maxRetries: 0, timeoutMs: 50, fetch })
      .request({ method: 'GET', path: '/slow', call: 'read', schema: ok })
      .catch((e) => e)
      .finally(() => {
        settled = true;
      });
    await vi.advanceTimersByTimeAsync(49);
    expect(settled).toBe(false);
    // The per-call limit ends the stalled body read: the status alone decides the error.
    await vi.advanceTimersByTimeAsync(1);
    const err = await call;
    expect(err).toBeInstanceOf(ProviderError);
    expect(err.status).toBe(503);
  });
});

describe('submissions', () => {
  it('is not retried after a connection reset once the body was sent, and says the job may exist', async () => {
    const calls = { n: 0 };
    const err = await transport({ fetch: resetFetch(calls) })
      .request({ method: 'POST', path: '/imagine', body: { prompt: 'x' }, call: 'submit', schema: ok })
      .catch((e) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err.mayHaveCreatedJob).toBe(true);
    expect(err.retryable).toBe(false);
    expect(err.message).toMatch(/may have created the job/);
    expect(calls.n).toBe(1);
  });

  it('a read after the same reset is retried', async () => {
    const calls = { n: 0 };
    const err = await transport({ fetch: resetFetch(calls), maxRetries: 2, backoff: { baseMs: 1, maxMs: 1 } })
      .request({ method: 'GET', path: '/status', call: 'read', schema: ok })
      .catch((e) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(calls.n).toBe(3);
  });

  it('is retried after a 429, which the vendor cannot have accepted', async () => {
    nock(BASE).post('/imagine').reply(429, {}, { 'retry-after-ms': '5' }).post('/imagine').reply(200, { ok: true });
    const r = await transport().request({ method: 'POST', path: '/imagine', body: {}, call: 'submit', schema: ok });
    expect(r.data.ok).toBe(true);
  });

  it('is not retried after a 500: the job may exist', async () => {
    const scope = nock(BASE).post('/imagine').reply(500, { message: 'oops' });
    const err = await transport({ backoff: { baseMs: 1 } })
      .request({ method: 'POST', path: '/imagine', body: {}, call: 'submit', schema: ok })
      .catch((e) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err.mayHaveCreatedJob).toBe(true);
    expect(scope.isDone()).toBe(true);
  });

  it('is retried after a 503 (documented as refused) and after a refused connection', async () => {
    nock(BASE).post('/imagine').reply(503).post('/imagine').reply(200, { ok: true });
    const r = await transport({ backoff: { baseMs: 1, maxMs: 1 } }).request({
      method: 'POST',
      path: '/imagine',
      body: {},
      call: 'submit',
      schema: ok,
    });
    expect(r.data.ok).toBe(true);
    const refused = await transport({ maxRetries: 0, baseUrl: 'https://unreachable.test' })
      .request({ method: 'POST', path: '/imagine', body: {}, call: 'submit', schema: ok })
      .catch((e) => e);
    // nock refuses the unmocked connection before anything is sent.
    expect(refused).toBeInstanceOf(ProviderError);
    expect(refused.mayHaveCreatedJob).toBe(false);
    expect(refused.retryable).toBe(true);
  });

  it('is retried after a connect timeout: no connection, so nothing was sent', async () => {
    let calls = 0;
    const fetch: typeof globalThis.fetch = async () => {
      if (++calls === 1) {
        throw new TypeError('fetch failed', {
          cause: Object.assign(new Error('Connect Timeout Error'), { code: 'UND_ERR_CONNECT_TIMEOUT' }),
        });
      }
      return Response.json({ ok: true });
    };
    const r = await transport({ fetch, backoff: { baseMs: 1, maxMs: 1 } }).request({
      method: 'POST',
      path: '/imagine',
      body: {},
      call: 'submit',
      schema: ok,
    });
    expect(r.data.ok).toBe(true);
    expect(calls).toBe(2);
  });

  it('a timeout on a submission is ambiguous and not retried', async () => {
    let calls = 0;
    const fetch: typeof globalThis.fetch = (input, init) => {
      calls += 1;
      return stalledFetch(input, init);
    };
    const err = await transport({ timeoutMs: 30, fetch })
      .request({ method: 'POST', path: '/imagine', body: {}, call: 'submit', schema: ok })
      .catch((e) => e);
    expect(err).toBeInstanceOf(TimeoutError);
    expect(err.mayHaveCreatedJob).toBe(true);
    expect(calls).toBe(1);
  });
});

describe('bodies', () => {
  it('a non-JSON 200 body is a ResponseValidationError', async () => {
    nock(BASE).get('/status').reply(200, '<html>gateway</html>');
    const err = await transport({ maxRetries: 0 })
      .request({ method: 'GET', path: '/status', call: 'read', schema: ok })
      .catch((e) => e);
    expect(err).toBeInstanceOf(ResponseValidationError);
    expect(err.code).toBe('bad_response');
    expect(err.message).toContain('not JSON');
  });

  it('a body of the wrong shape names the path that failed', async () => {
    nock(BASE).get('/status').reply(200, { ok: 'yes' });
    const err = await transport({ maxRetries: 0 })
      .request({ method: 'GET', path: '/status', call: 'read', schema: ok })
      .catch((e) => e);
    expect(err).toBeInstanceOf(ResponseValidationError);
    expect(err.message).toContain('`ok`');
  });
});

describe('credentials and logs', () => {
  it('sends the key, the User-Agent and JSON to the base URL only', async () => {
    nock(BASE, {
      reqheaders: { authorization: `Bearer ${KEY}`, 'user-agent': `mjgate/${VERSION}`, 'content-type': /json/ },
    })
      .post('/imagine', { prompt: 'a fox' })
      .reply(200, { ok: true });
    await transport().request({
      method: 'POST',
      path: '/imagine',
      body: { prompt: 'a fox' },
      call: 'submit',
      schema: ok,
    });
    await expect(
      transport().request({ method: 'GET', path: 'https://evil.test/steal', call: 'read', schema: ok }),
    ).rejects.toBeInstanceOf(InvalidRequestError);
    await expect(
      transport().request({ method: 'GET', path: '//evil.test/x', call: 'read', schema: ok }),
    ).rejects.toThrow(/outside/);
  });

  it('keeps the API key out of a malformed body quoted in a ResponseValidationError', async () => {
    nock(BASE).get('/status').reply(200, `<html>proxy error for Bearer ${KEY}</html>`);
    nock(BASE)
      .get('/me')
      .reply(200, { ok: `token ${KEY}` });
    const t = transport({ maxRetries: 0 });
    const notJson = await t.request({ method: 'GET', path: '/status', call: 'read', schema: ok }).catch((e) => e);
    const wrongShape = await t.request({ method: 'GET', path: '/me', call: 'read', schema: ok }).catch((e) => e);
    for (const err of [notJson, wrongShape]) {
      expect(err).toBeInstanceOf(ResponseValidationError);
      expect(err.message).not.toContain(KEY);
    }
    expect(notJson.message).toContain('[redacted]');
  });

  it('keeps the API key out of every error message and log line', async () => {
    const lines: string[] = [];
    const logger = {
      debug: (m: string, d?: unknown) => lines.push(m + JSON.stringify(d ?? {})),
      warn: (m: string, d?: unknown) => lines.push(m + JSON.stringify(d ?? {})),
    };
    nock(BASE)
      .post('/imagine')
      .reply(401, { message: `key ${KEY} is invalid` })
      .get('/status')
      .reply(500, `upstream said Bearer ${KEY}`)
      .get('/status')
      .reply(200, { ok: true });
    const t = transport({ logger, backoff: { baseMs: 1, maxMs: 1 } });
    const err = await t
      .request({
        method: 'POST',
        path: '/imagine',
        body: { prompt: 'p', webhook_secret: KEY },
        call: 'submit',
        schema: ok,
      })
      .catch((e) => e);
    await t.request({ method: 'GET', path: '/status', call: 'read', schema: ok });
    expect(MjGateError.isInstance(err)).toBe(true);
    expect(err.code).toBe('authentication');
    expect(err.message).toContain('[redacted]');
    expect(err.message).not.toContain(KEY);
    expect(lines.length).toBeGreaterThan(3);
    for (const line of lines) expect(line).not.toContain(KEY);
    expect(lines.join('\n')).toContain('[redacted]');
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds, HTTP dates and retry-after-ms, capped at 60 s', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter(new Headers({ 'retry-after': '2' }), now)).toBe(2_000);
    expect(parseRetryAfter(new Headers({ 'retry-after': 'Thu, 01 Jan 2026 00:00:05 GMT' }), now)).toBe(5_000);
    expect(parseRetryAfter(new Headers({ 'retry-after-ms': '150' }), now)).toBe(150);
    expect(parseRetryAfter(new Headers({ 'retry-after': '3600' }), now)).toBe(60_000);
    expect(parseRetryAfter(new Headers({}), now)).toBeUndefined();
    expect(parseRetryAfter(new Headers({ 'retry-after': 'soon' }), now)).toBeUndefined();
  });

  it('RateLimitError carries the wait', async () => {
    nock(BASE).get('/status').reply(429, { message: 'slow down' }, { 'retry-after': '7' });
    const err = await transport({ maxRetries: 0 })
      .request({ method: 'GET', path: '/status', call: 'read', schema: ok })
      .catch((e) => e);
    expect(err).toBeInstanceOf(RateLimitError);
    expect(err.retryAfterMs).toBe(7_000);
  });
});

describe('log lines', () => {
  it('cut long strings short, so a base64 mask is not dumped into the log', async () => {
    const lines: unknown[] = [];
    nock(BASE).post('/inpaint').reply(200, { ok: true });
    const mask = 'A'.repeat(5_000);
    await transport({ logger: { debug: (_m: string, d?: unknown) => void lines.push(d) } }).request({
      method: 'POST',
      path: '/inpaint',
      body: { mask },
      call: 'submit',
      schema: ok,
    });
    const logged = JSON.stringify(lines);
    expect(logged).not.toContain(mask);
    expect(logged).toContain('(5000 chars)');
  });
});

describe('per-call machinery', () => {
  /** A caller's signal that counts the abort listeners added to it and still attached. */
  function countedSignal() {
    const controller = new AbortController();
    const signal = controller.signal;
    const attached = new Set<unknown>();
    const add = signal.addEventListener.bind(signal);
    const remove = signal.removeEventListener.bind(signal);
    let added = 0;
    signal.addEventListener = ((type: string, listener: EventListener, options?: AddEventListenerOptions) => {
      if (type === 'abort') {
        added += 1;
        attached.add(listener);
      }
      add(type, listener, options);
    }) as typeof signal.addEventListener;
    signal.removeEventListener = ((type: string, listener: EventListener) => {
      if (type === 'abort') attached.delete(listener);
      remove(type, listener);
    }) as typeof signal.removeEventListener;
    return { controller, signal, attached, added: () => added };
  }

  it('a finished call leaves nothing attached to the caller signal, however many calls share it', async () => {
    const fetch: typeof globalThis.fetch = async () => Response.json({ ok: true });
    const t = transport({ fetch });
    const caller = countedSignal();
    for (let i = 0; i < 5; i++) {
      await t.request({ method: 'GET', path: '/status', call: 'read', schema: ok }, { signal: caller.signal });
    }
    expect(caller.attached.size).toBe(0);
    // One listener per call (none per attempt, no AbortSignal.any dependants).
    expect(caller.added()).toBeLessThanOrEqual(5 * 2);
  });

  it('each retried attempt gets its own time limit, and a timeout is retried on a read', async () => {
    let calls = 0;
    const fetch: typeof globalThis.fetch = async (input, init) => {
      calls += 1;
      if (calls === 1) return stalledFetch(input, init);
      return Response.json({ ok: true });
    };
    const t = transport({ fetch, timeoutMs: 50, backoff: { baseMs: 1, maxMs: 1 } });
    const result = await t.request({ method: 'GET', path: '/status', call: 'read', schema: ok });
    expect(result.data).toEqual({ ok: true });
    expect(calls).toBe(2);
  });

  it('the caller aborting during a later attempt rejects with its own reason', async () => {
    const caller = new AbortController();
    let calls = 0;
    const fetch: typeof globalThis.fetch = async (input, init) => {
      calls += 1;
      if (calls === 1) return Response.json({ message: 'down' }, { status: 503 });
      queueMicrotask(() => caller.abort(new Error('stop')));
      return stalledFetch(input, init);
    };
    const t = transport({ fetch, backoff: { baseMs: 1, maxMs: 1 } });
    await expect(
      t.request({ method: 'GET', path: '/status', call: 'read', schema: ok }, { signal: caller.signal }),
    ).rejects.toThrow('stop');
    expect(calls).toBe(2);
  });

  it('builds no debug log line without a debug logger, and masks the key in one when there is', async () => {
    const fetch: typeof globalThis.fetch = async () => Response.json({ ok: true });
    const warn = vi.fn();
    await transport({ fetch, logger: { warn } }).request({ method: 'GET', path: '/status', call: 'read', schema: ok });
    expect(warn).not.toHaveBeenCalled();
    const debug = vi.fn();
    await transport({ fetch, logger: { debug } }).request({ method: 'GET', path: '/status', call: 'read', schema: ok });
    expect(debug).toHaveBeenCalledTimes(2);
    expect(JSON.stringify(debug.mock.calls)).not.toContain(KEY);
  });
});
