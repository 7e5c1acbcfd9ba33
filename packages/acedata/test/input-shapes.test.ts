// What AceData's own inputs accept (`providerOptions` of imagine, act and video; `edit`'s input),
// value by value, and the words a refusal carries, before anything is sent.
import { InvalidRequestError, type Job } from '@mjgate/core';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ACEDATA_ACTION_IDS } from '../src/index.js';
import { recordToJob } from '../src/mapping.js';
import type { AceDataTaskRecord } from '../src/schemas.js';
import { answerPosts, client, failure, fixture } from './helpers.js';

beforeEach(() => {
  nock.disableNetConnect();
});
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

const TASK = 'b726a27a-f379-4d91-b569-cfe4b7b299ee';
const PARENT_ID = '7489df4c-ef03-4de0-b598-e9a590793434';
const PARENT_IMAGE_ID = '1259525319472185344';

/** Acknowledges one submission to `path`, recording the JSON body sent. */
const acknowledge = (path: string) => answerPosts(path, [{ task_id: TASK }]);

/** A finished grid that offers every AceData action. */
function parentJob(): Job {
  const record = fixture<AceDataTaskRecord>('task-succeeded.json');
  return { ...recordToJob(record, PARENT_ID), actions: [...ACEDATA_ACTION_IDS] };
}

/** The refusal of `promise`, checked to be an InvalidRequestError from AceData sent before any request. */
async function refusal(promise: Promise<unknown>): Promise<string> {
  const error = await failure(promise);
  expect(error).toBeInstanceOf(InvalidRequestError);
  expect(error.provider).toBe('acedata');
  expect(error.retryable).toBe(false);
  return error.message;
}

describe('imagine providerOptions: version', () => {
  it.each(['v7', '7x', '8.2 --q 2', '.5'])('refuses %j and says what a version looks like', async (version) => {
    const { scope } = acknowledge('/midjourney/imagine');
    expect(await refusal(client().imagine({ prompt: 'a red fox', providerOptions: { version } }))).toBe(
      "Invalid imagine providerOptions input: `version` must be a Midjourney version such as '7' or '8.2'.",
    );
    expect(scope.isDone()).toBe(false);
  });

  // Digits, then maybe a dot and digits: a version Midjourney has yet to release still goes through.
  it.each(['7', '10', '8.2', '5.25'])('sends version %j in the field and in the prompt', async (version) => {
    const { bodies } = acknowledge('/midjourney/imagine');
    await client().imagine({ prompt: 'a red fox', providerOptions: { version } });
    expect(bodies[0]).toMatchObject({ prompt: `a red fox --v ${version}`, version });
  });
});

describe('imagine providerOptions: quality', () => {
  it.each(['.25', '.5', '1', '2'])('sends quality %j as it is', async (quality) => {
    const { bodies } = acknowledge('/midjourney/imagine');
    await client().imagine({ prompt: 'a red fox', providerOptions: { quality } as never });
    expect(bodies).toEqual([{ action: 'generate', prompt: 'a red fox', split_images: true, quality, async: true }]);
  });
});

describe('act providerOptions: mode', () => {
  it.each(['fast', 'relax', 'turbo'] as const)('sends mode %j with the action', async (mode) => {
    const { bodies } = acknowledge('/midjourney/imagine');
    await client().act(parentJob(), 'upscale-1', { providerOptions: { mode } });
    expect(bodies).toEqual([{ action: 'upscale1', image_id: PARENT_IMAGE_ID, mode, async: true }]);
  });
});

describe('video providerOptions: resolution and mode', () => {
  it.each([
    ['480p', 'fast'],
    ['720p', 'fast'],
    ['720p', 'turbo'],
  ] as const)('sends resolution %j in mode %j', async (resolution, mode) => {
    const { bodies } = acknowledge('/midjourney/videos');
    await client().video({ imageUrl: 'https://img.example/cat.png', providerOptions: { resolution, mode } });
    expect(bodies).toEqual([
      { action: 'generate', image_url: 'https://img.example/cat.png', resolution, mode, async: true },
    ]);
  });
});

describe('edit input', () => {
  const INPUT = { imageUrl: 'https://img.example/room.png', prompt: 'make the walls blue' };

  it.each([
    [
      'an image that is no URL',
      { imageUrl: 'room.png' },
      '`imageUrl` must be an absolute URL; `imageUrl` must be an http(s) URL',
    ],
    [
      'an image URL that is not http(s), even with one inside',
      { imageUrl: 'ftp://files.example/http://img.example/room.png' },
      '`imageUrl` must be an http(s) URL',
    ],
    ['a blank prompt', { prompt: '   ' }, '`prompt` must not be empty'],
    ['an empty mask', { mask: '' }, '`mask` must not be empty'],
  ])('refuses %s, naming the field', async (_name, change, problem) => {
    const { scope } = acknowledge('/midjourney/edits');
    expect(await refusal(client().edit({ ...INPUT, ...change }))).toBe(`Invalid edit input: ${problem}.`);
    expect(scope.isDone()).toBe(false);
  });

  it.each(['fast', 'relax', 'turbo'] as const)('sends mode %j', async (mode) => {
    const { bodies } = acknowledge('/midjourney/edits');
    await client().edit({ ...INPUT, mode });
    expect(bodies).toEqual([
      { image_url: INPUT.imageUrl, prompt: INPUT.prompt, mode, split_images: true, async: true },
    ]);
  });
});
