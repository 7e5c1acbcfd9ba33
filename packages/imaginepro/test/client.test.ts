import {
  type ActionId,
  InvalidRequestError,
  type Job,
  NotFoundError,
  ResponseValidationError,
  UnsupportedError,
} from '@mjgate/core';
import { loadTransport } from '@mjgate/core/provider';
import nock from 'nock';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createImaginePro } from '../src/index.js';
import account from './fixtures/account-info.json' with { type: 'json' };
import inpaintRequest from './fixtures/button-request-inpaint.json' with { type: 'json' };
import upscaleRequest from './fixtures/button-request-upscale.json' with { type: 'json' };
import cancelLegacy from './fixtures/cancel-legacy.json' with { type: 'json' };
import created from './fixtures/created.json' with { type: 'json' };
import createdSkill from './fixtures/created-skill.json' with { type: 'json' };
import history from './fixtures/history.json' with { type: 'json' };
import doneButton from './fixtures/message-done-button.json' with { type: 'json' };
import processing from './fixtures/message-processing.json' with { type: 'json' };
import checkFail from './fixtures/prompt-check-fail.json' with { type: 'json' };
import checkOk from './fixtures/prompt-check-success.json' with { type: 'json' };
import videoDone from './fixtures/video-done.json' with { type: 'json' };
import { BASE, client, expectCall, jobFrom, KEY, MID } from './helpers.js';

beforeEach(() => {
  nock.disableNetConnect();
});
/**
 * Checks the `webhookOverride` of a sent body: the caller's URL, `mjgate_provider`, the submission's
 * context params and, when signed, a nonce and signature. Returns the body with the override
 * replaced by `<hook>`, so the rest can be pinned byte for byte.
 */
function checkHook(
  sent: string | undefined,
  callerUrl: string,
  context: Record<string, string>,
  { signed = false } = {},
): string {
  const body = JSON.parse(sent ?? '{}') as Record<string, unknown>;
  const hook = new URL(body.webhookOverride as string);
  const caller = new URL(callerUrl);
  expect(hook.origin + hook.pathname).toBe(caller.origin + caller.pathname);
  const params = Object.fromEntries(hook.searchParams);
  const { mjgate_nonce: nonce, mjgate_sig: sig, mjgate_exp: expires, ...rest } = params;
  expect(rest).toEqual({ ...Object.fromEntries(caller.searchParams), mjgate_provider: 'imaginepro', ...context });
  if (signed) {
    expect(nonce).toBeTruthy();
    expect(sig).toMatch(/^[\w-]{20,}$/);
    expect(expires).toMatch(/^\d+$/);
  } else {
    expect(nonce).toBeUndefined();
    expect(sig).toBeUndefined();
    expect(expires).toBeUndefined();
  }
  return JSON.stringify({ ...body, webhookOverride: '<hook>' });
}

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllEnvs();
  nock.cleanAll();
  nock.enableNetConnect();
});

describe('creating the client', () => {
  it('reads the key from IMAGINEPRO_API_KEY and sends it as a Bearer token to the real host by default', async () => {
    vi.stubEnv('IMAGINEPRO_API_KEY', 'sk-from-env-123456');
    const seen: string[] = [];
    const fetch: typeof globalThis.fetch = async (input, init) => {
      const req = new Request(input, init);
      seen.push(`${req.url} ${req.headers.get('authorization')}`);
      return Response.json(account);
    };
    await createImaginePro({ fetch }).account();
    expect(seen).toEqual(['https://api.imaginepro.ai/api/v1/subscription/account-info Bearer sk-from-env-123456']);
  });

  it('without a key it fails at creation, naming the variable', () => {
    vi.stubEnv('IMAGINEPRO_API_KEY', '');
    expect(() => createImaginePro()).toThrow(/IMAGINEPRO_API_KEY/);
  });

  it('keeps a path prefix in baseURL', async () => {
    const mj = createImaginePro({ apiKey: KEY, baseURL: `${BASE}/imaginepro/`, pace: { read: 0 } });
    nock(BASE).get(`/imaginepro/api/v1/message/fetch/${MID}`).reply(200, processing);
    await expect(mj.get(MID)).resolves.toMatchObject({ status: 'running' });
  });

  it('says what it can do, and refuses what ImaginePro lacks with UnsupportedError', async () => {
    const mj = client();
    expect(mj.provider).toBe('imaginepro');
    expect(mj.capabilities).toMatchObject({ batchGet: false, webhooks: true, cancel: true, account: true });
    expect(mj.capabilities.operations).toEqual(['imagine', 'action', 'describe', 'blend', 'faceswap', 'video']);
    await expect(mj.shorten({ prompt: 'a long prompt' })).rejects.toBeInstanceOf(UnsupportedError);
    await expect(mj.seed(MID)).rejects.toThrow(/imaginepro does not support seed/);
  });
});

describe('imagine', () => {
  it('puts image URLs first and aspect ratio and mode in the prompt, and maps ref, webhook and timeout', async () => {
    const seen = expectCall('post', '/api/v1/nova/imagine', created);
    const job = await client().imagine({
      prompt: 'a cat on grass',
      imageUrls: ['https://img.example/cat.png'],
      aspectRatio: '16:9',
      mode: 'relax',
      ref: 'order-7',
      webhookUrl: 'https://hooks.example/ip',
      providerOptions: { timeout: 600 },
    });
    expect(checkHook(seen.body, 'https://hooks.example/ip', { mjgate_op: 'imagine', mjgate_ref: 'order-7' })).toBe(
      '{"prompt":"https://img.example/cat.png a cat on grass --ar 16:9 --relax","ref":"order-7","webhookOverride":"<hook>","timeout":600}',
    );
    expect(seen.headers?.get('authorization')).toBe(`Bearer ${KEY}`);
    expect(seen.headers?.get('content-type')).toMatch(/application\/json/);
    expect(job).toEqual({
      id: `imaginepro:${MID}`,
      provider: 'imaginepro',
      providerJobId: MID,
      operation: 'imagine',
      status: 'queued',
      progress: null,
      prompt: 'https://img.example/cat.png a cat on grass --ar 16:9 --relax',
      ref: 'order-7',
      images: [],
      videoUrls: [],
      texts: [],
      actions: [],
      createdAt: '2023-08-01T14:03:01.817Z',
      raw: created,
    });
  });

  it.each([
    ['fast', '--fast'],
    ['turbo', '--turbo'],
  ] as const)('mode %s → %s', async (mode, flag) => {
    const seen = expectCall('post', '/api/v1/nova/imagine', created);
    const job = await client().imagine({ prompt: 'fox', mode });
    expect(seen.body).toBe(`{"prompt":"fox ${flag}"}`);
    // Stored as JSON, a job carries only what is known.
    expect(Object.keys(job)).not.toContain('ref');
  });

  it('boost and disableCdn go to the boost endpoint; the skill’s +00:00 timestamp is read', async () => {
    const seen = expectCall('post', '/api/v1/nova/boost/imagine', createdSkill);
    const job = await client().imagine({ prompt: 'fox', providerOptions: { boost: true, disableCdn: true } });
    expect(seen.body).toBe('{"prompt":"fox","disableCdn":true}');
    expect(job.createdAt).toBe('2026-01-15T12:00:00.000Z');
  });

  it('refuses what it cannot send before any request', async () => {
    const mj = client();
    await expect(mj.imagine({ prompt: 'fox', providerOptions: { speed: 'x' } })).rejects.toThrow(/providerOptions/);
    await expect(mj.imagine({ prompt: 'fox', providerOptions: { timeout: 5 } })).rejects.toThrow(/timeout/);
    await expect(mj.imagine({ prompt: 'fox --ar 1:1', aspectRatio: '16:9' })).rejects.toBeInstanceOf(
      InvalidRequestError,
    );
    await expect(mj.imagine({ prompt: 'fox --relax', mode: 'relax' })).rejects.toThrow(/--relax/);
    await expect(mj.imagine({ prompt: 'fox', providerOptions: { animateMode: 'smooth' } })).rejects.toThrow(
      /animateMode/,
    );
  });

  it('`success: false` is a refusal with ImaginePro’s reason', async () => {
    expectCall('post', '/api/v1/nova/imagine', { success: false, error: 'Invalid parameter --foo' });
    await expect(client().imagine({ prompt: 'fox --foo' })).rejects.toThrow(
      /did not accept the job: Invalid parameter --foo/,
    );
  });

  it('a 200 without messageId says the job may exist', async () => {
    expectCall('post', '/api/v1/nova/imagine', { success: true });
    const error = await client()
      .imagine({ prompt: 'fox' })
      .then(
        () => undefined,
        (caught: unknown) => caught as ResponseValidationError,
      );
    expect(error).toBeInstanceOf(ResponseValidationError);
    expect(error?.mayHaveCreatedJob).toBe(true);
  });
});

describe('get', () => {
  it('reads /api/v1/message/fetch/{messageId}', async () => {
    const seen = expectCall('get', `/api/v1/message/fetch/${MID}`, { ...processing, messageId: MID });
    const job = await client().get(`imaginepro:${MID}`);
    expect(seen.count).toBe(1);
    expect(job).toMatchObject({ id: `imaginepro:${MID}`, status: 'running', progress: 0 });
  });

  it('a video job id alone is enough: it reads /api/v1/video/mj/fetch/{messageId}', async () => {
    expectCall('get', `/api/v1/video/mj/fetch/${videoDone.messageId}`, videoDone);
    const job = await client().get(`imaginepro:video.${videoDone.messageId}`);
    expect(job).toMatchObject({ operation: 'video', status: 'succeeded' });
    expect(job.videoUrls).toHaveLength(2);
  });

  it('an unknown id is NotFoundError, for 404 and for the 400 some clients observed', async () => {
    expectCall('get', '/api/v1/message/fetch/nope', { message: 'Message not found', statusCode: 404 }, { status: 404 });
    await expect(client().get('nope')).rejects.toBeInstanceOf(NotFoundError);
    expectCall(
      'get',
      '/api/v1/message/fetch/bad',
      { message: 'Invalid messageId', error: 'Bad Request', statusCode: 400 },
      { status: 400 },
    );
    await expect(client().get('bad')).rejects.toThrow(/does not know job bad.*Invalid messageId/);
  });

  it('a job created a moment ago that is not readable yet reads as queued instead of not found', async () => {
    expectCall('post', '/api/v1/nova/imagine', created);
    const mj = client();
    const job = await mj.imagine({ prompt: 'fox' });
    expectCall(
      'get',
      `/api/v1/message/fetch/${MID}`,
      { message: 'Message not found', statusCode: 404 },
      { status: 404 },
    );
    await expect(mj.get(job)).resolves.toMatchObject({ id: job.id, status: 'queued' });
  });
});

/** A finished parent offering every button ImaginePro has, spelled as the docs spell them. */
function parentWithEveryButton(messageId = 'm-1'): Job {
  return jobFrom(
    {
      status: 'DONE',
      prompt: 'a red fox',
      uri: 'https://cdn.imaginepro.ai/x.png',
      buttons: [
        'U1',
        'U2',
        'U3',
        'U4',
        'V1',
        'V2',
        'V3',
        'V4',
        '\u{1F504}',
        'Upscale (Subtle)',
        'Upscale (Creative)',
        'Upscale (2x)',
        'Upscale (4x)',
        'Redo Upscale (Subtle)',
        'Redo Upscale (Creative)',
        'Redo Upscale (2x)',
        'Redo Upscale (4x)',
        'Vary (Subtle)',
        'Vary (Strong)',
        'Vary (Region)',
        'Zoom Out 1.5x',
        'Zoom Out 2x',
        'Custom Zoom',
        'Make Square',
        '\u2B05\uFE0F',
        '\u27A1\uFE0F',
        '\u2B06\uFE0F',
        '\u2B07\uFE0F',
      ],
    },
    messageId,
  );
}

describe('act: POST /api/v1/nova/button', () => {
  // The exact body for each canonical action, written out independently of the adapter's table.
  const bodies: Array<[ActionId, string]> = [
    ['upscale-1', '{"messageId":"m-1","button":"U1"}'],
    ['upscale-2', '{"messageId":"m-1","button":"U2"}'],
    ['upscale-3', '{"messageId":"m-1","button":"U3"}'],
    ['upscale-4', '{"messageId":"m-1","button":"U4"}'],
    ['variation-1', '{"messageId":"m-1","button":"V1"}'],
    ['variation-2', '{"messageId":"m-1","button":"V2"}'],
    ['variation-3', '{"messageId":"m-1","button":"V3"}'],
    ['variation-4', '{"messageId":"m-1","button":"V4"}'],
    ['reroll', '{"messageId":"m-1","button":"🔄"}'],
    ['upscale-subtle', '{"messageId":"m-1","button":"Upscale (Subtle)"}'],
    ['upscale-creative', '{"messageId":"m-1","button":"Upscale (Creative)"}'],
    ['upscale-2x', '{"messageId":"m-1","button":"Upscale (2x)"}'],
    ['upscale-4x', '{"messageId":"m-1","button":"Upscale (4x)"}'],
    ['redo-upscale-subtle', '{"messageId":"m-1","button":"Redo Upscale (Subtle)"}'],
    ['redo-upscale-creative', '{"messageId":"m-1","button":"Redo Upscale (Creative)"}'],
    ['redo-upscale-2x', '{"messageId":"m-1","button":"Redo Upscale (2x)"}'],
    ['redo-upscale-4x', '{"messageId":"m-1","button":"Redo Upscale (4x)"}'],
    ['vary-subtle', '{"messageId":"m-1","button":"Vary (Subtle)"}'],
    ['vary-strong', '{"messageId":"m-1","button":"Vary (Strong)"}'],
    ['zoom-out-1.5x', '{"messageId":"m-1","button":"Zoom Out 1.5x"}'],
    ['zoom-out-2x', '{"messageId":"m-1","button":"Zoom Out 2x"}'],
    ['make-square', '{"messageId":"m-1","button":"Make Square"}'],
    ['pan-left', '{"messageId":"m-1","button":"⬅️"}'],
    ['pan-right', '{"messageId":"m-1","button":"➡️"}'],
    ['pan-up', '{"messageId":"m-1","button":"⬆️"}'],
    ['pan-down', '{"messageId":"m-1","button":"⬇️"}'],
  ];

  it.each(bodies)('%s sends %s', async (action, body) => {
    const seen = expectCall('post', '/api/v1/nova/button', created);
    const parent = parentWithEveryButton();
    const job = await client().act(parent, action);
    expect(seen.body).toBe(body);
    expect(job).toMatchObject({
      id: `imaginepro:${MID}`,
      operation: 'action',
      action,
      parentId: 'imaginepro:m-1',
      status: 'queued',
      prompt: 'a red fox',
    });
  });

  it.each(bodies)('%s sends the documented label when the job carries no buttons list', async (action, body) => {
    const seen = expectCall('post', '/api/v1/nova/button', created);
    // A job stored by the caller without its raw payload: only `actions` says what it offers.
    const parent = { ...parentWithEveryButton(), raw: undefined };
    const job = await client().act(parent, action);
    expect(seen.body).toBe(body);
    expect(job).toMatchObject({
      id: `imaginepro:${MID}`,
      operation: 'action',
      action,
      parentId: 'imaginepro:m-1',
      status: 'queued',
      prompt: 'a red fox',
    });
  });

  it('the pan emoji carry U+FE0F, byte for byte', async () => {
    const seen = expectCall('post', '/api/v1/nova/button', created);
    await client().act(parentWithEveryButton(), 'pan-left');
    // UTF-8 of U+2B05 U+FE0F, then the closing `"}`.
    expect(Buffer.from(seen.body ?? '').subarray(-8)).toEqual(
      Buffer.from([0xe2, 0xac, 0x85, 0xef, 0xb8, 0x8f, 0x22, 0x7d]),
    );
  });

  it('sends a label exactly as the job’s own buttons spell it (an emoji without U+FE0F stays without)', async () => {
    const seen = expectCall('post', '/api/v1/nova/button', created);
    const parent = jobFrom({ status: 'DONE', buttons: ['\u2B05', 'Vary (Region)'], uri: 'https://x/u.png' }, 'm-1');
    await client().act(parent, 'pan-left');
    expect(seen.body).toBe('{"messageId":"m-1","button":"\u2B05"}');
  });

  it('the docs’ example requests, from the fixtures', async () => {
    const parent = parentWithEveryButton(upscaleRequest.messageId);
    const up = expectCall('post', '/api/v1/nova/button', created);
    await client().act(parent, 'upscale-1');
    expect(up.body).toBe(JSON.stringify(upscaleRequest));
    const region = expectCall('post', '/api/v1/nova/button', created);
    await client().act(parent, 'vary-region', { mask: inpaintRequest.mask, prompt: inpaintRequest.prompt });
    expect(region.body).toBe(JSON.stringify(inpaintRequest));
  });

  it('vary-region: a data URL mask goes as bare base64, with the region prompt, ref and webhook', async () => {
    const seen = expectCall('post', '/api/v1/nova/button', created);
    await client({ webhookSecret: 'whsec-imaginepro-test-secret' }).act(parentWithEveryButton(), 'vary-region', {
      mask: 'data:image/png;base64,iVBORw0KGgo=',
      prompt: 'a hat',
      ref: 'r',
      webhookUrl: 'https://hooks.example/ip?app=1',
      providerOptions: { timeout: 300 },
    });
    const context = {
      mjgate_op: 'action',
      mjgate_action: 'vary-region',
      mjgate_parent: 'imaginepro:m-1',
      mjgate_ref: 'r',
    };
    expect(checkHook(seen.body, 'https://hooks.example/ip?app=1', context, { signed: true })).toBe(
      '{"messageId":"m-1","button":"Vary (Region)","mask":"iVBORw0KGgo=","prompt":"a hat","ref":"r","webhookOverride":"<hook>","timeout":300}',
    );
  });

  it('vary-region: a URL-safe base64 mask is sent in the standard alphabet, padded', async () => {
    const seen = expectCall('post', '/api/v1/nova/button', created);
    await client().act(parentWithEveryButton(), 'vary-region', { mask: 'UklGR-_a\nbc' });
    expect(seen.body).toBe('{"messageId":"m-1","button":"Vary (Region)","mask":"UklGR+/abc=="}');
    await expect(client().act(parentWithEveryButton(), 'vary-region', { mask: 'UklGR' })).rejects.toThrow(/not base64/);
  });

  it('custom-zoom: the zoom goes into the prompt as --zoom, replacing any there', async () => {
    const seen = expectCall('post', '/api/v1/nova/button', created);
    const job = await client().act(parentWithEveryButton(), 'custom-zoom', { zoom: 1.8 });
    expect(seen.body).toBe('{"messageId":"m-1","button":"Custom Zoom","prompt":"a red fox --zoom 1.8"}');
    expect(job.prompt).toBe('a red fox --zoom 1.8');
    const again = expectCall('post', '/api/v1/nova/button', created);
    await client().act(parentWithEveryButton(), 'custom-zoom', { zoom: 1.2, prompt: 'a blue fox --zoom 2' });
    expect(again.body).toBe('{"messageId":"m-1","button":"Custom Zoom","prompt":"a blue fox --zoom 1.2"}');
  });

  it('variation and reroll take a Remix prompt', async () => {
    const seen = expectCall('post', '/api/v1/nova/button', created);
    await client().act(parentWithEveryButton(), 'variation-3', { prompt: 'a fox in rain' });
    expect(seen.body).toBe('{"messageId":"m-1","button":"V3","prompt":"a fox in rain"}');
  });

  it('boost sends to /api/v1/nova/boost/button', async () => {
    const seen = expectCall('post', '/api/v1/nova/boost/button', created);
    await client().act(parentWithEveryButton(), 'upscale-2', { providerOptions: { boost: true } });
    expect(seen.body).toBe('{"messageId":"m-1","button":"U2"}');
  });

  it('an action the job does not offer is refused before any request, naming what it offers', async () => {
    const grid = jobFrom(doneButton as never, 'm-1');
    await expect(client().act(grid, 'pan-left')).rejects.toThrow(
      /does not offer 'pan-left'. It offers: upscale-1, upscale-2, upscale-3, upscale-4, reroll, variation-1/,
    );
    const nothing = jobFrom({ status: 'DONE', uri: 'https://x/s.png', buttons: ['Cancel Job'] }, 's');
    await expect(client().act(nothing, 'upscale-1')).rejects.toThrow(/It offers: no follow-up actions/);
    await expect(client().act(queuedOf(grid), 'upscale-1')).rejects.toThrow(/is running/);
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('refuses inputs the button cannot take, before any request', async () => {
    const mj = client();
    const parent = parentWithEveryButton();
    await expect(mj.act(parent, 'vary-region')).rejects.toThrow(/needs a mask/);
    await expect(mj.act(parent, 'vary-region', { mask: 'https://x/mask.png' })).rejects.toThrow(/not a URL/);
    await expect(mj.act(parent, 'vary-region', { mask: 'not base64!' })).rejects.toThrow(/not base64/);
    await expect(mj.act(parent, 'upscale-1', { mask: 'iVBORw0KGgo=' })).rejects.toThrow(/only 'vary-region'/);
    await expect(mj.act(parent, 'upscale-1', { prompt: 'x' })).rejects.toThrow(/takes a prompt only on/);
    await expect(mj.act(parent, 'pan-up', { zoom: 1.5 })).rejects.toThrow(/only 'custom-zoom'/);
    await expect(mj.act(parent, 'custom-zoom')).rejects.toThrow(/needs input.zoom/);
  });

  it('acting on an id string reads the parent first, then presses its button', async () => {
    const read = expectCall('get', `/api/v1/message/fetch/${MID}`, { ...doneButton, messageId: MID });
    const press = expectCall('post', '/api/v1/nova/button', created);
    const job = await client().act(`imaginepro:${MID}`, 'upscale-2');
    expect(read.count).toBe(1);
    expect(press.body).toBe(`{"messageId":"${MID}","button":"U2"}`);
    expect(job.parentId).toBe(`imaginepro:${MID}`);
  });

  it('a grid whose payload has no `buttons`: the documented label is sent, non-grid actions refused', async () => {
    const grid = jobFrom({ status: 'DONE', prompt: 'a red fox', uri: 'https://cdn.imaginepro.ai/g.png' }, 'm-1');
    const seen = expectCall('post', '/api/v1/nova/button', created);
    await client().act(grid, 'reroll');
    expect(seen.body).toBe('{"messageId":"m-1","button":"🔄"}');
    await expect(client().act(grid, 'pan-left')).rejects.toThrow(/does not offer 'pan-left'. It offers: upscale-1/);
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('the sugar methods map to the same buttons', async () => {
    const mj = client();
    const parent = parentWithEveryButton();
    const upscale = expectCall('post', '/api/v1/nova/button', created);
    await mj.upscale(parent, 4);
    const variation = expectCall('post', '/api/v1/nova/button', created);
    await mj.variation(parent, 1);
    const reroll = expectCall('post', '/api/v1/nova/button', created);
    await mj.reroll(parent);
    expect([upscale.body, variation.body, reroll.body]).toEqual([
      '{"messageId":"m-1","button":"U4"}',
      '{"messageId":"m-1","button":"V1"}',
      '{"messageId":"m-1","button":"🔄"}',
    ]);
  });
});

function queuedOf(job: Job): Job {
  return { ...job, status: 'running', progress: 50 };
}

describe('describe, blend, faceSwap, video', () => {
  it('describe → POST /api/v1/nova/describe {url}; its prompts come back as texts', async () => {
    const seen = expectCall('post', '/api/v1/nova/describe', created);
    const mj = client();
    const job = await mj.describe({ imageUrl: 'https://img.example/a.png', ref: 'd' });
    expect(seen.body).toBe('{"url":"https://img.example/a.png","ref":"d"}');
    expect(job).toMatchObject({ id: `imaginepro:describe.${MID}`, operation: 'describe', status: 'queued' });
    expectCall('get', `/api/v1/message/fetch/${MID}`, {
      messageId: MID,
      status: 'DONE',
      prompt: 'https://img.example/a.png',
      content: ['a fox --ar 1:1', 'a dog --ar 1:1'],
    });
    await expect(mj.get(job)).resolves.toMatchObject({
      operation: 'describe',
      texts: ['a fox --ar 1:1', 'a dog --ar 1:1'],
    });
  });

  it('blend → POST /api/v1/nova/blend {urls}; dimensions other than square and a prompt are refused', async () => {
    const seen = expectCall('post', '/api/v1/nova/blend', created);
    const mj = client();
    const urls = ['https://img.example/a.png', 'https://img.example/b.png'];
    const job = await mj.blend({ imageUrls: urls, dimensions: 'square', webhookUrl: 'https://hooks.example/b' });
    expect(checkHook(seen.body, 'https://hooks.example/b', { mjgate_op: 'blend' })).toBe(
      '{"urls":["https://img.example/a.png","https://img.example/b.png"],"webhookOverride":"<hook>"}',
    );
    expect(job).toMatchObject({ id: `imaginepro:${MID}`, operation: 'blend' });
    await expect(mj.blend({ imageUrls: urls, dimensions: 'portrait' })).rejects.toThrow(/no dimensions option/);
    await expect(mj.blend({ imageUrls: urls, prompt: 'x' })).rejects.toThrow(/no prompt/);
  });

  it('faceSwap → POST /api/v1/nova/faceswap {source, target}', async () => {
    const seen = expectCall('post', '/api/v1/nova/faceswap', created);
    const job = await client().faceSwap({
      sourceUrl: 'https://img.example/face.png',
      targetUrl: 'https://img.example/body.png',
    });
    expect(seen.body).toBe('{"source":"https://img.example/face.png","target":"https://img.example/body.png"}');
    expect(job).toMatchObject({ id: `imaginepro:faceswap.${MID}`, operation: 'faceswap' });
  });

  it('video → POST /api/v1/video/mj/generate with the frames; motion as --motion', async () => {
    const seen = expectCall('post', '/api/v1/video/mj/generate', created);
    const job = await client().video({
      prompt: 'the fox runs',
      imageUrl: 'https://img.example/start.png',
      endImageUrl: 'https://img.example/end.png',
      motion: 'high',
      providerOptions: { timeout: 900 },
    });
    expect(seen.body).toBe(
      '{"prompt":"the fox runs --motion high","startFrameUrl":"https://img.example/start.png","endFrameUrl":"https://img.example/end.png","timeout":900}',
    );
    expect(job).toMatchObject({ id: `imaginepro:video.${MID}`, operation: 'video', status: 'queued' });
  });

  it('video extend → POST /api/v1/video/mj/extend {messageId, index, animateMode}', async () => {
    const seen = expectCall('post', '/api/v1/video/mj/extend', created);
    const job = await client().video({
      extend: 'imaginepro:video.v-1',
      index: 2,
      providerOptions: { animateMode: 'smooth' },
    });
    expect(seen.body).toBe('{"messageId":"v-1","index":2,"animateMode":"smooth"}');
    expect(job).toMatchObject({ id: `imaginepro:video.${MID}`, parentId: 'imaginepro:video.v-1' });
    const first = expectCall('post', '/api/v1/video/mj/extend', created);
    await client().video({ extend: 'imaginepro:video.v-1' });
    expect(first.body).toBe('{"messageId":"v-1","index":0}');
  });

  it('video extend from a bare messageId: parentId is the video id polling will report', async () => {
    const mj = client();
    expectCall('post', '/api/v1/video/mj/extend', created);
    const job = await mj.video({ extend: 'v-1' });
    expectCall('get', `/api/v1/video/mj/fetch/${MID}`, {
      messageId: MID,
      status: 'QUEUED',
      originatingMessageId: 'v-1',
    });
    const polled = await mj.get(job);
    expect(job.parentId).toBe('imaginepro:video.v-1');
    expect(polled.parentId).toBe(job.parentId);
  });

  it('video refuses mixed inputs before any request', async () => {
    const mj = client();
    await expect(mj.video({ extend: 'imaginepro:video.v', imageUrl: 'https://img.example/a.png' })).rejects.toThrow(
      /drop imageUrl/,
    );
    await expect(mj.video({ imageUrl: 'https://img.example/a.png', index: 1 })).rejects.toThrow(/index applies/);
    await expect(
      mj.video({ imageUrl: 'https://img.example/a.png', providerOptions: { animateMode: 'smooth' } }),
    ).rejects.toThrow(/animateMode/);
  });

  it("a video job's webhook URL carries core's operation, untouched, so the callback maps to the same id", async () => {
    const seen = expectCall('post', '/api/v1/video/mj/generate', created);
    await client().video({ imageUrl: 'https://img.example/a.png', webhookUrl: 'https://hooks.example/v' });
    checkHook(seen.body, 'https://hooks.example/v', { mjgate_op: 'video' });
  });
});

describe('cancel', () => {
  it('presses Cancel Job on the running job, then returns its state', async () => {
    const press = expectCall('post', '/api/v1/nova/button', { ...created, messageId: 'cancel-job' });
    expectCall('get', `/api/v1/message/fetch/${MID}`, {
      messageId: MID,
      status: 'FAIL',
      progress: 40,
      error: 'Job cancelled by user.',
    });
    const job = await client().cancel(`imaginepro:${MID}`);
    expect(press.body).toBe(`{"messageId":"${MID}","button":"Cancel Job"}`);
    expect(job).toMatchObject({ id: `imaginepro:${MID}`, status: 'cancelled', error: { code: 'cancelled' } });
  });

  it('accepts the legacy answer without messageId', async () => {
    expectCall('post', '/api/v1/nova/button', cancelLegacy);
    expectCall('get', `/api/v1/message/fetch/${MID}`, { messageId: MID, status: 'PROCESSING', progress: 40 });
    await expect(client().cancel(MID)).resolves.toMatchObject({ status: 'running' });
  });

  it('a job already finished is refused without a request', async () => {
    const done = jobFrom(doneButton as never, 'm-1');
    await expect(client().cancel(done)).rejects.toThrow(/already succeeded/);
  });
});

describe('account, promptCheck, history', () => {
  it('account-info → credits (plan + extra) and plan', async () => {
    expectCall('get', '/api/v1/subscription/account-info', account);
    await expect(client().account()).resolves.toEqual({
      provider: 'imaginepro',
      credits: 2600,
      planCredits: 1600,
      extraCredits: 1000,
      creditsQuota: 1600,
      plan: 'STARTER',
      email: 'xxx@gmail.com',
      expiresAt: '2022-10-07T14:30:00.000Z',
      raw: account,
    });
  });

  it('promptCheck → POST /api/v1/nova/prompt-check; FAIL carries the reason', async () => {
    const ok = expectCall('post', '/api/v1/nova/prompt-check', checkOk);
    const mj = client();
    await expect(mj.promptCheck('a red fox')).resolves.toEqual({ ok: true, raw: checkOk });
    expect(ok.body).toBe('{"prompt":"a red fox"}');
    expectCall('post', '/api/v1/nova/prompt-check', checkFail);
    await expect(mj.promptCheck('something banned')).resolves.toEqual({ ok: false, message: 'reason', raw: checkFail });
    await expect(mj.promptCheck('  ')).rejects.toBeInstanceOf(InvalidRequestError);
  });

  it('history → GET /api/v1/nova/images with paging; entries carry usable job ids', async () => {
    const seen = expectCall('get', '/api/v1/nova/images?page=2&size=5', history);
    const entries = await client().history({ page: 2, size: 5 });
    expect(seen.count).toBe(1);
    expect(entries).toEqual([
      {
        id: `imaginepro:${MID}`,
        providerJobId: MID,
        type: 'button',
        button: 'U2',
        action: 'upscale-2',
        prompt: 'A little cat running on the grass',
        url: 'https://cdn.imaginepro.ai/storage/123/123/123.png',
        createdAt: '2023-08-01T14:03:01.817Z',
        raw: history.images[0],
      },
    ]);
  });
});

describe('the client paces itself', () => {
  // The HTTP library loads on the first request: loaded before the fake clock starts, it cannot
  // land at some point of it and shift the first request.
  beforeAll(() => loadTransport());

  it('by default: one submission per 3 s and ten reads per second, a burst queued rather than rejected', async () => {
    vi.useFakeTimers();
    const t0 = Date.now();
    const at: Array<[string, number]> = [];
    const fetch: typeof globalThis.fetch = async (input, init) => {
      const req = new Request(input, init);
      at.push([new URL(req.url).pathname.split('/')[3] ?? '', Date.now() - t0]);
      return req.method === 'POST' ? Response.json(created) : Response.json({ ...processing, messageId: MID });
    };
    const mj = createImaginePro({ apiKey: KEY, fetch });
    const submits = Promise.all([1, 2, 3].map((number) => mj.imagine({ prompt: `fox ${number}` })));
    const reads = Promise.all([1, 2, 3].map(() => mj.get(MID)));
    await vi.advanceTimersByTimeAsync(10_000);
    await Promise.all([submits, reads]);
    expect(at.filter(([p]) => p === 'nova').map(([, t]) => t)).toEqual([0, 3000, 6000]);
    expect(at.filter(([p]) => p === 'message').map(([, t]) => t)).toEqual([0, 100, 200]);
  });

  it('account, prompt-check and history are general endpoints too: one per 3 s, not ten per second', async () => {
    vi.useFakeTimers();
    const t0 = Date.now();
    const at: number[] = [];
    const fetch: typeof globalThis.fetch = async (input, init) => {
      const req = new Request(input, init);
      at.push(Date.now() - t0);
      if (req.url.includes('prompt-check')) return Response.json(checkOk);
      if (req.url.includes('/images')) return Response.json(history);
      return Response.json(account);
    };
    const mj = createImaginePro({ apiKey: KEY, fetch });
    const all = Promise.all([mj.account(), mj.promptCheck('a fox'), mj.history(), mj.account()]);
    await vi.advanceTimersByTimeAsync(10_000);
    await all;
    expect(at).toEqual([0, 3000, 6000, 9000]);
  });

  it('is configurable', async () => {
    vi.useFakeTimers();
    const t0 = Date.now();
    const at: number[] = [];
    const fetch: typeof globalThis.fetch = async () => {
      at.push(Date.now() - t0);
      return Response.json(created);
    };
    const mj = createImaginePro({ apiKey: KEY, fetch, pace: { submit: 500 } });
    const all = Promise.all([1, 2].map(() => mj.imagine({ prompt: 'fox' })));
    await vi.advanceTimersByTimeAsync(1_000);
    await all;
    expect(at).toEqual([0, 500]);
  });
});
