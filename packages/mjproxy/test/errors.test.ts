import {
  AuthenticationError,
  ContentPolicyError,
  InsufficientCreditsError,
  InvalidRequestError,
  MjGateError,
  NotFoundError,
  ProviderError,
  RateLimitError,
} from '@mjgate/core';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMjProxy } from '../src/index.js';
import { BASE, fixture, KEY } from './helpers.js';

// §1.3 result codes, §1.4 HTTP statuses and §6 rules: what a caller sees for each refusal, and
// that no submission is sent twice unless the server surely refused it.

const client = (maxRetries = 0) =>
  createMjProxy({ apiKey: KEY, baseURL: BASE, maxRetries, backoff: { baseMs: 1, maxMs: 1 } });

async function imagineError(status: number, body: unknown, maxRetries = 0): Promise<MjGateError> {
  nock(BASE)
    .post('/mj/submit/imagine')
    .reply(status, typeof body === 'string' ? body : JSON.stringify(body));
  const error = await client(maxRetries)
    .imagine({ prompt: 'a cat' })
    .catch((e: unknown) => e);
  expect(MjGateError.isInstance(error)).toBe(true);
  return error as MjGateError;
}

beforeEach(() => nock.disableNetConnect());
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

describe('result codes on HTTP 200 (§1.3)', () => {
  it('23 queue full → rate_limited, nothing created', async () => {
    const error = await imagineError(200, fixture('submit-queue-full'));
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error.mayHaveCreatedJob).toBe(false);
    expect(error.message).toContain('队列已满');
  });

  it('24 banned prompt → content_policy naming the banned word', async () => {
    const error = await imagineError(200, fixture('submit-banned'));
    expect(error).toBeInstanceOf(ContentPolicyError);
    expect(error.message).toContain('"nude"');
  });

  it('4 validation → invalid_request with the server’s words', async () => {
    const error = await imagineError(200, fixture('submit-validation'));
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect(error.message).toContain('prompt不能为空');
  });

  it('3 on imagine (no usable account) → provider_unavailable, not created', async () => {
    const error = await imagineError(200, fixture('submit-no-account'));
    expect(error).toBeInstanceOf(ProviderError);
    expect(error.mayHaveCreatedJob).toBe(false);
  });

  it('9 with trueai’s full-queue text → rate_limited (§12.13)', async () => {
    expect(await imagineError(200, fixture('submit-system-error'))).toBeInstanceOf(RateLimitError);
  });

  it('trueai’s {success:false, code:-1} limit envelope is no success (§12.19)', async () => {
    expect(await imagineError(200, fixture('trueai-limit-envelope'))).toBeInstanceOf(RateLimitError);
    const other = await imagineError(200, { success: false, code: -1, message: '服务暂不可用，请联系管理员' });
    expect(other).toBeInstanceOf(InvalidRequestError);
  });

  it('an unknown code → provider_unavailable with the description', async () => {
    const error = await imagineError(200, { code: 77, description: '提交错误' });
    expect(error).toBeInstanceOf(ProviderError);
    expect(error.message).toContain('提交错误');
  });

  it('code 1 without a task id is a broken answer that may have created the job', async () => {
    const error = await imagineError(200, { code: 1, description: '成功' });
    expect(error.code).toBe('bad_response');
    expect(error.mayHaveCreatedJob).toBe(true);
    expect(error.submission).toMatchObject({ provider: 'mjproxy', operation: 'imagine', prompt: 'a cat' });
  });
});

describe('HTTP statuses and error envelopes (§1.4)', () => {
  it('401 with an empty body (novicezk) → authentication', async () => {
    expect(await imagineError(401, '')).toBeInstanceOf(AuthenticationError);
  });

  it('new-api 400 quota_not_enough → insufficient_credits; code 5 → may have created the job', async () => {
    expect(await imagineError(400, fixture('newapi-quota'))).toBeInstanceOf(InsufficientCreditsError);
    const upstream = await imagineError(400, fixture('newapi-unknown-upstream'));
    expect(upstream).toBeInstanceOf(ProviderError);
    expect(upstream.mayHaveCreatedJob).toBe(true);
  });

  it('a 502 on a submission is ambiguous and is not retried', async () => {
    const scope = nock(BASE).post('/mj/submit/imagine').twice().reply(502, 'Bad Gateway');
    const error = await client(3)
      .imagine({ prompt: 'a cat' })
      .catch((e: unknown) => e);
    if (!MjGateError.isInstance(error)) throw new Error('expected an MjGateError');
    expect(scope.pendingMocks()).toHaveLength(1);
    expect(error.mayHaveCreatedJob).toBe(true);
  });

  it('a fork’s 429 + code 23 is surely refused: retried, then rate_limited', async () => {
    const scope = nock(BASE).post('/mj/submit/imagine').twice().reply(429, fixture('submit-queue-full'));
    const error = await imagineError(429, fixture('submit-queue-full'), 2).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    expect(scope.isDone()).toBe(true);
  });

  it('trueai’s 404 + code 3 on an action → not_found', async () => {
    const grid = fixture('task-grid-trueai');
    nock(BASE).post('/mj/submit/action').reply(404, fixture('trueai-unknown-parent'));
    const error = await client()
      .upscale({ ...(await jobOf(grid)) }, 1)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
  });

  it('a read is retried on a 5xx', async () => {
    nock(BASE)
      .get('/mj/task/14001929738841620/fetch')
      .reply(500, '')
      .get('/mj/task/14001929738841620/fetch')
      .reply(200, fixture('task-imagine-novicezk'));
    expect((await client(1).get('14001929738841620')).status).toBe('succeeded');
  });
});

async function jobOf(raw: Record<string, unknown>) {
  nock(BASE).get(`/mj/task/${raw.id}/fetch`).reply(200, raw);
  return client().get(String(raw.id));
}
