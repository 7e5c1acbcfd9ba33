// A failed status read: a 404, or a 400 (which on a read names nothing but the id, §2.4), is an
// unknown job; every other refusal keeps its own class, so a caller is not told "not found" for a
// bad key or a moderated job.
import {
  AuthenticationError,
  ContentPolicyError,
  InvalidRequestError,
  type MjGateError,
  NotFoundError,
} from '@mjgate/core';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { client, expectCall, MID, rejectionOf } from './helpers.js';

beforeEach(() => {
  nock.disableNetConnect();
});
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

const REQUEST_ID = 'req-read-1';

/** The error `get(MID)` rejects with when the status read is answered `status` with `body`. */
async function readError(status: number, body: unknown): Promise<MjGateError> {
  const seen = expectCall('get', `/api/v1/message/fetch/${MID}`, body, {
    status,
    headers: { 'x-request-id': REQUEST_ID },
  });
  const error = await rejectionOf(client().get(MID));
  expect(seen.count).toBe(1);
  return error;
}

describe('ImaginePro status reads that fail', () => {
  it('404 → the NotFoundError of the read itself, as the transport worded it', async () => {
    const error = await readError(404, { message: 'Message not found', error: 'Not Found', statusCode: 404 });
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error.message).toBe('imaginepro does not know this resource (404): Message not found.');
    expect(error).toMatchObject({ provider: 'imaginepro', status: 404, requestId: REQUEST_ID });
  });

  it('400 → NotFoundError naming the job, keeping the status and the request id', async () => {
    const error = await readError(400, { message: 'Invalid messageId', error: 'Bad Request', statusCode: 400 });
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error.message).toBe(
      `ImaginePro does not know job ${MID}: imaginepro refused the request (400): Invalid messageId.`,
    );
    expect(error).toMatchObject({ provider: 'imaginepro', status: 400, requestId: REQUEST_ID });
  });

  it('400 with moderation wording is the moderation, not an unknown job: ContentPolicyError', async () => {
    const error = await readError(400, { message: 'Banned prompt detected', error: 'Bad Request', statusCode: 400 });
    expect(error).toBeInstanceOf(ContentPolicyError);
    expect(error.status).toBe(400);
  });

  it('422 is an invalid request, not an unknown job: InvalidRequestError', async () => {
    const error = await readError(422, { message: 'Unprocessable Entity', statusCode: 422 });
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect(error).not.toBeInstanceOf(NotFoundError);
    expect(error.status).toBe(422);
  });

  it('401 is the key, not an unknown job: AuthenticationError', async () => {
    const error = await readError(401, { message: 'Unauthorized', statusCode: 401 });
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error.status).toBe(401);
  });
});
