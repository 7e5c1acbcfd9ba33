import { NotFoundError } from '@mjgate/core';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BASE, client, fixture, SECRET } from './helpers.js';

// What the client remembers of its own submissions (new-api keeps no parent nor prompt, §12.9; a
// brand-new task may not be readable yet, §3.12), and what a callback reaching another process
// still knows from its signed URL (§5).

beforeEach(() => nock.disableNetConnect());
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
  vi.useRealTimers();
});

describe('a task submitted moments ago (§3.12)', () => {
  it('reads as queued for 30 s while the server answers empty; after that it is unknown', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.UTC(2026, 0, 1));
    const id = '8498455807619990';
    nock(BASE).post('/mj/submit/imagine').reply(200, fixture('submit-success'));
    nock(BASE).get(`/mj/task/${id}/fetch`).times(2).reply(200, '');
    const mj = client();
    const job = await mj.imagine({ prompt: 'a cat' });
    vi.setSystemTime(Date.UTC(2026, 0, 1) + 30_000);
    expect(await mj.get(job)).toMatchObject({ id: job.id, status: 'queued', prompt: 'a cat' });
    vi.setSystemTime(Date.UTC(2026, 0, 1) + 30_001);
    await expect(mj.get(job)).rejects.toThrow(`mjproxy does not know task ${id} (an empty answer).`);
  });

  it('the client remembers its last 2,000 submissions', async () => {
    let next = 0;
    const fetch = async (input: Request | URL | string) => {
      const path = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url).pathname;
      if (path === '/mj/submit/imagine') return Response.json({ code: 1, description: 'ok', result: String(++next) });
      return new Response('', { status: 200 });
    };
    const mj = client({ fetch: fetch as typeof globalThis.fetch });
    for (let i = 0; i < 2_000; i += 1) await mj.imagine({ prompt: 'a cat' });
    expect(await mj.get('1')).toMatchObject({ status: 'queued', prompt: 'a cat' });
    await mj.imagine({ prompt: 'a cat' });
    await expect(mj.get('1')).rejects.toThrow(NotFoundError);
    expect((await mj.get('2')).status).toBe('queued');
  }, 60_000);
});

describe('the job of a submission', () => {
  it('carries the prompt as sent, with the flags the adapter added', async () => {
    nock(BASE).post('/mj/submit/imagine', { prompt: 'a cat --ar 16:9 --fast' }).reply(200, fixture('submit-success'));
    const job = await client().imagine({ prompt: 'a cat', aspectRatio: '16:9', mode: 'fast' });
    expect(job.prompt).toBe('a cat --ar 16:9 --fast');
  });

  it('a blend (which sends no prompt) has none, even when a blank one was given', async () => {
    nock(BASE)
      .post('/mj/submit/blend', (body) => !('prompt' in body))
      .reply(200, fixture('submit-success'));
    const job = await client().blend({
      imageUrls: ['https://example.com/a.png', 'https://example.com/b.png'],
      prompt: ' ',
    });
    expect(job).not.toHaveProperty('prompt');
  });
});

describe('a callback reaching another process (§5)', () => {
  it('keeps the operation the signed URL names when the Task has no action', async () => {
    let hook = '';
    nock(BASE)
      .post('/mj/submit/describe', (body) => {
        hook = body.notifyHook;
        return true;
      })
      .reply(200, fixture('submit-success'));
    await client({ webhookSecret: SECRET }).describe({
      imageUrl: 'https://example.com/cat.png',
      webhookUrl: 'https://app.example.com/hooks/mj',
    });
    const body = { id: '8498455807619990', status: 'SUCCESS', description: '1️⃣ a cat\n\n2️⃣ a kitten' };
    const job = await client({ webhookSecret: SECRET }).parseWebhook({
      url: hook,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(job).toMatchObject({ operation: 'describe', status: 'succeeded', texts: ['a cat', 'a kitten'] });
  });
});
