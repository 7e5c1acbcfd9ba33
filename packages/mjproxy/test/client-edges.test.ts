import {
  InvalidRequestError,
  NotFoundError,
  ProviderError,
  ResponseValidationError,
  UnsupportedError,
} from '@mjgate/core';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMjProxy } from '../src/index.js';
import { BASE, caught, fixture, jobFrom, KEY, server } from './helpers.js';

// The client's edges a user runs into: the longest ref a server keeps, answers that name no task,
// servers without the cancel or listing routes, and a seed the server could not read.

const client = () =>
  createMjProxy({ apiKey: KEY, baseURL: BASE, maxRetries: 0, poll: { intervalMs: 1, maxIntervalMs: 2 } });
const UPSCALED = jobFrom('task-upscale-trueai');

beforeEach(() => nock.disableNetConnect());
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

describe('submissions', () => {
  it('a ref of exactly 255 characters travels as the state; 256 is refused before sending, saying why', async () => {
    const ref = 'r'.repeat(255);
    server()
      .post('/mj/submit/imagine', (body) => body.state === ref)
      .reply(200, fixture('submit-success'));
    expect((await client().imagine({ prompt: 'a cat', ref })).ref).toBe(ref);
    const error = await caught(client().imagine({ prompt: 'a cat', ref: `${ref}r` }));
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect(error.message).toBe("ref travels as the task's state, which servers limit to 255 characters; got 256.");
  });

  it('an accepted answer without a task id may have created the job', async () => {
    server().post('/mj/submit/imagine').reply(200, { code: 1, description: 'ok', result: null });
    const error = await caught(client().imagine({ prompt: 'a cat' }));
    expect(error).toBeInstanceOf(ResponseValidationError);
    expect(error).toMatchObject({ mayHaveCreatedJob: true });
    expect(error.message).toBe(
      'mjproxy accepted /mj/submit/imagine (code 1) but named no task id. Look the job up before submitting again.',
    );
  });
});

describe('reads', () => {
  it('a JSON null is an unknown task; a body that is no Task is a retryable broken answer', async () => {
    server().get('/mj/task/5/fetch').reply(200, 'null', { 'content-type': 'application/json' });
    const unknown = await caught(client().get('5'));
    expect(unknown).toBeInstanceOf(NotFoundError);
    expect(unknown.message).toBe('mjproxy does not know task 5 (an empty answer).');
    server().get('/mj/task/6/fetch').reply(200, { hello: 'world' });
    const broken = await caught(client().get('6'));
    expect(broken).toBeInstanceOf(ResponseValidationError);
    expect(broken).toMatchObject({ retryable: true });
  });
});

describe('routes a server may not have', () => {
  it.each([404, 405])('cancel answered %i is unsupported, naming the status', async (status) => {
    server().post('/mj/task/7/cancel').reply(status, '');
    const error = await caught(client().cancel('7'));
    expect(error).toBeInstanceOf(UnsupportedError);
    expect(error.message).toBe(`This mjproxy server has no cancel endpoint (${status}).`);
  });

  it('a cancel that fails otherwise is that failure, not "unsupported"', async () => {
    server().post('/mj/task/7/cancel').reply(500, '');
    const error = await caught(client().cancel('7'));
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).not.toBeInstanceOf(UnsupportedError);
  });

  it.each([404, 405])('a task listing answered %i is unsupported, pointing to webhooks', async (status) => {
    server().get('/mj/task/list').reply(status, '');
    const submission = { provider: 'mjproxy', operation: 'imagine', prompt: 'a cat', sentAt: new Date().toISOString() };
    const error = await caught(client().findSubmission(submission as never));
    expect(error).toBeInstanceOf(UnsupportedError);
    expect(error.message).toBe(
      `This mjproxy server lists no tasks (${status}); pass a webhookUrl with each submission instead.`,
    );
  });

  it('a listing that fails otherwise is that failure', async () => {
    server().get('/mj/task/list').reply(500, '');
    const submission = { provider: 'mjproxy', operation: 'imagine', prompt: 'a cat', sentAt: new Date().toISOString() };
    expect(await caught(client().findSubmission(submission as never))).not.toBeInstanceOf(UnsupportedError);
  });
});

describe('seed (§3.14)', () => {
  it('a success with no seed is an unknown parent; a refusing code is that code’s error', async () => {
    server().get('/mj/task/1712345678900004/image-seed').reply(200, { code: 1, description: 'ok', result: null });
    expect(await caught(client().seed(UPSCALED))).toBeInstanceOf(NotFoundError);
    server().get('/mj/task/1712345678900004/image-seed').reply(200, { code: 23, description: 'queue full' });
    expect((await caught(client().seed(UPSCALED))).message).toMatch(/queue is full \(code 23\)/);
  });
});
