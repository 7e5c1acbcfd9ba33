import { InvalidRequestError, type MjGateError, UnsupportedError } from '@mjgate/core';
import { describe, expect, it } from 'vitest';
import { actionRequest, REQUESTS, videoRequest } from '../src/requests.js';

/** The error `run` throws, for asserting its class, message and provider together. */
function thrown(run: () => unknown): MjGateError {
  try {
    run();
  } catch (error) {
    return error as MjGateError;
  }
  throw new Error('expected a throw');
}

const MASK = 'data:image/png;base64,AAAA';
const extend = { id: 'acedata:v-1', provider: 'acedata', providerJobId: 'v-1' };

describe('imagine body edges (§3.1, §11)', () => {
  it('adds --v even when the prompt already has other flags, and not over a --v of the prompt', () => {
    const body = REQUESTS.imagine.body({ prompt: 'cat --ar 2:3', providerOptions: { version: '7' } });
    expect(body.prompt).toBe('cat --ar 2:3 --v 7');
    expect(REQUESTS.imagine.body({ prompt: 'cat --v 6', providerOptions: { version: '7' } }).prompt).toBe('cat --v 6');
  });

  it('an edit sends its mode when given', () => {
    const input = { imageUrl: 'https://img.example/a.png', prompt: 'a hat' };
    expect(REQUESTS.edit.body({ ...input, mode: 'fast' } as never)).toMatchObject({ mode: 'fast' });
    expect(REQUESTS.edit.body(input as never)).not.toHaveProperty('mode');
  });

  it('takes exactly 5 image URLs, refuses 6, and names the provider', () => {
    const urls = (n: number) => Array.from({ length: n }, (_, i) => `https://img.example/${i}.png`);
    expect(REQUESTS.imagine.body({ prompt: 'cat', imageUrls: urls(5) }).prompt).toContain('https://img.example/4.png');
    const error = thrown(() => REQUESTS.imagine.body({ prompt: 'cat', imageUrls: urls(6) }));
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect(error.message).toBe('AceData takes at most 5 image URLs at the front of a prompt.');
    expect(error.provider).toBe('acedata');
  });

  it('refuses turbo only with V8.1', () => {
    expect(REQUESTS.imagine.body({ prompt: 'cat', mode: 'fast', providerOptions: { version: '8.1' } }).mode).toBe(
      'fast',
    );
    expect(REQUESTS.imagine.body({ prompt: 'cat', mode: 'turbo', providerOptions: { version: '7' } }).mode).toBe(
      'turbo',
    );
    expect(REQUESTS.imagine.body({ prompt: 'cat', mode: 'turbo' }).mode).toBe('turbo');
    expect(() => REQUESTS.imagine.body({ prompt: 'cat', mode: 'turbo', providerOptions: { version: '8.1' } })).toThrow(
      /V8\.1 runs only/,
    );
  });

  it('names imagine in a bad providerOptions message', () => {
    expect(() => REQUESTS.imagine.body({ prompt: 'cat', providerOptions: { version: 'x' } } as never)).toThrow(
      /imagine/,
    );
  });
});

describe('translate edges (§7)', () => {
  it('refuses an empty, blank or non-string text with a message', () => {
    for (const text of ['', '   ', 42 as unknown as string, undefined as unknown as string]) {
      const error = thrown(() => REQUESTS.translate.body(text));
      expect(error).toBeInstanceOf(InvalidRequestError);
      expect(error.message).toBe('translate needs a non-empty text.');
    }
    expect(REQUESTS.translate.body(' hi ')).toEqual({ content: ' hi ' });
  });
});

describe('action edges (§3.2)', () => {
  it('an unknown action is Unsupported, names the action and the provider', () => {
    const error = thrown(() => actionRequest('custom-zoom', { zoom: 1.5 }));
    expect(error).toBeInstanceOf(UnsupportedError);
    expect(error.message).toBe("AceData has no 'custom-zoom' action.");
    expect(error.provider).toBe('acedata');
  });

  it('names the action in a bad providerOptions message', () => {
    expect(() => actionRequest('upscale-1', { providerOptions: { mode: 'warp' } } as never)).toThrow(/'upscale-1'/);
  });

  it('a follow-up is a paced submission of an imagine task', () => {
    const request = actionRequest('upscale-1', {});
    expect(request.call).toBe('submit');
    expect(request.limit).toBe('in-flight');
    expect(request.taskType).toBe('imagine');
    const video = videoRequest({ imageUrl: 'https://img.example/a.png' });
    expect(video.call).toBe('submit');
    expect(video.limit).toBe('in-flight');
    expect(video.taskType).toBe('videos');
    expect(videoRequest({ extend }).taskType).toBe('videos');
  });

  it('sends a mask and a prompt only with vary-region, the prompt trimmed', () => {
    const upscale = actionRequest('upscale-1', { mask: MASK } as never).body('img-1');
    expect(upscale).not.toHaveProperty('mask');
    expect(upscale).not.toHaveProperty('prompt');
    const region = actionRequest('vary-region', { mask: MASK, prompt: '  a hat  ' }).body('img-1');
    expect(region).toMatchObject({ mask: 'AAAA', prompt: 'a hat' });
    const blank = actionRequest('vary-region', { mask: MASK, prompt: '   ' }).body('img-1');
    expect(blank).not.toHaveProperty('prompt');
  });
});

describe('video edges (§5)', () => {
  it('trims the prompt and adds --motion without a leading space', () => {
    expect(videoRequest({ imageUrl: 'https://img.example/a.png', motion: 'low' }).body(undefined).prompt).toBe(
      '--motion low',
    );
    expect(
      videoRequest({ imageUrl: 'https://img.example/a.png', prompt: '  go  ', motion: 'high' }).body(undefined).prompt,
    ).toBe('go --motion high');
    expect(videoRequest({ imageUrl: 'https://img.example/a.png', prompt: '  go  ' }).body(undefined).prompt).toBe('go');
  });

  it('refuses motion twice with a message', () => {
    const error = thrown(() =>
      videoRequest({ imageUrl: 'https://img.example/a.png', prompt: 'go --motion low', motion: 'high' }),
    );
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect(error.message).toBe('motion is set and the prompt already has --motion: keep one of them.');
  });

  it('names video in a bad providerOptions message', () => {
    expect(() =>
      videoRequest({ imageUrl: 'https://img.example/a.png', providerOptions: { nope: 1 } } as never),
    ).toThrow(/video/);
  });

  it('an extension refuses an imageUrl or an endImageUrl alone', () => {
    for (const input of [{ imageUrl: 'https://img.example/a.png' }, { endImageUrl: 'https://img.example/b.png' }]) {
      const error = thrown(() => videoRequest({ extend, ...input }));
      expect(error).toBeInstanceOf(InvalidRequestError);
      expect(error.message).toBe('A video extension takes no imageUrl or endImageUrl: it continues the video.');
    }
  });

  it('an extension without a parent is refused, not a crash', () => {
    const error = thrown(() => videoRequest({ extend }).body(undefined));
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect(error.message).toBe('Job undefined has no AceData video_id: only a finished video extends.');
  });

  it('checks the index only against a known count', () => {
    expect(videoRequest({ extend, index: 3 }).body({ id: 'acedata:v-1', videoId: 'vid', videoCount: 0 })).toMatchObject(
      { video_index: 3 },
    );
    expect(videoRequest({ extend, index: 1 }).body({ id: 'acedata:v-1', videoId: 'vid', videoCount: 2 })).toMatchObject(
      { video_index: 1 },
    );
    expect(() => videoRequest({ extend, index: 2 }).body({ id: 'acedata:v-1', videoId: 'vid', videoCount: 2 })).toThrow(
      /out of range/,
    );
  });
});
