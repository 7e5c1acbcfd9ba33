import { ResponseValidationError } from '@mjgate/core';
import { describe, expect, it } from 'vitest';
import { classify, imageIdOf, mapActions, recordToJob, resultToJob, submittedJob, videoIdOf } from '../src/mapping.js';
import type { AceDataResult, AceDataTaskRecord } from '../src/schemas.js';

// Records and results built in place: each edge is one field away from an ordinary payload.
const rec = (fields: Record<string, unknown>) => fields as unknown as AceDataTaskRecord;
const res = (fields: Record<string, unknown>) => fields as unknown as AceDataResult;
const FINISHED = 1720364707.5;
const IMG = 'https://cdn.acedata.cloud/a.png';

describe('labels, numbers and strings read leniently', () => {
  it('an action label with spaces and capitals is still recognised', () => {
    expect(mapActions([' Upscale1 ', 'VARIATION2'])).toEqual(['upscale-1', 'variation-2']);
  });

  it('a blank time string is no time at all', () => {
    const job = recordToJob(rec({ created_at: '   ' }), 't1');
    expect(Object.hasOwn(job, 'createdAt')).toBe(false);
    expect(Object.hasOwn(job, 'updatedAt')).toBe(false);
  });

  it('a time that is neither number nor string is ignored', () => {
    const job = recordToJob(rec({ created_at: ['2024-07-07T00:00:00Z'] }), 't1');
    expect(Object.hasOwn(job, 'createdAt')).toBe(false);
  });

  it('a numeric seed becomes a string; an empty or infinite seed is no seed', () => {
    expect(resultToJob(res({ seed: 12345 }), 's1').seed).toBe('12345');
    const empty = recordToJob(rec({ type: 'seed', response: { success: true, seed: '' } }), 's2');
    expect(empty.operation).toBe('seed');
    expect(Object.hasOwn(empty, 'seed')).toBe(false);
    expect(Object.hasOwn(resultToJob(res({ seed: Number.POSITIVE_INFINITY }), 's3'), 'seed')).toBe(false);
  });
});

describe('status of results and records', () => {
  it('success: true wins over a stray error object', () => {
    expect(resultToJob(res({ success: true, error: { code: 'x' }, image_url: IMG }), 'r1').status).toBe('succeeded');
  });

  it('a state word that is an Object.prototype member is unknown', () => {
    expect(recordToJob(rec({ state: 'toString' }), 'r1').status).toBe('queued');
    expect(recordToJob(rec({ state: 'constructor', response: { progress: 40 } }), 'r1').status).toBe('running');
  });

  it('no state and no response is queued; a finished state without response is not trusted', () => {
    expect(recordToJob(rec({}), 'r1').status).toBe('queued');
    expect(recordToJob(rec({ state: 'finished' }), 'r1').status).toBe('queued');
  });

  it('a running response stays running without a state, with a queued state and with a succeeded state', () => {
    expect(recordToJob(rec({ response: { progress: 50 } }), 'r1').status).toBe('running');
    expect(recordToJob(rec({ state: 'pending', response: { progress: 50 } }), 'r1').status).toBe('running');
    expect(recordToJob(rec({ state: 'success', response: { progress: 50 } }), 'r1').status).toBe('running');
  });

  it('a failed response stays failed whatever the state word says', () => {
    const job = recordToJob(rec({ state: 'processing', response: { success: false, error: { code: 'e' } } }), 'r1');
    expect(job.status).toBe('failed');
  });

  it('a finished record whose response says success but progress < 100 is still running', () => {
    expect(recordToJob(rec({ finished_at: FINISHED, response: { success: true, progress: 50 } }), 'r1').status).toBe(
      'running',
    );
  });

  it('a finished record without success counts as succeeded when it holds any one output', () => {
    const raw = recordToJob(rec({ finished_at: FINISHED, response: { raw_image_url: IMG } }), 'r1');
    expect(raw.status).toBe('succeeded');
    expect(raw.gridUrl).toBe(IMG);
    const cdn = recordToJob(rec({ finished_at: FINISHED, response: { image_url: IMG } }), 'r2');
    expect(cdn.status).toBe('succeeded');
    const video = recordToJob(
      rec({ finished_at: FINISHED, response: { video_urls: ['https://cdn.acedata.cloud/v.mp4'] } }),
      'r3',
    );
    expect(video).toMatchObject({ status: 'succeeded', operation: 'video' });
    expect(video.videoUrls).toEqual(['https://cdn.acedata.cloud/v.mp4']);
  });

  it('a finished record without any response failed, with a reason', () => {
    const job = recordToJob(rec({ finished_at: FINISHED }), 'r1');
    expect(job.status).toBe('failed');
    expect(job.error).toEqual({ code: 'task_failed', message: 'AceData finished the task without a result.' });
  });

  it('a failed result without a reason gets one; a succeeded result has no error', () => {
    expect(resultToJob(res({ success: false }), 'f1').error).toEqual({
      code: 'task_failed',
      message: 'AceData reported the task failed without a reason.',
    });
    expect(Object.hasOwn(resultToJob(res({ success: true, image_url: IMG }), 'f2'), 'error')).toBe(false);
  });

  it('a running result without progress keeps progress unknown', () => {
    expect(resultToJob(res({ image_id: 'i' }), 'p1').progress).toBeNull();
  });
});

describe('what a request was', () => {
  it('a shorten is known by its type or its prompts, and keeps its prompt', () => {
    expect(classify({ prompt: 'a long prompt' }, 'shorten')).toEqual({ operation: 'shorten', prompt: 'a long prompt' });
    expect(classify(undefined, undefined, res({ prompts: ['a'] }))).toEqual({ operation: 'shorten' });
  });

  it('a seed is known by its type or a seed without an image', () => {
    expect(classify({ prompt: 'p' }, 'seed')).toEqual({ operation: 'seed' });
    expect(classify(undefined, undefined, res({ seed: 5 }))).toEqual({ operation: 'seed' });
    expect(classify(undefined, undefined, res({ seed: 5, image_url: IMG })).operation).toBe('imagine');
  });

  it('a video is known by any one of six signs', () => {
    expect(classify({ prompt: 'p' }, 'videos').operation).toBe('video');
    expect(classify({ prompt: 'p' }, 'video').operation).toBe('video');
    expect(classify({ action: 'extend' }).operation).toBe('video');
    expect(classify({ video_id: 'v1' } as never).operation).toBe('video');
    expect(classify(undefined, undefined, res({ video_urls: [] })).operation).toBe('video');
    expect(classify(undefined, undefined, res({ video_id: 'v1' })).operation).toBe('video');
  });

  it('an action mjgate has no id for is still an action; no prompt is an imagine', () => {
    expect(classify({ action: 'mystery', prompt: 'p' })).toEqual({ operation: 'action', prompt: 'p' });
    expect(classify({})).toEqual({ operation: 'imagine', prompt: undefined });
  });

  it('image URLs lead a blend despite leading or doubled spaces, up to five', () => {
    expect(classify({ prompt: ' https://a.io/1.png https://a.io/2.png cat' }).operation).toBe('blend');
    expect(classify({ prompt: 'https://a.io/1.png  https://a.io/2.png cat' }).operation).toBe('blend');
    const five = [1, 2, 3, 4, 5].map((n) => `https://a.io/${n}.png`).join(' ');
    expect(classify({ prompt: five }).operation).toBe('blend');
  });
});

describe('grid or single image', () => {
  const sub = [1, 2, 3, 4].map((n) => `https://cdn.acedata.cloud/${n}.png`);

  it('four sub images make a grid even when the actions are not upscales', () => {
    const job = resultToJob(
      res({ success: true, image_url: IMG, sub_image_urls: sub, actions: ['variation_subtle'] }),
      'g',
    );
    expect(job.gridUrl).toBe(IMG);
    expect(job.images.map((one) => one.url)).toEqual(sub);
  });

  it('one sub image with non-upscale actions is a single image', () => {
    const job = resultToJob(
      res({ success: true, image_url: IMG, sub_image_urls: [sub[0]], actions: ['upscale_2x'] }),
      'g',
    );
    expect(Object.hasOwn(job, 'gridUrl')).toBe(false);
    expect(job.images).toEqual([{ url: IMG }]);
  });

  it('actions decide over the operation: an imagine answered with upscale_2x is one image', () => {
    const job = resultToJob(res({ success: true, image_url: IMG, actions: ['upscale_2x'] }), 'g');
    expect(job.images).toEqual([{ url: IMG }]);
    expect(Object.hasOwn(job, 'gridUrl')).toBe(false);
  });

  it('without actions, the action run decides: upscale is one image, variation a grid, other ops a grid', () => {
    const up = resultToJob(res({ success: true, image_url: IMG }), 'g', { operation: 'action', action: 'upscale-1' });
    expect(up.images).toEqual([{ url: IMG }]);
    expect(Object.hasOwn(up, 'gridUrl')).toBe(false);
    const vary = resultToJob(res({ success: true, image_url: IMG }), 'g', {
      operation: 'action',
      action: 'variation-1',
    });
    expect(vary.gridUrl).toBe(IMG);
    const zoom = resultToJob(res({ success: true, image_url: IMG }), 'g', {
      operation: 'action',
      action: 'custom-zoom',
    });
    expect(zoom.gridUrl).toBe(IMG);
    const imagine = resultToJob(res({ success: true, image_url: IMG }), 'g', { action: 'upscale-1' });
    expect(imagine.operation).toBe('imagine');
    expect(imagine.gridUrl).toBe(IMG);
    expect(resultToJob(res({ success: true, image_url: IMG }), 'g').gridUrl).toBe(IMG);
  });

  it('a grid with only sub images has no gridUrl key', () => {
    const job = resultToJob(res({ success: true, sub_image_urls: sub }), 'g');
    expect(Object.hasOwn(job, 'gridUrl')).toBe(false);
    expect(job.images).toHaveLength(4);
  });

  it('a single-image result without a full URL is refused, not given an empty image', () => {
    expect(() =>
      resultToJob(res({ success: true, sub_image_urls: [sub[0]] }), 'g', { operation: 'action', action: 'upscale-1' }),
    ).toThrow(ResponseValidationError);
  });
});

describe('image sizes', () => {
  const sized = (width: unknown, height: unknown) =>
    resultToJob(res({ success: true, raw_image_url: IMG, raw_image_width: width, raw_image_height: height }), 's', {
      operation: 'action',
      action: 'upscale-1',
    }).images[0];

  it('keeps a positive size up to a million pixels', () => {
    expect(sized(1_000_000, '1024')).toStrictEqual({ url: IMG, width: 1_000_000, height: 1024 });
  });

  it('drops zero, negative and absurd sizes, leaving no size keys', () => {
    expect(sized(0, -5)).toStrictEqual({ url: IMG });
    expect(sized(2_000_000, undefined)).toStrictEqual({ url: IMG });
    expect(Object.keys(sized(undefined, undefined) ?? {})).toEqual(['url']);
  });
});

describe('texts and context fields', () => {
  it('a describe or shorten that succeeded without texts has none', () => {
    expect(recordToJob(rec({ type: 'describe', response: { success: true } }), 'd').texts).toEqual([]);
    expect(recordToJob(rec({ type: 'shorten', response: { success: true } }), 'd').texts).toEqual([]);
  });

  it('a job without action, parent, ref, prompt or times carries no such keys', () => {
    const job = resultToJob(res({ success: true, image_url: IMG }), 'c');
    for (const key of ['action', 'parentId', 'ref', 'prompt', 'createdAt', 'updatedAt']) {
      expect(Object.hasOwn(job, key)).toBe(false);
    }
  });

  it('a running record is not reset to 0% progress', () => {
    expect(recordToJob(rec({ response: { image_id: 'i' } }), 'c').progress).toBeNull();
  });
});

describe('submit answers that already hold a result', () => {
  const context = { operation: 'imagine' as const };
  it.each([
    [{ progress: 50 }, 'running'],
    [{ image_id: 'i' }, 'running'],
    [{ raw_image_url: IMG }, 'running'],
    [{ video_urls: [] }, 'running'],
    [{ descriptions: ['a'] }, 'succeeded'],
    [{ prompts: ['a'] }, 'succeeded'],
    [{ seed: 7 }, 'succeeded'],
    [{ success: false }, 'failed'],
  ])('%j is read as a result, not a bare acknowledgement', (body, status) => {
    expect(submittedJob(res({ task_id: 't', ...body }), 't', context).status).toBe(status);
  });

  it('a bare acknowledgement is queued', () => {
    expect(submittedJob(res({ task_id: 't' }), 't', context).status).toBe('queued');
  });
});

describe('ids for follow-ups', () => {
  const job = (raw: unknown) => ({ ...resultToJob(res({}), 'x'), raw });

  it('a job without raw has no image or video id', () => {
    expect(imageIdOf(job(null))).toBeUndefined();
    expect(videoIdOf(job(null))).toBeUndefined();
  });

  it('a result without response, or with a non-object response, is read itself', () => {
    expect(videoIdOf(job({ video_id: 'v1' }))).toBe('v1');
    expect(videoIdOf(job({ response: 'oops', video_id: 'v2' }))).toBe('v2');
  });
});
