import {
  type ActionId,
  AuthenticationError,
  ContentPolicyError,
  InsufficientCreditsError,
  InvalidRequestError,
  type Job,
  type MjGateError,
  NotFoundError,
  ProviderError,
  RateLimitError,
  ResponseValidationError,
  TimeoutError,
  UnsupportedError,
} from '@mjgate/core';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ACEDATA_ACTION_IDS, ACEDATA_CAPABILITIES, createAceData } from '../src/index.js';
import { recordToJob } from '../src/mapping.js';
import type { AceDataTaskRecord } from '../src/schemas.js';
import { answerPosts, BASE, client, fixture, fixtureText, KEY } from './helpers.js';

beforeEach(() => {
  nock.disableNetConnect();
});
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
  vi.unstubAllEnvs();
  vi.useRealTimers();
});

/** Answers `path` once with `reply`, recording the JSON body sent. */
const expectPost = (path: string, reply: unknown, status = 200, base = BASE) =>
  answerPosts(path, [reply], { status, base });

const ack = (id = 'b726a27a-f379-4d91-b569-cfe4b7b299ee') => ({ task_id: id });
const succeededGrid = () => fixture<AceDataTaskRecord>('task-succeeded.json');
const PARENT_ID = '7489df4c-ef03-4de0-b598-e9a590793434';
const PARENT_IMAGE_ID = '1259525319472185344';

/** A finished grid job that offers every AceData action, so core lets any action through. */
function parentJob(): Job {
  return { ...recordToJob(succeededGrid(), PARENT_ID), actions: [...ACEDATA_ACTION_IDS] };
}

describe('createAceData', () => {
  it('needs a key, and names the environment variable when there is none', () => {
    vi.stubEnv('ACEDATA_API_KEY', '');
    expect(() => createAceData()).toThrow(AuthenticationError);
    expect(() => createAceData()).toThrow(/ACEDATA_API_KEY/);
  });

  it('reads ACEDATA_API_KEY, sends it as a Bearer token, and honours a baseURL with a path prefix', async () => {
    vi.stubEnv('ACEDATA_API_KEY', KEY);
    const { bodies } = expectPost('/sim/acedata/midjourney/tasks', succeededGrid(), 200, 'http://127.0.0.1:9999');
    const mj = createAceData({ baseURL: 'http://127.0.0.1:9999/sim/acedata/', pace: { submit: 0, read: 0 } });
    const job = await mj.get(`acedata:${PARENT_ID}`);
    expect(job.status).toBe('succeeded');
    expect(bodies).toEqual([{ action: 'retrieve', id: PARENT_ID }]);
  });

  it('accepts a key that already carries "Bearer "', async () => {
    const { scope } = expectPost('/midjourney/tasks', succeededGrid());
    await client({ apiKey: `Bearer ${KEY}` }).get(PARENT_ID);
    expect(scope.isDone()).toBe(true);
  });

  it('reports what AceData can do', () => {
    const mj = client();
    expect(mj.provider).toBe('acedata');
    expect(mj.capabilities).toEqual(ACEDATA_CAPABILITIES);
    expect(mj.capabilities.operations).not.toContain('faceswap');
    expect(mj.capabilities.actions).not.toContain('custom-zoom');
    expect(mj.capabilities).toMatchObject({ batchGet: true, webhooks: true, cancel: false, account: false });
  });
});

describe('imagine', () => {
  it('submits asynchronously: image URLs first, --ar, mode, split_images, AceData options', async () => {
    const { bodies } = expectPost('/midjourney/imagine', ack());
    const job = await client().imagine({
      prompt: 'a red fox in snow',
      imageUrls: ['https://img.example/fox.png'],
      aspectRatio: '16:9',
      mode: 'relax',
      ref: 'order-1',
      providerOptions: { translation: true, quality: '2', style_reference: false, moodboard: true },
    });
    expect(bodies).toEqual([
      {
        action: 'generate',
        prompt: 'https://img.example/fox.png a red fox in snow --ar 16:9',
        mode: 'relax',
        split_images: true,
        translation: true,
        quality: '2',
        style_reference: false,
        moodboard: true,
        async: true,
      },
    ]);
    expect(job).toMatchObject({
      id: 'acedata:b726a27a-f379-4d91-b569-cfe4b7b299ee',
      providerJobId: 'b726a27a-f379-4d91-b569-cfe4b7b299ee',
      operation: 'imagine',
      status: 'queued',
      progress: 0,
      ref: 'order-1',
      prompt: 'https://img.example/fox.png a red fox in snow --ar 16:9',
      raw: ack(),
    });
  });

  it('accepts the {success: true, task_id} acknowledgement too', async () => {
    expectPost('/midjourney/imagine', fixture('submit-ack-success.json'));
    const job = await client().imagine({ prompt: 'a cat' });
    expect(job.status).toBe('queued');
    expect(job.providerJobId).toBe('b726a27a-f379-4d91-b569-cfe4b7b299ee');
  });

  it('maps a blocking answer (the server ignored async) to the finished job', async () => {
    expectPost('/midjourney/imagine', fixture('imagine-result.json'));
    const job = await client().imagine({ prompt: 'a cat' });
    expect(job.status).toBe('succeeded');
    expect(job.images).toHaveLength(4);
  });

  it('puts version and hd in the fields and in the prompt, unless the prompt has them', async () => {
    const first = expectPost('/midjourney/imagine', ack());
    const second = expectPost('/midjourney/imagine', ack());
    await client().imagine({ prompt: 'a cat', providerOptions: { version: '8.2', hd: true } });
    await client().imagine({ prompt: 'a cat --v 7 --hd', providerOptions: { version: '7', hd: true } });
    expect(first.bodies[0]).toMatchObject({ prompt: 'a cat --v 8.2 --hd', version: '8.2', hd: true });
    expect(second.bodies[0]).toMatchObject({ prompt: 'a cat --v 7 --hd', version: '7', hd: true });
  });

  it('lets split_images be turned off', async () => {
    const { bodies } = expectPost('/midjourney/imagine', ack());
    await client().imagine({ prompt: 'a cat', providerOptions: { split_images: false } });
    expect(bodies[0]?.split_images).toBe(false);
  });

  it.each([
    [{ colour: 'red' }, /colour/],
    [{ quality: '3' }, /quality/],
    [{ version: '8.1', quality: '1' }, /V8\.1 does not accept quality/],
    [{ version: '7', quality: '4' }, /only in V8/],
    [{ hd: 'yes' }, /hd/],
  ])('refuses providerOptions %j before sending anything', async (providerOptions, message) => {
    const { scope } = expectPost('/midjourney/imagine', ack());
    const call = client().imagine({ prompt: 'a cat', providerOptions });
    await expect(call).rejects.toThrow(InvalidRequestError);
    await expect(call).rejects.toThrow(message);
    expect(scope.isDone()).toBe(false);
  });

  it('refuses turbo with V8.1 and more than 5 image URLs', async () => {
    const mj = client();
    await expect(mj.imagine({ prompt: 'x', mode: 'turbo', providerOptions: { version: '8.1' } })).rejects.toThrow(
      /fast' or 'relax/,
    );
    const urls = [1, 2, 3, 4, 5, 6].map((index) => `https://img.example/${index}.png`);
    await expect(mj.imagine({ prompt: 'x', imageUrls: urls })).rejects.toThrow(/at most 5/);
  });

  it('sends callback_url instead of async when given a webhook, signed and carrying the job context', async () => {
    const { bodies } = expectPost('/midjourney/imagine', ack());
    await client({ webhookSecret: 'whsec-0123456789' }).imagine({
      prompt: 'a cat',
      webhookUrl: 'https://app.example/hooks/mj',
      ref: 'r-1',
    });
    const body = bodies[0]!;
    expect(body.async).toBeUndefined();
    const url = new URL(String(body.callback_url));
    expect(url.origin + url.pathname).toBe('https://app.example/hooks/mj');
    expect(url.searchParams.get('mjgate_provider')).toBe('acedata');
    expect(url.searchParams.get('mjgate_sig')).toBeTruthy();
    expect(url.searchParams.get('mjgate_op')).toBe('imagine');
    expect(url.searchParams.get('mjgate_ref')).toBe('r-1');
    expect(url.searchParams.get('mjgate_vendor_operation')).toBeNull();
  });
});

describe('act', () => {
  const expected: Record<Exclude<ActionId, 'custom-zoom' | 'vary-region'>, string> = {
    'upscale-1': 'upscale1',
    'upscale-2': 'upscale2',
    'upscale-3': 'upscale3',
    'upscale-4': 'upscale4',
    'variation-1': 'variation1',
    'variation-2': 'variation2',
    'variation-3': 'variation3',
    'variation-4': 'variation4',
    reroll: 'reroll',
    'upscale-subtle': 'upscale_subtle',
    'upscale-creative': 'upscale_creative',
    'upscale-2x': 'upscale_2x',
    'upscale-4x': 'upscale_4x',
    'redo-upscale-subtle': 'redo_upscale_subtle',
    'redo-upscale-creative': 'redo_upscale_creative',
    'redo-upscale-2x': 'redo_upscale_2x',
    'redo-upscale-4x': 'redo_upscale_4x',
    'vary-subtle': 'variation_subtle',
    'vary-strong': 'variation_strong',
    'zoom-out-1.5x': 'zoom_out_1_5x',
    'zoom-out-2x': 'zoom_out_2x',
    'make-square': 'square',
    'pan-left': 'pan_left',
    'pan-right': 'pan_right',
    'pan-up': 'pan_up',
    'pan-down': 'pan_down',
  };

  it.each(Object.entries(expected))('%s → /midjourney/imagine {action: %s, image_id}', async (id, label) => {
    const { bodies } = expectPost('/midjourney/imagine', ack('child-1'));
    const job = await client().act(parentJob(), id as ActionId);
    const singleImage = /^(redo-)?upscale/.test(id);
    expect(bodies).toEqual([
      { action: label, image_id: PARENT_IMAGE_ID, ...(singleImage ? {} : { split_images: true }), async: true },
    ]);
    expect(job).toMatchObject({
      id: 'acedata:child-1',
      operation: 'action',
      action: id,
      parentId: `acedata:${PARENT_ID}`,
      status: 'queued',
    });
  });

  it('vary-region sends the mask as raw base64 (a data URL loses its prefix) and the prompt', async () => {
    const { bodies } = expectPost('/midjourney/imagine', ack());
    await client().act(parentJob(), 'vary-region', { mask: 'data:image/png;base64,iVBORw0KGgo=', prompt: 'a hat' });
    expect(bodies[0]).toEqual({
      action: 'variation_region',
      image_id: PARENT_IMAGE_ID,
      split_images: true,
      mask: 'iVBORw0KGgo=',
      prompt: 'a hat',
      async: true,
    });
  });

  it('vary-region passes a mask URL as is, and needs a mask', async () => {
    const { bodies } = expectPost('/midjourney/imagine', ack());
    await client().act(parentJob(), 'vary-region', { mask: 'https://img.example/mask.png' });
    expect(bodies[0]?.mask).toBe('https://img.example/mask.png');
    await expect(client().act(parentJob(), 'vary-region')).rejects.toThrow(/needs a mask/);
  });

  it('recovers the image_id itself when the caller holds only the job id', async () => {
    const lookup = expectPost('/midjourney/tasks', succeededGrid());
    const submit = expectPost('/midjourney/imagine', ack('child-2'));
    const job = await client().act(`acedata:${PARENT_ID}`, 'upscale-2');
    expect(lookup.bodies).toEqual([{ action: 'retrieve', id: PARENT_ID }]);
    expect(submit.bodies[0]).toMatchObject({ action: 'upscale2', image_id: PARENT_IMAGE_ID });
    expect(job.parentId).toBe(`acedata:${PARENT_ID}`);
  });

  it('looks the task up when a Job object lost its vendor payload', async () => {
    const lookup = expectPost('/midjourney/tasks', succeededGrid());
    const submit = expectPost('/midjourney/imagine', ack());
    await client().upscale({ ...parentJob(), raw: undefined }, 3);
    expect(lookup.bodies).toHaveLength(1);
    expect(submit.bodies[0]).toMatchObject({ action: 'upscale3', image_id: PARENT_IMAGE_ID });
  });

  it('reads the image_id at the top of a task record when its response has none', async () => {
    const { image_id: _, ...response } = succeededGrid().response!;
    expectPost('/midjourney/tasks', { ...succeededGrid(), response });
    const submit = expectPost('/midjourney/imagine', ack());
    await client().act(`acedata:${PARENT_ID}`, 'upscale-1');
    expect(submit.bodies[0]).toMatchObject({ action: 'upscale1', image_id: PARENT_IMAGE_ID });
  });

  it('passes mode through providerOptions', async () => {
    const { bodies } = expectPost('/midjourney/imagine', ack());
    await client().act(parentJob(), 'upscale-2', { providerOptions: { mode: 'fast' } });
    expect(bodies[0]).toEqual({ action: 'upscale2', image_id: PARENT_IMAGE_ID, mode: 'fast', async: true });
  });

  it('refuses a prompt on actions other than vary-region, and custom-zoom', async () => {
    await expect(client().act(parentJob(), 'pan-left', { prompt: 'more sky' })).rejects.toThrow(InvalidRequestError);
    await expect(client().act(parentJob(), 'custom-zoom', { zoom: 1.2 })).rejects.toThrow(UnsupportedError);
  });
});

describe('describe, shorten, seed', () => {
  it('describe is synchronous: the job is already succeeded with four texts', async () => {
    const { bodies } = expectPost('/midjourney/describe', fixture('describe.json'));
    const job = await client().describe({ imageUrl: 'https://img.example/cat.png', ref: 'd-1' });
    expect(bodies).toEqual([{ image_url: 'https://img.example/cat.png' }]);
    expect(job).toMatchObject({ operation: 'describe', status: 'succeeded', progress: 100, ref: 'd-1' });
    expect(job.texts).toHaveLength(4);
    expect(job.texts[0]).toMatch(/--ar 75:44$/);
    expect(await client().wait(job)).toBe(job);
    await expect(client().get(job)).rejects.toThrow(NotFoundError);
  });

  it('describe keeps a task_id when AceData gives one', async () => {
    expectPost('/midjourney/describe', { ...(fixture('describe.json') as object), task_id: 'd-task' });
    const job = await client().describe({ imageUrl: 'https://img.example/cat.png' });
    expect(job.id).toBe('acedata:d-task');
  });

  it('describe takes no webhook, and an error body with a 200 is an error', async () => {
    await expect(
      client().describe({ imageUrl: 'https://img.example/cat.png', webhookUrl: 'https://app.example/h' }),
    ).rejects.toThrow(UnsupportedError);
    expectPost('/midjourney/describe', { error: { message: 'cannot fetch image' } });
    await expect(client().describe({ imageUrl: 'https://img.example/cat.png' })).rejects.toThrow(/cannot fetch image/);
  });

  it('shorten returns up to five prompts as texts', async () => {
    const { bodies } = expectPost('/midjourney/shorten', fixture('shorten.json'));
    const job = await client().shorten({ prompt: 'a red fox standing in fresh snow at dawn, golden light' });
    expect(bodies).toEqual([{ prompt: 'a red fox standing in fresh snow at dawn, golden light' }]);
    expect(job).toMatchObject({ operation: 'shorten', status: 'succeeded' });
    expect(job.texts).toHaveLength(5);
  });

  it('seed looks up the image_id of a job given by id, then asks for its seed', async () => {
    expectPost('/midjourney/tasks', succeededGrid());
    const { bodies } = expectPost('/midjourney/seed', fixture('seed.json'));
    const job = await client().seed(`acedata:${PARENT_ID}`);
    expect(bodies).toEqual([{ image_id: PARENT_IMAGE_ID }]);
    expect(job).toMatchObject({
      operation: 'seed',
      status: 'succeeded',
      seed: '1515630083539206144',
      parentId: `acedata:${PARENT_ID}`,
    });
  });
});

describe('follow-ups of an unfinished job', () => {
  const running = () => recordToJob(fixture<AceDataTaskRecord>('task-running.json'), RUNNING_ID);
  const RUNNING_ID = '5c2e7d1a-0b7e-4a6f-8f4e-2f3b1c9d8e77';

  it("seed never sends a running job's throwaway preview image_id: it looks the task up", async () => {
    const lookup = expectPost('/midjourney/tasks', { ...succeededGrid(), id: RUNNING_ID });
    const { bodies } = expectPost('/midjourney/seed', fixture('seed.json'));
    await client().seed(running());
    expect(lookup.bodies).toEqual([{ action: 'retrieve', id: RUNNING_ID }]);
    expect(bodies).toEqual([{ image_id: PARENT_IMAGE_ID }]);
  });

  it('seed and extend refuse a job that is still running, before any submission', async () => {
    expectPost('/midjourney/tasks', fixture('task-running.json'));
    const seed = expectPost('/midjourney/seed', fixture('seed.json'));
    await expect(client().seed(running())).rejects.toThrow(/is running.*Wait for it first/);
    expect(seed.scope.isDone()).toBe(false);

    const video = { ...recordToJob(fixture<AceDataTaskRecord>('task-video-succeeded.json'), 'v'), status: 'running' };
    expectPost('/midjourney/tasks', fixture('task-running.json'));
    const submit = expectPost('/midjourney/videos', ack());
    await expect(client().video({ extend: video as Job })).rejects.toThrow(InvalidRequestError);
    expect(submit.scope.isDone()).toBe(false);
  });
});

describe('blend', () => {
  it('puts 2–5 image URLs at the front of a generate prompt, with the dimensions as --ar', async () => {
    const { bodies } = expectPost('/midjourney/imagine', ack());
    const job = await client().blend({
      imageUrls: ['https://img.example/bear.png', 'https://img.example/saw.png'],
      prompt: 'The bear is holding the chainsaw',
      dimensions: 'portrait',
    });
    expect(bodies).toEqual([
      {
        action: 'generate',
        prompt: 'https://img.example/bear.png https://img.example/saw.png The bear is holding the chainsaw --ar 2:3',
        split_images: true,
        async: true,
      },
    ]);
    expect(job.operation).toBe('blend');
  });

  it('refuses one image or six', async () => {
    await expect(client().blend({ imageUrls: ['https://img.example/a.png'] })).rejects.toThrow(InvalidRequestError);
  });
});

describe('video', () => {
  it('generate: start frame, end frame, motion as a prompt flag, AceData options', async () => {
    const { bodies } = expectPost('/midjourney/videos', ack('v-1'));
    const job = await client().video({
      imageUrl: 'https://img.example/cat.png',
      endImageUrl: 'https://img.example/cat-end.png',
      prompt: 'the cat walks away',
      motion: 'high',
      providerOptions: { loop: false, resolution: '480p', mode: 'turbo' },
    });
    expect(bodies).toEqual([
      {
        action: 'generate',
        image_url: 'https://img.example/cat.png',
        end_image_url: 'https://img.example/cat-end.png',
        prompt: 'the cat walks away --motion high',
        loop: false,
        resolution: '480p',
        mode: 'turbo',
        async: true,
      },
    ]);
    expect(job).toMatchObject({ operation: 'video', status: 'queued' });
  });

  it('extend: finds the video_id of the job given by id and sends the index', async () => {
    expectPost('/midjourney/tasks', fixture('task-video-succeeded.json'));
    const { bodies } = expectPost('/midjourney/videos', ack('v-2'));
    const job = await client().video({
      extend: 'acedata:037955e0-deee-4050-baa8-1416300d67e2',
      index: 1,
      prompt: 'on',
    });
    expect(bodies).toEqual([
      { action: 'extend', video_id: '1751816807896311', video_index: 1, prompt: 'on', async: true },
    ]);
    expect(job).toMatchObject({ operation: 'video', parentId: 'acedata:037955e0-deee-4050-baa8-1416300d67e2' });
  });

  it('refuses relax mode, an index out of range, and an index without extend', async () => {
    const mj = client();
    await expect(
      mj.video({ imageUrl: 'https://img.example/cat.png', providerOptions: { mode: 'relax' } }),
    ).rejects.toThrow(InvalidRequestError);
    await expect(mj.video({ imageUrl: 'https://img.example/cat.png', index: 2 })).rejects.toThrow(/needs extend/);
    const { scope } = expectPost('/midjourney/videos', ack());
    const parent = recordToJob(fixture<AceDataTaskRecord>('task-video-succeeded.json'), 'v');
    expectPost('/midjourney/tasks', fixture('task-video-succeeded.json'));
    await expect(mj.video({ extend: parent, index: 4 })).rejects.toThrow(/out of range/);
    expect(scope.isDone()).toBe(false);
  });
});

describe('edit and translate', () => {
  it('edit submits /midjourney/edits asynchronously and maps the result to a grid job', async () => {
    const { bodies } = expectPost('/midjourney/edits', ack('e-1'));
    const job = await client().edit({
      imageUrl: 'https://img.example/room.png',
      prompt: 'make the walls blue',
      mask: 'data:image/png;base64,AAAA',
    });
    expect(bodies).toEqual([
      {
        image_url: 'https://img.example/room.png',
        prompt: 'make the walls blue',
        mask: 'AAAA',
        split_images: true,
        async: true,
      },
    ]);
    expect(job).toMatchObject({ id: 'acedata:e-1', operation: 'imagine', status: 'queued' });
  });

  it('translate returns the English text', async () => {
    const { bodies } = expectPost('/midjourney/translate', fixture('translate.json'));
    expect(await client().translate('精致，无暇，洁白的天使')).toBe('Exquisite, flawless, pure white angel.');
    expect(bodies).toEqual([{ content: '精致，无暇，洁白的天使' }]);
  });
});

describe('what AceData cannot do', () => {
  it('face swap, cancel and account throw UnsupportedError without a request', async () => {
    const mj = client();
    await expect(
      mj.faceSwap({ sourceUrl: 'https://img.example/a.png', targetUrl: 'https://img.example/b.png' }),
    ).rejects.toThrow(UnsupportedError);
    await expect(mj.cancel('acedata:x')).rejects.toThrow(UnsupportedError);
    await expect(mj.account()).rejects.toThrow(UnsupportedError);
  });
});

describe('get and getMany', () => {
  it('get is POST /midjourney/tasks {action: "retrieve", id}', async () => {
    const { bodies } = expectPost('/midjourney/tasks', fixture('task-running.json'));
    const job = await client().get('acedata:5c2e7d1a-0b7e-4a6f-8f4e-2f3b1c9d8e77');
    expect(bodies).toEqual([{ action: 'retrieve', id: '5c2e7d1a-0b7e-4a6f-8f4e-2f3b1c9d8e77' }]);
    expect(job).toMatchObject({ status: 'running', progress: 35 });
  });

  it('getMany leaves answers given at once (no task) out of the batch', async () => {
    const { bodies } = expectPost('/midjourney/tasks', { items: [succeededGrid()], count: 1 });
    const mj = client();
    await expect(mj.getMany([`acedata:sync-abc`, `acedata:${PARENT_ID}`])).rejects.toThrow(NotFoundError);
    expect(bodies).toEqual([{ action: 'retrieve_batch', ids: [PARENT_ID], offset: 0, limit: 1 }]);
  });

  it('an empty record is an unknown task', async () => {
    expectPost('/midjourney/tasks', {});
    await expect(client().get('acedata:nope')).rejects.toThrow(NotFoundError);
  });

  it('getMany is one retrieve_batch with a limit covering every id, answered in request order', async () => {
    const running = fixture<AceDataTaskRecord>('task-running.json');
    const done = succeededGrid();
    const { bodies } = expectPost('/midjourney/tasks', { items: [done, running], count: 2 });
    const jobs = await client().getMany([`acedata:${running.id}`, `acedata:${done.id}`]);
    expect(bodies).toEqual([{ action: 'retrieve_batch', ids: [running.id, done.id], offset: 0, limit: 2 }]);
    expect(jobs.map((job) => job.status)).toEqual(['running', 'succeeded']);
  });

  it('splits more than 50 ids into several batches', async () => {
    const ids = Array.from({ length: 60 }, (_, i) => `t-${i}`);
    const seen: string[][] = [];
    nock(BASE)
      .post('/midjourney/tasks')
      .times(2)
      .reply(200, async (request: Request) => {
        const body = (await request.json()) as { ids: string[] };
        seen.push(body.ids);
        return { items: body.ids.map((id) => ({ id, request: { action: 'generate', prompt: 'x' } })) };
      });
    const jobs = await client().getMany(ids);
    expect(seen.map((batch) => batch.length)).toEqual([50, 10]);
    expect(jobs.map((job) => job.providerJobId)).toEqual(ids);
  });

  it('concurrent waits share batched retrieves', async () => {
    const ids = ['a', 'b', 'c'];
    const rounds: string[][] = [];
    nock(BASE)
      .post('/midjourney/tasks')
      .times(2)
      .reply(200, async (request: Request) => {
        const body = (await request.json()) as { action: string; ids: string[] };
        expect(body.action).toBe('retrieve_batch');
        rounds.push([...body.ids].sort());
        const finished = rounds.length > 1;
        return {
          items: body.ids.map((id) => ({
            id,
            request: { action: 'generate', prompt: 'x' },
            response: finished
              ? { ...fixture('imagine-result.json'), task_id: id }
              : { success: true, task_id: id, progress: 50, actions: [] },
          })),
        };
      });
    const mj = client();
    const jobs = await Promise.all(ids.map((id) => mj.wait(`acedata:${id}`)));
    expect(jobs.map((job) => job.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
    expect(rounds).toEqual([ids, ids]);
  });
});

describe('errors', () => {
  const errors =
    fixture<Array<{ status: number; body: { error: { code: string; message: string }; trace_id: string } }>>(
      'errors.json',
    );
  const classes: Record<string, new (...args: never[]) => MjGateError> = {
    bad_request: InvalidRequestError,
    no_token: AuthenticationError,
    token_mismatched: AuthenticationError,
    api_not_implemented: InvalidRequestError,
    invalid_token: AuthenticationError,
    token_expired: AuthenticationError,
    used_up: InsufficientCreditsError,
    disabled: AuthenticationError,
    forbidden: ContentPolicyError,
    no_api: InvalidRequestError,
    too_many_requests: RateLimitError,
    rate_limited: RateLimitError,
    api_error: ProviderError,
    timeout: TimeoutError,
  };

  it.each(errors.map((error) => [error.body.error.code, error] as const))('%s', async (code, { status, body }) => {
    nock(BASE).post('/midjourney/tasks').reply(status, body);
    const error = await client({ maxRetries: 0 })
      .get('acedata:t-1')
      .catch((error: unknown) => error);
    expect(error).toBeInstanceOf(classes[code]);
    expect(error).toMatchObject({ provider: 'acedata', status, requestId: body.trace_id });
    expect((error as Error).message).toContain(body.error.message);
    expect((error as Error).message).toContain(code);
    expect((error as Error).message).not.toContain(KEY);
  });

  it('reads both envelopes: with and without success:false', async () => {
    for (const body of [
      { error: { code: 'used_up', message: 'no balance' }, trace_id: 't1' },
      { success: false, error: { code: 'used_up', message: 'no balance' }, trace_id: 't2' },
    ]) {
      nock(BASE).post('/midjourney/imagine').reply(403, body);
      const error = await client()
        .imagine({ prompt: 'a cat' })
        .catch((error: unknown) => error);
      expect(error).toBeInstanceOf(InsufficientCreditsError);
      expect(error).toMatchObject({ requestId: body.trace_id, mayHaveCreatedJob: false });
    }
  });

  it('falls back to the HTTP status for an unknown code or a FastAPI {detail} body', async () => {
    nock(BASE).post('/midjourney/tasks').reply(404, { detail: 'Not Found' });
    await expect(client().get('acedata:x')).rejects.toThrow(NotFoundError);
    nock(BASE).post('/midjourney/tasks').reply(402, 'Payment Required', { 'PAYMENT-REQUIRED': 'x402' });
    await expect(client().get('acedata:x')).rejects.toThrow(/x402/);
  });

  it('an error envelope in a 200 answer to a submission is that error, not a job', async () => {
    expectPost('/midjourney/imagine', { success: false, error: { code: 'forbidden', message: 'banned prompt' } });
    await expect(client().imagine({ prompt: 'something banned' })).rejects.toThrow(ContentPolicyError);
    expectPost('/midjourney/imagine', { success: true });
    const error = await client()
      .imagine({ prompt: 'a cat' })
      .catch((error: unknown) => error);
    expect(error).toBeInstanceOf(ResponseValidationError);
    expect(error).toMatchObject({ mayHaveCreatedJob: true });
  });

  it('retries a 429 submission (refused, so nothing was created) and returns the job', async () => {
    const scope = nock(BASE)
      .post('/midjourney/imagine')
      .reply(429, { error: { code: 'too_many_requests', message: 'slow down' } }, { 'Retry-After': '0' })
      .post('/midjourney/imagine')
      .reply(200, ack());
    const job = await client().imagine({ prompt: 'a cat' });
    expect(job.status).toBe('queued');
    expect(scope.isDone()).toBe(true);
  });

  it('does not retry a 500 on a submission: the job may exist', async () => {
    const scope = nock(BASE)
      .post('/midjourney/imagine')
      .reply(500, { error: { code: 'api_error', message: 'fetch failed' } })
      .post('/midjourney/imagine')
      .reply(200, ack());
    const error = await client()
      .imagine({ prompt: 'a cat' })
      .catch((error: unknown) => error);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ mayHaveCreatedJob: true, retryable: false });
    expect(scope.pendingMocks()).toHaveLength(1);
  });

  it('retries a 500 on a status check', async () => {
    nock(BASE)
      .post('/midjourney/tasks')
      .reply(500, { error: { code: 'api_error', message: 'Internal server error.' } }, { 'Retry-After': '0' })
      .post('/midjourney/tasks')
      .reply(200, succeededGrid());
    expect((await client().get(PARENT_ID)).status).toBe('succeeded');
  });
});

describe('in-flight limit', () => {
  /** A fetch that answers describe after `ms`, recording how many calls were open at once. */
  function slowDescribe(ms: number) {
    const stats = { open: 0, peak: 0, calls: 0 };
    const fetch: typeof globalThis.fetch = async () => {
      stats.calls += 1;
      stats.open += 1;
      stats.peak = Math.max(stats.peak, stats.open);
      await new Promise((resolve) => setTimeout(resolve, ms));
      stats.open -= 1;
      return Response.json(fixture('describe.json'));
    };
    return { stats, fetch };
  }
  const describeMany = (mj: ReturnType<typeof client>, n: number) =>
    Promise.all(Array.from({ length: n }, () => mj.describe({ imageUrl: 'https://img.example/cat.png' })));

  it('keeps at most 5 requests open by default (AceData answers the sixth with 429 rate_limited)', async () => {
    const { stats, fetch } = slowDescribe(30);
    const jobs = await describeMany(client({ fetch }), 8);
    expect(jobs.every((job) => job.status === 'succeeded')).toBe(true);
    expect(stats).toMatchObject({ calls: 8, peak: 5, open: 0 });
  });

  it('maxInFlight changes the limit, and 0 turns it off', async () => {
    const two = slowDescribe(20);
    await describeMany(client({ fetch: two.fetch, maxInFlight: 2 }), 5);
    expect(two.stats.peak).toBe(2);
    const off = slowDescribe(20);
    await describeMany(client({ fetch: off.fetch, maxInFlight: 0 }), 8);
    expect(off.stats.peak).toBe(8);
  });

  it('an open ndjson stream holds its slot until it ends; status lookups never wait for one', async () => {
    const [first] = fixtureText('imagine-stream.ndjson').split('\n');
    const encoder = new TextEncoder();
    let describes = 0;
    let lookups = 0;
    const fetch: typeof globalThis.fetch = async (input) => {
      const url = new Request(input).url;
      if (url.endsWith('/midjourney/imagine')) {
        // One snapshot, then the stream stays open, as during a generation.
        const body = new ReadableStream({ start: (controller) => controller.enqueue(encoder.encode(`${first}\n`)) });
        return new Response(body, { headers: { 'content-type': 'application/x-ndjson' } });
      }
      if (url.endsWith('/midjourney/tasks')) {
        lookups += 1;
        return Response.json(succeededGrid());
      }
      describes += 1;
      return Response.json(fixture('describe.json'));
    };
    const mj = client({ fetch, maxInFlight: 1 });
    const stream = mj.imagineStream({ prompt: 'a red fox' })[Symbol.asyncIterator]();
    expect((await stream.next()).value).toMatchObject({ status: 'running', progress: 35 });
    const described = mj.describe({ imageUrl: 'https://img.example/cat.png' });
    expect((await mj.get(PARENT_ID)).status).toBe('succeeded');
    expect(lookups).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(describes).toBe(0);
    await stream.return?.(undefined);
    expect((await described).status).toBe('succeeded');
    expect(describes).toBe(1);
  });

  it('a call waiting for a slot stops when its signal aborts, and sends nothing', async () => {
    const { stats, fetch } = slowDescribe(50);
    const mj = client({ fetch, maxInFlight: 1 });
    const first = mj.describe({ imageUrl: 'https://img.example/a.png' });
    const controller = new AbortController();
    const second = mj.describe({ imageUrl: 'https://img.example/b.png' }, { signal: controller.signal });
    controller.abort(new Error('gave up'));
    await expect(second).rejects.toThrow('gave up');
    await first;
    expect(stats.calls).toBe(1);
  });
});

describe('pacing', () => {
  /** Records when each submission reaches the wire, on the (fake) clock. */
  function timedFetch(at: number[], t0: number): typeof globalThis.fetch {
    return async () => {
      at.push(Date.now() - t0);
      return Response.json(ack());
    };
  }

  it('spaces submissions by pace.submit: a burst is queued, not rejected', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const at: number[] = [];
    const mj = client({ pace: { submit: 150, read: 0 }, fetch: timedFetch(at, Date.now()) });
    const all = Promise.all([mj.imagine({ prompt: 'a' }), mj.imagine({ prompt: 'b' }), mj.imagine({ prompt: 'c' })]);
    await vi.advanceTimersByTimeAsync(1_000);
    await all;
    expect(at).toEqual([0, 150, 300]);
  });

  it('defaults to one submission per second', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const at: number[] = [];
    const mj = createAceData({ apiKey: KEY, baseURL: BASE, fetch: timedFetch(at, Date.now()) });
    const all = Promise.all([mj.imagine({ prompt: 'a' }), mj.imagine({ prompt: 'b' })]);
    await vi.advanceTimersByTimeAsync(2_000);
    await all;
    expect(at).toEqual([0, 1_000]);
  });
});
