import { describe, expect, it } from 'vitest';
import { buttonAction, percentOf } from '../src/mapping.js';
import { jobFrom } from './helpers.js';

// §2.4 statuses, §2.5 progress, §2.6 fields, §4 buttons: the Job a user sees for each Task.

describe('Task → Job (§2.6)', () => {
  it('a novicezk grid: gridUrl, no tiles, derived U/V/reroll, times, prompt', () => {
    const job = jobFrom('task-imagine-novicezk');
    expect(job).toMatchObject({
      id: 'mjproxy:14001929738841620',
      operation: 'imagine',
      status: 'succeeded',
      progress: 100,
      prompt: '猫猫',
      gridUrl: 'https://cdn.discordapp.com/attachments/xxx/xxx/xxxx.png',
      images: [],
      createdAt: '2023-07-13T06:56:45.854Z',
      updatedAt: '2023-07-13T06:59:04.312Z',
    });
    expect(job.actions).toHaveLength(9);
  });

  it('a trueai grid: its four tiles, ref from state', () => {
    const job = jobFrom('task-grid-trueai');
    expect(job.images.map((image) => image.url)).toEqual([
      'https://cdn.midjourney.com/abc/0_0.png',
      'https://cdn.midjourney.com/abc/0_1.png',
      'https://cdn.midjourney.com/abc/0_2.png',
      'https://cdn.midjourney.com/abc/0_3.png',
    ]);
    expect(job.ref).toBe('order-42');
  });

  it('an upscale: one image with its size, parent, and every v6.1 button but ❤️', () => {
    const job = jobFrom('task-upscale-trueai');
    expect(job.gridUrl).toBeUndefined();
    expect(job.images).toEqual([{ url: 'https://cdn.example.com/upscaled.png', width: 1024, height: 1024 }]);
    expect(job.parentId).toBe('mjproxy:1712345678900003');
    expect(job.operation).toBe('action');
    expect(job.actions).toEqual([
      'upscale-subtle',
      'upscale-creative',
      'vary-subtle',
      'vary-strong',
      'vary-region',
      'zoom-out-1.5x',
      'zoom-out-2x',
      'custom-zoom',
      'make-square',
      'pan-left',
      'pan-right',
      'pan-up',
      'pan-down',
    ]);
  });

  it('describe → four prompts; shorten → five', () => {
    const described = jobFrom('task-describe-plus');
    expect(described.texts).toEqual(['Cat --ar 5:4', 'Cat2 --ar 5:4', 'Cat3 --ar 5:4', 'Cat4 --ar 5:4']);
    expect(described.images).toEqual([]);
    const shortened = jobFrom('task-shorten-plus');
    expect(shortened.texts).toHaveLength(5);
    expect(shortened.texts[4]).toBe('appdash appdash');
  });

  it('a video with its mp4 in imageUrl (§12.10)', () => {
    const job = jobFrom('task-video-trueai');
    expect(job.videoUrls).toEqual(['https://cdn.example.com/video.mp4']);
    expect(job.images).toEqual([]);
  });

  it('new-api: an empty first status is queued; its grid keeps its (partial) buttons', () => {
    expect(jobFrom('task-newapi-first-sync')).toMatchObject({ status: 'queued', progress: 0 });
    const job = jobFrom('task-imagine-newapi');
    expect(job).toMatchObject({ status: 'succeeded', gridUrl: 'http://localhost:3001/mj/image/1724963337114767' });
    expect(job.ref).toBeUndefined();
  });

  it('in progress: no preview as a result, progress from "45%"', () => {
    const job = jobFrom('task-in-progress');
    expect(job).toMatchObject({ status: 'running', progress: 45, images: [], ref: 'order-42' });
    expect(job.gridUrl).toBeUndefined();
  });

  it('failures: moderation → content_policy; trueai’s cancel text → cancelled', () => {
    expect(jobFrom('task-failure-banned')).toMatchObject({ status: 'failed', error: { code: 'content_policy' } });
    expect(jobFrom('task-cancelled-trueai')).toMatchObject({ status: 'cancelled', error: { code: 'cancelled' } });
  });
});

describe('progress (§2.5) and buttons (§4)', () => {
  it('reads only N% as a number', () => {
    expect(percentOf('45%')).toBe(45);
    expect(percentOf('Waiting to start')).toBeNull();
    expect(percentOf('')).toBeNull();
  });

  it('tells Redo Upscale by label, matches both Custom Zoom shapes, ignores ❤️ and Animate', () => {
    const id = 'MJ::JOB::upsample_v6r1_2x_subtle::1::h::SOLO';
    expect(buttonAction({ customId: id, label: 'Upscale (Subtle)' })).toBe('upscale-subtle');
    expect(buttonAction({ customId: id, label: 'Redo Upscale (Subtle)' })).toBe('redo-upscale-subtle');
    expect(buttonAction({ customId: 'MJ::JOB::upsample_v5_4x::1::h::SOLO', label: 'Upscale (4x)' })).toBe('upscale-4x');
    expect(buttonAction({ customId: 'MJ::CustomZoom::1::h' })).toBe('custom-zoom');
    expect(buttonAction({ customId: 'MJ::BOOKMARK::h', emoji: '❤️' })).toBeUndefined();
    expect(
      buttonAction({ customId: 'MJ::JOB::animate_high::1::h::SOLO', label: 'Animate (High motion)' }),
    ).toBeUndefined();
    expect(buttonAction({ customId: 'MJ::JOB::variation::1::h::SOLO', label: 'Make Variations' })).toBe('vary-strong');
  });
});
