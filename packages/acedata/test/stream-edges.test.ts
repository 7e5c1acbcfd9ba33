import { InvalidRequestError, type Job, type MjGateError, ProviderError, ResponseValidationError } from '@mjgate/core';
import { describe, expect, it, vi } from 'vitest';
import { client, fixture, fixtureText, KEY } from './helpers.js';

const TASK = '49589d2c-8a62-4d3c-9f2c-7b1c5e2a9d10';
const NDJSON = { 'content-type': 'application/x-ndjson' };
const LINES = fixtureText('imagine-stream.ndjson').split('\n').filter(Boolean);

type Route = (request: Request) => Response | Promise<Response>;

/** A fetch that answers /midjourney/imagine and /midjourney/tasks from the given routes, recording requests. */
function fakeFetch(routes: { imagine: Route; tasks?: Route }) {
  const seen: Request[] = [];
  const fetch = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    seen.push(request);
    const path = new URL(request.url).pathname;
    if (path === '/midjourney/imagine') return routes.imagine(request);
    if (path === '/midjourney/tasks' && routes.tasks) return routes.tasks(request);
    return new Response('{}', { status: 404 });
  });
  return { fetch: fetch as unknown as typeof globalThis.fetch, seen };
}

/** An ndjson body that sends `lines`, then either ends or breaks with `error`. */
function body(lines: string[], error?: Error): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let sent = false;
  // Pulled, so the lines are read before the break (an errored stream drops what is queued).
  return new ReadableStream({
    pull(controller) {
      if (!sent) {
        sent = true;
        for (const line of lines) controller.enqueue(encoder.encode(`${line}\n`));
        if (lines.length > 0) return;
      }
      if (error) controller.error(error);
      else controller.close();
    },
  });
}

const finished = () => ({
  items: [{ id: TASK, request: { action: 'generate', prompt: 'a red fox' }, response: fixture('imagine-result.json') }],
});

/** A logger that records warnings only. */
const quiet = (warn: (...args: unknown[]) => void) => ({ warn, info: () => {}, debug: () => {}, error: () => {} });

async function drain(jobs: AsyncIterable<Job>): Promise<Job[]> {
  const out: Job[] = [];
  for await (const job of jobs) out.push(job);
  return out;
}

async function failure(jobs: AsyncIterable<Job>): Promise<MjGateError> {
  try {
    await drain(jobs);
  } catch (error) {
    return error as MjGateError;
  }
  throw new Error('expected the stream to fail');
}

describe('imagineStream edges', () => {
  it('refuses a first line that is not a result, quoting it, as a job that may exist', async () => {
    const { fetch } = fakeFetch({ imagine: () => new Response(body(['<html>oops</html>']), { headers: NDJSON }) });
    const error = await failure(client({ fetch }).imagineStream({ prompt: 'a red fox' }));
    expect(error).toBeInstanceOf(ResponseValidationError);
    expect(error.message).toBe(
      'AceData\'s ndjson stream began with a line that is not a result: "<html>oops</html>". A job may exist.',
    );
    expect(error.mayHaveCreatedJob).toBe(true);
    expect(error.provider).toBe('acedata');
    expect(error.submission?.operation).toBe('imagine');
  });

  it('quotes at most 120 characters of a garbled first line', async () => {
    const long = `x${'y'.repeat(300)}`;
    const { fetch } = fakeFetch({ imagine: () => new Response(body([long]), { headers: NDJSON }) });
    const error = await failure(client({ fetch }).imagineStream({ prompt: 'a red fox' }));
    expect(error.message).toContain(JSON.stringify(long.slice(0, 120)));
    expect(error.message).not.toContain(long.slice(0, 121));
  });

  it('a garbled line after the task is named hands over to polling, quietly (the stream did not break)', async () => {
    const warn = vi.fn();
    const { fetch } = fakeFetch({
      imagine: () => new Response(body([LINES[0]!, 'garbage', LINES[1]!]), { headers: NDJSON }),
      tasks: () => Response.json(finished()),
    });
    const jobs = await drain(client({ fetch, logger: quiet(warn) } as never).imagineStream({ prompt: 'a red fox' }));
    expect(warn).not.toHaveBeenCalled();
    expect(jobs.map((job) => [job.status, job.progress])).toEqual([
      ['running', 35],
      ['succeeded', 100],
    ]);
  });

  it('a first line with no task_id is a refusal of the imagine', async () => {
    const { fetch } = fakeFetch({ imagine: () => new Response(body(['{"progress":10}']), { headers: NDJSON }) });
    const error = await failure(client({ fetch }).imagineStream({ prompt: 'a red fox' }));
    expect(error).toBeInstanceOf(ResponseValidationError);
    expect(error.message).toMatch(/^AceData answered the imagine without a task_id\./);
  });

  it('a later line without task_id keeps the task named by the first', async () => {
    const second = JSON.parse(LINES[1]!) as Record<string, unknown>;
    delete second.task_id;
    const { fetch } = fakeFetch({
      imagine: () => new Response(body([LINES[0]!, JSON.stringify(second), LINES[2]!]), { headers: NDJSON }),
    });
    const jobs = await drain(client({ fetch }).imagineStream({ prompt: 'a red fox' }));
    expect(jobs.map((job) => job.id)).toEqual([`acedata:${TASK}`, `acedata:${TASK}`, `acedata:${TASK}`]);
    expect(jobs.at(-1)?.status).toBe('succeeded');
  });

  it('stops reading at the terminal line: a break after it goes unnoticed', async () => {
    const warn = vi.fn();
    const { fetch, seen } = fakeFetch({
      imagine: () => new Response(body([LINES[0]!, LINES[2]!], new TypeError('socket hang up')), { headers: NDJSON }),
      tasks: () => Response.json(finished()),
    });
    const jobs = await drain(client({ fetch, logger: quiet(warn) } as never).imagineStream({ prompt: 'a red fox' }));
    expect(jobs.map((job) => job.status)).toEqual(['running', 'succeeded']);
    expect(warn).not.toHaveBeenCalled();
    expect(seen).toHaveLength(1);
  });

  it('stops at the terminal line, whatever follows', async () => {
    const { fetch } = fakeFetch({
      imagine: () => new Response(body([LINES[0]!, LINES[2]!, LINES[1]!]), { headers: NDJSON }),
    });
    const jobs = await drain(client({ fetch }).imagineStream({ prompt: 'a red fox' }));
    expect(jobs.map((job) => job.status)).toEqual(['running', 'succeeded']);
  });

  it('a stream that breaks before its first line is a ProviderError: the task may exist', async () => {
    const { fetch } = fakeFetch({
      imagine: () => new Response(body([], new TypeError('socket hang up')), { headers: NDJSON }),
    });
    const error = await failure(client({ fetch }).imagineStream({ prompt: 'a red fox' }));
    expect(error).toBeInstanceOf(ProviderError);
    expect(error.message).toBe(
      'AceData’s ndjson stream broke before its first line. The request was sent, so the task may exist (and may be billed): look it up before submitting again.',
    );
    expect(error.mayHaveCreatedJob).toBe(true);
    expect(error.provider).toBe('acedata');
  });

  it('a stream that breaks after naming the task warns and polls; the stream carries the caller’s headers', async () => {
    const warn = vi.fn();
    const { fetch, seen } = fakeFetch({
      imagine: () => new Response(body([LINES[0]!], new TypeError('socket hang up')), { headers: NDJSON }),
      tasks: () => Response.json(finished()),
    });
    const jobs = await drain(
      client({ fetch, logger: quiet(warn) } as never).imagineStream(
        { prompt: 'a red fox' },
        { headers: { 'x-trace': 't-1' } },
      ),
    );
    expect(jobs.map((job) => job.status)).toEqual(['running', 'succeeded']);
    expect(warn).toHaveBeenCalledWith('acedata: the ndjson stream broke; following the job by polling.');
    expect(seen[0]?.headers.get('x-trace')).toBe('t-1');
    expect(seen.map((request) => new URL(request.url).pathname)).toEqual(['/midjourney/imagine', '/midjourney/tasks']);
  });

  it('a stream closed without a line is a ResponseValidationError: a job may exist', async () => {
    for (const make of [
      () => new Response(body([]), { headers: NDJSON }),
      () => new Response(null, { headers: NDJSON }),
    ]) {
      const { fetch } = fakeFetch({ imagine: make });
      const error = await failure(client({ fetch }).imagineStream({ prompt: 'a red fox' }));
      expect(error).toBeInstanceOf(ResponseValidationError);
      expect(error.message).toBe('AceData closed the ndjson stream without a line. A job may exist.');
      expect(error.mayHaveCreatedJob).toBe(true);
      expect(error.provider).toBe('acedata');
    }
  });

  it('reads a pretty-printed JSON answer as one snapshot', async () => {
    const result = { ...fixture('imagine-result.json'), task_id: TASK };
    const { fetch } = fakeFetch({
      imagine: () => new Response(JSON.stringify(result, null, 2), { headers: { 'content-type': 'application/json' } }),
    });
    const jobs = await drain(client({ fetch }).imagineStream({ prompt: 'a red fox' }));
    expect(jobs.map((job) => job.status)).toEqual(['succeeded']);
  });

  it('reads ndjson sent as text/plain line by line', async () => {
    const { fetch } = fakeFetch({
      imagine: () => new Response(body(LINES), { headers: { 'content-type': 'text/plain' } }),
    });
    const jobs = await drain(client({ fetch }).imagineStream({ prompt: 'a red fox' }));
    expect(jobs.map((job) => job.status)).toEqual(['running', 'running', 'succeeded']);
  });

  it('an already aborted signal rejects with its reason, before anything is sent', async () => {
    const { fetch, seen } = fakeFetch({ imagine: () => new Response(body(LINES), { headers: NDJSON }) });
    const reason = new Error('the caller gave up');
    const error = await failure(
      client({ fetch }).imagineStream({ prompt: 'a red fox' }, { signal: AbortSignal.abort(reason) }),
    );
    expect(error).toBe(reason);
    expect(seen).toHaveLength(0);
  });

  it('an abort mid-stream rejects with the caller’s reason, and polls nothing', async () => {
    const controller = new AbortController();
    const reason = new Error('the caller gave up');
    const { fetch, seen } = fakeFetch({
      imagine: (request) => {
        const encoder = new TextEncoder();
        const stream = new ReadableStream<Uint8Array>({
          start(c) {
            c.enqueue(encoder.encode(`${LINES[0]}\n`));
            request.signal.addEventListener('abort', () => c.error(request.signal.reason));
          },
        });
        return new Response(stream, { headers: NDJSON });
      },
      tasks: () => Response.json(finished()),
    });
    const jobs: Job[] = [];
    let caught: unknown;
    try {
      for await (const job of client({ fetch }).imagineStream({ prompt: 'a red fox' }, { signal: controller.signal })) {
        jobs.push(job);
        controller.abort(reason);
      }
    } catch (error) {
      caught = error;
    }
    expect(caught).toBe(reason);
    expect(jobs).toHaveLength(1);
    expect(seen).toHaveLength(1);
  });

  it('a broken stream falls back to polling with no logger, or one without warn', async () => {
    for (const logger of [undefined, { error: () => {} }]) {
      const { fetch } = fakeFetch({
        imagine: () => new Response(body([LINES[0]!], new TypeError('socket hang up')), { headers: NDJSON }),
        tasks: () => Response.json(finished()),
      });
      const jobs = await drain(client({ fetch, logger } as never).imagineStream({ prompt: 'a red fox' }));
      expect(jobs.map((job) => job.status)).toEqual(['running', 'succeeded']);
    }
  });

  it('the caller’s signal still stops the polling that follows a broken stream', async () => {
    const controller = new AbortController();
    const reason = new Error('the caller gave up');
    const running = { id: TASK, request: { action: 'generate', prompt: 'a red fox' } };
    const { fetch } = fakeFetch({
      imagine: () => new Response(body([LINES[0]!], new TypeError('socket hang up')), { headers: NDJSON }),
      tasks: () => {
        controller.abort(reason);
        return Response.json({ items: [running] });
      },
    });
    const error = await failure(
      client({ fetch, logger: quiet(() => {}) } as never).imagineStream(
        { prompt: 'a red fox' },
        { signal: controller.signal },
      ),
    );
    expect(error).toBe(reason);
  });

  it('masks the key in a streamed job', async () => {
    const failed = fixture<Record<string, unknown>>('callback-failed.json');
    const line = JSON.stringify({
      ...failed,
      task_id: TASK,
      error: { code: 'bad_request', message: `token ${KEY} refused` },
    });
    const { fetch } = fakeFetch({ imagine: () => new Response(body([line]), { headers: NDJSON }) });
    const jobs = await drain(client({ fetch }).imagineStream({ prompt: 'a red fox' }));
    expect(jobs.at(-1)?.status).toBe('failed');
    expect(jobs.at(-1)?.error?.message).toContain('token');
    expect(JSON.stringify(jobs)).not.toContain(KEY);
  });

  it('takes no webhook, and says what to use instead', async () => {
    const { fetch, seen } = fakeFetch({ imagine: () => new Response(body(LINES), { headers: NDJSON }) });
    const error = await failure(
      client({ fetch }).imagineStream({ prompt: 'a red fox', webhookUrl: 'https://hooks.example/a' }),
    );
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect(error.message).toBe('imagineStream follows the job itself; use imagine() to get a webhook.');
    expect(error.provider).toBe('acedata');
    expect(seen).toHaveLength(0);
  });
});
