// A creating call answered 200 but without a job (§2.2): `{success: false, error}` is a refusal the
// caller can act on, and `{success: true}` without a messageId a job that may exist all the same.
import {
  ContentPolicyError,
  InsufficientCreditsError,
  InvalidRequestError,
  type MjGateError,
  ResponseValidationError,
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

/** The error `imagine` rejects with when ImaginePro answers 200 with `answer`. */
async function imagineAnswered(answer: unknown): Promise<MjGateError> {
  const seen = expectCall('post', '/api/v1/nova/imagine', answer);
  const error = await rejectionOf(client().imagine({ prompt: 'a red fox' }));
  expect(seen.count).toBe(1);
  return error;
}

describe('200 {success: false}: the job was not accepted', () => {
  it('moderation wording → ContentPolicyError quoting ImaginePro, trimmed', async () => {
    const error = await imagineAnswered({ success: false, error: '  Banned prompt detected: gore  ' });
    expect(error).toBeInstanceOf(ContentPolicyError);
    expect(error.message).toBe('ImaginePro refused the prompt: Banned prompt detected: gore.');
    expect(error).toMatchObject({ provider: 'imaginepro', status: 200 });
  });

  it('credits wording → InsufficientCreditsError quoting ImaginePro', async () => {
    const error = await imagineAnswered({ success: false, error: 'Insufficient credits, please recharge' });
    expect(error).toBeInstanceOf(InsufficientCreditsError);
    expect(error.message).toBe('ImaginePro says the account is out of credits: Insufficient credits, please recharge.');
    expect(error).toMatchObject({ provider: 'imaginepro', status: 200 });
  });

  it('any other reason → InvalidRequestError quoting it', async () => {
    const error = await imagineAnswered({ success: false, error: 'Invalid image url' });
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect(error.message).toBe('ImaginePro did not accept the job: Invalid image url.');
    expect(error).toMatchObject({ provider: 'imaginepro', status: 200 });
  });

  it('no reason, or a blank one → InvalidRequestError saying none was given', async () => {
    for (const answer of [{ success: false }, { success: false, error: null }, { success: false, error: '   ' }]) {
      const error = await imagineAnswered(answer);
      expect(error).toBeInstanceOf(InvalidRequestError);
      expect(error.message).toBe('ImaginePro did not accept the job: no reason given.');
    }
  });
});

describe('200 {success: true} without a messageId', () => {
  it('→ ResponseValidationError naming the endpoint, saying the job may exist and where to look', async () => {
    const error = await imagineAnswered({ success: true, createdAt: '2026-11-27T12:00:00.000Z' });
    expect(error).toBeInstanceOf(ResponseValidationError);
    expect(error.message).toBe(
      'ImaginePro accepted POST /api/v1/nova/imagine without a messageId. The job may exist: look for it in history() before submitting again.',
    );
    expect(error).toMatchObject({ provider: 'imaginepro', mayHaveCreatedJob: true });
  });
});
