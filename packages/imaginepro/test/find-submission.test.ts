// findSubmission on ImaginePro: a lost answer's job looked up in the history (§3.7), confirmed by
// the message's echoed `ref` (§2.1, §3.2).
import { InvalidRequestError, type Submission, UnsupportedError } from '@mjgate/core';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { client, expectCall } from './helpers.js';

const OURS = '0b7f3c2e-1111-4a4a-8a8a-000000000001';
const OTHER = '0b7f3c2e-2222-4a4a-8a8a-000000000002';
const OLDER = '0b7f3c2e-3333-4a4a-8a8a-000000000003';
const PARENT = '0b7f3c2e-4444-4a4a-8a8a-000000000004';

/** The moment the lost submission was sent, and times relative to it. */
const SENT = Date.now() - 10_000;
const at = (offsetMs: number) => new Date(SENT + offsetMs).toISOString();

function submission(fields: Partial<Submission> = {}): Submission {
  return { provider: 'imaginepro', operation: 'imagine', sentAt: at(0), ...fields };
}

function entry(id: string, fields: Record<string, unknown>) {
  return { id, type: 'imagine', uri: `https://cdn.imaginepro.ai/storage/${id}.png`, ...fields };
}

function done(id: string, fields: Record<string, unknown> = {}) {
  return {
    messageId: id,
    status: 'DONE',
    progress: 100,
    uri: `https://cdn.imaginepro.ai/storage/${id}.png`,
    images: [1, 2, 3, 4].map((tile) => `https://cdn.imaginepro.ai/storage/${id}-${tile}.png`),
    buttons: ['U1', 'U2', 'U3', 'U4', '🔄', 'V1', 'V2', 'V3', 'V4'],
    createdAt: at(1_000),
    updatedAt: at(30_000),
    ...fields,
  };
}

const history = (page: number, images: unknown[]) =>
  expectCall('get', `/api/v1/nova/images?page=${page}&size=100`, { images });

beforeEach(() => {
  nock.disableNetConnect();
});
afterEach(() => {
  nock.cleanAll();
});

describe('ImaginePro findSubmission', () => {
  it('reads the job directly when the cut answer named it, without reading the history', async () => {
    const read = expectCall('get', `/api/v1/message/fetch/${OURS}`, done(OURS, { prompt: 'a red fox', ref: 'r-1' }));
    const job = await client().findSubmission(submission({ providerJobId: OURS, ref: 'r-1' }));
    expect(read.count).toBe(1);
    expect(job).toMatchObject({ id: `imaginepro:${OURS}`, status: 'succeeded', ref: 'r-1' });
  });

  it('a named id ImaginePro does not know (yet) is "not found": undefined', async () => {
    expectCall(
      'get',
      `/api/v1/message/fetch/${OURS}`,
      { message: 'Message not found', statusCode: 404 },
      { status: 404 },
    );
    await expect(client().findSubmission(submission({ providerJobId: OURS }))).resolves.toBeUndefined();
  });

  it('finds the job by its ref: the entry nearest sentAt whose message echoes the ref, with the flags the adapter added', async () => {
    history(1, [
      entry(OTHER, { prompt: 'a blue whale --ar 16:9', createdAt: at(3_000) }),
      entry(OURS, { prompt: 'a red fox in snow --ar 16:9 --fast', createdAt: at(1_000) }),
      entry(OLDER, { prompt: 'a red fox in snow --ar 16:9 --fast', createdAt: at(-120_000) }),
    ]);
    const read = expectCall(
      'get',
      `/api/v1/message/fetch/${OURS}`,
      done(OURS, { prompt: 'a red fox in snow --ar 16:9 --fast', ref: 'order-7' }),
    );
    const job = await client().findSubmission(submission({ ref: 'order-7', prompt: 'a red fox in snow' }));
    expect(job).toMatchObject({ id: `imaginepro:${OURS}`, operation: 'imagine', status: 'succeeded', ref: 'order-7' });
    expect(read.count).toBe(1); // the whale's prompt differs, the older fox predates the submission: neither is read
    expect(nock.isDone()).toBe(true); // one history page: it reached entries older than the submission
  });

  it("a same-prompt job whose ref differs is someone else's: undefined", async () => {
    history(1, [
      entry(OTHER, { prompt: 'a red fox in snow', createdAt: at(2_000) }),
      entry(OLDER, { prompt: 'a red fox in snow', createdAt: at(-300_000) }),
    ]);
    expectCall('get', `/api/v1/message/fetch/${OTHER}`, done(OTHER, { prompt: 'a red fox in snow', ref: 'order-8' }));
    await expect(
      client().findSubmission(submission({ ref: 'order-7', prompt: 'a red fox in snow' })),
    ).resolves.toBeUndefined();
  });

  it('with a ref, a job whose prompt the history lists differently is still found (prompt matches are only read first)', async () => {
    history(1, [
      entry(OTHER, { prompt: 'a red fox', createdAt: at(2_000) }),
      entry(OURS, { prompt: 'A RED FOX, in the snow', createdAt: at(1_000) }),
      entry(OLDER, { prompt: 'x', createdAt: at(-90_000) }),
    ]);
    const reads = [
      expectCall('get', `/api/v1/message/fetch/${OTHER}`, done(OTHER, { prompt: 'a red fox', ref: 'theirs' })),
      expectCall('get', `/api/v1/message/fetch/${OURS}`, done(OURS, { prompt: 'A RED FOX, in the snow', ref: 'mine' })),
    ];
    const job = await client().findSubmission(submission({ ref: 'mine', prompt: 'a red fox' }));
    expect(job?.id).toBe(`imaginepro:${OURS}`);
    expect(reads.map((read) => read.count)).toEqual([1, 1]);
  });

  it('without a ref the prompt decides, and a job made with a ref is not one made without', async () => {
    history(1, [
      entry(OTHER, { prompt: 'a paper boat --ar 3:2', createdAt: at(1_500) }),
      entry(OURS, { prompt: 'a paper boat --ar 3:2', createdAt: at(4_000) }),
      entry(OLDER, { prompt: 'a paper boat', createdAt: at(-90_000) }),
    ]);
    expectCall(
      'get',
      `/api/v1/message/fetch/${OTHER}`,
      done(OTHER, { prompt: 'a paper boat --ar 3:2', ref: 'theirs' }),
    );
    expectCall('get', `/api/v1/message/fetch/${OURS}`, done(OURS, { prompt: 'a paper boat --ar 3:2', ref: '' }));
    const job = await client().findSubmission(submission({ prompt: 'a paper boat' }));
    expect(job?.id).toBe(`imaginepro:${OURS}`);
  });

  it('a longer prompt is another job: "a fox" does not match "a fox in snow"', async () => {
    history(1, [
      entry(OTHER, { prompt: 'a fox in snow', createdAt: at(1_000) }),
      entry(OLDER, { prompt: 'a fox', createdAt: at(-90_000) }),
    ]);
    await expect(client().findSubmission(submission({ prompt: 'a fox' }))).resolves.toBeUndefined();
  });

  it('an action matches button entries only, not the imagine it acted on', async () => {
    history(1, [
      entry(OURS, { type: 'button', button: 'U2', prompt: 'a red fox', createdAt: at(2_000) }),
      entry(PARENT, { type: 'imagine', prompt: 'a red fox', createdAt: at(-30_000) }),
      entry(OLDER, { prompt: 'x', createdAt: at(-600_000) }),
    ]);
    expectCall(
      'get',
      `/api/v1/message/fetch/${OURS}`,
      done(OURS, { prompt: 'a red fox', originatingMessageId: PARENT, buttons: ['Vary (Subtle)'], images: undefined }),
    );
    const job = await client().findSubmission(submission({ operation: 'action', prompt: 'a red fox' }));
    expect(job).toMatchObject({ id: `imaginepro:${OURS}`, operation: 'action', parentId: `imaginepro:${PARENT}` });
  });

  it('pages back until the entries predate the submission', async () => {
    const recent = Array.from({ length: 100 }, (_, index) =>
      entry(`0b7f3c2e-5555-4a4a-8a8a-${String(index).padStart(12, '0')}`, {
        prompt: `another job ${index}`,
        createdAt: at(9_000),
      }),
    );
    history(1, recent);
    history(2, [
      entry(OURS, { prompt: 'a lighthouse at dusk', createdAt: at(500) }),
      entry(OLDER, { prompt: 'a lighthouse at dusk', createdAt: at(-200_000) }),
    ]);
    expectCall('get', `/api/v1/message/fetch/${OURS}`, done(OURS, { prompt: 'a lighthouse at dusk', ref: 'lh-1' }));
    const job = await client().findSubmission(submission({ ref: 'lh-1', prompt: 'a lighthouse at dusk' }));
    expect(job?.id).toBe(`imaginepro:${OURS}`);
  });

  it('nothing listed since the submission (a job still running is not in the history yet): undefined', async () => {
    const first = history(1, [entry(OURS, { prompt: 'a red fox', createdAt: at(1_000) })]);
    const second = history(2, []);
    expectCall('get', `/api/v1/message/fetch/${OURS}`, done(OURS, { prompt: 'a red fox', ref: 'not-this' }));
    await expect(client().findSubmission(submission({ ref: 'mine', prompt: 'a red fox' }))).resolves.toBeUndefined();
    expect([first.count, second.count]).toEqual([1, 1]);
  });

  it('describe and video are not in the history, and a submission with neither ref nor prompt cannot be told: UnsupportedError, no request', async () => {
    const mj = client();
    await expect(mj.findSubmission(submission({ operation: 'describe', ref: 'd-1' }))).rejects.toSatisfy(
      (error: unknown) =>
        UnsupportedError.isInstance(error) && /history lists generated images only.*webhookUrl/.test(error.message),
    );
    await expect(mj.findSubmission(submission({ operation: 'video', prompt: 'waves' }))).rejects.toSatisfy(
      (e: unknown) => UnsupportedError.isInstance(e),
    );
    await expect(mj.findSubmission(submission({ operation: 'faceswap' }))).rejects.toSatisfy(
      (e: unknown) => UnsupportedError.isInstance(e) && /neither a ref nor a prompt.*unique ref/.test(e.message),
    );
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('a submission to another vendor, or with no time, is refused before any request', async () => {
    const mj = client();
    await expect(mj.findSubmission({ ...submission({ ref: 'x' }), provider: 'acedata' })).rejects.toSatisfy(
      (e: unknown) => InvalidRequestError.isInstance(e) && /sent to acedata/.test(e.message),
    );
    await expect(mj.findSubmission(submission({ ref: 'x', sentAt: 'yesterday' }))).rejects.toSatisfy(
      (e: unknown) => InvalidRequestError.isInstance(e) && /sentAt/.test(e.message),
    );
  });
});
