import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import accountInfo from './fixtures/account-info.json' with { type: 'json' };
import created from './fixtures/created.json' with { type: 'json' };
import { client, expectCall, jobFrom } from './helpers.js';

// `account()` (vendors/imaginepro.md §3.9) and `act()` on a parent kept from an earlier run.

beforeEach(() => {
  nock.disableNetConnect();
});
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

const ACCOUNT = '/api/v1/subscription/account-info';

describe('account credits (§3.9): plan credits plus extra credits', () => {
  it.each([
    ['both', { credits: 1600, creditsExtra: 1000 }, 2600],
    ['plan credits only', { credits: 1600 }, 1600],
    ['extra credits only', { creditsExtra: 1000 }, 1000],
    ['plan credits only, extra null', { credits: 5, creditsExtra: null }, 5],
    ['zero plan credits and extra', { credits: 0, creditsExtra: 7 }, 7],
  ])('%s', async (_, fields, credits) => {
    expectCall('get', ACCOUNT, { type: 'STARTER', ...fields });
    const account = await client().account();
    expect(account.credits).toBe(credits);
  });

  it('neither field: no credits at all, not 0', async () => {
    expectCall('get', ACCOUNT, { type: 'STARTER', credits: null });
    const account = await client().account();
    expect(account).not.toHaveProperty('credits');
    expect(account).not.toHaveProperty('planCredits');
    expect(account).not.toHaveProperty('extraCredits');
  });

  it('a null creditsQuota is left out; a number is kept', async () => {
    expectCall('get', ACCOUNT, { ...accountInfo, creditsQuota: null });
    expect(await client().account()).not.toHaveProperty('creditsQuota');
    expectCall('get', ACCOUNT, accountInfo);
    expect(await client().account()).toMatchObject({ creditsQuota: 1600, credits: 2600 });
  });
});

describe('act on a parent whose stored `raw.buttons` holds non-text entries', () => {
  it('the text labels still count: the press is sent with the parent’s own label', async () => {
    const fresh = jobFrom({ status: 'DONE', prompt: 'a red fox', buttons: ['U1', 'U2', 'U3', 'U4'] }, 'grid-1');
    // As read back from a store or JSON file someone edited: only strings are labels.
    const parent = { ...fresh, raw: { ...(fresh.raw as object), buttons: [42, null, { label: 'U2' }, 'U1', 'U2'] } };
    const seen = expectCall('post', '/api/v1/nova/button', created);
    const job = await client().act(parent, 'upscale-2');
    expect(JSON.parse(seen.body ?? '{}')).toMatchObject({ messageId: 'grid-1', button: 'U2' });
    expect(job).toMatchObject({ operation: 'action', action: 'upscale-2', parentId: 'imaginepro:grid-1' });
  });

  it('an action the text labels lack is refused before any request, naming what is offered', async () => {
    const fresh = jobFrom({ status: 'DONE', prompt: 'a red fox', buttons: ['U1', 'U2', 'U3', 'U4'] }, 'grid-1');
    const parent = { ...fresh, raw: { ...(fresh.raw as object), buttons: [7, 'U1'] } };
    await expect(client().act(parent, 'upscale-3')).rejects.toThrow(
      "Job imaginepro:grid-1 does not offer 'upscale-3'. It offers: upscale-1.",
    );
  });
});
