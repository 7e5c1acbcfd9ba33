import { createMemoryStore, type Store } from '@mjgate/core';
import nock from 'nock';
import { afterEach, beforeEach, expect, it } from 'vitest';
import account from './fixtures/account-info.json' with { type: 'json' };
import { client, expectCall } from './helpers.js';

// ImaginePro's limits are per key (§5): a client given a `store` keeps its paces there, so every
// process on the key keeps them together.

beforeEach(() => {
  nock.disableNetConnect();
});

afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

/** A store that grants every slot at once and records the pace keys it was asked for. */
function recordingStore(): { store: Store; paces: string[] } {
  const paces: string[] = [];
  const store: Store = {
    ...createMemoryStore(),
    reserveSlot: async (key) => {
      paces.push(key);
      return 0;
    },
  };
  return { store, paces };
}

it('the general endpoints (account-info, prompt-check, history) keep their 3 s pace in the caller’s store', async () => {
  const { store, paces } = recordingStore();
  expectCall('get', '/api/v1/subscription/account-info', account);
  await client({ store, pace: { submit: 3_000, read: 0 } }).account();
  expect(paces).toEqual([expect.stringMatching(/^imaginepro:[\w-]+:pace:general$/)]);
});
