import { type MjGateError, ResponseValidationError } from '@mjgate/core';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import accountInfo from './fixtures/account-info.json' with { type: 'json' };
import history from './fixtures/history.json' with { type: 'json' };
import promptCheckSuccess from './fixtures/prompt-check-success.json' with { type: 'json' };
import videoDone from './fixtures/video-done.json' with { type: 'json' };
import { client, expectCall, MID, rejectionOf } from './helpers.js';

// An answer that is not the documented shape (§2.2, §3.7–§3.9, §3.15) is reported as a
// ResponseValidationError naming ImaginePro and the field, never read as a job, an account or a
// history page, and never a TypeError.

beforeEach(() => {
  nock.disableNetConnect();
});
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

/** One attempt per read: a malformed answer is retried otherwise, which only slows the test. */
const once = () => client({ maxRetries: 0 });

function expectMalformed(error: MjGateError, call: string, field: string) {
  expect(error).toBeInstanceOf(ResponseValidationError);
  expect(error.provider).toBe('imaginepro');
  expect(error.message).toContain(
    `imaginepro answered ${call} with a body that does not match the documented shape at \`${field}\``,
  );
}

describe('a job-creating answer (§2.2)', () => {
  it('with a numeric messageId', async () => {
    expectCall('post', '/api/v1/nova/imagine', { success: true, messageId: 42 });
    expectMalformed(
      await rejectionOf(client().imagine({ prompt: 'a red fox' })),
      'POST /api/v1/nova/imagine',
      'messageId',
    );
  });

  it('with a success that is not a boolean', async () => {
    expectCall('post', '/api/v1/nova/imagine', { success: 'yes', messageId: MID });
    expectMalformed(
      await rejectionOf(client().imagine({ prompt: 'a red fox' })),
      'POST /api/v1/nova/imagine',
      'success',
    );
  });
});

it('a video answer whose result has no url (§3.15)', async () => {
  const { url: _url, ...withoutUrl } = videoDone.results?.[0] ?? {};
  expectCall('get', `/api/v1/video/mj/fetch/${MID}`, { ...videoDone, messageId: MID, results: [withoutUrl] });
  expectMalformed(await rejectionOf(once().get(`video.${MID}`)), `GET /api/v1/video/mj/fetch/${MID}`, 'results.0.url');
});

it('an account answer whose credits are text (§3.9)', async () => {
  expectCall('get', '/api/v1/subscription/account-info', { ...accountInfo, credits: 'plenty' });
  expectMalformed(await rejectionOf(once().account()), 'GET /api/v1/subscription/account-info', 'credits');
});

it('a prompt check answer without a status (§3.8)', async () => {
  const { status: _status, ...withoutStatus } = promptCheckSuccess as Record<string, unknown>;
  expectCall('post', '/api/v1/nova/prompt-check', withoutStatus);
  expectMalformed(await rejectionOf(once().promptCheck('a red fox')), 'POST /api/v1/nova/prompt-check', 'status');
});

describe('a history answer (§3.7)', () => {
  it('without images', async () => {
    expectCall('get', /^\/api\/v1\/nova\/images/, { total: 0 });
    expectMalformed(await rejectionOf(once().history()), 'GET /api/v1/nova/images', 'images');
  });

  it('with an entry that has no id', async () => {
    const { id: _id, ...withoutId } = history.images[0] as Record<string, unknown>;
    expectCall('get', /^\/api\/v1\/nova\/images/, { images: [withoutId] });
    expectMalformed(await rejectionOf(once().history()), 'GET /api/v1/nova/images', 'images.0.id');
  });
});
