import { AuthenticationError } from '@mjgate/core';
import nock from 'nock';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { client, expectCall, rejectionOf } from './helpers.js';

// A 403 is a full job queue unless its wording is about the key (§2.4, §5): each spelling of "API
// key" and "unauthorized" ImaginePro may use keeps the refusal an authentication error, not retried.

beforeEach(() => {
  nock.disableNetConnect();
});
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

it.each(['Invalid apikey', 'Invalid api-key', 'Invalid API key', 'Unauthorized', 'Unauthorised'])(
  '403 %j → AuthenticationError, sent once',
  async (message) => {
    const seen = expectCall(
      'post',
      '/api/v1/nova/imagine',
      { message, error: 'Forbidden', statusCode: 403 },
      { status: 403, headers: { 'retry-after': '0' } },
    );
    const error = await rejectionOf(client().imagine({ prompt: 'a red fox' }));
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error).toMatchObject({ provider: 'imaginepro', status: 403, retryable: false });
    expect(error.message).toContain(message);
    expect(seen.count).toBe(1);
  },
);
