import type { GenericSchema } from 'valibot';
import { describe, expect, it } from 'vitest';
import { InvalidRequestError } from '../src/index.js';
import {
  actionInputSchema,
  blendInputSchema,
  describeInputSchema,
  faceSwapInputSchema,
  imagineInputSchema,
  shortenInputSchema,
  validateInput,
  videoInputSchema,
} from '../src/provider.js';

// What a caller reads when an input is refused before any request (each field and the rule it
// breaks, word for word), and what an accepted input becomes (every field kept, texts trimmed).

function refusal(run: () => unknown): Error {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect(error).toMatchObject({ retryable: false });
    return error as Error;
  }
  throw new Error('the input was accepted');
}

const image = 'https://cdn.example.com/a.png';
const other = 'http://cdn.example.com/b.png';
const common = { webhookUrl: 'https://hooks.example.com/mj', ref: 'order-42' };

describe('accepted inputs keep every field', () => {
  it.each([
    [
      'imagine',
      imagineInputSchema,
      {
        prompt: 'a red fox',
        imageUrls: [image],
        aspectRatio: '16:9',
        mode: 'fast',
        model: 'flux',
        n: 2,
        providerOptions: { stylize: 250 },
        ...common,
      },
    ],
    [
      "'zoom' action",
      actionInputSchema,
      { prompt: 'a red fox', mask: 'bWFzaw==', zoom: 1.5, providerOptions: { seed: 7 }, ...common },
    ],
    ['describe', describeInputSchema, { imageUrl: image, ...common }],
    ['blend', blendInputSchema, { imageUrls: [image, other], dimensions: 'square', prompt: 'both', ...common }],
    ['faceSwap', faceSwapInputSchema, { sourceUrl: image, targetUrl: other, ...common }],
    [
      'video',
      videoInputSchema,
      {
        prompt: 'it runs',
        imageUrl: image,
        endImageUrl: other,
        extend: { id: 'video-1' },
        index: 0,
        motion: 'low',
        providerOptions: { loop: true },
        ...common,
      },
    ],
    ['shorten', shortenInputSchema, { prompt: 'a red fox in the snow', ...common }],
  ])('%s', (what, schema: GenericSchema, input) => {
    expect(validateInput(schema, input, what)).toEqual(input);
  });

  it('a video that extends a video by its id string needs no start frame', () => {
    const input = { extend: 'video-1', index: 3 };
    expect(validateInput(videoInputSchema, input, 'video')).toEqual(input);
  });

  it('a video from a start frame alone is accepted', () => {
    expect(validateInput(videoInputSchema, { imageUrl: image }, 'video')).toEqual({ imageUrl: image });
  });

  it('prompt and model are trimmed', () => {
    expect(validateInput(imagineInputSchema, { prompt: '  a red fox \n', model: ' flux ' }, 'imagine')).toEqual({
      prompt: 'a red fox',
      model: 'flux',
    });
    expect(validateInput(shortenInputSchema, { prompt: '\ta red fox  ' }, 'shorten')).toEqual({ prompt: 'a red fox' });
  });

  it.each(['fast', 'relax', 'turbo'])('imagine mode %s', (mode) => {
    expect(validateInput(imagineInputSchema, { prompt: 'a fox', mode }, 'imagine')).toEqual({ prompt: 'a fox', mode });
  });

  it.each(['square', 'portrait', 'landscape'])('blend dimensions %s', (dimensions) => {
    const input = { imageUrls: [image, other], dimensions };
    expect(validateInput(blendInputSchema, input, 'blend')).toEqual(input);
  });

  it.each(['low', 'high'])('video motion %s', (motion) => {
    const input = { imageUrl: image, motion };
    expect(validateInput(videoInputSchema, input, 'video')).toEqual(input);
  });

  it.each(['16:9', '9:16', '1:1', '100:999', '2:3'])('aspect ratio %s', (aspectRatio) => {
    expect(validateInput(imagineInputSchema, { prompt: 'a fox', aspectRatio }, 'imagine')).toEqual({
      prompt: 'a fox',
      aspectRatio,
    });
  });

  it.each([image, other, 'HTTPS://CDN.EXAMPLE.COM/C.PNG'])('image URL %s', (imageUrl) => {
    expect(validateInput(describeInputSchema, { imageUrl }, 'describe')).toEqual({ imageUrl });
  });
});

describe('refused inputs name each field and its rule', () => {
  it.each([
    [{ prompt: '   ' }, 'Invalid imagine input: `prompt` must not be empty.'],
    [{ prompt: 'a fox', model: '  ' }, 'Invalid imagine input: `model` must not be empty.'],
    [{ prompt: 'a fox', n: 1.5 }, 'Invalid imagine input: `n` must be a whole number.'],
    [{ prompt: 'a fox', n: 0 }, 'Invalid imagine input: `n` must be at least 1.'],
    [
      { prompt: 'a fox', mode: 'slow' },
      'Invalid imagine input: `mode` Invalid type: Expected ("fast" | "relax" | "turbo") but received "slow".',
    ],
    [
      { prompt: 'a fox', imageUrls: ['a.png'] },
      'Invalid imagine input: `imageUrls.0` must be an absolute URL; `imageUrls.0` must be an http(s) URL.',
    ],
    [
      { prompt: 'a fox', webhookUrl: 'ftp://hooks.example.com/mj' },
      'Invalid imagine input: `webhookUrl` must be an http(s) URL.',
    ],
  ])('imagine %j', (input, message) => {
    expect(refusal(() => validateInput(imagineInputSchema, input, 'imagine')).message).toBe(message);
  });

  it.each(['x16:9', '16:9x', '16:9:1', '1609', '1:1000', '1000:1', 'a:b', '16:b', 'a:9', ''])(
    'aspect ratio %j',
    (aspectRatio) => {
      const error = refusal(() => validateInput(imagineInputSchema, { prompt: 'a fox', aspectRatio }, 'imagine'));
      expect(error.message).toBe("Invalid imagine input: `aspectRatio` must look like '16:9'.");
    },
  );

  it.each([
    'ftp://cdn.example.com/a.png',
    'ftp://cdn.example.com/?from=http://cdn.example.com/a.png',
    'file:///http://a.png',
  ])('image URL %s is no http(s) URL', (imageUrl) => {
    const error = refusal(() => validateInput(describeInputSchema, { imageUrl }, 'describe'));
    expect(error.message).toBe('Invalid describe input: `imageUrl` must be an http(s) URL.');
  });

  it.each([
    [{ mask: '' }, "Invalid 'vary-region' action input: `mask` must not be empty."],
    [{ zoom: 1 }, "Invalid 'vary-region' action input: `zoom` must be greater than 1."],
    [{ zoom: 2.5 }, "Invalid 'vary-region' action input: `zoom` must be at most 2."],
  ])('action %j', (input, message) => {
    expect(refusal(() => validateInput(actionInputSchema, input, "'vary-region' action")).message).toBe(message);
  });

  it.each([
    [[image], 'Invalid blend input: `imageUrls` needs 2 to 5 images.'],
    [[image, other, image, other, image, other], 'Invalid blend input: `imageUrls` needs 2 to 5 images.'],
  ])('blend of %j', (imageUrls, message) => {
    expect(refusal(() => validateInput(blendInputSchema, { imageUrls }, 'blend')).message).toBe(message);
  });

  it('blend dimensions outside the list', () => {
    const error = refusal(() =>
      validateInput(blendInputSchema, { imageUrls: [image, other], dimensions: '' }, 'blend'),
    );
    expect(error.message).toBe(
      'Invalid blend input: `dimensions` Invalid type: Expected ("square" | "portrait" | "landscape") but received "".',
    );
  });

  it('video motion outside the list', () => {
    const error = refusal(() => validateInput(videoInputSchema, { imageUrl: image, motion: '' }, 'video'));
    expect(error.message).toBe(
      'Invalid video input: `motion` Invalid type: Expected ("low" | "high") but received "".',
    );
  });

  it('a video needs a start frame or a video to extend', () => {
    const error = refusal(() => validateInput(videoInputSchema, { prompt: 'it runs' }, 'video'));
    expect(error.message).toBe('Invalid video input: `input` needs imageUrl (the start frame) or extend.');
  });

  it('a video to extend given as an object needs its id', () => {
    const error = refusal(() => validateInput(videoInputSchema, { extend: {} }, 'video'));
    expect(error.message).toMatch(/^Invalid video input: `extend` /);
  });

  it('every input checks the common fields', () => {
    const shapes: [GenericSchema, object, string][] = [
      [imagineInputSchema, { prompt: 'a fox' }, 'imagine'],
      [actionInputSchema, {}, 'action'],
      [describeInputSchema, { imageUrl: image }, 'describe'],
      [blendInputSchema, { imageUrls: [image, other] }, 'blend'],
      [faceSwapInputSchema, { sourceUrl: image, targetUrl: other }, 'faceSwap'],
      [videoInputSchema, { imageUrl: image }, 'video'],
      [shortenInputSchema, { prompt: 'a fox' }, 'shorten'],
    ];
    for (const [schema, input, what] of shapes) {
      const error = refusal(() => validateInput(schema, { ...input, webhookUrl: 'hooks' }, what));
      expect(error.message).toBe(
        `Invalid ${what} input: \`webhookUrl\` must be an absolute URL; \`webhookUrl\` must be an http(s) URL.`,
      );
    }
  });
});
