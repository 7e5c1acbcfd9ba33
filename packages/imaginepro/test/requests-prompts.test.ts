import type { Job } from '@mjgate/core';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { REQUESTS, requestOf } from '../src/requests.js';
import created from './fixtures/created.json' with { type: 'json' };
import { client, expectCall, jobFrom } from './helpers.js';

// The prompts the adapter writes for the vendor: Custom Zoom's `--zoom`, a video's `--motion`, and
// the prompt a blend job reports.

beforeEach(() => {
  nock.disableNetConnect();
});

afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

function zoomable(prompt?: string): Job {
  return jobFrom({ status: 'DONE', prompt, uri: 'https://cdn.imaginepro.ai/g.png', buttons: ['Custom Zoom'] }, 'm-1');
}

/** The prompt a custom-zoom press sends, given the parent's prompt and the caller's input. */
async function zoomPrompt(parentPrompt: string | undefined, input: { zoom: number; prompt?: string }) {
  const seen = expectCall('post', '/api/v1/nova/button', created);
  const job = await client().act(zoomable(parentPrompt), 'custom-zoom', input);
  const body = JSON.parse(seen.body ?? '{}') as { prompt?: string };
  expect(job.prompt).toBe(body.prompt);
  return body.prompt;
}

describe('custom-zoom writes its factor as --zoom', () => {
  it('on a parent without a prompt, the prompt is the flag alone', async () => {
    await expect(zoomPrompt(undefined, { zoom: 1.5 })).resolves.toBe('--zoom 1.5');
  });

  it('replaces a --zoom at the very start of the prompt', async () => {
    await expect(zoomPrompt(undefined, { zoom: 1.5, prompt: '--zoom 2 a red fox' })).resolves.toBe(
      'a red fox --zoom 1.5',
    );
  });

  it('replaces a --zoom with several spaces before its value', async () => {
    await expect(zoomPrompt('a red fox --zoom  2', { zoom: 1.5 })).resolves.toBe('a red fox --zoom 1.5');
  });

  it('replaces a --zoom whose value has several characters, whole', async () => {
    await expect(zoomPrompt('a red fox --zoom 1.75 --ar 16:9', { zoom: 1.5 })).resolves.toBe(
      'a red fox --ar 16:9 --zoom 1.5',
    );
  });

  it('leaves no run of spaces where the old flag was', async () => {
    await expect(zoomPrompt('a red fox  --zoom 2', { zoom: 1.5 })).resolves.toBe('a red fox --zoom 1.5');
  });
});

describe('a new video writes its motion as --motion', () => {
  async function videoBody(input: { prompt?: string; motion?: 'low' | 'high' }) {
    const seen = expectCall('post', '/api/v1/video/mj/generate', created);
    const job = await client().video({ imageUrl: 'https://img.example/start.png', ...input });
    return { body: seen.body, prompt: job.prompt };
  }

  it('motion alone: the flag alone', async () => {
    await expect(videoBody({ motion: 'low' })).resolves.toEqual({
      body: '{"prompt":"--motion low","startFrameUrl":"https://img.example/start.png"}',
      prompt: '--motion low',
    });
  });

  it('prompt alone: the prompt, trimmed', async () => {
    await expect(videoBody({ prompt: ' the fox runs ' })).resolves.toEqual({
      body: '{"prompt":"the fox runs","startFrameUrl":"https://img.example/start.png"}',
      prompt: 'the fox runs',
    });
  });

  it('neither: no prompt at all', async () => {
    const result = await videoBody({});
    expect(result.body).toBe('{"startFrameUrl":"https://img.example/start.png"}');
    expect(result.prompt).toBeUndefined();
  });
});

it('a blend job reports its images, space-separated, as its prompt', async () => {
  expectCall('post', '/api/v1/nova/blend', created);
  const job = await client().blend({ imageUrls: ['https://img.example/a.png', 'https://img.example/b.png'] });
  expect(job.prompt).toBe('https://img.example/a.png https://img.example/b.png');
});

it('a row that takes no input builds its request without one', () => {
  expect(requestOf(REQUESTS.account, undefined)).toMatchObject({
    method: 'GET',
    path: '/api/v1/subscription/account-info',
    call: 'read',
  });
});
