import {
  AuthenticationError,
  ContentPolicyError,
  InsufficientCreditsError,
  InvalidRequestError,
  MjGateError,
  NotFoundError,
  ProviderError,
  RateLimitError,
  ResponseValidationError,
} from '@mjgate/core';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import created from './fixtures/created.json' with { type: 'json' };
import error400 from './fixtures/error-400.json' with { type: 'json' };
import error401 from './fixtures/error-401.json' with { type: 'json' };
import processing from './fixtures/message-processing.json' with { type: 'json' };
import { client, expectCall, KEY, MID, rejectionOf } from './helpers.js';

beforeEach(() => {
  nock.disableNetConnect();
});
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

const nest = (statusCode: number, message: string, error = 'Error') => ({ message, error, statusCode });

async function imagineError(status: number, body: unknown, headers: Record<string, string> = {}, times = 1) {
  expectCall('post', '/api/v1/nova/imagine', body, { status, headers, times });
  return rejectionOf(client().imagine({ prompt: 'a red fox' }));
}

describe('NestJS error bodies → mjgate errors, with ImaginePro’s message in ours', () => {
  it('400 (the reference example) → InvalidRequestError', async () => {
    const error = await imagineError(400, error400);
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect(error.message).toContain('Prompt is required.');
    expect(error.status).toBe(400);
  });

  it('400 with NestJS’s list of validation messages → InvalidRequestError naming them all', async () => {
    const error = await imagineError(400, {
      message: ['prompt must be a string', 'timeout must not be less than 10'],
      error: 'Bad Request',
      statusCode: 400,
    });
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect(error.message).toContain('prompt must be a string; timeout must not be less than 10');
  });

  it('400 for a banned prompt → ContentPolicyError', async () => {
    const error = await imagineError(400, nest(400, 'Banned prompt detected: "gore".', 'Bad Request'));
    expect(error).toBeInstanceOf(ContentPolicyError);
    expect(error.message).toContain('Banned prompt detected');
    expect(error.retryable).toBe(false);
  });

  it('401 (the reference example) → AuthenticationError, never showing the key', async () => {
    const error = await imagineError(401, error401);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error.message).toContain('Unauthorized');
    expect(error.message).not.toContain(KEY);
  });

  it('401 that speaks of credits → InsufficientCreditsError', async () => {
    const error = await imagineError(401, nest(401, 'Insufficient credits, please recharge', 'Unauthorized'));
    expect(error).toBeInstanceOf(InsufficientCreditsError);
    expect(error.message).toContain('Insufficient credits, please recharge');
  });

  it('403 (the job queue is full) → RateLimitError; the refused submission is retried', async () => {
    const seen = expectCall('post', '/api/v1/nova/imagine', nest(403, 'Forbidden', 'Forbidden'), {
      status: 403,
      headers: { 'retry-after': '0' },
    });
    const ok = expectCall('post', '/api/v1/nova/imagine', created);
    await expect(client().imagine({ prompt: 'fox' })).resolves.toMatchObject({ providerJobId: MID });
    expect([seen.count, ok.count]).toEqual([1, 1]);
    // Still full after the retries (three attempts in all): the error says so.
    const error = await imagineError(403, nest(403, 'Job queue is full', 'Forbidden'), { 'retry-after': '0' }, 3);
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error.message).toMatch(/Job queue is full.*queue is full/);
  });

  it('403 about the key → AuthenticationError, not retried', async () => {
    const seen = expectCall('post', '/api/v1/nova/imagine', nest(403, 'Your API key is disabled', 'Forbidden'), {
      status: 403,
    });
    const error = await client()
      .imagine({ prompt: 'fox' })
      .catch((caught: unknown) => caught as MjGateError);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(seen.count).toBe(1);
  });

  it('403 whose queue wording also names the plan is still a full queue: RateLimitError, retried', async () => {
    const full = nest(403, "Your plan's job queue is full", 'Forbidden');
    const seen = expectCall('post', '/api/v1/nova/imagine', full, { status: 403, headers: { 'retry-after': '0' } });
    const ok = expectCall('post', '/api/v1/nova/imagine', created);
    await expect(client().imagine({ prompt: 'fox' })).resolves.toMatchObject({ providerJobId: MID });
    expect([seen.count, ok.count]).toEqual([1, 1]);
    const error = await imagineError(403, full, { 'retry-after': '0' }, 3);
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error.message).toContain("Your plan's job queue is full");
  });

  it('404 → NotFoundError', async () => {
    expectCall('get', `/api/v1/message/fetch/${MID}`, nest(404, 'Message not found', 'Not Found'), { status: 404 });
    const error = await client()
      .get(MID)
      .then(() => undefined)
      .catch((caught: unknown) => caught as MjGateError);
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error?.message).toContain('Message not found');
  });

  it('429 then success: the submission is retried after Retry-After and created once', async () => {
    const limited = expectCall('post', '/api/v1/nova/imagine', nest(429, 'ThrottlerException: Too Many Requests'), {
      status: 429,
      headers: { 'retry-after': '0' },
    });
    const ok = expectCall('post', '/api/v1/nova/imagine', created);
    await expect(client().imagine({ prompt: 'fox' })).resolves.toMatchObject({ status: 'queued' });
    expect([limited.count, ok.count]).toEqual([1, 1]);
  });

  it('429 every time → RateLimitError with retryAfterMs', async () => {
    const error = await imagineError(
      429,
      nest(429, 'ThrottlerException: Too Many Requests'),
      { 'retry-after': '0' },
      3,
    );
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).retryAfterMs).toBe(0);
  });

  it('500 on a submission → ProviderError that may have created the job, not retried', async () => {
    const seen = expectCall('post', '/api/v1/nova/imagine', nest(500, 'Internal server error'), { status: 500 });
    const error = await client()
      .imagine({ prompt: 'fox' })
      .then(() => undefined)
      .catch((caught: unknown) => caught as MjGateError);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error?.message).toContain('Internal server error');
    expect(error?.mayHaveCreatedJob).toBe(true);
    expect(seen.count).toBe(1);
  });

  it('503 on a submission is refused, so it is retried', async () => {
    expectCall('post', '/api/v1/nova/imagine', nest(503, 'Service Unavailable'), {
      status: 503,
      headers: { 'retry-after': '0' },
    });
    expectCall('post', '/api/v1/nova/imagine', created);
    await expect(client().imagine({ prompt: 'fox' })).resolves.toMatchObject({ status: 'queued' });
  });

  it('5xx on a status read is retried', async () => {
    expectCall('get', `/api/v1/message/fetch/${MID}`, nest(502, 'Bad Gateway'), {
      status: 502,
      headers: { 'retry-after': '0' },
    });
    expectCall('get', `/api/v1/message/fetch/${MID}`, processing);
    await expect(client().get(MID)).resolves.toMatchObject({ status: 'running' });
  });

  it('a status answer that is not the documented message → ResponseValidationError, after the read retries', async () => {
    const seen = expectCall('get', `/api/v1/message/fetch/${MID}`, { messageId: MID, progress: 5 }, { times: 3 });
    const error = await client()
      .get(MID)
      .then(() => undefined)
      .catch((caught: unknown) => caught as MjGateError);
    expect(error).toBeInstanceOf(ResponseValidationError);
    expect(error?.message).toMatch(/`status`/);
    expect(seen.count).toBe(3);
  });

  it('every error is recognisable across copies of the package', async () => {
    const error = await imagineError(400, error400);
    expect(MjGateError.isInstance(error)).toBe(true);
    expect(error.provider).toBe('imaginepro');
  });
});
