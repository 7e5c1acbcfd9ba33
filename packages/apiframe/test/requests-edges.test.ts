// Edges of the request side (requests.ts) as a caller meets them: which parent each action takes and
// what the refusal says, the video and imagine inputs APIFRAME cannot take, and the bodies sent.
import { type ActionId, InvalidRequestError, type Job, type Operation } from '@mjgate/core';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ResultShape, resultShape } from '../src/requests.js';
import { client, jobFrom, vendor } from './helpers.js';

const GRID = jobFrom('imagine-finished');
const UPSCALED = jobFrom('upscale-1x-finished');
const NEW_ID = 'bbbbbbbb-0000-4000-8000-000000000002';

beforeEach(() => nock.disableNetConnect());
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

/** The refusal `act` throws, before anything is sent (no interceptor is set up). */
async function refusal(promise: Promise<unknown>): Promise<InvalidRequestError> {
  const error = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(error).toBeInstanceOf(InvalidRequestError);
  expect(error).toMatchObject({ provider: 'apiframe', code: 'invalid_request' });
  return error as InvalidRequestError;
}

/** A finished job as a store would hand it back, with no actions listed (so the adapter's own check decides). */
const stored = (operation: Operation, action?: ActionId): Job => ({
  ...UPSCALED,
  id: 'apiframe:stored-1',
  providerJobId: 'stored-1',
  operation,
  ...(action ? { action } : { action: undefined }),
  actions: [],
});

describe('the result shape of a job decides which actions take it as their parent', () => {
  it.each([
    ['imagine', undefined, 'grid'],
    ['blend', undefined, 'grid'],
    ['faceswap', undefined, 'image'],
    ['describe', undefined, 'text'],
    ['shorten', undefined, 'text'],
    ['seed', undefined, 'seed'],
    ['video', undefined, 'video'],
    ['action', undefined, 'final'],
    ['action', 'upscale-1', 'upscale'],
    ['action', 'upscale-4', 'upscale'],
    ['action', 'upscale-subtle', 'image'],
    ['action', 'upscale-creative', 'image'],
    ['action', 'upscale-2x', 'final'],
    ['action', 'upscale-4x', 'final'],
    ['action', 'redo-upscale-2x', 'final'],
    ['action', 'redo-upscale-subtle', 'final'],
    ['action', 'variation-2', 'grid'],
    ['action', 'pan-left', 'grid'],
  ] as const)('%s %s → %s', (operation, action, shape: ResultShape) => {
    expect(resultShape(operation, action)).toBe(shape);
  });

  it('a grid action on an upscale names both kinds, without the upscale hint', async () => {
    const error = await refusal(client().act(stored('action', 'upscale-1'), 'upscale-3'));
    expect(error.message).toBe(
      "'upscale-3' (/upscale-1x) needs a 4-image grid (imagine, reroll, variations, blend, zoom, pan, vary region) as its parent; job apiframe:stored-1 is an upscaled image ('upscale-1'…'upscale-4').",
    );
  });

  it('a 2x upscale of a grid lists both parents it takes, joined by "or", and says to upscale first', async () => {
    const error = await refusal(client().act({ ...GRID, actions: [] }, 'upscale-2x'));
    expect(error.message).toBe(
      `'upscale-2x' (/upscale-highres) needs an upscaled image ('upscale-1'…'upscale-4') or a single image (upscale subtle/creative, face swap) as its parent; job ${GRID.id} is a 4-image grid (imagine, reroll, variations, blend, zoom, pan, vary region). Upscale one image first, e.g. act(job, 'upscale-1').`,
    );
  });

  it.each([
    ['describe', undefined, 'a text result (describe, shorten)'],
    ['shorten', undefined, 'a text result (describe, shorten)'],
    ['seed', undefined, 'a seed lookup'],
    ['video', undefined, 'a video'],
    ['action', 'upscale-4x', 'a 2x/4x upscale'],
    ['action', 'redo-upscale-4x', 'a 2x/4x upscale'],
    ['faceswap', undefined, 'a single image (upscale subtle/creative, face swap)'],
  ] as const)('upscale-1 on a stored %s %s job says it is %s', async (operation, action, kind) => {
    const error = await refusal(client().act(stored(operation, action), 'upscale-1'));
    expect(error.message).toMatch(new RegExp(`job apiframe:stored-1 is ${kind.replace(/[()/]/g, '\\$&')}\\.$`));
  });

  it('a face swap result takes a 2x upscale, an upscale-subtle result takes nothing but 2x/4x', async () => {
    const scope = vendor()
      .post('/upscale-highres', { parent_task_id: 'stored-1', type: '4x' })
      .reply(200, { task_id: NEW_ID });
    await client().act(stored('faceswap'), 'upscale-4x');
    expect(scope.isDone()).toBe(true);
    await refusal(client().act(stored('action', 'upscale-subtle'), 'pan-left'));
  });
});

describe('action inputs', () => {
  it('names the action in a providerOptions refusal, and lists what it accepts', async () => {
    const error = await refusal(client().act(GRID, 'reroll', { providerOptions: { seed: 1 } }));
    expect(error.message).toBe(
      "Invalid 'reroll' action providerOptions input: `seed` is not an option here (accepted: aspect_ratio).",
    );
  });

  it('a vary-region mask that is a URL is refused, naming APIFRAME', async () => {
    const url = await refusal(client().act(UPSCALED, 'vary-region', { mask: 'https://x.test/m.png' }));
    expect(url.message).toMatch(/^APIFRAME takes the vary-region mask as base64 image data, not a URL/);
  });
});

describe('video inputs (§3.2, §3.3)', () => {
  const image = 'https://img.test/fox.png';

  it('a blank prompt is refused like a missing one', async () => {
    const error = await refusal(client().video({ prompt: '   ', imageUrl: image }));
    expect(error.message).toBe("APIFRAME's video endpoints need a prompt (input.prompt).");
  });

  it('an index without extend is refused; providerOptions are named as video ones', async () => {
    const index = await refusal(client().video({ prompt: 'the fox runs', imageUrl: image, index: 1 }));
    expect(index.message).toBe('input.index applies only with input.extend.');
    const options = await refusal(client().video({ prompt: 'x', imageUrl: image, providerOptions: { fps: 30 } }));
    expect(options.message).toBe(
      'Invalid video providerOptions input: `fps` is not an option here (none are accepted).',
    );
  });

  it('extends the last of the 4 videos (index 3 → "4") with a new start image', async () => {
    const scope = vendor()
      .post('/imagine-video-extend', { parent_task_id: 'vid', index: '4', prompt: 'and lands', image_url: image })
      .reply(200, { task_id: NEW_ID });
    const job = await client().video({ prompt: 'and lands', extend: 'apiframe:vid', index: 3, imageUrl: image });
    expect(scope.isDone()).toBe(true);
    expect(job).toMatchObject({ operation: 'video', parentId: 'apiframe:vid', status: 'queued' });
  });

  it('an index past 3 says which range it takes', async () => {
    const error = await refusal(client().video({ prompt: 'x', extend: 'apiframe:vid', index: 4 }));
    expect(error.message).toBe('input.index must be 0–3 (which of the 4 videos to extend); got 4.');
  });
});

describe('imagine inputs (§3.1)', () => {
  it('refuses aspectRatio when the prompt starts with --ar, or has --aspect later', async () => {
    for (const prompt of ['--ar 16:9 a cat', 'a cat --aspect 2:3']) {
      const error = await refusal(client().imagine({ prompt, aspectRatio: '1:1' }));
      expect(error.message).toBe('aspectRatio is set and the prompt already has --ar: keep one of them.');
    }
  });

  it('a word that merely contains --ar is no aspect ratio', async () => {
    const scope = vendor()
      .post('/imagine', { prompt: 'a cat x--ar', aspect_ratio: '1:1' })
      .reply(200, { task_id: NEW_ID });
    await client().imagine({ prompt: 'a cat x--ar', aspectRatio: '1:1' });
    expect(scope.isDone()).toBe(true);
  });
});
