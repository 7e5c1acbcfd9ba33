import { UnsupportedError } from '@mjgate/core';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MJPROXY_CAPABILITIES } from '../src/index.js';
import { caught, client } from './helpers.js';

// What the client declares (§10): list-by-condition reads many tasks in one call (§3.13), and no
// dialect reports a balance, so account information is refused without a request.

beforeEach(() => nock.disableNetConnect());
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

describe('capabilities (§10)', () => {
  it('declares batch reads and no account information, on the client and as static data', () => {
    expect(client().capabilities).toMatchObject({ batchGet: true, account: false, webhooks: true, cancel: true });
    expect(MJPROXY_CAPABILITIES).toMatchObject({ batchGet: true, account: false });
  });

  it('account information is unsupported, and nothing is sent', async () => {
    const error = await caught(client().account());
    expect(error).toBeInstanceOf(UnsupportedError);
    expect(error).toMatchObject({ provider: 'mjproxy' });
  });
});
