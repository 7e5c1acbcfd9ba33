import { type Job, ResponseValidationError } from '@mjgate/core';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { numberedTexts, percentOf, taskToJob } from '../src/mapping.js';
import { taskSchema } from '../src/schemas.js';

// §2.5 progress and §2.6 result fields: which URL a user gets as the grid, the images, the videos
// and the texts of a finished task, and the times, prompt, seed, ref and parent around them.

const GRID_BUTTON = { customId: 'MJ::JOB::upsample::1::abc' };
const TILES = [1, 2, 3, 4].map((n) => ({ url: `https://cdn.example.com/${n}.png` }));

function job(fields: Record<string, unknown>, known = {}): Job {
  const raw = { id: '1712345678900001', ...fields };
  return taskToJob(raw, v.parse(taskSchema, raw), known);
}
const done = (fields: Record<string, unknown>, known = {}) => job({ status: 'SUCCESS', ...fields }, known);

describe('progress (§2.5)', () => {
  it('reads "N%" and "N.5 %", with spaces, capped at 100', () => {
    expect(percentOf(' 7%')).toBe(7);
    expect(percentOf('12.5 %')).toBe(12.5);
    expect(percentOf('120%')).toBe(100);
    expect(percentOf('45% done')).toBe(45);
  });

  it('keeps every decimal', () => {
    expect(percentOf('12.55%')).toBe(12.55);
  });

  it('anything else is no number', () => {
    expect(percentOf('45')).toBeNull();
    expect(percentOf('about 45%')).toBeNull();
    expect(percentOf(null)).toBeNull();
    expect(percentOf(undefined)).toBeNull();
  });

  it('a finished task is at 100 whatever it says, a failed one has none', () => {
    expect(done({ action: 'IMAGINE', imageUrl: 'https://cdn.example.com/g.png', progress: '0%' }).progress).toBe(100);
    expect(job({ status: 'FAILURE', progress: '50%' }).progress).toBeNull();
    expect(job({ status: 'IN_PROGRESS', progress: '50%' }).progress).toBe(50);
  });
});

describe('grid, images and videos (§2.6)', () => {
  it('a grid by its buttons: imageUrl is the grid, imageUrls the tiles', () => {
    const grid = done({
      action: 'ACTION',
      imageUrl: 'https://cdn.example.com/g.png',
      imageUrls: TILES,
      buttons: [GRID_BUTTON],
    });
    expect(grid.gridUrl).toBe('https://cdn.example.com/g.png');
    expect(grid.images.map((image) => image.url)).toEqual(TILES.map((tile) => tile.url));
  });

  it('a variation button also marks a grid; an upscale-shaped button on one image does not', () => {
    const byVariation = done({
      action: 'UPSCALE',
      imageUrl: 'https://cdn.example.com/g.png',
      buttons: [{ customId: 'MJ::JOB::variation::3::abc' }],
    });
    expect(byVariation.gridUrl).toBe('https://cdn.example.com/g.png');
    const single = done({
      action: 'IMAGINE',
      imageUrl: 'https://cdn.example.com/u.png',
      width: 1024,
      height: 512,
      buttons: [{ customId: 'MJ::JOB::upsample_v6_2x_subtle::1::abc::SOLO' }],
    });
    expect(single.gridUrl).toBeUndefined();
    expect(single.images).toEqual([{ url: 'https://cdn.example.com/u.png', width: 1024, height: 512 }]);
    // The grid button must be the whole id: `…::abc::SOLO` is an upscaled image's variation.
    const solo = done({
      action: 'IMAGINE',
      imageUrl: 'https://cdn.example.com/u.png',
      buttons: [{ customId: 'MJ::JOB::variation::1::abc::SOLO' }],
    });
    expect(solo.gridUrl).toBeUndefined();
  });

  it.each([
    'IMAGINE',
    'VARIATION',
    'REROLL',
    'BLEND',
    'PAN',
    'ZOOM',
    'OUTPAINT',
    'INPAINT',
    'HIGH_VARIATION',
    'LOW_VARIATION',
    'CUSTOM_ZOOM',
  ])('without buttons, a %s task is a grid', (action) => {
    expect(done({ action, imageUrl: 'https://cdn.example.com/g.png' }).gridUrl).toBe('https://cdn.example.com/g.png');
  });

  it.each(['UPSCALE', 'UPSCALE_HD', 'SWAP_FACE'])('without buttons, a %s task is one image', (action) => {
    const one = done({ action, imageUrl: 'https://cdn.example.com/u.png' });
    expect(one.gridUrl).toBeUndefined();
    expect(one.images).toEqual([{ url: 'https://cdn.example.com/u.png' }]);
  });

  it('a button that only contains a grid button’s shape further in does not make a grid', () => {
    const one = done({
      action: 'IMAGINE',
      imageUrl: 'https://cdn.example.com/u.png',
      buttons: [{ customId: 'X::MJ::JOB::upsample::1::abc' }],
    });
    expect(one.gridUrl).toBeUndefined();
    expect(one.images).toEqual([{ url: 'https://cdn.example.com/u.png' }]);
  });

  it('an empty button list leaves the decision to the action: an imagine is still a grid', () => {
    expect(done({ action: 'IMAGINE', imageUrl: 'https://cdn.example.com/g.png', buttons: [] }).gridUrl).toBe(
      'https://cdn.example.com/g.png',
    );
  });

  it('a size the server leaves null is no size', () => {
    expect(
      done({ action: 'UPSCALE', imageUrl: 'https://cdn.example.com/u.png', width: null, height: null }).images,
    ).toEqual([{ url: 'https://cdn.example.com/u.png' }]);
  });

  it('sizes are kept only when they are numbers', () => {
    expect(done({ action: 'UPSCALE', imageUrl: 'https://cdn.example.com/u.png', width: 640 }).images).toEqual([
      { url: 'https://cdn.example.com/u.png', width: 640 },
    ]);
    expect(done({ action: 'UPSCALE', imageUrl: 'https://cdn.example.com/u.png', height: 480 }).images).toEqual([
      { url: 'https://cdn.example.com/u.png', height: 480 },
    ]);
  });

  it('before SUCCESS the imageUrl is a preview: no grid, no image, no video', () => {
    const running = job({
      status: 'IN_PROGRESS',
      action: 'IMAGINE',
      imageUrl: 'https://cdn.example.com/p.png',
      imageUrls: TILES,
    });
    expect(running).toMatchObject({ images: [], videoUrls: [], texts: [], actions: [] });
    expect(running.gridUrl).toBeUndefined();
  });

  it('videos: videoUrls first, then videoUrl, then an mp4 imageUrl of a video task', () => {
    const listed = done({
      action: 'VIDEO',
      videoUrls: [{ url: 'https://cdn.example.com/a.mp4' }, { url: 'ftp://x/b.mp4' }],
      videoUrl: 'https://cdn.example.com/single.mp4',
    });
    expect(listed.videoUrls).toEqual(['https://cdn.example.com/a.mp4']);
    expect(done({ action: 'VIDEO', videoUrl: 'https://cdn.example.com/single.mp4' }).videoUrls).toEqual([
      'https://cdn.example.com/single.mp4',
    ]);
    const inImage = done({ action: 'VIDEO', imageUrl: 'https://cdn.example.com/v.MP4?sig=1' });
    expect(inImage.videoUrls).toEqual(['https://cdn.example.com/v.MP4?sig=1']);
    expect(inImage.images).toEqual([]);
    // A picture on a video task, or an mp4 on an image task, is not a video.
    expect(done({ action: 'VIDEO', imageUrl: 'https://cdn.example.com/v.mp4.png' }).videoUrls).toEqual([]);
    expect(done({ action: 'UPSCALE', imageUrl: 'https://cdn.example.com/v.mp4' }).videoUrls).toEqual([]);
  });

  it('a video task with grid buttons is still a video, not a grid', () => {
    const video = done({
      action: 'VIDEO',
      imageUrl: 'https://cdn.example.com/cover.png',
      videoUrl: 'https://cdn.example.com/v.mp4',
      buttons: [GRID_BUTTON],
    });
    expect(video.gridUrl).toBeUndefined();
    expect(video.videoUrls).toEqual(['https://cdn.example.com/v.mp4']);
    expect(video.images).toEqual([{ url: 'https://cdn.example.com/cover.png' }]);
  });

  it('a success whose every URL is refused is a broken answer, not an empty success', () => {
    expect(() => done({ action: 'UPSCALE', imageUrl: 'javascript:alert(1)' })).toThrow(ResponseValidationError);
    expect(() => done({ action: 'IMAGINE', imageUrls: [{ url: 'file:///etc/passwd' }] })).toThrow(
      ResponseValidationError,
    );
    // A describe's imageUrl is its input, not a result: it does not count.
    expect(done({ action: 'DESCRIBE', imageUrl: 'javascript:x', prompt: 'p' }).images).toEqual([]);
  });
});

describe('texts (§2.6)', () => {
  const PROMPTS = '1️⃣ a cat --ar 1:1\n\n2️⃣ a dog\n\n3️⃣ a fox\n\n4️⃣ a bird';

  it('describe: the numbered prompts of promptEn, or of description, or of properties.finalPrompt first', () => {
    expect(done({ action: 'DESCRIBE', promptEn: PROMPTS }).texts).toEqual([
      'a cat --ar 1:1',
      'a dog',
      'a fox',
      'a bird',
    ]);
    expect(done({ action: 'DESCRIBE', description: PROMPTS }).texts).toHaveLength(4);
    expect(done({ action: 'DESCRIBE', promptEn: 'x', properties: { finalPrompt: '1️⃣ final' } }).texts).toEqual([
      'final',
    ]);
    expect(done({ action: 'DESCRIBE', promptEn: '1️⃣ en', properties: { finalPrompt: '  ' } }).texts).toEqual(['en']);
  });

  it('a describe never shows its input image as a result', () => {
    const described = done({ action: 'DESCRIBE', promptEn: PROMPTS, imageUrl: 'https://cdn.example.com/input.png' });
    expect(described.images).toEqual([]);
    expect(described.gridUrl).toBeUndefined();
  });

  it('shorten: only the prompts after the "Shortened prompts" heading', () => {
    const text = '**Important tokens**\n1️⃣ not this\n## Shortened prompts\n1️⃣ short\n2️⃣ shorter';
    expect(done({ action: 'SHORTEN', promptEn: text }).texts).toEqual(['short', 'shorter']);
    expect(numberedTexts('1️⃣ no heading', /##\s*Shortened prompts/i)).toEqual([]);
  });

  it('text before the first keycap is not a prompt; the heading may have no space after ##', () => {
    expect(numberedTexts('Here are four prompts:\n1️⃣ one\n2️⃣ two')).toEqual(['one', 'two']);
    expect(done({ action: 'SHORTEN', promptEn: '##Shortened prompts\n1️⃣ short' }).texts).toEqual(['short']);
    // A describe's text has no heading to look for.
    expect(done({ action: 'DESCRIBE', promptEn: '1️⃣ a ## Shortened prompts 2️⃣ b' }).texts).toEqual([
      'a ## Shortened prompts',
      'b',
    ]);
  });

  it('no text, or an imagine, gives no texts; keycaps past 5 are not separators', () => {
    expect(numberedTexts(undefined)).toEqual([]);
    expect(numberedTexts('')).toEqual([]);
    expect(numberedTexts('1️⃣ a 6️⃣ b')).toEqual(['a 6️⃣ b']);
    expect(numberedTexts('1️⃣  \n2️⃣ b')).toEqual(['b']);
    expect(done({ action: 'IMAGINE', promptEn: PROMPTS, imageUrl: 'https://cdn.example.com/g.png' }).texts).toEqual([]);
    expect(job({ status: 'IN_PROGRESS', action: 'DESCRIBE', promptEn: PROMPTS }).texts).toEqual([]);
  });
});

describe('around the result (§2.6)', () => {
  it('seed: kept as text; empty or missing is none', () => {
    expect(job({ status: 'IN_PROGRESS', seed: 1234 }).seed).toBe('1234');
    expect(job({ status: 'IN_PROGRESS', seed: '99' }).seed).toBe('99');
    expect(job({ status: 'IN_PROGRESS', seed: '' }).seed).toBeUndefined();
    expect(job({ status: 'IN_PROGRESS', seed: null }).seed).toBeUndefined();
    expect(job({ status: 'IN_PROGRESS', seed: 0 }).seed).toBe('0');
  });

  it('ref: the task state, else what the client remembers', () => {
    expect(job({ status: 'IN_PROGRESS', state: 'order-1' }, { ref: 'mine' }).ref).toBe('order-1');
    expect(job({ status: 'IN_PROGRESS', state: '' }, { ref: 'mine' }).ref).toBe('mine');
    expect(job({ status: 'IN_PROGRESS' }).ref).toBeUndefined();
  });

  it('times: submitTime is created; finish, else start, else submit is updated; 0 is unknown', () => {
    const all = job({ status: 'IN_PROGRESS', submitTime: 1_000_000, startTime: 2_000_000, finishTime: 3_000_000 });
    expect(all.createdAt).toBe(new Date(1_000_000).toISOString());
    expect(all.updatedAt).toBe(new Date(3_000_000).toISOString());
    expect(job({ status: 'IN_PROGRESS', submitTime: 1_000_000, startTime: 2_000_000 }).updatedAt).toBe(
      new Date(2_000_000).toISOString(),
    );
    expect(job({ status: 'IN_PROGRESS', submitTime: 1_000_000, finishTime: 0 }).updatedAt).toBe(
      new Date(1_000_000).toISOString(),
    );
    const remembered = job({ status: 'IN_PROGRESS', submitTime: 0 }, { createdAt: '2026-01-01T00:00:00.000Z' });
    expect(remembered.createdAt).toBe('2026-01-01T00:00:00.000Z');
    // Past what a Date can hold: unknown, not an exception.
    expect(job({ status: 'IN_PROGRESS', submitTime: 9e15 }, { createdAt: '2026-01-01T00:00:00.000Z' }).createdAt).toBe(
      '2026-01-01T00:00:00.000Z',
    );
    expect(job({ status: 'IN_PROGRESS', submitTime: -5 }).createdAt).not.toBe(new Date(-5).toISOString());
  });

  it('prompt: prompt, else promptEn, else what the client sent; blank ones are skipped', () => {
    expect(job({ status: 'IN_PROGRESS', prompt: 'a cat', promptEn: 'en' }).prompt).toBe('a cat');
    expect(job({ status: 'IN_PROGRESS', prompt: '  ', promptEn: 'en' }).prompt).toBe('en');
    expect(job({ status: 'IN_PROGRESS', prompt: '', promptEn: ' ' }, { prompt: 'sent' }).prompt).toBe('sent');
    expect(job({ status: 'IN_PROGRESS' }).prompt).toBeUndefined();
  });

  it('parent: the task parentId as a job id (numbers too), else what the client remembers', () => {
    expect(job({ status: 'IN_PROGRESS', parentId: '42' }).parentId).toBe('mjproxy:42');
    expect(job({ status: 'IN_PROGRESS', parentId: 42 }).parentId).toBe('mjproxy:42');
    expect(job({ status: 'IN_PROGRESS' }, { parentId: 'mjproxy:7' }).parentId).toBe('mjproxy:7');
    expect(job({ status: 'IN_PROGRESS', parentId: null }, { parentId: 'mjproxy:7' }).parentId).toBe('mjproxy:7');
    expect(job({ status: 'IN_PROGRESS', parentId: null }).parentId).toBeUndefined();
  });

  it('the id is the task id as text, and the raw payload is kept as received', () => {
    const raw = { id: 1712345678900001, status: 'IN_PROGRESS', extra: { kept: true } };
    const mapped = taskToJob(raw, v.parse(taskSchema, raw));
    expect(mapped.id).toBe('mjproxy:1712345678900001');
    expect(mapped.raw).toBe(raw);
  });
});
