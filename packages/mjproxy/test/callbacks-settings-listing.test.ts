import { InvalidRequestError, WebhookVerificationError } from '@mjgate/core';
import { describe, expect, it } from 'vitest';
import { findInListing } from '../src/find.js';
import { resolveSettings } from '../src/options.js';
import { verifiedCallback } from '../src/webhook.js';

// The edges a user meets outside the request tables: a notifyHook body (§5), the client's settings
// (§10), and finding a lost submission in /mj/task/list (§3.16).

const callback = (body: unknown) => ({ url: 'https://app.example/hook', headers: {}, body: JSON.stringify(body) });

describe('notifyHook bodies (§5)', () => {
  it('a Task with a status, or with only an action, is accepted as sent', () => {
    const task = { id: '1', status: 'SUCCESS', imageUrl: 'https://cdn.example.com/g.png' };
    expect(verifiedCallback(callback(task))).toEqual(task);
    expect(verifiedCallback(callback({ id: 2, action: 'IMAGINE' }))).toEqual({ id: 2, action: 'IMAGINE' });
  });

  it('a bare id is no Task', () => {
    expect(() => verifiedCallback(callback({ id: '1' }))).toThrow(
      'The mjproxy callback body is not a midjourney-proxy Task (an id with a status or an action, §5).',
    );
  });

  it.each(['messageId', 'task_id', 'taskId', 'task_type', 'success', 'trace_id'])(
    'a body with another vendor’s `%s` is refused, naming the field',
    (field) => {
      const error = (() => {
        try {
          verifiedCallback(callback({ id: '1', status: 'SUCCESS', [field]: 'x' }));
        } catch (e) {
          return e as WebhookVerificationError;
        }
      })();
      expect(error).toBeInstanceOf(WebhookVerificationError);
      expect(error?.provider).toBe('mjproxy');
      expect(error?.message).toContain(`carries \`${field}\``);
    },
  );
});

describe('settings (§10)', () => {
  it('one trailing slash run and a trailing /mj are dropped; the rest of the path is kept', () => {
    expect(resolveSettings({ apiKey: 'k', baseURL: 'https://relay.example/api//' }).baseUrl).toBe(
      'https://relay.example/api',
    );
    expect(resolveSettings({ apiKey: 'k', baseURL: 'https://relay.example/api/MJ/' }).baseUrl).toBe(
      'https://relay.example/api',
    );
    expect(resolveSettings({ apiKey: 'k', baseURL: 'https://relay.example/a//b' }).baseUrl).toBe(
      'https://relay.example/a//b',
    );
  });

  it('an unknown auth scheme or mode route is refused, naming the choices', () => {
    const refused = (options: object) => {
      try {
        resolveSettings({ apiKey: 'k', baseURL: 'https://relay.example', ...options });
      } catch (e) {
        return e as InvalidRequestError;
      }
    };
    const scheme = refused({ authScheme: 'basic' });
    expect(scheme).toBeInstanceOf(InvalidRequestError);
    expect(scheme?.provider).toBe('mjproxy');
    expect(scheme?.message).toBe('authScheme must be one of mj-api-secret, bearer, raw.');
    expect(refused({ modeVia: 'header' })?.message).toBe("modeVia must be 'prompt' or 'path'.");
    expect(resolveSettings({ apiKey: 'k', baseURL: 'https://relay.example', modeVia: 'path' }).modeVia).toBe('path');
  });
});

describe('finding a lost submission in /mj/task/list (§3.16)', () => {
  const sentAt = '2026-01-01T12:00:00.000Z';
  const at = (offsetMs: number) => Date.parse(sentAt) + offsetMs;
  const imagine = { provider: 'mjproxy', operation: 'imagine', prompt: 'a red fox', sentAt } as const;

  it('by ref alone: the task whose state is the ref, whatever its prompt', () => {
    const listed = [
      { id: '1', action: 'IMAGINE', prompt: 'a red fox', state: 'other', submitTime: at(1000) },
      { id: '2', action: 'IMAGINE', prompt: 'something else', state: 'order-7', submitTime: at(2000) },
    ];
    expect(findInListing({ ...imagine, ref: 'order-7' }, listed)?.id).toBe('2');
    expect(findInListing({ ...imagine, ref: 'order-8' }, listed)).toBeUndefined();
  });

  it('by prompt and operation: the nearest in time wins; other operations and prompts do not match', () => {
    const listed = [
      { id: 'far', action: 'IMAGINE', prompt: 'a red fox', submitTime: at(50_000) },
      { id: 'near', action: 'IMAGINE', prompt: 'a red fox --v 6', submitTime: at(500) },
      { id: 'upscale', action: 'UPSCALE', prompt: 'a red fox', submitTime: at(100) },
      { id: 'other', action: 'IMAGINE', prompt: 'a blue fox', submitTime: at(10) },
      'not a task',
    ];
    expect(findInListing(imagine, listed)?.id).toBe('near');
  });

  it('a task created before the submission (past the clock-skew allowance) is not it', () => {
    const listed = [{ id: 'old', action: 'IMAGINE', prompt: 'a red fox', submitTime: at(-10 * 60_000) }];
    expect(findInListing(imagine, listed)).toBeUndefined();
    // No time (0 or none): it may still be it.
    expect(findInListing(imagine, [{ ...listed[0], submitTime: 0 }])?.id).toBe('old');
    expect(findInListing(imagine, [{ id: 'untimed', action: 'IMAGINE', prompt: 'a red fox' }])?.id).toBe('untimed');
  });

  it('a task created right at the start of the clock-skew allowance is still a candidate', () => {
    const listed = [{ id: 'edge', action: 'IMAGINE', prompt: 'a red fox', submitTime: at(-60_000) }];
    expect(findInListing(imagine, listed)?.id).toBe('edge');
  });

  it('a task with a time comes before one without', () => {
    const listed = [
      { id: 'untimed', action: 'IMAGINE', prompt: 'a red fox' },
      { id: 'timed', action: 'IMAGINE', prompt: 'a red fox', submitTime: at(30_000) },
    ];
    expect(findInListing(imagine, listed)?.id).toBe('timed');
  });

  it('without a prompt or ref nothing can be matched', () => {
    const listed = [{ id: '1', action: 'DESCRIBE', submitTime: at(100) }];
    expect(findInListing({ provider: 'mjproxy', operation: 'describe', sentAt }, listed)).toBeUndefined();
  });
});
