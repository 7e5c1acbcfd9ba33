// findInTasks edges: the task listing (§10.1) read through a fake source, so each rule of the match
// (window, task type, callback ref, recorded prompt, paging) is pinned down on its own.
import { type Submission, UnsupportedError } from '@mjgate/core';
import { signWebhookUrl, submissionWindowStart } from '@mjgate/core/provider';
import { describe, expect, it, vi } from 'vitest';
import { findInTasks, TASK_MAX_PAGES, TASK_PAGE_SIZE } from '../src/find.js';
import type { AceDataTaskRecord } from '../src/schemas.js';
import { failure } from './helpers.js';

/** A whole second, so a task can be listed exactly at the start of the window. */
const SENT = Math.floor(Date.now() / 1000) * 1000 - 10_000;
const submission = (fields: Partial<Submission> = {}): Submission => ({
  provider: 'acedata',
  operation: 'imagine',
  sentAt: new Date(SENT).toISOString(),
  ...fields,
});
const SINCE = submissionWindowStart(submission(), 'acedata');

let serial = 0;
/** A task record listed `createdMs` after the submission (epoch seconds, as AceData lists them). */
function task(request: Record<string, unknown> | undefined, createdMs: number | null = 1_000, type = 'imagine') {
  serial += 1;
  const id = `7489df4c-ef03-4de0-b598-${String(serial).padStart(12, '0')}`;
  return {
    id,
    type,
    ...(request ? { request } : {}),
    ...(createdMs === null ? {} : { created_at: (SENT + createdMs) / 1000 }),
  } as AceDataTaskRecord;
}

/** A source whose n-th list call answers `pages[n]` (an empty page after the last). */
function source(...pages: Array<{ items: AceDataTaskRecord[]; count?: number }>) {
  const list = vi.fn(async (_query: { offset: number; limit: number; createdAtMin: number }) => {
    return pages[list.mock.calls.length - 1] ?? { items: [] };
  });
  const get = vi.fn(async () => {
    throw new Error('no get expected');
  });
  return { list, get } as const;
}

const find = (fields: Partial<Submission>, src: ReturnType<typeof source>) =>
  findInTasks(submission(fields), src as never, {});

const fox = { action: 'generate', prompt: 'a red fox' };

describe('what cannot be looked for', () => {
  it('describe and other unlisted operations say why, naming the provider, and list nothing', async () => {
    const src = source();
    const describeError = await failure(find({ operation: 'describe', prompt: 'x' }, src));
    expect(describeError).toBeInstanceOf(UnsupportedError);
    expect(describeError.message).toMatch(/^AceData answers describe in the same call/);
    expect(describeError.provider).toBe('acedata');
    const seedError = await failure(find({ operation: 'seed', prompt: 'x' }, src));
    expect(seedError.message).toBe('AceData has no seed task to look for.');
    expect(seedError.provider).toBe('acedata');
    const neither = await failure(find({ ref: '  ', prompt: '' }, src));
    expect(neither).toBeInstanceOf(UnsupportedError);
    expect(neither.provider).toBe('acedata');
    expect(src.list).not.toHaveBeenCalled();
  });
});

describe('matching', () => {
  it('a ref alone is enough to look, and finds the task whose callback carries it', async () => {
    const url = await signWebhookUrl('https://app.example/hooks', 'acedata', 'secret', {
      operation: 'action',
      ref: 'r-1',
    });
    const ours = task({ action: 'upsample1', image_id: 'img', callback_url: url });
    const job = await find({ operation: 'action', ref: 'r-1' }, source({ items: [ours], count: 1 }));
    expect(job?.providerJobId).toBe(ours.id);
  });

  it('skips records with no id, no request, no type, and edits of any spelling', async () => {
    const noId = { type: 'imagine', request: fox, created_at: (SENT + 1_000) / 1000 } as AceDataTaskRecord;
    const noRequest = task(undefined);
    const noType = { ...task(fox), type: undefined } as unknown as AceDataTaskRecord;
    const edit = task(fox, 1_000, ' Edits ');
    const found = await find({ prompt: 'a red fox' }, source({ items: [noId, noRequest, edit, noType], count: 4 }));
    expect(found?.providerJobId).toBe(noType.id);
    const none = await find({ prompt: 'a red fox' }, source({ items: [noId, noRequest, edit], count: 3 }));
    expect(none).toBeUndefined();
  });

  it('a task listed exactly at the start of the window is in it', async () => {
    const edge = task(fox, SINCE - SENT);
    const job = await find({ prompt: 'a red fox' }, source({ items: [edge], count: 1 }));
    expect(job?.providerJobId).toBe(edge.id);
  });

  it('a task of another type with the same prompt is not it; a blend and an imagine find each other', async () => {
    const video = task(
      { action: 'generate', prompt: 'a red fox', image_url: 'https://img.example/a.png' },
      1_000,
      'videos',
    );
    expect(await find({ prompt: 'a red fox' }, source({ items: [video], count: 1 }))).toBeUndefined();
    const grid = task({ action: 'generate', prompt: 'https://img.example/a.png https://img.example/b.png a red fox' });
    const job = await find({ operation: 'blend', prompt: 'a red fox' }, source({ items: [grid], count: 1 }));
    expect(job?.providerJobId).toBe(grid.id);
    const imagine = await find({ operation: 'imagine', prompt: 'a red fox' }, source({ items: [grid], count: 1 }));
    expect(imagine?.providerJobId).toBe(grid.id);
  });

  it('another prompt is not it, even under an mjgate callback without a ref', async () => {
    const url = await signWebhookUrl('https://app.example/hooks', 'acedata', 'secret', { operation: 'imagine' });
    const other = task({ action: 'generate', prompt: 'a blue whale', callback_url: url });
    expect(await find({ prompt: 'a red fox' }, source({ items: [other], count: 1 }))).toBeUndefined();
    const plain = task({ action: 'generate', prompt: 'a blue whale' });
    expect(await find({ prompt: 'a red fox' }, source({ items: [plain], count: 1 }))).toBeUndefined();
  });

  it('a callback URL mjgate did not sign is ignored: the prompt decides, and the job gets the ref', async () => {
    const record = task({ ...fox, callback_url: 'https://app.example/hooks?ref=theirs' });
    const job = await find({ prompt: 'a red fox', ref: 'r-2' }, source({ items: [record], count: 1 }));
    expect(job).toMatchObject({ providerJobId: record.id, ref: 'r-2' });
    const odd = task({ ...fox, callback_url: 42 });
    expect((await find({ prompt: 'a red fox' }, source({ items: [odd], count: 1 })))?.providerJobId).toBe(odd.id);
  });

  it('a blank ref is no ref', async () => {
    const record = task(fox);
    for (const ref of ['', '   ']) {
      const job = await find({ prompt: 'a red fox', ref }, source({ items: [record], count: 1 }));
      expect(job?.providerJobId).toBe(record.id);
      expect(job?.ref).toBeUndefined();
    }
  });

  it('of two matches, one with no creation time loses to one created near sentAt', async () => {
    const undated = task(fox, null);
    const near = task(fox, 500);
    const job = await find({ prompt: 'a red fox' }, source({ items: [undated, near], count: 2 }));
    expect(job?.providerJobId).toBe(near.id);
  });
});

describe('paging', () => {
  const filler = (n: number, createdMs = 1_000) =>
    Array.from({ length: n }, () => task({ action: 'generate', prompt: 'something else' }, createdMs));

  it('reads at most TASK_MAX_PAGES pages', async () => {
    const list = vi.fn(async () => ({ items: filler(TASK_PAGE_SIZE) }));
    const found = await findInTasks(submission({ prompt: 'a red fox' }), { list, get: vi.fn() } as never, {});
    expect(found).toBeUndefined();
    expect(list).toHaveBeenCalledTimes(TASK_MAX_PAGES);
  });

  it('an empty page ends the search', async () => {
    const src = source({ items: [] }, { items: [task(fox)] });
    expect(await find({ prompt: 'a red fox' }, src)).toBeUndefined();
    expect(src.list).toHaveBeenCalledTimes(1);
  });

  it('reads on while the count is not reached', async () => {
    const ours = task(fox);
    const src = source({ items: filler(TASK_PAGE_SIZE), count: 60 }, { items: [ours, ...filler(9)], count: 60 });
    expect((await find({ prompt: 'a red fox' }, src))?.providerJobId).toBe(ours.id);
    expect(src.list.mock.calls.map(([query]) => query.offset)).toEqual([0, TASK_PAGE_SIZE]);
  });

  it('reads on past a page only partly older than the window, or listed at its very start', async () => {
    const older = filler(1, -120_000);
    for (const first of [[...filler(1), ...older], filler(2, SINCE - SENT)]) {
      const ours = task(fox);
      const src = source({ items: first }, { items: [ours] });
      expect((await find({ prompt: 'a red fox' }, src))?.providerJobId).toBe(ours.id);
    }
  });
});
