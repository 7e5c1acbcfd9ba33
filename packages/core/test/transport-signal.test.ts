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
