import {
  InvalidRequestError,
  type Logger,
  NotFoundError,
  ResponseValidationError,
  TimeoutError,
  UnsupportedError,
} from '@mjgate/core';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { MjProxyOptions } from '../src/index.js';
import { caught, client, fixture, jobFrom, server } from './helpers.js';

// Reads as a user meets them: odd answers of fetch and list-by-condition (§3.12, §3.13), looking a
// lost submission up by the id it named (§3.16), and image-seed, which blocks for up to a minute (§3.14).

const UPSCALED = jobFrom('task-upscale-trueai');

beforeEach(() => nock.disableNetConnect());
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
  vi.useRealTimers();
});

describe('fetch (§3.12)', () => {
  it('a JSON empty string is an unknown task, like an empty body', async () => {
    server().get('/mj/task/5/fetch').reply(200, '""', { 'content-type': 'application/json' });
    const error = await caught(client().get('5'));
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toMatchObject({ provider: 'mjproxy', message: 'mjproxy does not know task 5 (an empty answer).' });
  });

  it('a body that is no Task says so, naming the task', async () => {
    server().get('/mj/task/6/fetch').reply(200, { hello: 'world' });
    const error = await caught(client().get('6'));
    expect(error).toBeInstanceOf(ResponseValidationError);
    expect(error.message).toBe('mjproxy answered the fetch of task 6 with a body that is not a Task.');
  });
});

describe('list-by-condition (§3.13)', () => {
  const listed = [fixture('task-grid-trueai'), { id: '', status: 'SUCCESS' }, fixture('task-imagine-novicezk')];
  const ids = ['1712345678900003', '14001929738841620'];

  it('an entry that is no Task is skipped with a warning; the others are answered', async () => {
    server().post('/mj/task/list-by-condition').reply(200, listed);
    const lines: string[] = [];
    const logger: Logger = { warn: (message) => lines.push(message) };
    const jobs = await client({ logger }).getMany(ids);
    expect(jobs.map((job) => job.status)).toEqual(['succeeded', 'succeeded']);
    expect(lines).toEqual(['mjproxy: list-by-condition listed an entry that is not a Task; skipped.']);
  });

  it('the same without a logger, or with one that drops warnings', async () => {
    server().post('/mj/task/list-by-condition').twice().reply(200, listed);
    expect(await client().getMany(ids)).toHaveLength(2);
    expect(await client({ logger: { error: () => {} }, logLevel: 'error' }).getMany(ids)).toHaveLength(2);
  });
});

describe('findSubmission with the id the submission named (§3.16)', () => {
  const sentAt = new Date(1712345678000).toISOString();
  const lost = { provider: 'mjproxy', operation: 'imagine', prompt: 'Cat', sentAt } as const;

  it('reads that task, without listing', async () => {
    const scope = server().get('/mj/task/14001929738841620/fetch').reply(200, fixture('task-imagine-novicezk'));
    const job = await client().findSubmission({ ...lost, providerJobId: '14001929738841620' });
    expect(scope.isDone()).toBe(true);
    expect(job?.id).toBe('mjproxy:14001929738841620');
  });

  it('a task the server does not know was not created', async () => {
    server().get('/mj/task/404/fetch').reply(200, '');
    expect(await client().findSubmission({ ...lost, providerJobId: '404' })).toBeUndefined();
  });

  it('a server without the listing says so as an UnsupportedError of mjproxy', async () => {
    server().get('/mj/task/list').reply(404, '');
    const error = await caught(client().findSubmission(lost));
    expect(error).toBeInstanceOf(UnsupportedError);
    expect(error).toMatchObject({ provider: 'mjproxy' });
  });
});

describe('cancel (§3.15)', () => {
  it('a server without the route says so as an UnsupportedError of mjproxy', async () => {
    server().post('/mj/task/7/cancel').reply(405, '');
    const error = await caught(client().cancel('7'));
    expect(error).toBeInstanceOf(UnsupportedError);
    expect(error).toMatchObject({ provider: 'mjproxy' });
  });
});

describe('image-seed (§3.14)', () => {
  /** A server whose image-seed answers after `delayMs` of (fake) time; an abort stops it. */
  function slowSeed(delayMs: number) {
    return (input: Request | URL | string, init?: RequestInit) => {
      const request = input instanceof Request ? input : new Request(input, init);
      const signal = init?.signal ?? request.signal;
      return new Promise<Response>((resolve, reject) => {
        const timer = setTimeout(() => resolve(Response.json(fixture('seed'))), delayMs);
        signal?.addEventListener('abort', () => {
          clearTimeout(timer);
          reject(signal.reason);
        });
      });
    };
  }

  async function seedAfter(delayMs: number, options: MjProxyOptions, timeoutMs?: number) {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const mj = client({ ...options, fetch: slowSeed(delayMs) as typeof fetch });
    const result = mj.seed(UPSCALED, timeoutMs === undefined ? {} : { timeoutMs }).then(
      (job) => job,
      (error: Error) => error,
    );
    await vi.advanceTimersByTimeAsync(delayMs + 1_000);
    return result;
  }

  it('waits at least 70 s, even when the client times calls out sooner', async () => {
    expect(await seedAfter(65_000, { timeoutMs: 1_000 })).toMatchObject({ seed: '636646138' });
  });

  it('a longer limit, of the call or of the client, is kept', async () => {
    expect(await seedAfter(80_000, { timeoutMs: 1_000 }, 100_000)).toMatchObject({ seed: '636646138' });
    expect(await seedAfter(80_000, { timeoutMs: 100_000 })).toMatchObject({ seed: '636646138' });
  });

  it('past its limit the seed call times out', async () => {
    expect(await seedAfter(75_000, {})).toBeInstanceOf(TimeoutError);
  });

  it('a refusing code is refused even when the answer carries a result', async () => {
    server()
      .get('/mj/task/1712345678900004/image-seed')
      .reply(200, { code: 4, description: 'no permission', result: '636646138' });
    const error = await caught(client().seed(UPSCALED));
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect(error.message).toBe('mjproxy refused the request (code 4): no permission. Check the input.');
  });
});
