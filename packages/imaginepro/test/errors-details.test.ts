// What a failed ImaginePro call tells the caller beyond its class: the status, the request id and
// the provider on every error, the vendor's words (or the raw body when it has no message field),
// and the retry delay of a full queue (§2.4, §5).
import {
  AuthenticationError,
  ContentPolicyError,
  InsufficientCreditsError,
  InvalidRequestError,
  type MjGateError,
  RateLimitError,
} from '@mjgate/core';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { client, expectCall, rejectionOf } from './helpers.js';

beforeEach(() => {
  nock.disableNetConnect();
});
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

const REQUEST_ID = 'req-7f3a';

async function imagineError(
  status: number,
  body: unknown,
  { headers = {}, times = 1 }: { headers?: Record<string, string>; times?: number } = {},
): Promise<MjGateError> {
  expectCall('post', '/api/v1/nova/imagine', body, {
    status,
    times,
    headers: { 'x-request-id': REQUEST_ID, ...headers },
  });
  return rejectionOf(client().imagine({ prompt: 'a red fox' }));
}

describe('ImaginePro error details', () => {
  it('a 400 moderation refusal carries the status, the request id and the provider', async () => {
    const error = await imagineError(400, { message: 'Banned prompt detected', error: 'Bad Request', statusCode: 400 });
    expect(error).toBeInstanceOf(ContentPolicyError);
    expect(error).toMatchObject({ provider: 'imaginepro', status: 400, requestId: REQUEST_ID });
  });

  it('a 401 about credits carries the status, the request id and the provider', async () => {
    const error = await imagineError(401, { message: 'Insufficient credits', error: 'Unauthorized', statusCode: 401 });
    expect(error).toBeInstanceOf(InsufficientCreditsError);
    expect(error).toMatchObject({ provider: 'imaginepro', status: 401, requestId: REQUEST_ID });
  });

  it('a 401 with an empty body says only what ImaginePro did, with no vendor words', async () => {
    const error = await imagineError(401, '');
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error.message).toBe('ImaginePro rejected the API key (401). Check IMAGINEPRO_API_KEY or the apiKey option.');
    expect(error).toMatchObject({ provider: 'imaginepro', status: 401, requestId: REQUEST_ID });
  });

  it('a full queue (403) carries the status, the request id and the Retry-After delay', async () => {
    const full = { message: 'Job queue is full', error: 'Forbidden', statusCode: 403 };
    const error = await imagineError(403, full, { headers: { 'retry-after': '0' }, times: 3 });
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error).toMatchObject({ provider: 'imaginepro', status: 403, requestId: REQUEST_ID, retryAfterMs: 0 });
  });

  it('a JSON body without a message field is quoted raw, cut at 200 characters', async () => {
    const body = JSON.stringify({ code: 'E_PARAM', info: `${'x'.repeat(240)}-TAIL` });
    const error = await imagineError(400, body, { headers: { 'content-type': 'application/json' } });
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect(error.message).toContain(body.slice(0, 200));
    expect(error.message).not.toContain('TAIL');
  });
});
