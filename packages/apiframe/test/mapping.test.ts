import { type ActionId, GRID_ACTIONS, MjGateError, ResponseValidationError, UPSCALED_ACTIONS } from '@mjgate/core';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { parseTaskType, taskToJob } from '../src/mapping.js';
import { taskSchema } from '../src/schemas.js';
import { fixture, jobFrom } from './helpers.js';

const map = (raw: Record<string, unknown>) => taskToJob(raw, v.parse(taskSchema, raw));
const task = (extra: Record<string, unknown>) => ({ task_id: 'abc', task_type: 'imagine', ...extra });

const UPSCALE_FAMILY: ActionId[] = [...UPSCALED_ACTIONS, 'upscale-2x', 'upscale-4x'];

describe('vendor example payloads → Job', () => {
  it('maps an imagine in progress: running, percentage string read as a number', () => {
    const job = jobFrom('imagine-processing');
    expect(job).toMatchObject({
      id: 'apiframe:29e983ca-7e86-4017-a9e3-ef6fe9cd5f2a',
      provider: 'apiframe',
      providerJobId: '29e983ca-7e86-4017-a9e3-ef6fe9cd5f2a',
      operation: 'imagine',
      status: 'running',
      progress: 40,
      images: [],
      actions: [],
    });
    expect(job.raw).toEqual(fixture('imagine-processing'));
  });

  it('recognises a finished grid without a status field and offers the grid buttons', () => {
    const job = jobFrom('imagine-finished');
    const raw = fixture<{ original_image_url: string; image_urls: string[] }>('imagine-finished');
    expect(job.status).toBe('succeeded');
    expect(job.progress).toBe(100);
    expect(job.gridUrl).toBe(raw.original_image_url);
    expect(job.images).toEqual(raw.image_urls.map((url) => ({ url })));
    expect([...job.actions].sort()).toEqual([...GRID_ACTIONS].sort());
    expect(job.raw).toEqual(raw);
  });

  it('reads newer final payloads with status "finished" and a numeric percentage', () => {
    const job = jobFrom('finished-with-status');
    expect(job).toMatchObject({ status: 'succeeded', progress: 100 });
    expect(job.images).toHaveLength(4);
  });

  it('maps an upscale-1x result to the single image and offers the upscale/vary/zoom/pan family', () => {
    const job = jobFrom('upscale-1x-finished');
    expect(job).toMatchObject({ operation: 'action', action: 'upscale-1', status: 'succeeded' });
    expect(job.images).toEqual([{ url: fixture<{ image_url: string }>('upscale-1x-finished').image_url }]);
    expect(job.gridUrl).toBeUndefined();
    expect([...job.actions].sort()).toEqual([...UPSCALE_FAMILY].sort());
  });

  it('maps upscale-alt progress and result; a creative upscale only offers 2x/4x', () => {
    expect(jobFrom('upscale-alt-processing')).toMatchObject({
      action: 'upscale-creative',
      status: 'running',
      progress: 80,
    });
    const done = jobFrom('upscale-alt-finished');
    expect(done).toMatchObject({ action: 'upscale-creative', status: 'succeeded' });
    expect(done.images).toHaveLength(1);
    expect(done.actions).toEqual(['upscale-2x', 'upscale-4x']);
  });

  it.each([
    ['variations-finished', 'variation-1'],
    ['inpaint-finished', 'vary-region'],
    ['outpaint-finished', 'zoom-out-2x'],
    ['pan-finished', 'pan-up'],
  ] as const)('maps %s to the %s action with a grid that offers the grid buttons', (name, action) => {
    const job = jobFrom(name);
    expect(job).toMatchObject({ operation: 'action', action, status: 'succeeded' });
    expect(job.images).toHaveLength(4);
    expect(job.gridUrl).toMatch(/grid\.png$/);
    expect([...job.actions].sort()).toEqual([...GRID_ACTIONS].sort());
  });

  it('reads the reroll example whose id is spelt taskId (a docs typo)', () => {
    expect(jobFrom('reroll-processing')).toMatchObject({ action: 'reroll', status: 'running', progress: 80 });
    const job = jobFrom('reroll-finished');
    expect(job).toMatchObject({
      id: 'apiframe:d4b0e2a3-2222-4b3c-9d4e-5f6a7b8c9d44',
      action: 'reroll',
      status: 'succeeded',
    });
  });

  it('maps describe: content → texts; the echoed input image is not a result image', () => {
    expect(jobFrom('describe-processing')).toMatchObject({ operation: 'describe', status: 'running', progress: 80 });
    const job = jobFrom('describe-finished');
    expect(job).toMatchObject({ operation: 'describe', status: 'succeeded', images: [], actions: [] });
    expect(job.texts).toEqual(fixture<{ content: string[] }>('describe-finished').content);
  });

  it('maps shorten: starting without percentage, then content → texts', () => {
    expect(jobFrom('shorten-starting')).toMatchObject({ operation: 'shorten', status: 'running', progress: null });
    const job = jobFrom('shorten-finished');
    expect(job.status).toBe('succeeded');
    expect(job.texts).toHaveLength(3);
  });

  it('maps seed: the seed string, no percentage while processing', () => {
    expect(jobFrom('seed-processing')).toMatchObject({ operation: 'seed', status: 'running', progress: null });
    expect(jobFrom('seed-finished')).toMatchObject({ operation: 'seed', status: 'succeeded', seed: '993456789123' });
  });

  it('maps blend to a grid, faceswap to a single image, video to its video urls', () => {
    expect(jobFrom('blend-finished')).toMatchObject({ operation: 'blend', status: 'succeeded' });
    expect(jobFrom('blend-finished').actions).toContain('upscale-1');
    expect(jobFrom('faceswap-processing')).toMatchObject({ operation: 'faceswap', status: 'running', progress: 80 });
    const swap = jobFrom('faceswap-finished');
    expect(swap).toMatchObject({ operation: 'faceswap', status: 'succeeded' });
    expect(swap.images).toHaveLength(1);
    const video = jobFrom('video-finished');
    expect(video).toMatchObject({ operation: 'video', status: 'succeeded', images: [] });
    expect(video.videoUrls).toHaveLength(4);
  });

  it('takes the failure text from message or from error', () => {
    expect(jobFrom('failed-message')).toMatchObject({
      status: 'failed',
      error: { code: 'job_failed', message: 'The Midjourney job failed: upstream error.' },
      actions: [],
    });
    expect(jobFrom('failed-error').error?.message).toBe('Midjourney did not answer in time.');
    expect(map(task({ status: 'failed' })).error?.message).toMatch(/failed/);
    expect(map(task({ status: 'failed', error: { message: 'nested' } })).error?.message).toBe('nested');
  });

  it('marks a failure that reads as moderation as content_policy', () => {
    const job = map(task({ status: 'failed', message: 'Banned prompt detected by the moderation system' }));
    expect(job.error?.code).toBe('content_policy');
  });
});

describe('status words', () => {
  it.each([
    ['pending', 'queued'],
    ['staged', 'queued'],
    ['starting', 'running'],
    ['processing', 'running'],
    ['retry', 'queued'],
    ['retrying', 'queued'],
    ['finished', 'succeeded'],
    ['failed', 'failed'],
    ['FINISHED', 'succeeded'],
    ['completed', 'succeeded'],
    ['error', 'failed'],
  ])('%s → %s', (word, status) => {
    expect(map(task({ status: word })).status).toBe(status);
  });

  it('an unknown word is running, unless result fields show completion', () => {
    expect(map(task({ status: 'thinking' })).status).toBe('running');
    expect(map(task({ status: 'thinking', image_urls: ['https://x/1.png'] })).status).toBe('succeeded');
  });

  it('no status and no result is queued; no status and an error is failed', () => {
    expect(map(task({})).status).toBe('queued');
    expect(map(task({ error: 'boom' }))).toMatchObject({ status: 'failed', error: { message: 'boom' } });
  });

  it('completion is recognised from each kind of result field', () => {
    for (const fields of [
      { original_image_url: 'https://x/g.png' },
      { image_url: 'https://x/1.png' },
      { content: ['a'] },
      { seed: 42 },
      { video_urls: ['https://x/1.mp4'] },
    ]) {
      expect(map(task(fields)).status).toBe('succeeded');
    }
    // describe echoes its input in image_url: not finished until content arrives
    expect(map({ task_id: 'd', task_type: 'describe', image_url: 'https://x/in.png' }).status).toBe('queued');
  });
});

describe('percentage', () => {
  it.each([
    ['0', 0],
    ['40', 40],
    [55, 55],
    ['62.5', 62.5],
    ['150', 100],
    ['n/a', null],
    [null, null],
  ] as const)('%j → %j while running', (percentage, progress) => {
    expect(map(task({ status: 'processing', percentage })).progress).toBe(progress);
  });

  it('a numeric seed and a numeric task id become strings', () => {
    const job = map({ task_id: 1234567890123, task_type: 'seed', seed: 993456789123 });
    expect(job).toMatchObject({ id: 'apiframe:1234567890123', seed: '993456789123', status: 'succeeded' });
  });
});

describe('task_type', () => {
  it.each([
    ['imagine', 'imagine', undefined],
    ['blend', 'blend', undefined],
    ['describe', 'describe', undefined],
    ['shorten', 'shorten', undefined],
    ['seed', 'seed', undefined],
    ['faceswap', 'faceswap', undefined],
    ['imagine-video', 'video', undefined],
    ['imagine-video-extend', 'video', undefined],
    ['reroll', 'action', 'reroll'],
    ['upscale#3', 'action', 'upscale-3'],
    ['upscale-subtle', 'action', 'upscale-subtle'],
    ['upscale-creative', 'action', 'upscale-creative'],
    ['upscale-2x', 'action', 'upscale-2x'],
    ['upscale-4x', 'action', 'upscale-4x'],
    ['variation-4', 'action', 'variation-4'],
    ['variation-strong', 'action', 'vary-strong'],
    ['variation-subtle', 'action', 'vary-subtle'],
    ['inpaint', 'action', 'vary-region'],
    ['outpaint-1.5', 'action', 'zoom-out-1.5x'],
    ['outpaint-2', 'action', 'zoom-out-2x'],
    ['outpaint-1', 'action', 'make-square'],
    ['outpaint-1.25', 'action', 'custom-zoom'],
    ['pan-left', 'action', 'pan-left'],
    ['pan-down', 'action', 'pan-down'],
  ])('%s → %s %s', (type, operation, action) => {
    expect(parseTaskType(type)).toEqual(action ? { operation, action } : { operation });
  });

  it('an unknown task_type maps to nothing, and its result offers no actions', () => {
    expect(parseTaskType('kling-video')).toBeUndefined();
    expect(map({ task_id: 'k', task_type: 'kling-video', image_urls: ['https://x/1.png'] }).actions).toEqual([]);
  });

  it('the result of an action offered from a grid or an upscale can be acted on in turn', () => {
    expect(
      map({
        task_id: 'v',
        task_type: 'variation-strong',
        image_urls: ['a', 'b', 'c', 'd'].map((name) => `https://x/${name}.png`),
      }).actions,
    ).toContain('upscale-2');
    expect(map({ task_id: 'u', task_type: 'upscale-4x', image_url: 'https://x/big.png' }).actions).toEqual([]);
  });
});

describe('what the client remembers', () => {
  it('restores parent, prompt, ref and createdAt that APIFRAME does not store', () => {
    const raw = fixture('upscale-1x-finished');
    const job = taskToJob(raw, v.parse(taskSchema, raw), {
      operation: 'action',
      action: 'upscale-1',
      parentId: 'apiframe:parent',
      prompt: 'a fox',
      ref: 'order-7',
      createdAt: '2025-01-01T00:00:00.000Z',
    });
    expect(job).toMatchObject({
      parentId: 'apiframe:parent',
      prompt: 'a fox',
      ref: 'order-7',
      createdAt: '2025-01-01T00:00:00.000Z',
    });
  });

  it('uses the remembered operation when the task_type is missing', () => {
    const raw = { task_id: 'x', status: 'processing' };
    expect(taskToJob(raw, v.parse(taskSchema, raw), { operation: 'describe' }).operation).toBe('describe');
  });
});

describe('only http(s) URLs reach a Job (issue 10 §5)', () => {
  it('drops a hostile grid URL and hostile tiles, and keeps the rest', () => {
    const raw = fixture<{ image_urls: string[] }>('imagine-finished');
    const job = map({
      ...raw,
      original_image_url: 'javascript:alert(1)',
      image_urls: [raw.image_urls[0], 'data:image/png;base64,AAAA', 'file:///etc/passwd', raw.image_urls[3]],
    });
    expect(job.status).toBe('succeeded');
    expect(job.gridUrl).toBeUndefined();
    expect(job.images).toEqual([{ url: raw.image_urls[0] }, { url: raw.image_urls[3] }]);
  });

  it('a finished grid whose every URL is refused is bad_response, not an empty success', () => {
    const bad = { task_id: 'g', task_type: 'imagine', original_image_url: '//cdn/x.png', image_urls: ['javascript:1'] };
    const error = (() => {
      try {
        map(bad);
      } catch (e) {
        return e;
      }
    })();
    expect(MjGateError.isInstance(error)).toBe(true);
    expect(error).toBeInstanceOf(ResponseValidationError);
    expect(error).toMatchObject({ code: 'bad_response', retryable: false, provider: 'apiframe' });
    expect((error as Error).message).toMatch(/apiframe:g as succeeded with no usable http\(s\) URL/);
  });

  it('a finished video: refused video_urls fall back to video_url; none usable is bad_response', () => {
    const raw = fixture('video-finished');
    expect(map({ ...raw, video_urls: ['file:///a.mp4'], video_url: 'https://v/0.mp4' }).videoUrls).toEqual([
      'https://v/0.mp4',
    ]);
    expect(() => map({ ...raw, video_urls: ['file:///a.mp4'], video_url: 'javascript:1' })).toThrow(
      ResponseValidationError,
    );
  });

  it('describe keeps its texts whatever its echoed input image is', () => {
    const job = map({ ...fixture('describe-finished'), image_url: 'javascript:alert(1)' });
    expect(job).toMatchObject({ status: 'succeeded', images: [] });
    expect(job.texts).toHaveLength(4);
  });

  it('a task still processing is never bad_response, whatever its preview URLs', () => {
    expect(map(task({ status: 'processing', image_urls: ['javascript:1'] }))).toMatchObject({ status: 'running' });
  });
});

describe('hostile status words', () => {
  it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', 'rendering'])(
    'the word %j is unknown: running without a result, the result fields decide with one',
    (status) => {
      const running = map(task({ status }));
      expect(running.status).toBe('running');
      expect((running.raw as { status: string }).status).toBe(status);
      expect(map({ ...fixture('imagine-finished'), status }).status).toBe('succeeded');
      expect(map(task({ status, message: 'Midjourney failed' })).status).toBe('failed');
    },
  );

  it.each(['outpaint-1', 'outpaint-1.5', 'outpaint-2', 'outpaint-1.25'])('%s maps to a zoom action', (type) => {
    expect(parseTaskType(type)?.action).toMatch(/^(make-square|zoom-out-1\.5x|zoom-out-2x|custom-zoom)$/);
  });
});
