import {
  ACTION_IDS,
  type ActionId,
  type ActionInput,
  AuthenticationError,
  InvalidRequestError,
  type Job,
  UnsupportedError,
} from '@mjgate/core';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApiFrame } from '../src/index.js';
import { BASE, client, fixture, jobFrom, KEY, vendor } from './helpers.js';

const GRID = jobFrom('imagine-finished');
const UPSCALED = jobFrom('upscale-1x-finished');
const NEW_ID = 'aaaaaaaa-0000-4000-8000-000000000001';

/** A vendor that expects the raw key in Authorization. */

beforeEach(() => nock.disableNetConnect());
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
  delete process.env.APIFRAME_API_KEY;
});

describe('setup', () => {
  it('sends the raw key (no Bearer) to api.apiframe.pro by default', async () => {
    const scope = vendor().post('/fetch', { task_id: GRID.providerJobId }).reply(200, fixture('imagine-finished'));
    const job = await client().get(GRID.id);
    expect(job.status).toBe('succeeded');
    expect(scope.isDone()).toBe(true);
  });

  it('falls back to APIFRAME_API_KEY and says what to set when there is no key', async () => {
    expect(() => createApiFrame()).toThrow(AuthenticationError);
    expect(() => createApiFrame()).toThrow(/APIFRAME_API_KEY/);
    process.env.APIFRAME_API_KEY = 'from-env-key-123';
    const scope = nock(BASE, { reqheaders: { authorization: 'from-env-key-123' } })
      .post('/fetch')
      .reply(200, fixture('imagine-processing'));
    await createApiFrame({ maxRetries: 0 }).get(fixture<{ task_id: string }>('imagine-processing').task_id);
    expect(scope.isDone()).toBe(true);
  });

  it('keeps a path prefix in baseURL', async () => {
    const scope = nock('http://127.0.0.1:8787', { reqheaders: { authorization: KEY } })
      .post('/apiframe/fetch')
      .reply(200, fixture('imagine-processing'));
    await client({ baseURL: 'http://127.0.0.1:8787/apiframe/' }).get(
      fixture<{ task_id: string }>('imagine-processing').task_id,
    );
    expect(scope.isDone()).toBe(true);
  });

  it('reports its capabilities: everything but cancel and the redo buttons', () => {
    const { capabilities } = client();
    expect(capabilities).toMatchObject({ batchGet: true, webhooks: true, cancel: false, account: true });
    expect(capabilities.operations).toEqual([
      'imagine',
      'action',
      'describe',
      'blend',
      'faceswap',
      'video',
      'shorten',
      'seed',
    ]);
    expect(capabilities.actions).toEqual(ACTION_IDS.filter((action) => !action.startsWith('redo-')));
  });
});

describe('imagine', () => {
  it('puts image URLs at the front of the prompt and sends aspect_ratio and process_mode', async () => {
    const scope = vendor()
      .post('/imagine', {
        prompt: 'https://img.test/a.png https://img.test/b.png a red fox in snow',
        aspect_ratio: '3:2',
        process_mode: 'turbo',
      })
      .reply(200, { task_id: NEW_ID });
    const job = await client().imagine({
      prompt: 'a red fox in snow',
      imageUrls: ['https://img.test/a.png', 'https://img.test/b.png'],
      aspectRatio: '3:2',
      mode: 'turbo',
      ref: 'order-1',
    });
    expect(scope.isDone()).toBe(true);
    expect(job).toMatchObject({
      id: `apiframe:${NEW_ID}`,
      operation: 'imagine',
      status: 'queued',
      progress: null,
      ref: 'order-1',
      prompt: 'https://img.test/a.png https://img.test/b.png a red fox in snow',
      raw: { task_id: NEW_ID },
    });
    expect(job.createdAt).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it('sends only the prompt when nothing else is set', async () => {
    const scope = vendor().post('/imagine', { prompt: 'a cat' }).reply(200, fixture('submit'));
    await client().imagine({ prompt: 'a cat' });
    expect(scope.isDone()).toBe(true);
  });

  it.each([
    [{ prompt: 'a cat', mode: 'relax' }, /fast' or 'turbo/],
    [{ prompt: 'a cat --ar 16:9', aspectRatio: '1:1' }, /--ar/],
    [{ prompt: 'a cat', providerOptions: { seed: 1 } }, /imagine providerOptions input: `seed` is not an option/],
    [{ prompt: '' }, /prompt/],
  ] as const)('refuses %j before sending anything', async (input, message) => {
    await expect(client().imagine(input)).rejects.toThrow(message);
    await expect(client().imagine(input)).rejects.toBeInstanceOf(InvalidRequestError);
  });

  it('run() submits and waits, reporting progress, and keeps ref and prompt on the result', async () => {
    const id = fixture<{ task_id: string }>('imagine-finished').task_id;
    vendor()
      .post('/imagine')
      .reply(200, { task_id: id })
      .post('/fetch', { task_id: id })
      .reply(200, { task_id: id, task_type: 'imagine', status: 'pending', percentage: '0' })
      .post('/fetch', { task_id: id })
      .reply(200, fixture('imagine-processing'))
      .post('/fetch', { task_id: id })
      .reply(200, fixture('imagine-finished'));
    const seen: Array<[string, number | null]> = [];
    const job = await client().run(
      { prompt: 'a fox', ref: 'r-9' },
      { onProgress: (job) => seen.push([job.status, job.progress]) },
    );
    expect(seen).toEqual([
      ['queued', null], // the submitted job, before any poll
      ['queued', 0],
      ['running', 40],
      ['succeeded', 100],
    ]);
    expect(job).toMatchObject({ status: 'succeeded', ref: 'r-9', prompt: 'a fox' });
    expect(job.images).toHaveLength(4);
    expect(job.actions).toContain('upscale-3');
  });

  it('get() restores ref and prompt of a task this client submitted', async () => {
    vendor().post('/imagine').reply(200, { task_id: NEW_ID });
    vendor()
      .post('/fetch')
      .reply(200, { ...fixture('imagine-processing'), task_id: NEW_ID });
    const api = client();
    await api.imagine({ prompt: 'a fox', ref: 'r-1' });
    expect(await api.get(`apiframe:${NEW_ID}`)).toMatchObject({ ref: 'r-1', prompt: 'a fox', status: 'running' });
  });
});

/** Every canonical action: its parent, the endpoint and the exact body APIFRAME must receive. */
const ACTIONS: Array<[ActionId, string, Job, Record<string, unknown>, ActionInput?]> = [
  ['upscale-1', '/upscale-1x', GRID, { index: '1' }],
  ['upscale-2', '/upscale-1x', GRID, { index: '2' }],
  ['upscale-3', '/upscale-1x', GRID, { index: '3' }],
  ['upscale-4', '/upscale-1x', GRID, { index: '4' }],
  ['variation-1', '/variations', GRID, { index: '1' }],
  ['variation-2', '/variations', GRID, { index: '2' }],
  ['variation-3', '/variations', GRID, { index: '3', prompt: 'now in autumn' }, { prompt: 'now in autumn' }],
  ['variation-4', '/variations', GRID, { index: '4' }],
  ['reroll', '/reroll', GRID, {}],
  ['upscale-subtle', '/upscale-alt', UPSCALED, { type: 'subtle' }],
  ['upscale-creative', '/upscale-alt', UPSCALED, { type: 'creative' }],
  ['upscale-2x', '/upscale-highres', UPSCALED, { type: '2x' }],
  ['upscale-4x', '/upscale-highres', UPSCALED, { type: '4x' }],
  ['vary-strong', '/variations', UPSCALED, { index: 'strong' }],
  ['vary-subtle', '/variations', UPSCALED, { index: 'subtle' }],
  [
    'vary-region',
    '/inpaint',
    UPSCALED,
    { mask: 'data:image/png;base64,iVBORw0KGgo=', prompt: 'a red hat' },
    { mask: 'data:image/png;base64,iVBORw0KGgo=', prompt: 'a red hat' },
  ],
  ['zoom-out-1.5x', '/outpaint', UPSCALED, { zoom_ratio: 1.5 }],
  ['zoom-out-2x', '/outpaint', UPSCALED, { zoom_ratio: 2 }],
  ['custom-zoom', '/outpaint', UPSCALED, { zoom_ratio: 1.25, prompt: 'a beach' }, { zoom: 1.25, prompt: 'a beach' }],
  ['make-square', '/outpaint', UPSCALED, { zoom_ratio: 1 }],
  ['pan-left', '/pan', UPSCALED, { direction: 'left' }],
  ['pan-right', '/pan', UPSCALED, { direction: 'right' }],
  ['pan-up', '/pan', UPSCALED, { direction: 'up' }],
  ['pan-down', '/pan', UPSCALED, { direction: 'down', prompt: 'the sea' }, { prompt: 'the sea' }],
];

describe('act: every canonical action → endpoint and body', () => {
  it('the table below covers every action the client says it supports', () => {
    expect(ACTIONS.map(([a]) => a).sort()).toEqual([...client().capabilities.actions].sort());
  });

  it.each(ACTIONS)('%s → POST %s', async (action, path, parent, body, input) => {
    const scope = vendor()
      .post(path, { parent_task_id: parent.providerJobId, ...body })
      .reply(200, { task_id: NEW_ID });
    const job = await client().act(parent, action, { ...input, ref: 'r' });
    expect(scope.isDone()).toBe(true);
    expect(job).toMatchObject({
      id: `apiframe:${NEW_ID}`,
      operation: 'action',
      action,
      parentId: parent.id,
      status: 'queued',
      ref: 'r',
    });
  });

  it('upscale(), variation() and reroll() are sugar over the same endpoints', async () => {
    const scope = vendor()
      .post('/upscale-1x', { parent_task_id: GRID.providerJobId, index: '2' })
      .reply(200, { task_id: 'u' })
      .post('/variations', { parent_task_id: GRID.providerJobId, index: '4' })
      .reply(200, { task_id: 'v' })
      .post('/reroll', { parent_task_id: GRID.providerJobId })
      .reply(200, { task_id: 'r' });
    const api = client();
    await api.upscale(GRID, 2);
    await api.variation(GRID, 4);
    await api.reroll(GRID);
    expect(scope.isDone()).toBe(true);
  });

  it('turns a bare base64 mask into the PNG data URL the vendor samples send', async () => {
    const scope = vendor()
      .post('/inpaint', { parent_task_id: UPSCALED.providerJobId, mask: 'data:image/png;base64,iVBORw0KGgo=' })
      .reply(200, { task_id: NEW_ID });
    await client().act(UPSCALED, 'vary-region', { mask: 'iVBORw0KGgo=' });
    expect(scope.isDone()).toBe(true);
  });

  it('passes aspect_ratio through providerOptions where the endpoint documents it', async () => {
    const scope = vendor()
      .post('/outpaint', { parent_task_id: UPSCALED.providerJobId, zoom_ratio: 2, aspect_ratio: '16:9' })
      .reply(200, { task_id: NEW_ID });
    await client().act(UPSCALED, 'zoom-out-2x', { providerOptions: { aspect_ratio: '16:9' } });
    expect(scope.isDone()).toBe(true);
  });

  it('resolves a job id to its parent through /fetch before acting', async () => {
    const scope = vendor()
      .post('/fetch', { task_id: UPSCALED.providerJobId })
      .reply(200, fixture('upscale-1x-finished'))
      .post('/pan', { parent_task_id: UPSCALED.providerJobId, direction: 'left' })
      .reply(200, { task_id: NEW_ID });
    const job = await client().act(UPSCALED.id, 'pan-left');
    expect(scope.isDone()).toBe(true);
    expect(job.parentId).toBe(UPSCALED.id);
  });
});

describe('act: refused before anything is sent', () => {
  const noActions = (job: Job): Job => ({ ...job, actions: [] });

  it.each([
    ['pan-left', GRID],
    ['zoom-out-2x', GRID],
    ['vary-region', GRID, { mask: 'iVBOR' }],
    ['upscale-creative', GRID],
    ['vary-strong', GRID],
  ] as const)(
    '%s on a grid says to upscale first (even when the job lists no actions)',
    async (action, parent, input?) => {
      const error = await client()
        .act(noActions(parent), action, input)
        .catch((error: unknown) => error);
      expect(error).toBeInstanceOf(InvalidRequestError);
      expect((error as Error).message).toMatch(/upscale-1x|upscaled image/);
      expect((error as Error).message).toMatch(/Upscale one image first/);
    },
  );

  it('the derived actions already refuse a pan on a grid', async () => {
    await expect(client().act(GRID, 'pan-left')).rejects.toThrow(/does not offer 'pan-left'/);
  });

  it.each([
    ['upscale-1', UPSCALED],
    ['reroll', UPSCALED],
    ['pan-up', jobFrom('upscale-alt-finished')],
    ['vary-subtle', jobFrom('upscale-alt-finished')],
    ['upscale-2x', GRID],
    ['upscale-1', jobFrom('describe-finished')],
  ] as const)('%s on the wrong kind of parent is an InvalidRequestError naming the kinds', async (action, parent) => {
    await expect(client().act(noActions(parent), action)).rejects.toThrow(/needs .* as its parent; job apiframe:/);
  });

  it('refuses a prompt on an endpoint that takes none, and a URL as the mask', async () => {
    await expect(client().act(GRID, 'upscale-1', { prompt: 'x' })).rejects.toThrow(/takes no prompt/);
    await expect(client().act(UPSCALED, 'vary-region', { mask: 'https://x.test/m.png' })).rejects.toThrow(/not a URL/);
    await expect(
      client().act(UPSCALED, 'pan-left', { providerOptions: { aspect_ratio: '1:1' } }),
    ).rejects.toBeInstanceOf(InvalidRequestError);
  });

  it('redo-upscale buttons are unsupported', async () => {
    await expect(client().act(UPSCALED, 'redo-upscale-2x')).rejects.toBeInstanceOf(UnsupportedError);
  });

  it('an unfinished parent cannot be acted on', async () => {
    await expect(client().act(jobFrom('imagine-processing'), 'upscale-1')).rejects.toThrow(/is running/);
  });
});

describe('other operations', () => {
  it('describe → /describe with image_url', async () => {
    const scope = vendor().post('/describe', { image_url: 'https://img.test/cat.png' }).reply(200, { task_id: NEW_ID });
    expect(await client().describe({ imageUrl: 'https://img.test/cat.png' })).toMatchObject({
      operation: 'describe',
      status: 'queued',
    });
    expect(scope.isDone()).toBe(true);
  });

  it('blend → /blend with image_urls and dimension; 2–5 URLs; no prompt', async () => {
    const urls = ['https://img.test/1.png', 'https://img.test/2.png', 'https://img.test/3.png'];
    const scope = vendor().post('/blend', { image_urls: urls, dimension: 'portrait' }).reply(200, { task_id: NEW_ID });
    expect(await client().blend({ imageUrls: urls, dimensions: 'portrait' })).toMatchObject({ operation: 'blend' });
    expect(scope.isDone()).toBe(true);
    await expect(client().blend({ imageUrls: ['https://img.test/1.png'] })).rejects.toThrow(/2 to 5/);
    await expect(client().blend({ imageUrls: [...urls, ...urls] })).rejects.toThrow(/2 to 5/);
    await expect(client().blend({ imageUrls: urls, prompt: 'x' })).rejects.toThrow(/no prompt/);
  });

  it('faceSwap → /faceswap: the target keeps its picture, the source gives the face', async () => {
    const scope = vendor()
      .post('/faceswap', { target_image_url: 'https://img.test/body.png', swap_image_url: 'https://img.test/face.png' })
      .reply(200, { task_id: NEW_ID });
    await client().faceSwap({ sourceUrl: 'https://img.test/face.png', targetUrl: 'https://img.test/body.png' });
    expect(scope.isDone()).toBe(true);
  });

  it('shorten → /shorten', async () => {
    const scope = vendor().post('/shorten', { prompt: 'a very long prompt' }).reply(200, { task_id: NEW_ID });
    expect(await client().shorten({ prompt: 'a very long prompt' })).toMatchObject({ operation: 'shorten' });
    expect(scope.isDone()).toBe(true);
  });

  it('seed → /seed with task_id (not parent_task_id)', async () => {
    const scope = vendor().post('/seed', { task_id: GRID.providerJobId }).reply(200, { task_id: NEW_ID });
    expect(await client().seed(GRID)).toMatchObject({ operation: 'seed', parentId: GRID.id });
    expect(scope.isDone()).toBe(true);
  });

  it('video → /imagine-video; extend → /imagine-video-extend with a 1-based string index', async () => {
    const scope = vendor()
      .post('/imagine-video', { prompt: 'the fox runs', image_url: 'https://img.test/fox.png', motion: 'high' })
      .reply(200, { task_id: 'vid' })
      .post('/imagine-video-extend', { parent_task_id: 'vid', index: '2', prompt: 'and jumps' })
      .reply(200, { task_id: 'ext' });
    const api = client();
    const video = await api.video({ prompt: 'the fox runs', imageUrl: 'https://img.test/fox.png', motion: 'high' });
    const extended = await api.video({ prompt: 'and jumps', extend: video, index: 1 });
    expect(scope.isDone()).toBe(true);
    expect(extended).toMatchObject({ operation: 'video', parentId: 'apiframe:vid' });
  });

  it('video refuses what APIFRAME cannot take', async () => {
    await expect(client().video({ imageUrl: 'https://img.test/a.png' })).rejects.toThrow(/need a prompt/);
    await expect(
      client().video({ prompt: 'x', imageUrl: 'https://img.test/a.png', endImageUrl: 'https://img.test/b.png' }),
    ).rejects.toThrow(/end frame/);
    await expect(client().video({ prompt: 'x', extend: 'apiframe:v', index: 4 })).rejects.toThrow(/0–3/);
  });

  it('account → GET /account', async () => {
    vendor().get('/account').reply(200, fixture('account'));
    expect(await client().account()).toEqual({
      provider: 'apiframe',
      credits: 1200,
      plan: 'Pro',
      email: 'user@example.com',
      raw: fixture('account'),
    });
  });

  it('cancel is unsupported', async () => {
    await expect(client().cancel(GRID)).rejects.toBeInstanceOf(UnsupportedError);
    await expect(client().cancel(GRID)).rejects.toThrow(/apiframe does not support cancelling/);
  });
});

describe('upload', () => {
  it('sends a Uint8Array as multipart field "image" with its filename and returns the URL', async () => {
    let received: File | undefined;
    const scope = vendor()
      .post('/upload')
      .reply(200, async (request: Request) => {
        const form = await request.formData();
        received = form.get('image') as File;
        return fixture('upload');
      });
    const bytes = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]);
    const result = await client().upload(bytes, { filename: 'cat.png' });
    expect(scope.isDone()).toBe(true);
    expect(result).toEqual({ url: 'https://cdn.apiframe.pro/images/8d5c3b1a.png', raw: fixture('upload') });
    expect(received?.name).toBe('cat.png');
    expect(received?.type).toBe('image/png');
    expect(new Uint8Array(await received!.arrayBuffer())).toEqual(bytes);
  });

  it('takes a Blob, and the name of a File', async () => {
    const names: string[] = [];
    vendor()
      .post('/upload')
      .times(2)
      .reply(200, async (request: Request) => {
        names.push(((await request.formData()).get('image') as File).name);
        return { imageURL: 'https://cdn.test/x.jpg' };
      });
    const api = client();
    await api.upload(new Blob([new Uint8Array([1, 2])], { type: 'image/jpeg' }));
    await api.upload(new File([new Uint8Array([1, 2])], 'dog.jpg', { type: 'image/jpeg' }));
    expect(names).toEqual(['image.png', 'dog.jpg']);
  });

  it('refuses a file over 2 MB or an empty one, before sending', async () => {
    await expect(client().upload(new Uint8Array(2 * 1024 * 1024 + 1))).rejects.toThrow(/2 MB/);
    await expect(client().upload(new Uint8Array(0))).rejects.toThrow(/empty/);
  });

  it('the uploaded URL can be described', async () => {
    const scope = vendor()
      .post('/upload')
      .reply(200, fixture('upload'))
      .post('/describe', { image_url: 'https://cdn.apiframe.pro/images/8d5c3b1a.png' })
      .reply(200, { task_id: NEW_ID });
    const api = client();
    const { url } = await api.upload(new Uint8Array([1, 2, 3]));
    await api.describe({ imageUrl: url });
    expect(scope.isDone()).toBe(true);
  });
});
