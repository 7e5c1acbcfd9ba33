// The request tables (requests.ts) on their own: every call APIFRAME takes, as method, path and body.
import { ContentPolicyError, InsufficientCreditsError, InvalidRequestError } from '@mjgate/core';
import type { HttpFailure } from '@mjgate/core/provider';
import { describe, expect, it } from 'vitest';
import { toApiFrameError } from '../src/errors.js';
import {
  ACTION_ROUTES,
  actionRequest,
  offeredActions,
  READS,
  resultShape,
  SUBMISSIONS,
  SUPPORTED_ACTIONS,
} from '../src/requests.js';
import { jobFrom } from './helpers.js';

/** The task-creating endpoints of the vendor reference (§3.1–3.16). */
const SUBMIT_PATHS = [
  '/imagine',
  '/imagine-video',
  '/imagine-video-extend',
  '/reroll',
  '/upscale-1x',
  '/upscale-alt',
  '/upscale-highres',
  '/variations',
  '/inpaint',
  '/outpaint',
  '/pan',
  '/shorten',
  '/describe',
  '/blend',
  '/seed',
  '/faceswap',
];

const GRID = jobFrom('imagine-finished');
const UPSCALED = jobFrom('upscale-1x-finished');

describe('the request tables', () => {
  it('cover every task-creating endpoint of §3, and nothing else', () => {
    const paths = new Set([
      ...Object.values(SUBMISSIONS).map((request) => request.path),
      ...Object.values(ACTION_ROUTES).map((route) => route.path),
    ]);
    expect([...paths].sort()).toEqual([...SUBMIT_PATHS].sort());
  });

  it('reads: /fetch and /fetch-many by POST, /account the only GET (§1.1), /upload multipart', () => {
    expect(Object.values(READS).map((request) => [request.method, request.path])).toEqual([
      ['POST', '/fetch'],
      ['POST', '/fetch-many'],
      ['GET', '/account'],
      ['POST', '/upload'],
    ]);
    expect(READS.fetch.body?.('t-1')).toEqual({ task_id: 't-1' });
    expect(READS.fetchMany.body?.(['a', 'b'])).toEqual({ task_ids: ['a', 'b'] });
    expect(READS.account.body).toBeUndefined();
  });

  it('every supported action has a route, and a result offers exactly the actions whose route takes it', () => {
    for (const action of SUPPORTED_ACTIONS) expect(ACTION_ROUTES[action]).toBeDefined();
    expect(offeredActions(resultShape('imagine'))).toContain('upscale-1');
    expect(offeredActions(resultShape('action', 'upscale-2'))).toContain('pan-left');
    expect(offeredActions(resultShape('action', 'upscale-2'))).not.toContain('upscale-1');
    expect(offeredActions(resultShape('describe'))).toEqual([]);
  });

  it('builds the documented bodies: string indexes (§1.2), seed by task_id (§3.15), 1-based video index (§3.3)', () => {
    expect(actionRequest('upscale-3', GRID).body({})).toEqual({ parent_task_id: GRID.providerJobId, index: '3' });
    expect(actionRequest('custom-zoom', UPSCALED).body({ zoom: 1.8, prompt: ' a hat ' })).toEqual({
      parent_task_id: UPSCALED.providerJobId,
      zoom_ratio: 1.8,
      prompt: 'a hat',
    });
    expect(SUBMISSIONS.seed.body({ id: 'apiframe:s', provider: 'apiframe', providerJobId: 's' })).toEqual({
      task_id: 's',
    });
    const extend = { id: 'apiframe:v', provider: 'apiframe', providerJobId: 'v' };
    expect(SUBMISSIONS.videoExtend.body({ prompt: 'slow pan', extend, index: 2 })).toEqual({
      parent_task_id: 'v',
      index: '3',
      prompt: 'slow pan',
    });
    expect(
      SUBMISSIONS.blend.body({ imageUrls: ['https://a/1.png', 'https://a/2.png'], dimensions: 'portrait' }),
    ).toEqual({ image_urls: ['https://a/1.png', 'https://a/2.png'], dimension: 'portrait' });
  });

  it('refuses what an endpoint cannot take, before anything is sent', () => {
    expect(() => actionRequest('pan-left', GRID)).toThrow(InvalidRequestError);
    expect(() => actionRequest('redo-upscale-2x', UPSCALED)).toThrow(/no endpoint/);
    expect(() => actionRequest('upscale-1', GRID).body({ prompt: 'x' })).toThrow(/takes no prompt/);
    expect(() => actionRequest('reroll', GRID).body({ providerOptions: { aspect_ratio: 'wide' } })).toThrow(/16:9/);
    expect(() => actionRequest('vary-region', UPSCALED).body({ mask: 'not base64!' })).toThrow(InvalidRequestError);
    expect(() => SUBMISSIONS.imagine.body({ prompt: 'a cat', providerOptions: { seed: 1 } })).toThrow(
      /`seed` is not an option/,
    );
  });

  it('keeps a data URL mask and makes bare base64 one (§3.9)', () => {
    expect(actionRequest('vary-region', UPSCALED).body({ mask: 'iVBORw0KGgo=' })).toMatchObject({
      mask: 'data:image/png;base64,iVBORw0KGgo=',
    });
  });
});

describe('vendor wording (core’s shared table)', () => {
  const failure = (message: string): HttpFailure => {
    const body = { errors: [{ msg: message }] };
    return {
      provider: 'apiframe',
      call: 'submit',
      method: 'POST',
      path: '/imagine',
      status: 400,
      body,
      text: JSON.stringify(body),
      headers: new Headers(),
    };
  };

  it('reads both spellings of Midjourney’s moderation text as a content-policy refusal', () => {
    expect(toApiFrameError(failure('This prompt is against our community standards'))).toBeInstanceOf(
      ContentPolicyError,
    );
    expect(toApiFrameError(failure('Banned prompt detected'))).toBeInstanceOf(ContentPolicyError);
  });

  it('reads an empty balance as InsufficientCreditsError', () => {
    expect(toApiFrameError(failure('Not enough credits, please top up'))).toBeInstanceOf(InsufficientCreditsError);
  });
});
