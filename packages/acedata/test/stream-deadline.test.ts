// imagineStream's one deadline (`timeoutMs`) across the stream and the polling that follows a break:
// a stream cut by the deadline ends the call there, without polling, and polling after a broken
// stream gets only the time the stream left. Clocks: the stream's deadline signal is the test's own,
// and polling runs on fake timers.
import { type Job, JobTimeoutError } from '@mjgate/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { client, fixture, fixtureText } from './helpers.js';

const TASK = '49589d2c-8a62-4d3c-9f2c-7b1c5e2a9d10';
const NDJSON = { 'content-type': 'application/x-ndjson' };
/** The first line of an imagine's stream: the task at 35 %. */
const [FIRST = ''] = fixtureText('imagine-stream.ndjson').split('\n');
/** A `timeoutMs` no other timer of the client uses, so the test can tell the stream's deadline apart. */
const TIMEOUT_MS = 10_007;

/** An ndjson body that sends the first line, then stalls until `breakWith` errors it. */
function stalledStream() {
  let fail: ((error: Error) => void) | undefined;
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(new TextEncoder().encode(`${FIRST}\n`));
      fail = (error) => controller.error(error);
    },
  });
  return { stream, breakWith: (error: Error) => fail?.(error) };
}

/**
 * A fetch that answers the imagine with `stream` and every status read with the task at `status`:
 * still at 35 % (the first stream line), or finished.
 */
function fakeFetch(stream: ReadableStream<Uint8Array>, status: 'running' | 'finished' = 'running') {
  const paths: string[] = [];
  const response = status === 'running' ? JSON.parse(FIRST) : fixture('imagine-result.json');
  const running = { items: [{ id: TASK, request: { action: 'generate', prompt: 'a red fox' }, response }], count: 1 };
  const fetch = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const path = new URL(new Request(input, init).url).pathname;
    paths.push(path);
    if (path === '/midjourney/imagine') return new Response(stream, { headers: NDJSON });
    return Response.json(running);
  });
  return { fetch: fetch as unknown as typeof globalThis.fetch, paths };
}

/** Makes the stream's deadline (`AbortSignal.timeout(TIMEOUT_MS)`) a signal the test fires itself. */
function ownDeadline() {
  const deadline = new AbortController();
  const timeout = AbortSignal.timeout.bind(AbortSignal);
  vi.spyOn(AbortSignal, 'timeout').mockImplementation((ms) => (ms === TIMEOUT_MS ? deadline.signal : timeout(ms)));
  return () => deadline.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError'));
}

const logger = () => ({ warn: vi.fn(), info: vi.fn(), debug: vi.fn(), error: vi.fn() });

afterEach(() => {
  vi.restoreAllMocks();
  vi.useRealTimers();
});

describe('the deadline', () => {
  it('cut mid-stream, ends the call with the last job seen, without polling or a warning', async () => {
    const expire = ownDeadline();
    const { stream } = stalledStream();
    // Had it polled, it would have found the task finished.
    const { fetch, paths } = fakeFetch(stream, 'finished');
    const log = logger();
    const jobs = client({ fetch, logger: log })
      .imagineStream({ prompt: 'a red fox' }, { timeoutMs: TIMEOUT_MS })
      [Symbol.asyncIterator]();
    const first = await jobs.next();
    expect((first.value as Job).progress).toBe(35);
    expire();
    const error = await jobs.next().catch((error: unknown) => error);
    expect(error).toBeInstanceOf(JobTimeoutError);
    expect((error as JobTimeoutError).job).toMatchObject({ providerJobId: TASK, status: 'running', progress: 35 });
    expect((error as JobTimeoutError).timeoutMs).toBe(TIMEOUT_MS);
    // The deadline is the caller's: nothing is polled past it, and it is no broken stream.
    expect(paths).toEqual(['/midjourney/imagine']);
    expect(log.warn).not.toHaveBeenCalled();
  });

  it('after a broken stream, polling gets only the time the stream left', async () => {
    vi.useFakeTimers();
    ownDeadline();
    const { stream, breakWith } = stalledStream();
    const { fetch, paths } = fakeFetch(stream);
    const log = logger();
    const mj = client({ fetch, logger: log, poll: { intervalMs: 1_000, maxIntervalMs: 1_000 } });
    const started = Date.now();
    const jobs = mj.imagineStream({ prompt: 'a red fox' }, { timeoutMs: TIMEOUT_MS })[Symbol.asyncIterator]();
    expect(((await jobs.next()).value as Job).progress).toBe(35);
    // Six seconds into the stream, the connection drops.
    vi.advanceTimersByTime(6_000);
    breakWith(new TypeError('terminated'));
    let endedAfter: number | undefined;
    const ended = jobs.next().then(
      () => {
        endedAfter = Date.now() - started;
      },
      (error: unknown) => {
        endedAfter = Date.now() - started;
        return error;
      },
    );
    for (let step = 0; step < 40 && endedAfter === undefined; step++) await vi.advanceTimersByTimeAsync(500);
    const error = await ended;
    expect(log.warn).toHaveBeenCalledWith('acedata: the ndjson stream broke; following the job by polling.');
    expect(paths).toContain('/midjourney/tasks');
    expect(error).toBeInstanceOf(JobTimeoutError);
    expect((error as JobTimeoutError).job).toMatchObject({ providerJobId: TASK, status: 'running' });
    // The error names the caller's limit, not the part of it polling had left.
    expect((error as JobTimeoutError).timeoutMs).toBe(TIMEOUT_MS);
    expect((error as JobTimeoutError).message).toContain(`still running after ${TIMEOUT_MS} ms`);
    // One deadline for the whole call: polling stopped when `timeoutMs` was up, counted from the start
    // (to within one step of the clock this test moves).
    expect(endedAfter).toBeGreaterThanOrEqual(TIMEOUT_MS);
    expect(endedAfter).toBeLessThanOrEqual(TIMEOUT_MS + 500);
  });
});
