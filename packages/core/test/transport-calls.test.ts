import * as v from 'valibot';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { InvalidRequestError, MjGateError, TimeoutError, VERSION } from '../src/index.js';
import type { StoreScope } from '../src/store-scope.js';
import { type HttpFailure, httpError, loadTransport } from '../src/transport.js';
import {
  abortListeners,
  anything,
  KEY,
  recording,
  rejection,
  stubNumberTimers,
  transport,
} from './transport-support.js';

/** A fetch that never answers until its request is aborted, as a stalled vendor would. */
const stalledFetch = (async (input: RequestInfo | URL) => {
  const signal = (input as Request).signal;
  return new Promise<Response>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason)));
}) as typeof globalThis.fetch;

afterEach(() => {
  vi.useRealTimers();
});

describe('baseUrl', () => {
  it('refuses a URL that is not absolute http(s), quoting at most 100 characters of it', () => {
    const bad = `ftp://${'a'.repeat(200)}`;
    let error: unknown;
    try {
      transport(fetch, { baseUrl: bad });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect(error).toMatchObject({
      provider: 'acedata',
      message: `baseUrl for acedata must be an absolute http(s) URL without query or fragment, such as https://api.example.com or http://127.0.0.1:8787/acedata; got ${JSON.stringify(bad.slice(0, 100))}.`,
    });
  });

  it('refuses credentials in the URL, even a user name alone', () => {
    expect(() => transport(fetch, { baseUrl: 'https://user@vendor.test' })).toThrow(
      expect.objectContaining({
        provider: 'acedata',
        message: 'baseUrl for acedata must not carry credentials; pass the key as apiKey.',
      }),
    );
  });

  it('drops every trailing slash', () => {
    expect(transport(fetch, { baseUrl: 'https://vendor.test/api///' }).baseUrl).toBe('https://vendor.test/api');
  });
});

describe('the request sent', () => {
  it('refuses a path outside the base URL, naming the provider', async () => {
    const { requests, fetch } = recording(() => new Response('{}'));
    const error = await rejection(
      transport(fetch).request({ method: 'GET', path: 'https://evil.test/x', call: 'read', schema: anything }),
    );
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect(error).toMatchObject({
      provider: 'acedata',
      message: "Refusing to send credentials outside acedata's base URL (https://evil.test/x).",
    });
    expect(requests).toHaveLength(0);
  });

  it('sends the query without its undefined members', async () => {
    const { requests, fetch } = recording(() => new Response('{}'));
    await transport(fetch).request({
      method: 'GET',
      path: '/fetch',
      call: 'read',
      schema: anything,
      query: { id: 7, gone: undefined, all: true, name: 'a b' },
    });
    expect(requests[0]?.url).toBe('https://vendor.test/api/fetch?id=7&all=true&name=a+b');
  });

  it('sends a path without a query under the base URL, encoded as a URL', async () => {
    const { requests, fetch } = recording(() => new Response('{}'));
    const client = transport(fetch);
    await client.request({ method: 'GET', path: '/message/fetch/abc-1', call: 'read', schema: anything });
    await client.request({ method: 'GET', path: '/jobs/a b/é', call: 'read', schema: anything });
    expect(requests.map((request) => request.url)).toEqual([
      'https://vendor.test/api/message/fetch/abc-1',
      'https://vendor.test/api/jobs/a%20b/%C3%A9',
    ]);
  });

  it("sends a call's own headers with that call only, never over the credentials", async () => {
    const { requests, fetch } = recording(() => new Response('{}'));
    const client = transport(fetch);
    const read = { method: 'GET', path: '/fetch', call: 'read', schema: anything } as const;
    await client.request(read, { headers: { 'x-trace': 't-1', authorization: 'Bearer other' } });
    await client.request(read);
    const sent = requests.map((request) => Object.fromEntries(request.headers));
    const common = { accept: 'application/json', 'user-agent': `mjgate/${VERSION}`, authorization: `Bearer ${KEY}` };
    expect(sent).toEqual([{ ...common, 'x-trace': 't-1' }, common]);
  });

  it("reads the client's own headers on every call, so a change to them reaches the next one", async () => {
    const { requests, fetch } = recording(() => new Response('{}'));
    const headers: Record<string, string> = { 'x-team': 'blue' };
    const client = transport(fetch, { headers });
    const read = { method: 'GET', path: '/fetch', call: 'read', schema: anything } as const;
    await client.request(read);
    headers['x-team'] = 'green';
    await client.request(read);
    expect(requests.map((request) => request.headers.get('x-team'))).toEqual(['blue', 'green']);
  });

  it('sends FormData as a multipart body, and logs it as [form]', async () => {
    const { requests, bodies, fetch } = recording(() => new Response('{}'));
    const debug = vi.fn();
    const form = new FormData();
    form.set('prompt', 'a cat');
    await transport(fetch, { logger: { debug } }).request({
      method: 'POST',
      path: '/upload',
      call: 'submit',
      schema: anything,
      body: form,
    });
    const request = requests[0]!;
    expect(request.headers.get('content-type')).toMatch(/^multipart\/form-data; boundary=/);
    expect(bodies[0]).toContain('a cat');
    expect(debug.mock.calls[0]?.[1]).toMatchObject({ body: '[form]' });
  });

  it('sends a JSON body as JSON', async () => {
    const { requests, bodies, fetch } = recording(() => new Response('{}'));
    await transport(fetch).request({
      method: 'POST',
      path: '/imagine',
      call: 'submit',
      schema: anything,
      body: { p: 'x' },
    });
    expect(requests[0]?.headers.get('content-type')).toBe('application/json');
    expect(bodies[0]).toBe('{"p":"x"}');
  });

  it('logs each request and answer at debug level, credentials hidden', async () => {
    const { fetch } = recording(() => new Response('{}'));
    const debug = vi.fn();
    await transport(fetch, { logger: { debug } }).request({
      method: 'POST',
      path: '/imagine',
      call: 'submit',
      schema: anything,
      body: { prompt: 'cat' },
    });
    expect(debug).toHaveBeenCalledTimes(2);
    expect(debug.mock.calls[0]).toEqual([
      '→ POST https://vendor.test/api/imagine',
      {
        attempt: 1,
        headers: { accept: 'application/json', 'user-agent': `mjgate/${VERSION}`, authorization: '[redacted]' },
        body: { prompt: 'cat' },
      },
    ]);
    expect(debug.mock.calls[1]?.[0]).toMatch(/^← 200 POST https:\/\/vendor\.test\/api\/imagine in \d{1,5} ms$/);
  });

  it('keeps a bare credential out of messages, whatever spaces follow its scheme', async () => {
    const { fetch } = recording(() => new Response(JSON.stringify({ message: `unknown key=${KEY}` }), { status: 400 }));
    const error = await rejection(
      transport(fetch, { authHeaders: { authorization: `Bearer  ${KEY}` } }).request({
        method: 'GET',
        path: '/x',
        call: 'read',
        schema: anything,
      }),
    );
    expect(MjGateError.isInstance(error)).toBe(true);
    expect((error as Error).message).not.toContain(KEY);
    expect((error as Error).message).toContain('unknown key=');
  });
});

describe('retries', () => {
  it('logs a warning before each retry, with the attempt and the retries left', async () => {
    const { requests, fetch } = recording(() => new Response('{"message":"down"}', { status: 500 }));
    const warn = vi.fn();
    await rejection(
      transport(fetch, { logger: { warn } }).request({ method: 'GET', path: '/x', call: 'read', schema: anything }),
    );
    expect(requests).toHaveLength(3);
    const said =
      'acedata: GET /x failed (acedata failed (500): down. The vendor may be down; retry later.); retry in 0 ms';
    expect(warn.mock.calls).toEqual([
      [said, { attempt: 1, retriesLeft: 2 }],
      [said, { attempt: 2, retriesLeft: 1 }],
    ]);
  });
});

describe('connection failures', () => {
  const reset = () => {
    throw new TypeError('fetch failed', { cause: Object.assign(new Error('x'), { code: 'ECONNRESET' }) });
  };

  it('a submission cut mid-request may have created the job; a read may be retried', async () => {
    const submit = recording(reset);
    const error = await rejection(
      transport(submit.fetch).request({ method: 'POST', path: '/imagine', call: 'submit', schema: anything }),
    );
    expect((error as Error).message).toMatch(
      /^The connection to acedata failed during POST \/imagine \(ECONNRESET\)\. The request was sent, so the vendor/,
    );
    expect(submit.requests).toHaveLength(1);
    const read = recording(reset);
    const readError = await rejection(
      transport(read.fetch).request({ method: 'GET', path: '/x', call: 'read', schema: anything }),
    );
    expect((readError as Error).message).toBe('The connection to acedata failed during GET /x (ECONNRESET).');
    expect(read.requests).toHaveLength(3);
  });

  it('numbers each attempt in the debug log', async () => {
    const { fetch } = recording(reset);
    const debug = vi.fn();
    await rejection(
      transport(fetch, { logger: { debug } }).request({ method: 'GET', path: '/x', call: 'read', schema: anything }),
    );
    expect(debug.mock.calls.map(([, data]) => (data as { attempt: number }).attempt)).toEqual([1, 2, 3]);
  });
});

describe('time limits and aborts', () => {
  it('a submission past its time limit may have created the job', async () => {
    await loadTransport();
    vi.useFakeTimers();
    const pending = rejection(
      transport(stalledFetch, { timeoutMs: 50 }).request({
        method: 'POST',
        path: '/imagine',
        call: 'submit',
        schema: anything,
      }),
    );
    await vi.advanceTimersByTimeAsync(50);
    const error = (await pending) as TimeoutError;
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.message).toMatch(
      /^acedata did not answer POST \/imagine within 50 ms\. The request was sent, so the vendor/,
    );
    expect(error.mayHaveCreatedJob).toBe(true);
    expect(error.cause).toMatchObject({ name: 'TimeoutError', message: 'timed out after 50 ms' });
  });

  it('leaves no timer behind once a call is over, whatever its end', async () => {
    await loadTransport();
    vi.useFakeTimers();
    const answers = [
      () => new Response('{}'),
      () => new Response(null, { status: 302 }),
      () => new Response('{"message":"no"}', { status: 400 }),
      () => {
        throw new TypeError('fetch failed', { cause: Object.assign(new Error('x'), { code: 'ECONNRESET' }) });
      },
    ];
    for (const answer of answers) {
      const { fetch } = recording(answer);
      await transport(fetch, { maxRetries: 0 })
        .request({ method: 'GET', path: '/x', call: 'read', schema: anything })
        .catch(() => {});
      expect(vi.getTimerCount()).toBe(0);
    }
  });

  it('a caller that had already given up gets its reason, and nothing is answered', async () => {
    const { fetch } = recording(() => new Response('{}'));
    const controller = new AbortController();
    const reason = new Error('user left');
    controller.abort(reason);
    await expect(
      transport(fetch).request(
        { method: 'GET', path: '/x', call: 'read', schema: anything },
        { signal: controller.signal },
      ),
    ).rejects.toBe(reason);
  });

  it('send hands back the body unread, still cut by the caller’s abort', async () => {
    const { fetch } = recording((request) => {
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new TextEncoder().encode('first part'));
          request.signal.addEventListener('abort', () => controller.error(request.signal.reason));
        },
      });
      return new Response(body, { status: 200 });
    });
    const caller = new AbortController();
    const response = await transport(fetch).send(
      { method: 'GET', path: '/file', call: 'read' },
      { signal: caller.signal },
    );
    expect(response.status).toBe(200);
    const reader = response.body!.getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toBe('first part');
    const reason = new Error('caller stopped');
    const next = reader.read();
    caller.abort(reason);
    await expect(next).rejects.toBe(reason);
  });
});

describe('pacing', () => {
  it('keeps each kind of call on its own pace in the shared store', async () => {
    const keys: string[] = [];
    const shared = {
      store: {
        reserveSlot: async (key: string) => {
          keys.push(key);
          return 0;
        },
      },
      provider: 'acedata',
      scope: 'acedata:abc',
      idempotencyTtlMs: 1000,
    } as unknown as StoreScope;
    const { fetch } = recording(() => new Response('{}'));
    const t = transport(fetch, { pace: { submit: 3000, read: 100 }, shared });
    await t.request({ method: 'POST', path: '/imagine', call: 'submit', schema: anything });
    await t.request({ method: 'GET', path: '/x', call: 'read', schema: anything });
    expect(keys).toEqual(['acedata:abc:pace:submit', 'acedata:abc:pace:read']);
  });
});

/** A streamed 200 whose body sends `first` and then breaks off when its request is aborted. */
function streamed(first: string) {
  return (request: Request) => {
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(first));
        request.signal.addEventListener('abort', () => controller.error(request.signal.reason));
      },
    });
    return new Response(body, { status: 200 });
  };
}

describe('what a call leaves behind', () => {
  const reset = () => {
    throw new TypeError('fetch failed', { cause: Object.assign(new Error('x'), { code: 'ECONNRESET' }) });
  };

  it.each([
    ['a connection reset', reset],
    ['a body that is not JSON', () => new Response('not json', { status: 200 })],
    ['a 500', () => new Response('{"message":"down"}', { status: 500 })],
  ])('leaves no timer behind when %s was retried and the retry answered', async (_, first) => {
    await loadTransport();
    vi.useFakeTimers();
    const { requests, fetch } = recording(first, () => new Response('{"ok":true}'));
    const result = await transport(fetch).request({ method: 'GET', path: '/x', call: 'read', schema: anything });
    expect(result.data).toEqual({ ok: true });
    expect(requests).toHaveLength(2);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('leaves no timer behind when the request could not even be logged', async () => {
    await loadTransport();
    vi.useFakeTimers();
    const { requests, fetch } = recording(() => new Response('{}'));
    const debug = vi.fn();
    const error = await rejection(
      transport(fetch, { logger: { debug } }).request({
        method: 'POST',
        path: '/imagine',
        call: 'submit',
        schema: anything,
        body: { seed: 10n },
      }),
    );
    expect(error).toBeInstanceOf(TypeError);
    expect(requests).toHaveLength(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('a failed send lets go of the caller’s signal', async () => {
    const { fetch } = recording(() => new Response('{"message":"no such file"}', { status: 404 }));
    const caller = new AbortController();
    const held = abortListeners(caller.signal);
    await rejection(transport(fetch).send({ method: 'GET', path: '/file', call: 'read' }, { signal: caller.signal }));
    expect(held.size).toBe(0);
  });

  it('a request lets go of the caller’s signal once answered', async () => {
    const { fetch } = recording(() => new Response('{}'));
    const caller = new AbortController();
    const held = abortListeners(caller.signal);
    await transport(fetch).request(
      { method: 'GET', path: '/x', call: 'read', schema: anything },
      { signal: caller.signal },
    );
    expect(held.size).toBe(0);
  });

  it('send answered on a retry still hands back a body the caller’s abort cuts', async () => {
    const { requests, fetch } = recording(() => new Response('{"message":"down"}', { status: 500 }), streamed('part'));
    const caller = new AbortController();
    const response = await transport(fetch).send(
      { method: 'GET', path: '/file', call: 'read' },
      { signal: caller.signal },
    );
    expect(requests).toHaveLength(2);
    const reader = response.body!.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toBe('part');
    const reason = new Error('caller stopped');
    const next = reader.read();
    caller.abort(reason);
    await expect(next).rejects.toBe(reason);
  });
});

describe('a caller who gives up while an answer is mapped', () => {
  it('gets its own reason, and no retry is tried or announced', async () => {
    const { requests, fetch } = recording(() => new Response('{"message":"down"}', { status: 500 }));
    const caller = new AbortController();
    const reason = new Error('user left');
    const warn = vi.fn();
    const toError = (failure: HttpFailure) => {
      caller.abort(reason);
      return httpError(failure);
    };
    const error = await rejection(
      transport(fetch, { toError, logger: { warn } }).request(
        { method: 'GET', path: '/x', call: 'read', schema: anything },
        { signal: caller.signal },
      ),
    );
    expect(error).toBe(reason);
    expect(requests).toHaveLength(1);
    expect(warn).not.toHaveBeenCalled();
  });
});

describe('an adapter schema that throws', () => {
  it('surfaces its own error, not a time limit', async () => {
    const { fetch } = recording(() => new Response('{"id":"j-1"}'));
    const failing = new Error('the adapter’s own check failed');
    const schema = v.pipe(
      v.unknown(),
      v.transform(() => {
        throw failing;
      }),
    );
    const error = await rejection(
      transport(fetch, { maxRetries: 0 }).request({ method: 'GET', path: '/x', call: 'read', schema }),
    );
    expect(error).toBe(failing);
  });
});

describe('runtimes other than Node', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('sends a request where there is no FormData', async () => {
    const { requests, fetch } = recording(() => new Response('{"ok":true}'));
    const t = transport(fetch);
    vi.stubGlobal('FormData', undefined);
    const result = await t.request({
      method: 'POST',
      path: '/imagine',
      call: 'submit',
      schema: anything,
      body: { p: 1 },
    });
    expect(result.data).toEqual({ ok: true });
    expect(requests).toHaveLength(1);
  });

  it('runs where timers are plain numbers (browsers, Deno)', async () => {
    const { fetch } = recording(() => new Response('{"ok":true}'));
    const t = transport(fetch);
    stubNumberTimers();
    const result = await t.request({ method: 'GET', path: '/x', call: 'read', schema: anything });
    expect(result.data).toEqual({ ok: true });
  });
});
