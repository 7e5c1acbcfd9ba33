import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as v from 'valibot';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { HttpTransport, loadTransport } from '../src/provider.js';

// A custom fetch that only reads the `Request` it is handed (a common wrapper) still sees the
// caller's abort and the per-call time limit: the call's signal travels on the request itself.

const ok = v.object({ ok: v.boolean() });

/** A custom fetch that records the signal it was handed and answers once `answer` is called. */
function recordingFetch() {
  const seen: { signal?: AbortSignal; request?: Request } = {};
  let answer = () => {};
  // Only what the Request carries: a wrapper that drops `init` must still be aborted.
  const fetch: typeof globalThis.fetch = (input) => {
    seen.request = input as Request;
    seen.signal = (input as Request).signal;
    return new Promise((resolve, reject) => {
      answer = () => resolve(new Response('{"ok":true}', { headers: { 'content-type': 'application/json' } }));
      seen.signal?.addEventListener('abort', () => reject(seen.signal?.reason));
    });
  };
  return { fetch, seen, answer: () => answer() };
}

function transport(fetch: typeof globalThis.fetch, timeoutMs?: number) {
  return new HttpTransport({
    provider: 'acme',
    baseUrl: 'https://vendor.test/api',
    authHeaders: { authorization: 'Bearer key-1' },
    fetch,
    timeoutMs,
    maxRetries: 0,
  });
}

afterEach(() => {
  vi.restoreAllMocks();
  vi.useRealTimers();
});

describe('the call signal and fetch', () => {
  it('a custom fetch gets a request whose signal the caller aborts', async () => {
    await loadTransport();
    const recording = recordingFetch();
    const caller = new AbortController();
    const call = transport(recording.fetch).request(
      { method: 'POST', path: '/jobs', call: 'read', schema: ok, body: { prompt: 'a fox' } },
      { signal: caller.signal },
    );
    await vi.waitFor(() => expect(recording.seen.signal).toBeDefined());
    expect(recording.seen.request?.method).toBe('POST');
    expect(await recording.seen.request?.text()).toBe('{"prompt":"a fox"}');
    expect(recording.seen.signal?.aborted).toBe(false);
    caller.abort(new Error('the user left'));
    expect(recording.seen.signal?.aborted).toBe(true);
    await expect(call).rejects.toThrow('the user left');
  });

  it('the time limit aborts the signal fetch was given', async () => {
    await loadTransport();
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const recording = recordingFetch();
    const call = transport(recording.fetch, 5_000).request({
      method: 'GET',
      path: '/status',
      call: 'read',
      schema: ok,
    });
    const outcome = call.catch((error: Error) => error);
    await vi.waitFor(() => expect(recording.seen.signal).toBeDefined());
    await vi.advanceTimersByTimeAsync(5_000);
    expect(recording.seen.signal?.aborted).toBe(true);
    expect(await outcome).toMatchObject({ name: 'TimeoutError' });
  });
});

// Without a custom fetch the signal goes to the global fetch in `init`, beside the `Request` ky
// built, rather than through ky (which would join it to a signal of its own with
// `AbortSignal.any`, issue 13): the caller's abort and the time limit must still reach it.
describe('the call signal and the global fetch', () => {
  function globalTransport(baseUrl: string, timeoutMs?: number) {
    return new HttpTransport({
      provider: 'acme',
      baseUrl,
      authHeaders: { authorization: 'Bearer key-1' },
      timeoutMs,
      maxRetries: 0,
    });
  }

  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it("is handed the caller's abort beside the request ky built", async () => {
    await loadTransport();
    const seen: { input?: Request; signal?: AbortSignal } = {};
    vi.stubGlobal('fetch', (input: RequestInfo | URL, init?: RequestInit) => {
      seen.input = input as Request;
      seen.signal = init?.signal ?? undefined;
      return new Promise<Response>((_, reject) =>
        seen.signal?.addEventListener('abort', () => reject(seen.signal?.reason)),
      );
    });
    const caller = new AbortController();
    const call = globalTransport('https://vendor.test/api').request(
      { method: 'POST', path: '/jobs', call: 'read', schema: ok, body: { prompt: 'a fox' } },
      { signal: caller.signal },
    );
    await vi.waitFor(() => expect(seen.signal).toBeDefined());
    expect(seen.input?.url).toBe('https://vendor.test/api/jobs');
    expect(await seen.input?.text()).toBe('{"prompt":"a fox"}');
    expect(seen.signal?.aborted).toBe(false);
    caller.abort(new Error('the user left'));
    expect(seen.signal?.aborted).toBe(true);
    await expect(call).rejects.toThrow('the user left');
  });

  it('over a real socket, a vendor that never answers is cut at the time limit and its connection closed', async () => {
    await loadTransport();
    let dropped!: () => void;
    const closed = new Promise<void>((resolve) => {
      dropped = resolve;
    });
    // Answers nothing: only the time limit reaching fetch ends the call.
    const server = createServer((_request, response) => response.on('close', dropped));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const error = await globalTransport(base, 100)
        .request({ method: 'GET', path: '/status', call: 'read', schema: ok })
        .catch((caught: Error) => caught);
      expect(error).toMatchObject({ name: 'TimeoutError', message: expect.stringContaining('within 100 ms') });
      await closed;
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
