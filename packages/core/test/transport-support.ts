// Shared set-up of the transport tests: a fetch that answers from a script and records what was
// sent, and a transport on a fake vendor with fast retries.
import * as v from 'valibot';
import { vi } from 'vitest';
import { HttpTransport } from '../src/provider.js';
import type { TransportConfig } from '../src/transport.js';

export const BASE = 'https://vendor.test/api';
export const KEY = 'sk-live-SECRET-1234567890';
export const AMBIGUOUS = 'The request was sent, so the vendor may have created the job';
export const anything = v.unknown();

export type Answer = (request: Request) => Response | Promise<Response>;

/**
 * A fetch answering each request with the next answer (the last one repeats), recording the
 * requests and their bodies as text.
 */
export function recording(...answers: Answer[]) {
  const requests: Request[] = [];
  const bodies: string[] = [];
  const fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = input instanceof Request ? input : new Request(input, init);
    requests.push(request);
    bodies.push(request.body ? await request.clone().text() : '');
    const answer = answers[Math.min(requests.length - 1, answers.length - 1)]!;
    return answer(request);
  }) as typeof globalThis.fetch;
  return { requests, bodies, fetch };
}

/** An answer of `status` with `body` as JSON. */
export const json =
  (status: number, body: unknown, headers: Record<string, string> = {}) =>
  () =>
    new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

/** A transport of `acedata` on {@link BASE} with the key {@link KEY}, 2 retries and no backoff. */
export function transport(fetch: typeof globalThis.fetch, extra: Partial<TransportConfig> = {}) {
  return new HttpTransport({
    provider: 'acedata',
    baseUrl: BASE,
    authHeaders: { authorization: `Bearer ${KEY}` },
    maxRetries: 2,
    backoff: { baseMs: 0, maxMs: 0 },
    fetch,
    ...extra,
  });
}

/** What `promise` rejects with (a fulfilment fails the test). */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e,
  );
}

/**
 * Replaces `setTimeout`/`clearTimeout` by ones whose handles are plain numbers, as in browsers and
 * Deno (no `unref`). Undo with `vi.unstubAllGlobals()`. Returns the timers still pending.
 */
export function stubNumberTimers(): ReadonlyMap<number, unknown> {
  const realSet = globalThis.setTimeout;
  const realClear = globalThis.clearTimeout;
  const timers = new Map<number, ReturnType<typeof setTimeout>>();
  let next = 0;
  vi.stubGlobal('setTimeout', (handler: () => void, ms?: number) => {
    next += 1;
    const id = next;
    timers.set(
      id,
      realSet(() => {
        timers.delete(id);
        handler();
      }, ms),
    );
    return id;
  });
  vi.stubGlobal('clearTimeout', (id: number | undefined) => {
    if (id === undefined) return;
    realClear(timers.get(id));
    timers.delete(id);
  });
  return timers;
}

/**
 * The abort listeners `signal` holds now, as far as `addEventListener`/`removeEventListener` tell
 * (a caller's long-lived signal must not collect one per call).
 */
export function abortListeners(signal: AbortSignal): Set<unknown> {
  const held = new Set<unknown>();
  const add = signal.addEventListener.bind(signal);
  const remove = signal.removeEventListener.bind(signal);
  signal.addEventListener = ((type: string, listener: EventListenerOrEventListenerObject, options?: unknown) => {
    if (type === 'abort') held.add(listener);
    add(type, listener, options as AddEventListenerOptions);
  }) as typeof signal.addEventListener;
  signal.removeEventListener = ((type: string, listener: EventListenerOrEventListenerObject, options?: unknown) => {
    if (type === 'abort') held.delete(listener);
    remove(type, listener, options as EventListenerOptions);
  }) as typeof signal.removeEventListener;
  return held;
}
