import { InvalidRequestError, WebhookVerificationError } from '@mjgate/core';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BASE, client } from './helpers.js';

const SECRET = 'whsec-test-0123456789';
const INPUT = { imageUrl: 'https://img.example/room.png', prompt: 'make the walls blue' };

beforeEach(() => {
  nock.disableNetConnect();
});
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

/** Answers one edit submission with `taskId` and returns the callback_url it carried. */
function answerEdit(taskId: string): { url: () => string } {
  let sent = '';
  nock(BASE)
    .post('/midjourney/edits')
    .reply(200, async (request: Request) => {
      sent = String(((await request.json()) as { callback_url?: string }).callback_url);
      return { task_id: taskId };
    });
  return { url: () => sent };
}

const post = (url: string, body: unknown) => ({
  url,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

describe('edit', () => {
  it('names the edit call in an input error', async () => {
    const promise = client().edit({ prompt: 'no image' } as never);
    await expect(promise).rejects.toThrow(InvalidRequestError);
    await expect(promise).rejects.toThrow(/^Invalid edit input: /);
  });

  it('keeps the ref on the job it returns', async () => {
    answerEdit('e-1');
    const job = await client().edit({ ...INPUT, ref: 'order-7' });
    expect(job).toMatchObject({ id: 'acedata:e-1', ref: 'order-7' });
  });

  it('signs the callback URL with the client webhook TTL', async () => {
    // Only Date is faked: the expiry is computed from it, and nock's I/O keeps its real timers.
    vi.useFakeTimers({ toFake: ['Date'], now: 1_800_000_000_000 });
    try {
      const sent = answerEdit('e-2');
      await client({ webhookSecret: SECRET, webhookTtlMs: 60_000 }).edit({
        ...INPUT,
        webhookUrl: 'https://app.example/h',
      });
      expect(new URL(sent.url()).searchParams.get('mjgate_exp')).toBe('1800000060');
    } finally {
      vi.useRealTimers();
    }
  });

  it('remembers which task its callback URL was handed out for', async () => {
    const sent = answerEdit('e-3');
    const mj = client({ webhookSecret: SECRET });
    await mj.edit({ ...INPUT, webhookUrl: 'https://app.example/h' });
    const other = { task_id: 'someone-else', success: true, image_url: 'https://cdn.acedata.cloud/a.png' };
    await expect(mj.parseWebhook(post(sent.url(), other))).rejects.toThrow(WebhookVerificationError);
    const own = { ...other, task_id: 'e-3' };
    await expect(mj.parseWebhook(post(sent.url(), own))).resolves.toMatchObject({ id: 'acedata:e-3' });
  });
});
