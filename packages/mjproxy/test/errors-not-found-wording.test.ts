import { InvalidRequestError, NotFoundError } from '@mjgate/core';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { caught, client, server } from './helpers.js';

// "Not found" in the vendor's words (§6 row 5) with or without a separator: `not found`,
// `not_found`, `NotFound` all mean an unknown task, whatever result code carries them.

beforeEach(() => nock.disableNetConnect());
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

describe('an unknown task in the vendor words (§6)', () => {
  it.each(['TaskNotFound', 'task not found', 'task_not_found'])('code 4 saying %s → NotFoundError', async (words) => {
    server().get('/mj/task/7/fetch').reply(400, { code: 4, description: words });
    const error = await caught(client().get('7'));
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toMatchObject({
      provider: 'mjproxy',
      status: 400,
      retryable: false,
      message: `mjproxy does not know the task (code 4): ${words}.`,
    });
  });

  it('a 400 without a result code saying NotFound → NotFoundError', async () => {
    server().get('/mj/task/8/fetch').reply(400, { message: 'NotFound' });
    const error = await caught(client().get('8'));
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error.message).toBe('mjproxy does not know the task (400): NotFound.');
  });

  it('other code 4 words stay an invalid request', async () => {
    server().get('/mj/task/9/fetch').reply(400, { code: 4, description: 'task found twice' });
    expect(await caught(client().get('9'))).toBeInstanceOf(InvalidRequestError);
  });
});
