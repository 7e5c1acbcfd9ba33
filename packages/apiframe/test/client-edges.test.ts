// The client's own duties (client.ts) beyond building requests: what it logs and never logs, what it
// masks, what seed keeps of its parent, and how it reads a /fetch-many list with junk in it.
import { InvalidRequestError, type Job } from '@mjgate/core';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { client, fixture, jobFrom, KEY, SECRET, vendor } from './helpers.js';

const GRID = jobFrom('imagine-finished');
const HOOK = 'https://app.test/hooks/apiframe';

beforeEach(() => nock.disableNetConnect());
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

describe('logging', () => {
  it('the body logged at debug level never shows the webhook secret', async () => {
    const debug = vi.fn();
    vendor().post('/describe').reply(200, { task_id: 'd-1' });
    await client({ webhookSecret: SECRET, logger: { debug } }).describe({
      imageUrl: 'https://img.test/a.png',
      webhookUrl: HOOK,
    });
    const logged = JSON.stringify(debug.mock.calls);
    expect(logged).toContain('webhook_url');
    expect(logged).toContain('webhook_secret');
    expect(logged).not.toContain(SECRET);
  });

  it('a webhookUrl with a webhookSecret is sent without a warning', async () => {
    const warn = vi.fn();
    vendor().post('/describe').reply(200, { task_id: 'd-3' });
    await client({ webhookSecret: SECRET, logger: { warn } }).describe({
      imageUrl: 'https://img.test/a.png',
      webhookUrl: HOOK,
    });
    expect(warn).not.toHaveBeenCalled();
  });

  it('a webhookUrl without webhookSecret is sent with or without a logger that has warn', async () => {
    const error = vi.fn();
    vendor().post('/describe').times(2).reply(200, { task_id: 'd-2' });
    for (const options of [{}, { logger: { error } }]) {
      const job = await client(options).describe({ imageUrl: 'https://img.test/a.png', webhookUrl: HOOK });
      expect(job).toMatchObject({ id: 'apiframe:d-2', status: 'queued' });
    }
    expect(error).not.toHaveBeenCalled();
  });
});

describe('masking (no secret in a Job)', () => {
  it('a failure text that echoes the API key or the webhook secret is masked', async () => {
    const echoed = `Key ${KEY} with secret ${SECRET} was refused upstream`;
    vendor().post('/fetch').reply(200, { task_id: 'f-1', task_type: 'imagine', status: 'failed', message: echoed });
    const job = await client({ webhookSecret: SECRET }).get('f-1');
    expect(job.status).toBe('failed');
    expect(job.error?.message).toMatch(/was refused upstream$/);
    expect(JSON.stringify(job)).not.toContain(KEY);
    expect(JSON.stringify(job)).not.toContain(SECRET);
  });
});

describe('options handed to the store scope', () => {
  it('an idempotencyTtlMs that is no duration is refused when the client is made', () => {
    expect(() => client({ idempotencyTtlMs: 0 })).toThrow(InvalidRequestError);
    expect(() => client({ idempotencyTtlMs: 0 })).toThrow(/idempotencyTtlMs must be a number of milliseconds/);
  });
});

describe('seed (§3.15)', () => {
  it('keeps the prompt of the job it was given, and works from a job id alone', async () => {
    const scope = vendor()
      .post('/seed', { task_id: GRID.providerJobId })
      .reply(200, { task_id: 's-1' })
      .post('/seed', { task_id: 'by-id' })
      .reply(200, { task_id: 's-2' });
    const api = client();
    const parent: Job = { ...GRID, prompt: 'a red fox in snow' };
    expect(await api.seed(parent)).toMatchObject({ operation: 'seed', parentId: GRID.id, prompt: 'a red fox in snow' });
    const byId = await api.seed('apiframe:by-id');
    expect(byId).toMatchObject({ operation: 'seed', parentId: 'apiframe:by-id', status: 'queued' });
    expect(byId).not.toHaveProperty('prompt');
    expect(scope.isDone()).toBe(true);
  });
});

describe('/fetch-many with entries that are not tasks (§3.18)', () => {
  const answer = {
    tasks: [{ task_id: 'a', status: 'processing' }, 'junk', { nope: 1 }, fixture('imagine-finished')],
  };
  const ids = ['a', GRID.providerJobId];

  it('skips them with a warning and answers the tasks it could read', async () => {
    const warn = vi.fn();
    vendor().post('/fetch-many', { task_ids: ids }).reply(200, answer);
    const jobs = await client({ logger: { warn } }).getMany(ids);
    expect(jobs.map((job) => [job.providerJobId, job.status])).toEqual([
      ['a', 'running'],
      [GRID.providerJobId, 'succeeded'],
    ]);
    expect(warn.mock.calls.map(([message]) => message)).toEqual([
      'apiframe: /fetch-many listed an entry that is not a task; skipped.',
      'apiframe: /fetch-many listed an entry that is not a task; skipped.',
    ]);
  });

  it('skips them the same without a logger, or with one that has no warn', async () => {
    vendor().post('/fetch-many', { task_ids: ids }).times(2).reply(200, answer);
    for (const options of [{}, { logger: { error: vi.fn() } }]) {
      expect((await client(options).getMany(ids)).map((job) => job.providerJobId)).toEqual(ids);
    }
  });
});
