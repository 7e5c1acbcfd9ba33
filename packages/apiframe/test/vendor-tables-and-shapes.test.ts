// The module-level tables and schemas as a caller meets them: task types that only look like a known
// one (§2.3), the aspect_ratio check of actions (§3.4, §3.8), the operation each submission reports,
// malformed answers (§1.2, §3.18–3.20), upload part types and the base-URL environment variable.
import { InvalidRequestError, ResponseValidationError } from '@mjgate/core';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createApiFrame } from '../src/index.js';
import { parseTaskType } from '../src/mapping.js';
import { client, jobFrom, KEY, vendor } from './helpers.js';

const GRID = jobFrom('imagine-finished');
const NEW_ID = 'bbbbbbbb-0000-4000-8000-000000000002';

beforeEach(() => nock.disableNetConnect());
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
  vi.unstubAllEnvs();
});

async function failure(promise: Promise<unknown>): Promise<Error> {
  const error = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(error).toBeInstanceOf(Error);
  return error as Error;
}

describe('a task_type that only contains a known one is unknown (§2.3)', () => {
  it.each([
    'x-imagine',
    'x-blend',
    'blend-x',
    'x-describe',
    'describe-x',
    'x-shorten',
    'shorten-x',
    'x-seed',
    'seed-x',
    'x-faceswap',
    'face-swap-x',
    'video-x',
    'x-reroll',
    'reroll-x',
    'x-upscale#1',
    'upscale#1x',
    'x-upscale-2x',
    'upscale-subtle-x',
    'x-variation-1',
    'variation-1x',
    'x-variations-strong',
    'variation-subtle-x',
    'x-inpaint',
    'inpaint-x',
    'x-outpaint-2',
    'outpaint-1.5x',
    'x-pan-up',
    'pan-left-x',
  ])('%s', (taskType) => {
    expect(parseTaskType(taskType)).toBeUndefined();
  });

  it('a known task type still reads as its operation, a plain video and a many-digit zoom included', () => {
    expect(parseTaskType('video')).toEqual({ operation: 'video' });
    expect(parseTaskType('video-extend')).toEqual({ operation: 'video' });
    expect(parseTaskType('outpaint-10')).toEqual({ operation: 'action', action: 'custom-zoom' });
  });
});

describe('the aspect_ratio of a variation (§3.8)', () => {
  it('sends a ratio with a two-digit side', async () => {
    const scope = vendor()
      .post('/variations', (body) => body.aspect_ratio === '16:10' && body.index === '1')
      .reply(200, { task_id: NEW_ID });
    const job = await client().act(GRID, 'variation-1', { providerOptions: { aspect_ratio: '16:10' } });
    expect(scope.isDone()).toBe(true);
    expect(job).toMatchObject({ operation: 'action', action: 'variation-1' });
  });

  it.each(['x16:9', '16:9x'])('refuses %s before sending anything', async (ratio) => {
    const error = await failure(client().act(GRID, 'variation-1', { providerOptions: { aspect_ratio: ratio } }));
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect(error.message).toContain("aspect_ratio must look like '16:9'");
  });
});

describe('the operation a submission reports', () => {
  it('face swap', async () => {
    vendor().post('/faceswap').reply(200, { task_id: NEW_ID });
    const job = await client().faceSwap({ targetUrl: 'https://img.test/t.png', sourceUrl: 'https://img.test/s.png' });
    expect(job.operation).toBe('faceswap');
  });

  it('video', async () => {
    vendor().post('/imagine-video').reply(200, { task_id: NEW_ID });
    const job = await client().video({ prompt: 'the fox runs', imageUrl: 'https://img.test/t.png' });
    expect(job.operation).toBe('video');
  });
});

describe('malformed answers are a ResponseValidationError that says what is missing', () => {
  it('a task whose image_urls is no list (§2.1)', async () => {
    vendor().post('/fetch').reply(200, { task_id: 'abc', task_type: 'imagine', image_urls: 42 });
    const error = await failure(client().get('abc'));
    expect(error).toBeInstanceOf(ResponseValidationError);
    expect(error).toMatchObject({ provider: 'apiframe' });
  });

  it('a task without a task_id', async () => {
    vendor().post('/fetch').reply(200, { task_type: 'imagine', status: 'pending' });
    const error = await failure(client().get('abc'));
    expect(error).toBeInstanceOf(ResponseValidationError);
    expect(error.message).toContain('a task needs a task_id');
  });

  it('a submission answer with an empty task_id, or none', async () => {
    vendor().post('/imagine').reply(200, { task_id: '' });
    const empty = await failure(client().imagine({ prompt: 'a cat' }));
    expect(empty).toBeInstanceOf(ResponseValidationError);
    vendor().post('/imagine').reply(200, { ok: true });
    const none = await failure(client().imagine({ prompt: 'a cat' }));
    expect(none).toBeInstanceOf(ResponseValidationError);
    expect(none.message).toContain('the answer needs a task_id');
  });

  it('a /fetch-many answer whose tasks is no list (§3.18) is unreadable: each job is asked for alone', async () => {
    vendor().post('/fetch-many').reply(200, { tasks: 'none' });
    const one = vendor()
      .post('/fetch', { task_id: 'a' })
      .reply(200, { task_id: 'a', status: 'pending' })
      .post('/fetch', { task_id: 'b' })
      .reply(200, { task_id: 'b', status: 'processing' });
    const jobs = await client().getMany(['a', 'b']);
    expect(one.isDone()).toBe(true);
    expect(jobs.map((job) => [job.id, job.status])).toEqual([
      ['apiframe:a', 'queued'],
      ['apiframe:b', 'running'],
    ]);
  });

  it('an /account answer whose email is no text (§3.19)', async () => {
    vendor().get('/account').reply(200, { email: 42, credits: 10 });
    const error = await failure(client().account());
    expect(error).toBeInstanceOf(ResponseValidationError);
  });

  it('an /upload answer whose imageURL is no text, or missing (§3.20)', async () => {
    const bytes = new Uint8Array([1, 2, 3]);
    vendor().post('/upload').reply(200, { imageURL: 42 });
    const number = await failure(client().upload(bytes, { filename: 'a.png' }));
    expect(number).toBeInstanceOf(ResponseValidationError);
    vendor().post('/upload').reply(200, {});
    const missing = await failure(client().upload(bytes, { filename: 'a.png' }));
    expect(missing).toBeInstanceOf(ResponseValidationError);
    expect(missing.message).toContain('the answer needs imageURL');
  });
});

describe('the part type of an upload follows its file name', () => {
  it.each([
    ['a.jpeg', 'image/jpeg'],
    ['a.webp', 'image/webp'],
  ])('%s is sent as %s', async (filename, type) => {
    let sent = '';
    vendor()
      .post('/upload', (body) => {
        sent = String(body);
        return true;
      })
      .reply(200, { imageURL: 'https://cdn.test/a' });
    await client().upload(new Uint8Array([1, 2, 3]), { filename });
    expect(sent).toContain(`Content-Type: ${type}`);
  });
});

describe('the environment', () => {
  it('APIFRAME_BASE_URL moves the base URL', async () => {
    vi.stubEnv('APIFRAME_BASE_URL', 'https://af.example.test');
    const scope = nock('https://af.example.test').post('/fetch').reply(200, { task_id: 'abc', status: 'pending' });
    const job = await createApiFrame({ apiKey: KEY, maxRetries: 0 }).get('abc');
    expect(scope.isDone()).toBe(true);
    expect(job.id).toBe('apiframe:abc');
  });
});
