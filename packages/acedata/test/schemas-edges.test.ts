import { WebhookVerificationError } from '@mjgate/core';
import * as v from '@mjgate/core/valibot';
import { describe, expect, it } from 'vitest';
import { imagineOptionsSchema } from '../src/schemas.js';
import { parseCallback } from '../src/webhook.js';

const callback = (body: unknown) =>
  parseCallback(
    { url: 'https://app.example/hook', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) },
    { operation: 'imagine' },
  );
const IMG = 'https://cdn.acedata.cloud/a.png';

describe('callback bodies: a task_id with success or progress', () => {
  it('accepts success without progress, and progress without success', () => {
    expect(callback({ task_id: 't1', success: true, image_url: IMG })).toMatchObject({
      id: 'acedata:t1',
      status: 'succeeded',
    });
    expect(callback({ task_id: 't2', progress: 50 })).toMatchObject({ id: 'acedata:t2', status: 'running' });
  });

  it.each([
    ['no task_id', { success: true, image_url: IMG }],
    ['an empty task_id', { task_id: '', success: true, image_url: IMG }],
    ['a bare task_id', { task_id: 't3' }],
    ['a null progress and no success', { task_id: 't4', progress: null }],
  ])('refuses %s', (_name, body) => {
    expect(() => callback(body)).toThrow(WebhookVerificationError);
  });
});

describe('imagine providerOptions: quality 4 only in V8', () => {
  const valid = (options: Record<string, unknown>) => v.safeParse(imagineOptionsSchema, options).success;

  it('any other quality goes with any version', () => {
    expect(valid({ quality: '1', version: '7' })).toBe(true);
  });

  it("quality '4' goes with V8.x and no version, not with V7", () => {
    expect(valid({ quality: '4', version: '8.2' })).toBe(true);
    expect(valid({ quality: '4' })).toBe(true);
    expect(valid({ quality: '4', version: '7' })).toBe(false);
  });
});
