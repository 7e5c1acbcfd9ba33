import { ACTION_IDS, MjGateError, parseAction, ResponseValidationError } from '@mjgate/core';
import { describe, expect, it } from 'vitest';
import { ACEDATA_ACTION_IDS, ACEDATA_ACTIONS } from '../src/index.js';
import { actionFromLabel, classify, mapActions, recordToJob, resultToJob, statusOf } from '../src/mapping.js';
import type { AceDataResult, AceDataTaskRecord } from '../src/schemas.js';
import { callbackContext, webhookValues } from '../src/webhook.js';
import { fixture } from './helpers.js';

const record = (name: string) => fixture<AceDataTaskRecord>(name);
const result = (name: string) => fixture<AceDataResult>(name);

describe('task records in every state', () => {
  it('a record without response is queued at 0%', () => {
    const job = recordToJob(record('task-pending.json'), '5c2e7d1a-0b7e-4a6f-8f4e-2f3b1c9d8e77');
    expect(job).toMatchObject({
      id: 'acedata:5c2e7d1a-0b7e-4a6f-8f4e-2f3b1c9d8e77',
      provider: 'acedata',
      status: 'queued',
      progress: 0,
      operation: 'imagine',
      prompt: 'a red fox in snow --ar 16:9',
      createdAt: '2024-07-07T15:03:27.967Z',
      images: [],
      actions: [],
    });
    expect(job.gridUrl).toBeUndefined();
  });

  it('a response below 100% is running, without its soon-deleted preview images', () => {
    const job = recordToJob(record('task-running.json'), '5c2e7d1a-0b7e-4a6f-8f4e-2f3b1c9d8e77');
    expect(job).toMatchObject({ status: 'running', progress: 35, images: [], actions: [] });
    expect(job.gridUrl).toBeUndefined();
    expect(job.updatedAt).toBe('2024-07-07T15:03:29.500Z');
  });

  it('a succeeded imagine record is a grid with canonical actions and epoch-second times', () => {
    const raw = record('task-succeeded.json');
    const job = recordToJob(raw, '7489df4c-ef03-4de0-b598-e9a590793434');
    expect(job).toMatchObject({
      status: 'succeeded',
      progress: 100,
      operation: 'imagine',
      prompt: 'A cat sitting on a table',
      gridUrl: 'https://platform.cdn.acedata.cloud/midjourney/7489df4c-ef03-4de0-b598-e9a590793434.png',
      actions: [
        'upscale-1',
        'upscale-2',
        'upscale-3',
        'upscale-4',
        'reroll',
        'variation-1',
        'variation-2',
        'variation-3',
        'variation-4',
      ],
      createdAt: '2024-07-07T15:03:27.967Z',
      updatedAt: '2024-07-07T15:03:57.404Z',
    });
    expect(job.raw).toBe(raw);
  });

  it('a failed record carries error.code and error.message; ISO and string times both parse', () => {
    const job = recordToJob(record('task-failed.json'), '7ba0feaf-2b36-4a5e-9a3d-0f1f8f3e6a01');
    expect(job.status).toBe('failed');
    expect(job.error).toEqual({ code: 'bad_request', message: 'Unrecognized argument(s): `-c`, `x`' });
    expect(job.createdAt).toBe('2024-07-07T15:03:27.967Z');
    expect(job.updatedAt).toBe(new Date(1720364612.1 * 1000).toISOString());
  });

  it('an upscale record is one image with numeric-string sizes, and the follow-ups after an upscale', () => {
    const job = recordToJob(record('task-upscale-succeeded.json'), '8e0b9a5c-3c2f-4a51-9a7a-0b1f1f2d4c55');
    expect(job).toMatchObject({ operation: 'action', action: 'upscale-1', status: 'succeeded' });
    expect(job.gridUrl).toBeUndefined();
    expect(job.images).toEqual([
      {
        url: 'https://midjourney.cdn.acedata.cloud/attachments/1211290476204179486/upscaled.png',
        width: 1024,
        height: 1024,
      },
    ]);
    expect(job.actions).toEqual([
      'upscale-2x',
      'upscale-4x',
      'vary-subtle',
      'vary-strong',
      'zoom-out-2x',
      'zoom-out-1.5x',
      'pan-left',
      'pan-right',
      'pan-up',
      'pan-down',
    ]);
  });

  it('a video record gives videoUrls', () => {
    const job = recordToJob(record('task-video-succeeded.json'), '037955e0-deee-4050-baa8-1416300d67e2');
    expect(job).toMatchObject({ operation: 'video', status: 'succeeded', images: [] });
    expect(job.videoUrls).toHaveLength(4);
    expect(job.videoUrls[0]).toMatch(/0_0\.mp4$/);
  });

  it('follows the documented completion rules', () => {
    const base = { id: 't' } as AceDataTaskRecord;
    expect(statusOf(base)).toBe('queued');
    expect(statusOf({ ...base, finished_at: 1720364612 })).toBe('failed');
    expect(statusOf({ ...base, response: { progress: 50, success: true } })).toBe('running');
    expect(statusOf({ ...base, response: { success: true } })).toBe('succeeded');
    expect(statusOf({ ...base, response: { success: false, progress: 10 } })).toBe('failed');
    // A response without `success` has not finished (the MCP's rule).
    expect(statusOf({ ...base, response: { task_id: 't' } })).toBe('running');
    // Nexior's `state` word, where a record carries one.
    expect(statusOf({ ...base, state: 'generating' })).toBe('running');
    expect(statusOf({ ...base, state: 'canceled', response: { task_id: 't' } })).toBe('cancelled');
    // An error without `success` (Nexior's describe fixture) is a failure.
    expect(statusOf({ ...base, response: { error: { message: 'bad image' } } })).toBe('failed');
  });

  it('a record with finished_at is done even when its response lacks success', () => {
    const { success: _, ...response } = result('imagine-result.json');
    const finished = { id: 't', request: { action: 'generate' }, response, finished_at: 1720364637.404 };
    expect(statusOf(finished)).toBe('succeeded');
    const job = recordToJob(finished, 't');
    expect(job.images).toHaveLength(4);
    expect(statusOf({ id: 't', response: { task_id: 't', progress: 100 }, finished_at: 1720364637.404 })).toBe(
      'failed',
    );
    expect(recordToJob({ id: 't', response: { task_id: 't' }, finished_at: 1 }, 't').error?.code).toBe('task_failed');
  });
});

describe('result objects', () => {
  it('a callback body gives the same job as the record holding it', () => {
    const body = result('imagine-result.json');
    const fromWebhook = resultToJob(body, body.task_id!);
    const fromPoll = recordToJob(
      { id: body.task_id, type: 'imagine', request: { action: 'generate' }, response: body },
      body.task_id!,
    );
    const { raw: _a, createdAt: _b, updatedAt: _c, ...polled } = fromPoll;
    const { raw: _d, ...hooked } = fromWebhook;
    expect(hooked).toEqual(polled);
    expect(fromWebhook.images.map((i) => i.url)).toEqual(body.sub_image_urls);
  });

  it('a grid without split tiles still has its gridUrl', () => {
    const { sub_image_urls: _, ...body } = result('imagine-result.json');
    const job = resultToJob(body, 'x');
    expect(job.gridUrl).toBe(body.raw_image_url);
    expect(job.images).toEqual([]);
  });

  it('an edits result (no actions, four tiles) is a grid', () => {
    const job = resultToJob(result('edits-result.json'), 'e', { operation: 'imagine' });
    expect(job.status).toBe('succeeded');
    expect(job.images).toHaveLength(4);
    expect(job.gridUrl).toMatch(/26c39859.*\.png$/);
  });

  it('a failed callback is a failed job with the vendor error', () => {
    const job = resultToJob(result('callback-failed.json'), '7ba0feaf-2b36-4a5e-9a3d-0f1f8f3e6a01');
    expect(job.status).toBe('failed');
    expect(job.error?.code).toBe('bad_request');
  });

  it('context from mjgate (parent, ref, action) wins over what the payload can tell', () => {
    const job = resultToJob(result('upscale-result.json'), 'u', {
      operation: 'action',
      action: 'upscale-2',
      parentId: 'acedata:p',
      ref: 'order-7',
    });
    expect(job).toMatchObject({ operation: 'action', action: 'upscale-2', parentId: 'acedata:p', ref: 'order-7' });
    expect(job.images).toHaveLength(1);
  });
});

describe('classification', () => {
  it('reads a blend as a generate whose prompt starts with 2–5 image URLs', () => {
    expect(classify({ action: 'generate', prompt: 'https://a/1.png https://a/2.png a bear' }).operation).toBe('blend');
    expect(classify({ action: 'generate', prompt: 'https://a/1.png a bear' }).operation).toBe('imagine');
    expect(classify({ prompt: 'a bear' }).operation).toBe('imagine');
  });

  it('reads actions, videos and describes', () => {
    expect(classify({ action: 'zoom_out_1_5x', image_id: '1' })).toMatchObject({
      operation: 'action',
      action: 'zoom-out-1.5x',
    });
    expect(classify({ action: 'generate', image_url: 'https://x/y.png' }, 'videos').operation).toBe('video');
    expect(classify({ action: 'extend', video_id: '1' }).operation).toBe('video');
    expect(classify(undefined, 'describe').operation).toBe('describe');
  });
});

describe('the action table', () => {
  it('covers every canonical action but custom-zoom, with distinct labels', () => {
    expect(ACEDATA_ACTION_IDS).toEqual(ACTION_IDS.filter((action) => action !== 'custom-zoom'));
    const labels = ACEDATA_ACTION_IDS.map((id) => ACEDATA_ACTIONS[id].label);
    expect(new Set(labels).size).toBe(labels.length);
  });

  it('round-trips every label, and core parseAction agrees with it', () => {
    for (const id of ACEDATA_ACTION_IDS) {
      const { label } = ACEDATA_ACTIONS[id];
      expect(actionFromLabel(label)).toBe(id);
      expect(parseAction(label)).toBe(id);
    }
  });

  it('reads legacy spellings and drops values it has no id for', () => {
    expect(
      mapActions(['upsample1', 'high_variation', 'low_variation', 'redo_upsample_2x', 'zoom_in_2x', 'blend']),
    ).toEqual(['upscale-1', 'vary-strong', 'vary-subtle', 'redo-upscale-2x']);
  });
});

describe('callback URL context', () => {
  it('asks core to sign the operation only where AceData calls an imagine a blend (or a blend an imagine)', () => {
    const urls = ['https://a.example/1.png', 'https://a.example/2.png'];
    expect(webhookValues({ operation: 'imagine' }, { prompt: 'a cat' })).toBeUndefined();
    expect(webhookValues({ operation: 'imagine' }, { prompt: 'a cat', imageUrls: urls })).toEqual({
      operation: 'blend',
    });
    expect(webhookValues({ operation: 'imagine' }, { prompt: `${urls.join(' ')} a cat` })).toEqual({
      operation: 'blend',
    });
    expect(webhookValues({ operation: 'blend' }, { imageUrls: urls })).toBeUndefined();
    expect(webhookValues({ operation: 'blend' }, { imageUrls: [...urls, ...urls, ...urls] })).toEqual({
      operation: 'imagine',
    });
    expect(webhookValues({ operation: 'action', action: 'pan-left' }, { prompt: urls.join(' ') })).toBeUndefined();
  });

  it('reads the signed operation back, between imagine and blend only', () => {
    const blend = { operation: 'blend' };
    expect(callbackContext({ operation: 'imagine', ref: 'r', vendorValues: blend })).toEqual({
      operation: 'blend',
      ref: 'r',
    });
    expect(
      callbackContext({ operation: 'action', action: 'pan-left', parentId: 'acedata:p-1', vendorValues: blend }),
    ).toEqual({ operation: 'action', action: 'pan-left', parentId: 'acedata:p-1' });
    expect(callbackContext({ operation: 'imagine', vendorValues: { operation: 'action' } })).toEqual({
      operation: 'imagine',
    });
    expect(callbackContext({})).toEqual({});
  });
});

describe('only http(s) URLs reach a Job (issue 10 §5)', () => {
  const succeeded = (response: Record<string, unknown>) =>
    recordToJob({ ...record('task-succeeded.json'), response } as AceDataTaskRecord, 'task-1');
  const base = () => record('task-succeeded.json').response as Record<string, unknown>;

  it('drops a hostile grid URL and keeps the usable tiles', () => {
    const job = succeeded({
      ...base(),
      raw_image_url: 'javascript:alert(1)',
      image_url: 'data:image/png;base64,AAAA',
      sub_image_urls: [
        'https://cdn.example/1.png',
        'file:///etc/passwd',
        '//cdn.example/3.png',
        ' https://cdn.example/4.png ',
      ],
    });
    expect(job.status).toBe('succeeded');
    expect(job.gridUrl).toBeUndefined();
    expect(job.images).toEqual([{ url: 'https://cdn.example/1.png' }, { url: 'https://cdn.example/4.png' }]);
  });

  it('falls back to the CDN copy when the full-size URL is refused, with the CDN copy’s size', () => {
    const record = fixture<AceDataTaskRecord>('task-upscale-succeeded.json');
    const response: Record<string, unknown> = { ...record.response, raw_image_url: 'https://cdn.example/\u0000.png' };
    const job = recordToJob({ ...record, response } as AceDataTaskRecord, 'task-1');
    expect(job.images).toEqual([{ url: response.image_url, width: 512, height: 512 }]);
  });

  it('a succeeded grid whose every URL is refused is bad_response, not an empty success', () => {
    const error = (() => {
      try {
        succeeded({ ...base(), raw_image_url: 'javascript:alert(1)', image_url: '', sub_image_urls: ['file:///x'] });
      } catch (error) {
        return error;
      }
    })();
    expect(MjGateError.isInstance(error)).toBe(true);
    expect(error).toBeInstanceOf(ResponseValidationError);
    expect(error).toMatchObject({ code: 'bad_response', retryable: false, provider: 'acedata' });
    expect((error as Error).message).toMatch(/succeeded with no usable http\(s\) URL/);
  });

  it('a succeeded video whose URLs are all refused is bad_response; one good one is kept', () => {
    const video = record('task-video-succeeded.json');
    const response = video.response as Record<string, unknown>;
    const map = (video_urls: string[]) =>
      recordToJob({ ...video, response: { ...response, video_urls } } as AceDataTaskRecord, 'v');
    expect(() => map(['javascript:alert(1)', 'data:video/mp4;base64,AAAA'])).toThrow(ResponseValidationError);
    expect(map(['file:///x.mp4', 'https://cdn.example/0.mp4']).videoUrls).toEqual(['https://cdn.example/0.mp4']);
  });

  it('a result that never named a URL is not bad_response (nothing was refused)', () => {
    expect(resultToJob({ success: true, seed: '123' } as AceDataResult, 's', { operation: 'seed' })).toMatchObject({
      status: 'succeeded',
      seed: '123',
    });
  });
});

describe('hostile timestamps and status words', () => {
  it.each([1e20, -1e20, '1e20', 8.64e12 + 1, 'NaN', 'Infinity', '1e400', 'not a date', '', true, {}])(
    'a created_at of %j is dropped, never thrown on',
    (created_at) => {
      const job = recordToJob({ ...record('task-succeeded.json'), created_at } as AceDataTaskRecord, 't');
      expect(job.createdAt).toBeUndefined();
      expect(job.status).toBe('succeeded');
    },
  );

  it('keeps epoch seconds and ISO strings at the edges of the Date range', () => {
    expect(
      recordToJob({ ...record('task-pending.json'), created_at: 8.64e12 } as AceDataTaskRecord, 't').createdAt,
    ).toBe('+275760-09-13T00:00:00.000Z');
    expect(
      recordToJob({ ...record('task-pending.json'), created_at: '2024-07-07T15:03:27Z' } as AceDataTaskRecord, 't')
        .createdAt,
    ).toBe('2024-07-07T15:03:27.000Z');
  });

  it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', 'CONSTRUCTOR', 'warming up'])(
    'the state word %j is unknown: the response decides, as if there were none',
    (state) => {
      const pending = record('task-pending.json');
      const running = record('task-running.json');
      expect(statusOf({ ...pending, state } as AceDataTaskRecord)).toBe(statusOf(pending));
      expect(statusOf({ ...running, state } as AceDataTaskRecord)).toBe('running');
      expect(recordToJob({ ...running, state } as AceDataTaskRecord, 't').status).toBe('running');
    },
  );

  it('known state words still settle a response that has not finished', () => {
    expect(statusOf({ ...record('task-running.json'), state: ' Failed ' } as AceDataTaskRecord)).toBe('failed');
  });

  it.each(['constructor', '__proto__', 'toString'])('the action label %j is no action', (label) => {
    expect(actionFromLabel(label)).toBeUndefined();
    expect(mapActions([label, 'upscale1'])).toEqual(['upscale-1']);
  });
});
