// findSubmission on AceData: a lost answer's task looked up with `retrieve_batch` (§10.1), matched
// by the ref in mjgate's callback URL or by the recorded prompt (§10.2).
import { type Submission, UnsupportedError } from '@mjgate/core';
import { signWebhookUrl } from '@mjgate/core/provider';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BASE, client } from './helpers.js';

const OURS = '7489df4c-ef03-4de0-b598-000000000001';
const OTHER = '7489df4c-ef03-4de0-b598-000000000002';
const OLDER = '7489df4c-ef03-4de0-b598-000000000003';

/** The moment the lost submission was sent (epoch ms), and AceData times (epoch seconds) relative to it. */
const SENT = Date.now() - 10_000;
const seconds = (offsetMs: number) => (SENT + offsetMs) / 1000;

function submission(fields: Partial<Submission> = {}): Submission {
  return { provider: 'acedata', operation: 'imagine', sentAt: new Date(SENT).toISOString(), ...fields };
}

/** A pending task record (no `response` yet, §10.3). */
function task(id: string, createdMs: number, request: Record<string, unknown>, type = 'imagine') {
  return { _id: id.slice(-24), id, type, request, created_at: seconds(createdMs) };
}

/** Answers `retrieve_batch` listings, recording every body; `pages[n]` is the answer to the n-th call. */
function listing(...pages: Array<{ items: unknown[]; count?: number }>) {
  const bodies: Array<Record<string, unknown>> = [];
  for (const page of pages) {
    nock(BASE)
      .post('/midjourney/tasks', (body) => body.action === 'retrieve_batch')
      .reply(200, async (request: Request) => {
        bodies.push((await request.json()) as Record<string, unknown>);
        return page as nock.Body;
      });
  }
  return bodies;
}

beforeEach(() => {
  nock.disableNetConnect();
});
afterEach(() => {
  nock.cleanAll();
});

describe('AceData findSubmission', () => {
  it('retrieves the task directly when the cut answer named it', async () => {
    let asked: unknown;
    nock(BASE)
      .post('/midjourney/tasks')
      .reply(200, async (request: Request) => {
        asked = await request.json();
        return task(OURS, 1_000, { action: 'generate', prompt: 'a red fox' });
      });
    const job = await client().findSubmission(submission({ providerJobId: OURS, prompt: 'a red fox' }));
    expect(asked).toEqual({ action: 'retrieve', id: OURS });
    expect(job).toMatchObject({ id: `acedata:${OURS}`, status: 'queued', prompt: 'a red fox' });
  });

  it('a named task AceData does not know is "not found": undefined', async () => {
    nock(BASE).post('/midjourney/tasks').reply(200, {});
    await expect(client().findSubmission(submission({ providerJobId: OURS }))).resolves.toBeUndefined();
  });

  it('lists tasks since sentAt (less a minute of clock skew) and matches the recorded prompt, flags and all', async () => {
    const bodies = listing({
      items: [
        task(OTHER, 3_000, { action: 'generate', prompt: 'a blue whale --ar 16:9' }),
        task(OURS, 1_000, { action: 'generate', prompt: 'a red fox in snow --ar 16:9 --v 7', async: true }),
      ],
      count: 2,
    });
    const job = await client().findSubmission(submission({ prompt: 'a red fox in snow', ref: 'order-7' }));
    expect(bodies).toEqual([
      { action: 'retrieve_batch', offset: 0, limit: 50, created_at_min: Math.floor((SENT - 60_000) / 1000) },
    ]);
    // AceData never saw the ref (no callback URL): the job is the caller's, so it gets the ref back.
    expect(job).toMatchObject({ id: `acedata:${OURS}`, operation: 'imagine', status: 'queued', ref: 'order-7' });
  });

  it('a task whose callback URL carries another ref is not this submission, even with the same prompt', async () => {
    const theirs = await signWebhookUrl('https://app.example/hooks', 'acedata', 'secret', {
      operation: 'imagine',
      ref: 'theirs',
    });
    listing({
      items: [task(OTHER, 1_000, { action: 'generate', prompt: 'a red fox', callback_url: theirs })],
      count: 1,
    });
    await expect(client().findSubmission(submission({ prompt: 'a red fox', ref: 'mine' }))).resolves.toBeUndefined();
  });

  it('an action is found by the ref in its callback URL, with the context mjgate signed into it', async () => {
    const parent = 'acedata:5c2e7d1a-0b7e-4a6f-8f4e-2f3b1c9d8e77';
    const url = (ref: string) =>
      signWebhookUrl('https://app.example/hooks', 'acedata', 'secret', {
        operation: 'action',
        action: 'upscale-2',
        parentId: parent,
        ref,
      });
    listing({
      items: [
        task(OTHER, 2_000, { action: 'upscale2', image_id: '1259525319472185344', callback_url: await url('up-b') }),
        task(OURS, 1_000, { action: 'upscale2', image_id: '1259525319472185344', callback_url: await url('up-a') }),
      ],
      count: 2,
    });
    const job = await client().findSubmission(submission({ operation: 'action', prompt: 'a red fox', ref: 'up-a' }));
    expect(job).toMatchObject({
      id: `acedata:${OURS}`,
      operation: 'action',
      action: 'upscale-2',
      parentId: parent,
      ref: 'up-a',
    });
  });

  it('an action submitted without a webhook cannot be told apart (AceData records no prompt for it): undefined', async () => {
    listing({ items: [task(OURS, 1_000, { action: 'upscale2', image_id: '1259525319472185344' })], count: 1 });
    await expect(
      client().findSubmission(submission({ operation: 'action', prompt: 'a red fox', ref: 'up-a' })),
    ).resolves.toBeUndefined();
  });

  it('a blend is an imagine with image URLs in front at AceData, so either finds it', async () => {
    const prompt = 'https://img.example/a.png https://img.example/b.png two cats --ar 1:1';
    listing({ items: [task(OURS, 1_000, { action: 'generate', prompt })], count: 1 });
    const job = await client().findSubmission(submission({ operation: 'blend', prompt: 'two cats' }));
    expect(job).toMatchObject({ id: `acedata:${OURS}`, operation: 'blend' });
  });

  it("an edit (AceData's own endpoint) with the same prompt is not an imagine", async () => {
    listing({
      items: [task(OTHER, 1_000, { image_url: 'https://img.example/a.png', prompt: 'a red fox' }, 'edits')],
      count: 1,
    });
    await expect(client().findSubmission(submission({ prompt: 'a red fox' }))).resolves.toBeUndefined();
  });

  it('of two tasks with the same prompt, the one created nearest sentAt', async () => {
    listing({
      items: [
        task(OTHER, 45_000, { action: 'generate', prompt: 'a paper boat' }),
        task(OURS, 800, { action: 'generate', prompt: 'a paper boat' }),
      ],
      count: 2,
    });
    const job = await client().findSubmission(submission({ prompt: 'a paper boat' }));
    expect(job?.id).toBe(`acedata:${OURS}`);
  });

  it('pages with offset until the count is reached', async () => {
    const others = Array.from({ length: 50 }, (_, i) =>
      task(`7489df4c-ef03-4de0-b598-1${String(i).padStart(11, '0')}`, 5_000, { prompt: `another job ${i}` }),
    );
    const bodies = listing(
      { items: others, count: 51 },
      { items: [task(OURS, 1_000, { action: 'generate', prompt: 'a lighthouse' })], count: 51 },
    );
    const job = await client().findSubmission(submission({ prompt: 'a lighthouse' }));
    expect(bodies.map((body) => body.offset)).toEqual([0, 50]);
    expect(job?.id).toBe(`acedata:${OURS}`);
  });

  it('a listing that ignores created_at_min stops at the first page older than the submission', async () => {
    const bodies = listing(
      { items: [task(OLDER, -120_000, { action: 'generate', prompt: 'a red fox' })], count: 500 },
      { items: [task(OTHER, -240_000, { action: 'generate', prompt: 'a red fox' })], count: 500 },
    );
    await expect(client().findSubmission(submission({ prompt: 'a red fox' }))).resolves.toBeUndefined();
    expect(bodies).toHaveLength(1);
  });

  it('describe leaves nothing to match, nor does a submission with neither ref nor prompt: UnsupportedError, no request', async () => {
    const mj = client();
    await expect(mj.findSubmission(submission({ operation: 'describe', ref: 'd-1' }))).rejects.toSatisfy(
      (error: unknown) => UnsupportedError.isInstance(error) && /describe again/.test(error.message),
    );
    await expect(mj.findSubmission(submission({ operation: 'video' }))).rejects.toSatisfy(
      (error: unknown) => UnsupportedError.isInstance(error) && /neither a ref nor a prompt/.test(error.message),
    );
    expect(nock.pendingMocks()).toEqual([]);
  });
});
