import { InvalidRequestError } from '@mjgate/core';
import nock from 'nock';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { client, expectCall, MID } from './helpers.js';

beforeEach(() => {
  nock.disableNetConnect();
});

afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

it('a cancel ImaginePro answers with `success: false` is refused with its reason, and the job is not read', async () => {
  const press = expectCall('post', '/api/v1/nova/button', { success: false, error: 'Job already finished' });
  const read = nock('https://api.imaginepro.test').get(`/api/v1/message/fetch/${MID}`).reply(200, {});
  const error = await client()
    .cancel(MID)
    .then(
      () => undefined,
      (caught: unknown) => caught as InvalidRequestError,
    );
  expect(press.count).toBe(1);
  expect(error).toBeInstanceOf(InvalidRequestError);
  expect(error?.message).toBe('ImaginePro did not accept the job: Job already finished.');
  expect(read.isDone()).toBe(false);
});
