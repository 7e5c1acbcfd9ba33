// Looking up a submission with an unknown outcome: the shared matching rules, core's answer for a
// vendor with no job listing, and the mock provider a user scripts to test their recovery code.
import { describe, expect, it } from 'vitest';
import { createClient } from '../src/client.js';
import { MjGateError, ProviderError, type Submission, UnsupportedError } from '../src/errors.js';
import {
  nearestFirst,
  operationMatches,
  promptMatches,
  SUBMISSION_CLOCK_SKEW_MS,
  submissionWindowStart,
} from '../src/submission.js';
import { createMockProvider } from '../src/testing.js';

describe('promptMatches: the listed prompt is the sent one, with image URLs before and flags after at most', () => {
  it.each([
    ['a red fox', 'a red fox', true],
    ['a red fox', 'a red fox --ar 16:9 --fast', true],
    ['a red fox', 'https://img.example/a.png a red fox --iw 2', true],
    ['a red fox', '<https://img.example/a.png> <https://img.example/b.png> a red fox', true],
    ['a red fox --ar 16:9', 'a red fox --ar 16:9 --v 7', true],
    ['  A Red   fox ', 'a red fox', true],
    ['a fox', 'a fox in snow', false],
    ['a fox', 'one a fox', false],
    ['red fox', 'a red fox', false],
    ['a fox in snow', 'a fox', false],
    ['', 'a fox', false],
  ])('%j in %j → %s', (sent, listed, expected) => {
    expect(promptMatches(sent, listed)).toBe(expected);
  });
});

describe('operationMatches, nearestFirst, submissionWindowStart', () => {
  it('an operation matches itself or an unknown one; imagine and blend only where the vendor merges them', () => {
    expect(operationMatches('imagine', 'imagine')).toBe(true);
    expect(operationMatches('imagine', undefined)).toBe(true);
    expect(operationMatches('imagine', 'action')).toBe(false);
    expect(operationMatches('blend', 'imagine')).toBe(false);
    expect(operationMatches('blend', 'imagine', { sameGenerate: true })).toBe(true);
    expect(operationMatches('action', 'imagine', { sameGenerate: true })).toBe(false);
  });

  it('orders candidates by distance from sentAt, those with no time last', () => {
    const sentAt = '2030-01-01T00:00:10.000Z';
    const at = (s: number) => Date.parse('2030-01-01T00:00:00.000Z') + s * 1000;
    const items = [
      { id: 'none', t: undefined },
      { id: 'far', t: at(70) },
      { id: 'near-before', t: at(8) },
      { id: 'near-after', t: at(11) },
    ];
    expect(nearestFirst(items, (i) => i.t, sentAt).map((i) => i.id)).toEqual([
      'near-after',
      'near-before',
      'far',
      'none',
    ]);
  });

  it('the window opens a clock-skew allowance before sentAt; a sentAt that is not a time is refused', () => {
    const sub: Submission = { provider: 'x', operation: 'imagine', sentAt: '2030-01-01T00:10:00.000Z' };
    expect(submissionWindowStart(sub)).toBe(Date.parse(sub.sentAt) - SUBMISSION_CLOCK_SKEW_MS);
    expect(() => submissionWindowStart({ ...sub, sentAt: 'soon' }, 'x')).toThrow(/sentAt must be an ISO-8601 time/);
  });
});

describe('a vendor with no job listing', () => {
  it('findSubmission throws UnsupportedError that points at webhooks', async () => {
    const client = createClient({
      provider: 'nolist',
      capabilities: {
        operations: ['imagine'],
        actions: [],
        batchGet: false,
        webhooks: true,
        cancel: false,
        account: false,
      },
      async get() {
        throw new Error('not used');
      },
    });
    const error = await client
      .findSubmission({ provider: 'nolist', operation: 'imagine', sentAt: new Date().toISOString() })
      .catch((e: unknown) => e);
    expect(UnsupportedError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/no way to list jobs.*webhookUrl/);
  });
});

describe('the mock provider', () => {
  it('loseAnswerNext: the job is created, the call fails ambiguously with its submission, and findSubmission finds it', async () => {
    const mock = createMockProvider({ steps: 2 });
    mock.loseAnswerNext('imagine');
    const error = await mock.imagine({ prompt: 'a red fox', ref: 'order-1' }).catch((e: unknown) => e);
    expect(MjGateError.isInstance(error) && error.mayHaveCreatedJob).toBe(true);
    const { submission } = error as MjGateError;
    expect(submission).toMatchObject({ provider: 'mock', operation: 'imagine', ref: 'order-1', prompt: 'a red fox' });
    expect(mock.jobs.size).toBe(1);

    const found = await mock.findSubmission(submission!);
    expect(found).toMatchObject({ id: 'mock:job-1', ref: 'order-1', prompt: 'a red fox' });
    await expect(mock.wait(found!)).resolves.toMatchObject({ status: 'succeeded' });
    // The answer is lost once: the next imagine answers normally.
    await expect(mock.imagine({ prompt: 'again' })).resolves.toMatchObject({ id: 'mock:job-2' });
  });

  it('an action whose answer was lost is found by its ref, not confused with its parent', async () => {
    const mock = createMockProvider({ steps: 1 });
    const grid = await mock.run({ prompt: 'a paper boat' });
    mock.loseAnswerNext('act');
    const error = (await mock.upscale(grid, 2).catch((e: unknown) => e)) as MjGateError;
    expect(error.submission).toMatchObject({ operation: 'action', prompt: 'a paper boat' });
    await expect(mock.findSubmission(error.submission!)).resolves.toMatchObject({
      operation: 'action',
      action: 'upscale-2',
      parentId: grid.id,
    });
  });

  it('a submission that created nothing is not found, and findSubmission can be scripted to fail', async () => {
    const mock = createMockProvider();
    const sentAt = new Date().toISOString();
    await expect(
      mock.findSubmission({ provider: 'mock', operation: 'imagine', prompt: 'never sent', sentAt }),
    ).resolves.toBeUndefined();
    mock.failNext('findSubmission', new ProviderError('mock is down', { provider: 'mock' }));
    await expect(mock.findSubmission({ provider: 'mock', operation: 'imagine', prompt: 'x', sentAt })).rejects.toThrow(
      'mock is down',
    );
    expect(mock.calls.filter((c) => c.method === 'findSubmission')).toHaveLength(2);
  });
});
