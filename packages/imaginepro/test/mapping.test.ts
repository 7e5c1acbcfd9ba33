import { MjGateError, ResponseValidationError } from '@mjgate/core';
import { describe, expect, it } from 'vitest';
import { decodeJobId, encodeJobId, inferIdKind, progressOf, toJob } from '../src/mapping.js';
import type { ImagineProMessage } from '../src/schemas.js';
import doneButton from './fixtures/message-done-button.json' with { type: 'json' };
import doneNew from './fixtures/message-done-new.json' with { type: 'json' };
import failed from './fixtures/message-failed.json' with { type: 'json' };
import processing from './fixtures/message-processing.json' with { type: 'json' };
import videoDone from './fixtures/video-done.json' with { type: 'json' };

const msg = (m: object) => m as ImagineProMessage;

describe('message → Job, on the vendor reference examples', () => {
  it('an in-progress message (skill example) is a running imagine job with its timestamps in ISO form', () => {
    const job = toJob(msg(processing), processing.messageId);
    expect(job).toEqual({
      id: 'imaginepro:2346e0bc-c3c3-48ea-adec-3a21609fd288',
      provider: 'imaginepro',
      providerJobId: '2346e0bc-c3c3-48ea-adec-3a21609fd288',
      operation: 'imagine',
      status: 'running',
      progress: 0,
      prompt: 'a simple red circle on white background',
      images: [],
      videoUrls: [],
      texts: [],
      actions: [],
      createdAt: '2026-02-22T07:43:37.000Z',
      updatedAt: '2026-02-22T07:43:37.000Z',
      raw: processing,
    });
  });

  it('the docs’ finished button message: grid URL, parent, every listed button as a canonical action', () => {
    const job = toJob(msg(doneButton), 'your-button-message-id');
    expect(job).toMatchObject({
      id: 'imaginepro:your-button-message-id',
      operation: 'action',
      parentId: 'imaginepro:your-message-id',
      status: 'succeeded',
      progress: 100,
      gridUrl: 'https://cdn.imaginepro.ai/storage/123/123/123.png',
      images: [],
      createdAt: '2023-08-01T14:03:01.817Z',
    });
    expect(job.actions).toEqual([
      'upscale-1',
      'upscale-2',
      'upscale-3',
      'upscale-4',
      'reroll',
      'variation-1',
      'variation-2',
      'variation-3',
      'variation-4',
      'zoom-out-2x',
      'zoom-out-1.5x',
      'vary-strong',
      'vary-subtle',
    ]);
    // The example's `ref: ""` means no ref was given.
    expect(job.ref).toBeUndefined();
    expect(job.raw).toBe(doneButton);
  });

  it('the newer finished shape (skill): one image in `images` is a single image, not a grid', () => {
    const job = toJob(msg(doneNew), doneNew.messageId);
    expect(job.status).toBe('succeeded');
    expect(job.gridUrl).toBeUndefined();
    expect(job.images).toEqual([{ url: doneNew.uri }]);
    expect(job.updatedAt).toBe('2026-02-22T07:44:51.000Z');
  });

  it('a grid with its four tiles in `images`: `uri` is the composite, `images` the tiles', () => {
    const tiles = [1, 2, 3, 4].map((tile) => `https://cdn.imaginepro.ai/cdn/m-${tile}.png`);
    const job = toJob(
      msg({
        messageId: 'm',
        status: 'DONE',
        progress: 100,
        prompt: 'fox',
        uri: 'https://cdn.imaginepro.ai/cdn/m.png',
        images: tiles,
        buttons: ['U1', 'U2', 'U3', 'U4', '🔄', 'V1', 'V2', 'V3', 'V4'],
      }),
      'm',
    );
    expect(job.gridUrl).toBe('https://cdn.imaginepro.ai/cdn/m.png');
    expect(job.images.map((image) => image.url)).toEqual(tiles);
  });

  it('an upscaled message with the post-upscale buttons (emoji with U+FE0F) is a single image', () => {
    const job = toJob(
      msg({
        messageId: 'u',
        status: 'DONE',
        uri: 'https://cdn.imaginepro.ai/cdn/u.png',
        originatingMessageId: 'm',
        buttons: [
          'Upscale (Subtle)',
          'Upscale (Creative)',
          'Redo Upscale (2x)',
          'Redo Upscale (4x)',
          'Upscale (2x)',
          'Upscale (4x)',
          'Vary (Subtle)',
          'Vary (Strong)',
          'Vary (Region)',
          'Zoom Out 2x',
          'Zoom Out 1.5x',
          '\u2B05\uFE0F',
          '\u27A1\uFE0F',
          '\u2B06\uFE0F',
          '\u2B07\uFE0F',
          'Make Square',
          'Custom Zoom',
          'Cancel Job',
          'Something New',
        ],
      }),
      'u',
    );
    expect(job.gridUrl).toBeUndefined();
    expect(job.images).toEqual([{ url: 'https://cdn.imaginepro.ai/cdn/u.png' }]);
    expect(job.actions).toEqual([
      'upscale-subtle',
      'upscale-creative',
      'redo-upscale-2x',
      'redo-upscale-4x',
      'upscale-2x',
      'upscale-4x',
      'vary-subtle',
      'vary-strong',
      'vary-region',
      'zoom-out-2x',
      'zoom-out-1.5x',
      'pan-left',
      'pan-right',
      'pan-up',
      'pan-down',
      'make-square',
      'custom-zoom',
    ]);
  });

  it('actions per result kind when `buttons` is left out: a grid offers U/V/🔄, a single image nothing guessed', () => {
    const tiles = [1, 2, 3, 4].map((tile) => `https://cdn.imaginepro.ai/cdn/g-${tile}.png`);
    const grid = toJob(
      msg({ messageId: 'g', status: 'DONE', prompt: 'fox', uri: 'https://x/g.png', images: tiles }),
      'g',
    );
    expect(grid.gridUrl).toBe('https://x/g.png');
    expect(grid.actions).toEqual([
      'upscale-1',
      'upscale-2',
      'upscale-3',
      'upscale-4',
      'reroll',
      'variation-1',
      'variation-2',
      'variation-3',
      'variation-4',
    ]);
    // An imagine known only by its composite is a grid too.
    expect(toJob(msg({ status: 'DONE', prompt: 'fox', uri: 'https://x/g.png' }), 'g').actions).toContain('upscale-1');
    // The skill's newer example (one image, no buttons) is a single image: no actions are guessed.
    expect(toJob(msg(doneNew), doneNew.messageId).actions).toEqual([]);
    expect(toJob(msg({ status: 'DONE', uri: 'https://x/s.png' }), 'faceswap.s').actions).toEqual([]);
    // An explicit list, even an empty one, is ImaginePro's word and is kept.
    expect(toJob(msg({ status: 'DONE', prompt: 'fox', uri: 'https://x/g.png', buttons: [] }), 'g').actions).toEqual([]);
  });

  it('with `disableCdn` only the Discord `originalUrl` is there, and it is used', () => {
    const job = toJob(
      msg({ messageId: 'm', status: 'DONE', originalUrl: 'https://cdn.discordapp.com/a.png', buttons: ['U1'] }),
      'm',
    );
    expect(job.gridUrl).toBe('https://cdn.discordapp.com/a.png');
  });

  it('the failed example carries its error text', () => {
    const job = toJob(msg(failed), 'f-1');
    expect(job).toMatchObject({
      id: 'imaginepro:f-1',
      status: 'failed',
      error: { code: 'job_failed', message: 'Description of what went wrong' },
    });
  });

  it('a FAIL caused by Cancel Job is cancelled; a moderation FAIL says content_policy', () => {
    expect(toJob(msg({ status: 'FAIL', error: 'Job cancelled by user.' }), 'c')).toMatchObject({
      status: 'cancelled',
      error: { code: 'cancelled' },
    });
    expect(toJob(msg({ status: 'FAIL', error: 'Banned prompt detected: gore' }), 'b').error?.code).toBe(
      'content_policy',
    );
    expect(toJob(msg({ status: 'FAIL' }), 'x').error?.message).toMatch(/without a reason/);
  });

  it.each([
    ['QUEUED', 'queued'],
    ['SUBMITTED', 'queued'],
    ['PROCESSING', 'running'],
    ['DONE', 'succeeded'],
    ['FAIL', 'failed'],
    ['UPSCALING', 'running'],
    ['processing', 'running'],
  ])('status %s → %s', (status, expected) => {
    expect(toJob(msg({ status }), 'x').status).toBe(expected);
  });

  it('progress as a number or a string, clamped; DONE is 100', () => {
    expect(progressOf(42)).toBe(42);
    expect(progressOf('42')).toBe(42);
    expect(progressOf('42%')).toBe(42);
    expect(progressOf(140)).toBe(100);
    expect(progressOf('soon')).toBeNull();
    expect(progressOf(undefined)).toBeNull();
    expect(toJob(msg({ status: 'PROCESSING', progress: '57' }), 'x').progress).toBe(57);
    expect(toJob(msg({ status: 'DONE', progress: '99' }), 'x').progress).toBe(100);
  });

  it('reads the apifox spelling `originalMessageId` as the parent too', () => {
    expect(toJob(msg({ status: 'QUEUED', originalMessageId: 'p' }), 'x')).toMatchObject({
      operation: 'action',
      parentId: 'imaginepro:p',
    });
  });

  it('a video message (SDK fields): videos in index order, no images, parent in video form', () => {
    const job = toJob(msg({ ...videoDone, originatingMessageId: 'v0' }), `video.${videoDone.messageId}`);
    expect(job).toMatchObject({
      id: `imaginepro:video.${videoDone.messageId}`,
      operation: 'video',
      status: 'succeeded',
      parentId: 'imaginepro:video.v0',
      images: [],
      videoUrls: [videoDone.results[1]?.url, videoDone.results[0]?.url],
    });
    expect(toJob(msg({ status: 'DONE', videoUrl: 'https://x/v.mp4' }), 'video.v').videoUrls).toEqual([
      'https://x/v.mp4',
    ]);
  });

  it('describe prompts from `content`, as a list or as one text separated by blank lines', () => {
    const list = toJob(msg({ status: 'DONE', content: ['one', 'two'] }), 'describe.d');
    expect(list).toMatchObject({ operation: 'describe', texts: ['one', 'two'], images: [] });
    const text = toJob(msg({ status: 'DONE', content: '1️⃣ one --ar 1:1\n\n2️⃣ two\n\n' }), 'describe.d');
    expect(text.texts).toEqual(['1️⃣ one --ar 1:1', '2️⃣ two']);
  });

  it('a blend message (prompt of image URLs only) is a blend; faceswap from its id is one image', () => {
    expect(toJob(msg({ status: 'QUEUED', prompt: 'https://a/1.png https://a/2.png' }), 'b').operation).toBe('blend');
    expect(toJob(msg({ status: 'QUEUED', prompt: 'https://a/1.png a cat' }), 'i').operation).toBe('imagine');
    const swap = toJob(msg({ status: 'DONE', uri: 'https://a/s.png' }), 'faceswap.s');
    expect(swap).toMatchObject({ operation: 'faceswap', images: [{ url: 'https://a/s.png' }] });
    expect(swap.gridUrl).toBeUndefined();
  });
});

describe('job ids', () => {
  it('round-trip the kinds that need one, and leave plain message ids alone', () => {
    expect(encodeJobId('video', 'abc')).toBe('video.abc');
    expect(decodeJobId('video.abc')).toEqual({ idKind: 'video', messageId: 'abc' });
    expect(decodeJobId('describe.abc')).toEqual({ idKind: 'describe', messageId: 'abc' });
    expect(decodeJobId('d15c1541-229a-442b-9873-d3494dede12a')).toEqual({
      messageId: 'd15c1541-229a-442b-9873-d3494dede12a',
    });
    expect(decodeJobId('other.abc')).toEqual({ messageId: 'other.abc' });
  });

  it('infers the id kind of an untagged payload from its fields', () => {
    expect(inferIdKind(msg(videoDone))).toBe('video');
    expect(inferIdKind(msg({ status: 'DONE', content: ['x'] }))).toBe('describe');
    expect(inferIdKind(msg(doneButton))).toBeUndefined();
  });
});

describe('only http(s) URLs reach a Job (issue 10 §5)', () => {
  const tiles = [1, 2, 3, 4].map((tile) => `https://cdn.imaginepro.ai/cdn/m-${tile}.png`);

  it('drops a hostile composite and hostile tiles, and keeps the rest', () => {
    const job = toJob(
      msg({
        ...doneButton,
        uri: 'javascript:alert(1)',
        originalUrl: 'data:image/png;base64,AAAA',
        images: [tiles[0], 'file:///etc/passwd', '//cdn.example/3.png', tiles[3]],
      }),
      'm',
    );
    expect(job.status).toBe('succeeded');
    expect(job.gridUrl).toBeUndefined();
    expect(job.images).toEqual([{ url: tiles[0] }, { url: tiles[3] }]);
  });

  it('falls back to the Discord originalUrl when the CDN uri is refused', () => {
    const job = toJob(msg({ ...doneButton, uri: 'https://cdn.imaginepro.ai/a\u0000.png' }), 'm');
    expect(job.gridUrl).toBe(doneButton.originalUrl);
  });

  it('a finished image whose every URL is refused is bad_response, not an empty success', () => {
    const map = () =>
      toJob(msg({ ...doneNew, uri: 'javascript:alert(1)', images: ['data:image/png;base64,AAAA', ''] }), 'm');
    expect(map).toThrow(ResponseValidationError);
    expect(map).toThrow(/succeeded with no usable http\(s\) URL/);
    try {
      map();
    } catch (error) {
      expect(MjGateError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({ code: 'bad_response', retryable: false, provider: 'imaginepro' });
    }
  });

  it('video: refused results fall back to videoUrl; none usable at all is bad_response', () => {
    const id = `video.${videoDone.messageId}`;
    const results = [{ url: 'javascript:alert(1)', index: 0 }];
    expect(toJob(msg({ ...videoDone, results }), id).videoUrls).toEqual([videoDone.videoUrl]);
    expect(() => toJob(msg({ ...videoDone, results, videoUrl: 'file:///v.mp4' }), id)).toThrow(ResponseValidationError);
  });

  it('video results are ordered by index even when an index is not a finite number', () => {
    const results = [
      { url: 'https://v/1.mp4', index: 1 },
      { url: 'https://v/x.mp4', index: Number.POSITIVE_INFINITY },
    ];
    expect(toJob(msg({ ...videoDone, results }), 'video.v').videoUrls).toEqual(['https://v/x.mp4', 'https://v/1.mp4']);
  });

  it('a finished message that names no URL at all is not bad_response (nothing was refused)', () => {
    expect(toJob(msg({ status: 'DONE', prompt: 'fox' }), 'm')).toMatchObject({ status: 'succeeded', images: [] });
  });

  it('a running message is never bad_response, whatever its preview URLs', () => {
    expect(toJob(msg({ status: 'PROCESSING', uri: 'javascript:alert(1)' }), 'm')).toMatchObject({ status: 'running' });
  });
});

describe('hostile status words and timestamps', () => {
  it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', 'RENDERING', ''])(
    'the status word %j is unknown: the job is still running, with the word in raw',
    (status) => {
      const job = toJob(msg({ status, prompt: 'fox' }), 'm');
      expect(job.status).toBe('running');
      expect((job.raw as { status: string }).status).toBe(status);
    },
  );

  it.each(['not a date', '275760-09-14T00:00:00Z', '+999999-01-01T00:00:00Z', 'NaN', '   '])(
    'a timestamp of %j is dropped, not kept as text nor thrown on',
    (createdAt) => {
      const job = toJob(msg({ status: 'QUEUED', createdAt, updatedAt: createdAt }), 'm');
      expect(job.createdAt).toBeUndefined();
      expect(job.updatedAt).toBeUndefined();
    },
  );

  it.each(['constructor', '__proto__', 'toString'])('the button label %j is no action', (label) => {
    expect(toJob(msg({ ...doneButton, buttons: [label, 'U1'] }), 'm').actions).toEqual(['upscale-1']);
  });
});
