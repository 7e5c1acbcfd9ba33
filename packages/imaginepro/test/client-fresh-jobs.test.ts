import { NotFoundError } from '@mjgate/core';
import nock from 'nock';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import created from './fixtures/created.json' with { type: 'json' };
import { client, expectCall, MID } from './helpers.js';

// A freshly created id may not be readable yet (§3.2): "not found" reads as queued for 15 s after
// creation, and as not found after that.

beforeEach(() => {
  nock.disableNetConnect();
  // Only the clock the client reads: timers stay real, so the HTTP mocks answer as usual.
  vi.useFakeTimers({ toFake: ['Date'] });
});

afterEach(() => {
  vi.useRealTimers();
  nock.cleanAll();
  nock.enableNetConnect();
});

function notFound() {
  expectCall('get', `/api/v1/message/fetch/${MID}`, { message: 'Message not found', statusCode: 404 }, { status: 404 });
}

it('14 s after creation a job ImaginePro cannot find yet is still queued', async () => {
  const mj = client();
  expectCall('post', '/api/v1/nova/imagine', created);
  const job = await mj.imagine({ prompt: 'fox' });
  vi.setSystemTime(Date.now() + 14_000);
  notFound();
  await expect(mj.get(job)).resolves.toMatchObject({ id: job.id, status: 'queued' });
});

it('16 s after creation a job ImaginePro cannot find is not found', async () => {
  const mj = client();
  expectCall('post', '/api/v1/nova/imagine', created);
  const job = await mj.imagine({ prompt: 'fox' });
  vi.setSystemTime(Date.now() + 16_000);
  notFound();
  await expect(mj.get(job)).rejects.toBeInstanceOf(NotFoundError);
});
