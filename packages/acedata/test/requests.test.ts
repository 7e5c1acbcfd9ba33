import {
  AuthenticationError,
  ContentPolicyError,
  InsufficientCreditsError,
  InvalidRequestError,
  UnsupportedError,
} from '@mjgate/core';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ACEDATA_ACTION_IDS, ACEDATA_ACTIONS } from '../src/index.js';
import { actionRequest, REQUESTS, videoRequest } from '../src/requests.js';
import { BASE, client } from './helpers.js';

describe('the request table (issue 11 §2)', () => {
  it('every call is a POST under /midjourney/ (§1), and only task lookups are paced by rate', () => {
    for (const [name, request] of Object.entries(REQUESTS)) {
      expect(request.method, name).toBe('POST');
      expect(request.path, name).toMatch(/^\/midjourney\/[a-z]+$/);
      expect(request.limit, name).toBe(request.path === '/midjourney/tasks' ? 'rate' : 'in-flight');
    }
    expect(REQUESTS.retrieve.call).toBe('read');
    expect(REQUESTS.imagine.call).toBe('submit');
    expect(REQUESTS.describe.answered.missing).toBe('descriptions');
  });

  it('every AceData action goes to /midjourney/imagine with its action value and the parent image id (§3.2)', () => {
    for (const action of ACEDATA_ACTION_IDS) {
      const input = action === 'vary-region' ? { mask: 'data:image/png;base64,AAAA' } : {};
      const request = actionRequest(action, input);
      expect(request.path).toBe('/midjourney/imagine');
      expect(request.body('img-1')).toMatchObject({ action: ACEDATA_ACTIONS[action].label, image_id: 'img-1' });
    }
    expect(() => actionRequest('custom-zoom', { zoom: 1.5 })).toThrow(UnsupportedError);
    expect(() => actionRequest('upscale-1', { prompt: 'x' })).toThrow(/only with 'vary-region'/);
    expect(() => actionRequest('vary-region', { mask: 'not base64!' }).body('img-1')).toThrow(InvalidRequestError);
  });

  it('a video extension gets its parent’s video_id and checks the index against it (§5)', () => {
    const extend = { id: 'acedata:v-1', provider: 'acedata', providerJobId: 'v-1' };
    const request = videoRequest({ extend, index: 1, prompt: 'on' });
    expect(request.body({ id: extend.id, videoId: '42', videoCount: 4 })).toEqual({
      action: 'extend',
      video_id: '42',
      video_index: 1,
      prompt: 'on',
    });
    expect(() => request.body({ id: extend.id, videoId: '42', videoCount: 1 })).toThrow(/out of range/);
    expect(() => request.body({ id: extend.id, videoId: undefined, videoCount: 0 })).toThrow(/no AceData video_id/);
    expect(() => videoRequest({ imageUrl: 'https://img.example/a.png', index: 1 })).toThrow(/needs extend/);
  });
});

describe('refusals AceData only words (§12.1, §12.2), read through the shared wording table', () => {
  beforeEach(() => {
    nock.disableNetConnect();
  });
  afterEach(() => {
    nock.cleanAll();
    nock.enableNetConnect();
  });

  it('a 403 without a known code is moderation or balance by its words, else still an access refusal', async () => {
    const cases = [
      ['Sorry! Our Al moderators feel your prompt might be against our community standards.', ContentPolicyError],
      ['Your balance is not sufficient for current request', InsufficientCreditsError],
      ['Access denied', AuthenticationError],
    ] as const;
    for (const [detail, type] of cases) {
      nock(BASE).post('/midjourney/imagine').reply(403, { detail });
      const error = await client({ maxRetries: 0 })
        .imagine({ prompt: 'a cat' })
        .catch((error: unknown) => error);
      expect(error, detail).toBeInstanceOf(type);
      expect(error).toMatchObject({ provider: 'acedata', status: 403 });
    }
  });

  it('an error envelope in a 2xx answer without a known code is read by its words too', async () => {
    nock(BASE)
      .post('/midjourney/describe')
      .reply(200, { success: false, error: { message: 'Banned prompt detected' }, trace_id: 't-9' });
    const error = await client()
      .describe({ imageUrl: 'https://img.example/a.png' })
      .catch((error: unknown) => error);
    expect(error).toBeInstanceOf(ContentPolicyError);
    expect(error).toMatchObject({ requestId: 't-9', provider: 'acedata' });
  });
});
