import { GRID_ACTIONS, ResponseValidationError } from '@mjgate/core';
import { describe, expect, it } from 'vitest';
import { toJob } from '../src/mapping.js';
import type { ImagineProMessage } from '../src/schemas.js';
import fluxDone from './fixtures/flux-done.json' with { type: 'json' };
import videoDone from './fixtures/video-done.json' with { type: 'json' };

// What a finished message's URLs, buttons and texts become (vendors/imaginepro.md §3.2, §3.12,
// §3.15): grid or single image, the images a caller renders, the videos and describe prompts.

const msg = (message: object) => message as ImagineProMessage;
const tiles = [1, 2, 3, 4].map((tile) => `https://cdn.imaginepro.ai/cdn/t-${tile}.png`);

describe('grid or single image', () => {
  it('a message whose only grid button is 🔄 is still a grid: the composite and its tiles', () => {
    const job = toJob(
      msg({ status: 'DONE', prompt: 'fox', uri: 'https://x/g.png', images: tiles, buttons: ['\u{1F504}'] }),
      'g',
    );
    expect(job.gridUrl).toBe('https://x/g.png');
    expect(job.images.map((image) => image.url)).toEqual(tiles);
    expect(job.actions).toEqual(['reroll']);
  });

  it('buttons that only a single image offers make an imagine a single image, whatever else it holds', () => {
    const job = toJob(
      msg({ status: 'DONE', prompt: 'fox', uri: 'https://x/u.png', buttons: ['Vary (Strong)', 'Upscale (2x)'] }),
      'u',
    );
    expect(job.gridUrl).toBeUndefined();
    expect(job.images).toEqual([{ url: 'https://x/u.png' }]);
    expect(job.actions).toEqual(['vary-strong', 'upscale-2x']);
  });

  it('an action result with several images and no buttons is a grid (a variation makes one)', () => {
    const job = toJob(msg({ status: 'DONE', originatingMessageId: 'grid-0', images: tiles }), 'v');
    expect(job.operation).toBe('action');
    expect(job.gridUrl).toBeUndefined();
    expect(job.images.map((image) => image.url)).toEqual(tiles);
    expect(job.actions).toEqual([...GRID_ACTIONS]);
  });

  it('a blend known only by its composite is a grid, with the grid actions derived', () => {
    const job = toJob(msg({ status: 'DONE', prompt: 'https://a/1.png https://a/2.png', uri: 'https://x/b.png' }), 'b');
    expect(job.operation).toBe('blend');
    expect(job.gridUrl).toBe('https://x/b.png');
    expect(job.images).toEqual([]);
    expect(job.actions).toEqual([...GRID_ACTIONS]);
  });

  it('when `uri` is itself one of a grid’s images there is no composite: every image is a tile, in order', () => {
    const job = toJob(
      msg({ status: 'DONE', prompt: 'fox', uri: tiles[2], images: tiles, buttons: ['U1', 'U2', 'U3', 'U4'] }),
      'g',
    );
    expect(job.gridUrl).toBeUndefined();
    expect(job.images).toEqual(tiles.map((url) => ({ url })));
  });

  it('a single image that names no URL at all has no images (and is no bad_response)', () => {
    const job = toJob(msg({ status: 'DONE' }), 'faceswap.s');
    expect(job).toMatchObject({ operation: 'faceswap', status: 'succeeded' });
    expect(job.images).toEqual([]);
    expect(job.gridUrl).toBeUndefined();
  });
});

describe('Flux results (§3.12)', () => {
  it('all listed images, in order, and no composite', () => {
    const job = toJob(msg(fluxDone), `flux.${fluxDone.messageId}`);
    expect(job.gridUrl).toBeUndefined();
    expect(job.images).toEqual(fluxDone.images.map((url) => ({ url })));
    expect(job.actions).toEqual([]);
  });

  it('falls back to `uri` when `images` is missing or holds no usable URL', () => {
    const uri = fluxDone.uri;
    expect(toJob(msg({ status: 'DONE', uri }), 'flux.f').images).toEqual([{ url: uri }]);
    expect(toJob(msg({ status: 'DONE', uri, images: [] }), 'flux.f').images).toEqual([{ url: uri }]);
    expect(toJob(msg({ status: 'DONE', uri, images: ['javascript:alert(1)'] }), 'flux.f').images).toEqual([
      { url: uri },
    ]);
  });

  it('a finished Flux message naming no URL at all has no images', () => {
    const job = toJob(msg({ status: 'DONE', prompt: 'a lighthouse' }), 'flux.f');
    expect(job).toMatchObject({ status: 'succeeded', operation: 'imagine', model: 'flux-1.1-pro' });
    expect(job.images).toEqual([]);
  });
});

describe('video results (§3.15)', () => {
  it('a finished video whose only result URL is refused is bad_response, not an empty success', () => {
    const message = msg({ messageId: 'v', status: 'DONE', results: [{ url: 'javascript:alert(1)', index: 0 }] });
    expect(() => toJob(message, 'video.v')).toThrow(ResponseValidationError);
    expect(() => toJob(message, 'video.v')).toThrow(/the result URL it gave was refused/);
  });

  it('a finished video with results and no videoUrl keeps them in index order', () => {
    const { videoUrl: _, ...withoutVideoUrl } = videoDone;
    const job = toJob(msg(withoutVideoUrl), `video.${videoDone.messageId}`);
    expect(job.videoUrls).toEqual([videoDone.results[1]?.url, videoDone.results[0]?.url]);
  });
});

describe('describe prompts', () => {
  it('a text whose blank separator line holds spaces still splits into prompts', () => {
    const job = toJob(msg({ status: 'DONE', content: '1️⃣ one\n   \n2️⃣ two\n\t\n3️⃣ three' }), 'describe.d');
    expect(job.texts).toEqual(['1️⃣ one', '2️⃣ two', '3️⃣ three']);
  });

  it('prompts given as a list are trimmed, and blank ones dropped', () => {
    const job = toJob(msg({ status: 'DONE', prompts: ['  one  ', '\ttwo\n', '   '] }), 'describe.d');
    expect(job.texts).toEqual(['one', 'two']);
  });
});
