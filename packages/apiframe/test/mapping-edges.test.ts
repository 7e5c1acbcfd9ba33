// Edges of the response mapping (mapping.ts) the example payloads do not reach: blank and nested
// failure texts, empty result fields, a describe's echoed input, and /account values that are no count.
import { ResponseValidationError } from '@mjgate/core';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { accountFrom, taskToJob } from '../src/mapping.js';
import { accountSchema, taskSchema } from '../src/schemas.js';

const map = (raw: Record<string, unknown>) => taskToJob(raw, v.parse(taskSchema, raw));
const task = (extra: Record<string, unknown>) => ({ task_id: 'abc', task_type: 'imagine', ...extra });

describe('the failure text of a failed task (§11.8)', () => {
  it('is trimmed, from message or error, and a blank one gives way to the next', () => {
    expect(map(task({ status: 'failed', message: '  Job timed out.  ' })).error).toEqual({
      code: 'job_failed',
      message: 'Job timed out.',
    });
    expect(map(task({ status: 'failed', message: '   ', error: 'Midjourney is down' })).error?.message).toBe(
      'Midjourney is down',
    );
  });

  it('reads message or msg inside an error object, trimmed; a blank or non-text one gives way', () => {
    expect(map(task({ status: 'failed', error: { message: '  nested reason ' } })).error?.message).toBe(
      'nested reason',
    );
    expect(map(task({ status: 'failed', error: { msg: 'from msg' } })).error?.message).toBe('from msg');
    expect(map(task({ status: 'failed', message: { message: '  ' }, error: 'the real reason' })).error?.message).toBe(
      'the real reason',
    );
    expect(map(task({ status: 'failed', error: { message: 42 } })).error?.message).toBe(
      'APIFRAME reported the task as failed.',
    );
    expect(map(task({ status: 'failed', error: { code: 'E_UPSTREAM' } })).error?.message).toBe(
      'APIFRAME reported the task as failed.',
    );
  });

  it('a task that has not failed carries no error, whatever message it has', () => {
    const running = map(task({ status: 'processing', message: 'Waiting for a free slot' }));
    expect(running.status).toBe('running');
    expect(running.error).toBeUndefined();
    const done = map(task({ status: 'finished', image_urls: ['https://x/1.png'], message: 'ok' }));
    expect(done.error).toBeUndefined();
    expect(map(task({ status: 'pending' })).error).toBeUndefined();
  });
});

describe('completion without a status word (§11.7): empty result fields are no result', () => {
  it.each([
    ['empty image_urls', { image_urls: [] }],
    ['empty video_urls', { video_urls: [] }],
    ['empty content list', { content: [] }],
    ['null seed', { seed: null }],
    ['empty seed', { seed: '' }],
  ])('%s: still queued, no seed on the job', (_, fields) => {
    const job = map(task(fields));
    expect(job.status).toBe('queued');
    expect(job.actions).toEqual([]);
    expect(job).not.toHaveProperty('seed');
  });

  it('a seed of 0 is a result', () => {
    expect(map({ task_id: 's', task_type: 'seed', seed: 0 })).toMatchObject({ status: 'succeeded', seed: '0' });
  });

  it('a running task with a null or empty seed has no seed', () => {
    expect('seed' in map(task({ status: 'processing', seed: null }))).toBe(false);
    expect('seed' in map(task({ status: 'processing', seed: '' }))).toBe(false);
  });

  it('a single content string is one text', () => {
    const job = map({ task_id: 'sh', task_type: 'shorten', content: 'a fox, snow' });
    expect(job).toMatchObject({ status: 'succeeded', texts: ['a fox, snow'] });
  });
});

describe('operation and prompt', () => {
  it('a task with neither a task_type nor a remembered operation is an imagine, offering nothing', () => {
    const job = map({ task_id: 'x', status: 'processing' });
    expect(job).toMatchObject({ operation: 'imagine', status: 'running', actions: [] });
    expect(job).not.toHaveProperty('action');
    expect(job).not.toHaveProperty('prompt');
  });

  it("the task's own prompt wins over the remembered one", () => {
    const raw = task({ status: 'processing', prompt: 'from the vendor' });
    expect(taskToJob(raw, v.parse(taskSchema, raw), { prompt: 'remembered' }).prompt).toBe('from the vendor');
    const bare = task({ status: 'processing' });
    expect(taskToJob(bare, v.parse(taskSchema, bare), { prompt: 'remembered' }).prompt).toBe('remembered');
  });
});

describe("describe's echoed input image (§3.12)", () => {
  it('a finished describe that only echoes its input is not a broken answer, and shows no image', () => {
    for (const image_url of ['https://x/in.png', 'javascript:alert(1)']) {
      const job = map({ task_id: 'd', task_type: 'describe', status: 'finished', image_url });
      expect(job).toMatchObject({ operation: 'describe', status: 'succeeded', images: [], texts: [] });
    }
  });

  it("an upscale whose only image URL is refused is bad_response: the echo rule is describe's alone", () => {
    expect(() => map({ task_id: 'u', task_type: 'upscale#1', image_url: 'file:///etc/passwd' })).toThrow(
      ResponseValidationError,
    );
    expect(() =>
      map({ task_id: 'u', task_type: 'upscale#1', status: 'finished', image_url: 'javascript:alert(1)' }),
    ).toThrow(/apiframe:u as succeeded with no usable http\(s\) URL/);
  });
});

describe('account (§3.19)', () => {
  const account = (raw: Record<string, unknown>) => accountFrom(v.parse(accountSchema, raw));

  it('a numeric string is a number of credits; 0 is kept', () => {
    expect(account({ credits: '1200' }).credits).toBe(1200);
    expect(account({ credits: 0 }).credits).toBe(0);
  });

  it.each([
    ['missing', {}],
    ['null', { credits: null }],
    ['not a number', { credits: 'lots' }],
  ])('credits %s: left out, not 0 or NaN', (_, raw) => {
    const payload = { email: 'user@example.com', ...raw };
    const result = account(payload);
    expect(Object.keys(result).sort()).toEqual(['email', 'provider', 'raw']);
    expect(result).toEqual({ provider: 'apiframe', email: 'user@example.com', raw: payload });
  });
});
