import { AuthenticationError, InvalidRequestError, type Job, NotFoundError, UnsupportedError } from '@mjgate/core';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMjProxy, MJPROXY_CAPABILITIES, type MjProxyOptions } from '../src/index.js';
import { BASE, fixture, jobFrom, KEY, SECRET } from './helpers.js';

const client = (extra: MjProxyOptions = {}) =>
  createMjProxy({ apiKey: KEY, baseURL: BASE, maxRetries: 0, poll: { intervalMs: 1, maxIntervalMs: 2 }, ...extra });

/** A server that expects the protocol's own header (§1.2) and no Authorization. */
const server = () => nock(BASE, { reqheaders: { 'mj-api-secret': KEY }, badheaders: ['authorization'] });

const GRID = jobFrom('task-grid-trueai');
const UPSCALED = jobFrom('task-upscale-trueai');
const NOVICEZK_GRID = jobFrom('task-imagine-novicezk');

beforeEach(() => nock.disableNetConnect());
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
  delete process.env.MJPROXY_API_KEY;
  delete process.env.MJPROXY_BASE_URL;
});

describe('setup (§10)', () => {
  it('needs a base URL: there is no default host', () => {
    expect(() => createMjProxy({ apiKey: KEY })).toThrow(InvalidRequestError);
    expect(() => createMjProxy({ apiKey: KEY })).toThrow(/MJPROXY_BASE_URL/);
  });

  it('reads the key and the base URL from MJPROXY_API_KEY and MJPROXY_BASE_URL', async () => {
    expect(() => createMjProxy({ baseURL: BASE })).toThrow(AuthenticationError);
    expect(() => createMjProxy({ baseURL: BASE })).toThrow(/MJPROXY_API_KEY/);
    process.env.MJPROXY_API_KEY = 'env-key-123456';
    process.env.MJPROXY_BASE_URL = 'http://10.0.0.5:8080/proxy';
    const scope = nock('http://10.0.0.5:8080', { reqheaders: { 'mj-api-secret': 'env-key-123456' } })
      .get('/proxy/mj/task/14001929738841620/fetch')
      .reply(200, fixture('task-imagine-novicezk'));
    expect((await createMjProxy().get('mjproxy:14001929738841620')).status).toBe('succeeded');
    expect(scope.isDone()).toBe(true);
  });

  it('keeps a path prefix and tolerates a trailing /mj', async () => {
    const scope = nock('http://127.0.0.1:8787')
      .get('/mjproxy/mj/task/14001929738841620/fetch')
      .twice()
      .reply(200, fixture('task-imagine-novicezk'));
    await client({ baseURL: 'http://127.0.0.1:8787/mjproxy/' }).get('14001929738841620');
    await client({ baseURL: 'http://127.0.0.1:8787/mjproxy/mj' }).get('14001929738841620');
    expect(scope.isDone()).toBe(true);
  });

  it('sends exactly one auth header per scheme (§1.2, §12.1)', async () => {
    const bearer = nock(BASE, { reqheaders: { authorization: `Bearer ${KEY}` }, badheaders: ['mj-api-secret'] })
      .get('/mj/task/1/fetch')
      .reply(200, { ...fixture('task-imagine-novicezk'), id: '1' });
    await client({ authScheme: 'bearer' }).get('1');
    const raw = nock(BASE, { reqheaders: { authorization: KEY }, badheaders: ['mj-api-secret'] })
      .get('/mj/task/2/fetch')
      .reply(200, { ...fixture('task-imagine-novicezk'), id: '2' });
    await client({ authScheme: 'raw' }).get('2');
    expect(bearer.isDone() && raw.isDone()).toBe(true);
    expect(() => client({ authScheme: 'cookie' as never })).toThrow(InvalidRequestError);
  });

  it('reports the static capabilities: Midjourney, all actions, batch get, webhooks, cancel, no account', () => {
    expect(client().capabilities).toEqual(MJPROXY_CAPABILITIES);
    expect(client().provider).toBe('mjproxy');
  });
});

describe('imagine (§3.1)', () => {
  it('puts aspect ratio, mode and image prompts into the prompt; ref → state; nothing else', async () => {
    const scope = server()
      .post('/mj/submit/imagine', {
        prompt: 'https://example.com/a.png a red fox in snow --ar 16:9 --relax',
        botType: 'NIJI_JOURNEY',
        state: 'order-42',
      })
      .reply(200, fixture('submit-success'));
    const job = await client().imagine({
      prompt: 'a red fox in snow',
      aspectRatio: '16:9',
      mode: 'relax',
      imageUrls: ['https://example.com/a.png'],
      ref: 'order-42',
      providerOptions: { botType: 'NIJI_JOURNEY' },
    });
    expect(scope.isDone()).toBe(true);
    expect(job).toMatchObject({
      id: 'mjproxy:8498455807619990',
      status: 'queued',
      operation: 'imagine',
      ref: 'order-42',
    });
  });

  it("sends the mode as trueai's path prefix with modeVia: 'path'", async () => {
    const scope = server().post('/mj-fast/mj/submit/imagine', { prompt: 'a cat' }).reply(200, fixture('submit-queued'));
    const job = await client({ modeVia: 'path' }).imagine({ prompt: 'a cat', mode: 'fast' });
    expect(scope.isDone()).toBe(true);
    expect(job.providerJobId).toBe('0741798445574458');
  });

  it('accepts code 21 "task exists" on imagine as the job (§4.3.5), and a numeric result (§12.16)', async () => {
    server().post('/mj/submit/imagine').reply(200, fixture('submit-exists'));
    expect((await client().imagine({ prompt: 'a cat' })).providerJobId).toBe('0741798445574458');
    server().post('/mj/submit/imagine').reply(200, '{"code":1,"description":"提交成功","result":1320098173412546}');
    expect((await client().imagine({ prompt: 'a cat' })).providerJobId).toBe('1320098173412546');
  });

  it('refuses a ref longer than 255 characters and unknown providerOptions before sending', async () => {
    await expect(client().imagine({ prompt: 'a cat', ref: 'x'.repeat(256) })).rejects.toThrow(InvalidRequestError);
    await expect(client().imagine({ prompt: 'a cat', providerOptions: { speed: 'x' } })).rejects.toThrow(/speed/);
  });
});

describe('actions through the job’s buttons (§3.2, §4)', () => {
  it('reads actions from buttons and presses the parent’s own customId', async () => {
    expect(GRID.actions).toEqual([
      'upscale-1',
      'upscale-2',
      'upscale-3',
      'upscale-4',
      'variation-1',
      'variation-2',
      'variation-3',
      'variation-4',
      'reroll',
    ]);
    const scope = server()
      .post('/mj/submit/action', {
        taskId: '1712345678900003',
        customId: 'MJ::JOB::upsample::2::85a4b4c1-8835-46c5-a15c-aea34fad1862',
      })
      .reply(200, fixture('submit-success'));
    const job = await client().upscale(GRID, 2);
    expect(scope.isDone()).toBe(true);
    expect(job).toMatchObject({ operation: 'action', action: 'upscale-2', parentId: GRID.id, status: 'queued' });
  });

  it('fetches the parent when given only its id', async () => {
    const scope = server()
      .get('/mj/task/1712345678900003/fetch')
      .reply(200, fixture('task-grid-trueai'))
      .post(
        '/mj/submit/action',
        (body) => body.customId === 'MJ::JOB::reroll::0::85a4b4c1-8835-46c5-a15c-aea34fad1862::SOLO',
      )
      .reply(200, fixture('submit-success'));
    await client().reroll(GRID.id);
    expect(scope.isDone()).toBe(true);
  });

  it('vary-region: action answered 21 → /mj/submit/modal with the mask and prompt (§4.3)', async () => {
    const scope = server()
      .post('/mj/submit/action', {
        taskId: '1712345678900004',
        customId: 'MJ::Inpaint::1::9c6b1a2e-1111-4c2f-9a1e-000000000004::SOLO',
      })
      .reply(200, fixture('submit-modal-trueai'))
      .post('/mj/submit/modal', {
        taskId: '1712345678901234',
        maskBase64: 'data:image/png;base64,iVBORw0KGgo=',
        prompt: 'a hat',
      })
      .reply(200, { code: 1, description: '提交成功', result: '1712345678901234' });
    const job = await client().act(UPSCALED, 'vary-region', { mask: 'iVBORw0KGgo', prompt: 'a hat' });
    expect(scope.isDone()).toBe(true);
    expect(job).toMatchObject({ id: 'mjproxy:1712345678901234', action: 'vary-region', parentId: UPSCALED.id });
  });

  it('custom-zoom: the modal prompt carries --zoom <z> on the final prompt (§4.3)', async () => {
    const scope = server()
      .post('/mj/submit/action', {
        taskId: '1712345678900004',
        customId: 'MJ::CustomZoom::9c6b1a2e-1111-4c2f-9a1e-000000000004',
      })
      .reply(200, fixture('submit-modal-trueai'))
      .post('/mj/submit/modal', { taskId: '1712345678901234', prompt: 'Cat --v 6.1 --zoom 1.5' })
      .reply(200, { code: 1, description: '提交成功', result: '1712345678901234' });
    await client().act(UPSCALED, 'custom-zoom', { zoom: 1.5 });
    expect(scope.isDone()).toBe(true);
  });

  it('a remix prompt on a variation asks for the modal and sends the prompt there', async () => {
    const scope = server()
      .post(
        '/mj/submit/action',
        (body) => body.enableRemix === true && body.customId.startsWith('MJ::JOB::high_variation::'),
      )
      .reply(200, fixture('submit-modal-plus'))
      .post('/mj/submit/modal', { taskId: '14001929738841620', prompt: 'a fox in a hat' })
      .reply(200, { code: 22, description: '排队中', result: '14001929738841620' });
    await client().act(UPSCALED, 'vary-strong', { prompt: 'a fox in a hat' });
    expect(scope.isDone()).toBe(true);
  });

  it('a failed modal says the MODAL task waits; nothing is retried', async () => {
    server()
      .post('/mj/submit/action')
      .reply(200, fixture('submit-modal-trueai'))
      .post('/mj/submit/modal')
      .reply(404, fixture('trueai-unknown-parent'));
    const error = await client()
      .act(UPSCALED, 'custom-zoom', { zoom: 2 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as Error).message).toMatch(/1712345678901234 stays waiting/);
  });

  it('no buttons (novicezk open): U/V/reroll through /mj/submit/change (§4.2)', async () => {
    expect(NOVICEZK_GRID.actions).toContain('variation-3');
    const scope = server()
      .post('/mj/submit/change', { taskId: '14001929738841620', action: 'VARIATION', index: 3 })
      .reply(200, fixture('submit-success'))
      .post('/mj/submit/change', { taskId: '14001929738841620', action: 'REROLL', index: 1 })
      .reply(200, fixture('submit-success'));
    await client().variation(NOVICEZK_GRID, 3);
    await client().reroll(NOVICEZK_GRID);
    expect(scope.isDone()).toBe(true);
  });

  it('refuses an action the parent has no button for, before any request', async () => {
    const partial = jobFrom('task-imagine-newapi');
    expect(partial.actions).toEqual(['upscale-1', 'upscale-2']);
    await expect(client().act({ ...partial, actions: [] }, 'upscale-3')).rejects.toThrow(/no button for 'upscale-3'/);
  });
});

describe('get and getMany (§3.12, §3.13)', () => {
  it('maps an unknown task (200 empty, 204, new-api 400 task_no_found) to NotFoundError', async () => {
    server().get('/mj/task/1/fetch').reply(200, '');
    server().get('/mj/task/2/fetch').reply(204);
    server().get('/mj/task/3/fetch').reply(400, fixture('newapi-task-not-found'));
    for (const id of ['1', '2', '3']) await expect(client().get(id)).rejects.toThrow(NotFoundError);
  });

  it('a task this client just submitted reads as queued while the server cannot show it', async () => {
    server()
      .post('/mj/submit/imagine')
      .reply(200, fixture('submit-success'))
      .get('/mj/task/8498455807619990/fetch')
      .reply(200, '');
    const mj = client();
    const job = await mj.imagine({ prompt: 'a cat' });
    expect(await mj.get(job)).toMatchObject({ status: 'queued', prompt: 'a cat' });
  });

  it('batches through list-by-condition, answers in the order asked, unknown ids → not_found', async () => {
    const scope = server()
      .post('/mj/task/list-by-condition', { ids: ['1712345678900003', '14001929738841620'] })
      .reply(200, [fixture('task-imagine-novicezk'), fixture('task-grid-trueai')]);
    const jobs = await client().getMany(['mjproxy:1712345678900003', 'mjproxy:14001929738841620']);
    expect(jobs.map((job) => job.providerJobId)).toEqual(['1712345678900003', '14001929738841620']);
    expect(scope.isDone()).toBe(true);
    server()
      .post('/mj/task/list-by-condition')
      .reply(200, [fixture('task-grid-trueai')]);
    await expect(client().getMany(['1712345678900003', '999'])).rejects.toThrow(NotFoundError);
  });
});

describe('other operations (§3.5–3.15)', () => {
  it('describe sends the URL as link; blend upper-cases dimensions; shorten and face swap', async () => {
    const scope = server()
      .post('/mj/submit/describe', { link: 'https://example.com/cat.png' })
      .reply(200, fixture('submit-success'))
      .post('/mj/submit/blend', {
        base64Array: ['https://example.com/a.png', 'https://example.com/b.png'],
        dimensions: 'PORTRAIT',
      })
      .reply(200, fixture('submit-success'))
      .post('/mj/submit/shorten', { prompt: 'a long prompt' })
      .reply(200, fixture('submit-success'))
      .post('/mj/insight-face/swap', {
        sourceBase64: 'https://example.com/face.png',
        targetBase64: 'https://example.com/body.png',
      })
      .reply(200, fixture('submit-success'));
    const mj = client();
    expect((await mj.describe({ imageUrl: 'https://example.com/cat.png' })).operation).toBe('describe');
    await mj.blend({ imageUrls: ['https://example.com/a.png', 'https://example.com/b.png'], dimensions: 'portrait' });
    await mj.shorten({ prompt: 'a long prompt' });
    expect(
      (await mj.faceSwap({ sourceUrl: 'https://example.com/face.png', targetUrl: 'https://example.com/body.png' }))
        .operation,
    ).toBe('faceswap');
    expect(scope.isDone()).toBe(true);
    await expect(
      mj.blend({ imageUrls: ['https://example.com/a.png', 'https://example.com/b.png'], prompt: 'x' }),
    ).rejects.toThrow(InvalidRequestError);
  });

  it('video: a new one from a start frame, or an extend of a video task', async () => {
    const scope = server()
      .post('/mj/submit/video', { prompt: 'the fox runs', image: 'https://example.com/a.png', motion: 'high' })
      .reply(200, fixture('submit-success'))
      .post('/mj/submit/video', {
        action: 'extend',
        taskId: '1712345678900005',
        index: 1,
        prompt: 'further',
        motion: 'low',
      })
      .reply(200, fixture('submit-success'));
    await client().video({ prompt: 'the fox runs', imageUrl: 'https://example.com/a.png', motion: 'high' });
    const extended = await client().video({ prompt: 'further', extend: 'mjproxy:1712345678900005', index: 1 });
    expect(extended.parentId).toBe('mjproxy:1712345678900005');
    expect(scope.isDone()).toBe(true);
  });

  it('seed reads image-seed and answers a finished seed job', async () => {
    server().get('/mj/task/1712345678900004/image-seed').reply(200, fixture('seed'));
    const job = await client().seed(UPSCALED);
    expect(job).toMatchObject({ operation: 'seed', status: 'succeeded', seed: '636646138', parentId: UPSCALED.id });
  });

  it('cancel posts /cancel then reads the task; a server without the route → UnsupportedError', async () => {
    server()
      .post('/mj/task/1712345678900001/cancel')
      .reply(200, '')
      .get('/mj/task/1712345678900001/fetch')
      .reply(200, fixture('task-cancelled-trueai'));
    expect((await client().cancel('1712345678900001')).status).toBe('cancelled');
    server().post('/mj/task/7/cancel').reply(404, '');
    await expect(client().cancel('7')).rejects.toThrow(UnsupportedError);
  });

  it('account is unsupported: no dialect has an endpoint', async () => {
    await expect(client().account()).rejects.toThrow(UnsupportedError);
  });
});

describe('notifyHook callbacks (§5)', () => {
  it('signs the notifyHook and parses the callback to the same Job as polling', async () => {
    let hook = '';
    server()
      .post('/mj/submit/action', (body) => {
        hook = body.notifyHook;
        return body.state === 'r-1';
      })
      .reply(200, fixture('submit-success'));
    const mj = client({ webhookSecret: SECRET });
    const created = await mj.act(GRID, 'upscale-1', { webhookUrl: 'https://app.example.com/hooks/mj', ref: 'r-1' });
    expect(hook).toMatch(/^https:\/\/app\.example\.com\/hooks\/mj\?.*mjgate_sig=/);
    const body = { ...fixture('task-upscale-trueai'), id: created.providerJobId, state: 'r-1' };
    const fromHook: Job = await mj.parseWebhook({
      url: hook,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    server().get(`/mj/task/${created.providerJobId}/fetch`).reply(200, body);
    const polled = await mj.get(created);
    expect(fromHook).toEqual(polled);
    expect(fromHook).toMatchObject({ status: 'succeeded', action: 'upscale-1', parentId: GRID.id, ref: 'r-1' });
  });

  it('refuses an unsigned callback and another vendor’s body', async () => {
    const mj = client({ webhookSecret: SECRET });
    const body = JSON.stringify(fixture('task-imagine-novicezk'));
    await expect(mj.parseWebhook({ url: 'https://app.example.com/hooks/mj', headers: {}, body })).rejects.toMatchObject(
      { code: 'webhook_verification' },
    );
    const open = client();
    await expect(
      open.parseWebhook({
        url: 'https://app.example.com/h',
        headers: {},
        body: JSON.stringify({ task_id: 'x', status: 'finished' }),
      }),
    ).rejects.toMatchObject({ code: 'webhook_verification' });
    expect((await open.parseWebhook({ url: 'https://app.example.com/h', headers: {}, body })).status).toBe('succeeded');
  });
});

describe('findSubmission over /mj/task/list (§3.16)', () => {
  const sentAt = new Date(1712345678000).toISOString();

  it('finds a lost submission by the ref it carried as state, else by prompt and time', async () => {
    const listed = [fixture('task-imagine-novicezk'), fixture('task-in-progress'), fixture('task-grid-trueai')];
    server().get('/mj/task/list').twice().reply(200, listed);
    const byRef = await client().findSubmission({ provider: 'mjproxy', operation: 'imagine', ref: 'order-42', sentAt });
    expect(byRef?.providerJobId).toMatch(/^171234567890000[23]$/);
    const byPrompt = await client().findSubmission({
      provider: 'mjproxy',
      operation: 'imagine',
      prompt: 'a red fox in snow',
      sentAt,
    });
    expect(byPrompt?.prompt).toBe('a red fox in snow');
  });

  it('a server without the listing (new-api) → UnsupportedError', async () => {
    server().get('/mj/task/list').reply(404, '');
    await expect(
      client().findSubmission({ provider: 'mjproxy', operation: 'imagine', prompt: 'x', sentAt }),
    ).rejects.toThrow(UnsupportedError);
  });
});
