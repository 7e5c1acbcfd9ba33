import nock from 'nock';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { client, expectCall, MID } from './helpers.js';

// ImaginePro reports a cancelled job as `FAIL`; its error text is the only sign (§3.3 Cancel Job).
// Every spelling of the word counts: "cancel", "canceled", "cancelled", "cancellation".

beforeEach(() => {
  nock.disableNetConnect();
});
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

async function statusOfFailure(error: string) {
  expectCall('get', `/api/v1/message/fetch/${MID}`, { messageId: MID, status: 'FAIL', error });
  return client().get(MID);
}

it.each(['Job canceled by user', 'Job cancelled by user', 'Cancellation requested by user', 'User cancel'])(
  'a FAIL whose error reads %j is a cancelled job',
  async (error) => {
    const job = await statusOfFailure(error);
    expect(job).toMatchObject({ status: 'cancelled', error: { code: 'cancelled' } });
  },
);

it.each(['Cancellable jobs only', 'Uncancelled failure'])(
  'a FAIL whose error reads %j stays a failure',
  async (error) => {
    const job = await statusOfFailure(error);
    expect(job.status).toBe('failed');
  },
);
