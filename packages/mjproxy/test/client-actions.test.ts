import { InvalidRequestError, type Job, type Logger, NotFoundError } from '@mjgate/core';
import nock from 'nock';
import * as v from 'valibot';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { taskToJob } from '../src/mapping.js';
import { taskSchema } from '../src/schemas.js';
import { client, fixture, jobFrom, server } from './helpers.js';

// `act` beyond the happy path (§3.2–3.4, §4.3): a parent passed without its Task, a legacy change
// the server says exists, a modal the server never opened, and the prompt a modal falls back to.

const GRID = jobFrom('task-grid-trueai');
const UPSCALED = jobFrom('task-upscale-trueai');
const NOVICEZK_GRID = jobFrom('task-imagine-novicezk');
const MODAL_ID = '1712345678901234';

/** A finished upscale offering only Custom Zoom, as a Job; `extra` changes its Task. */
function zoomParent(extra: Record<string, unknown> = {}): Job {
  const task = {
    id: '9001',
    action: 'UPSCALE',
    status: 'SUCCESS',
    prompt: 'a cat --zoom 1.5',
    imageUrl: 'https://cdn.example.com/u.png',
    buttons: [{ customId: 'MJ::CustomZoom::9c6b1a2e', label: 'Custom Zoom' }],
    ...extra,
  };
  return taskToJob(task, v.parse(taskSchema, task));
}

/** A logger that keeps its warnings. */
function warnings(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  return { lines, logger: { warn: (message) => lines.push(message) } };
}

beforeEach(() => nock.disableNetConnect());
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

describe('the parent Task (§3.2)', () => {
  it('a Job passed without its Task (raw) is read again before its button is pressed', async () => {
    const scope = server()
      .get('/mj/task/1712345678900003/fetch')
      .reply(200, fixture('task-grid-trueai'))
      .post(
        '/mj/submit/action',
        (body) => body.customId === 'MJ::JOB::upsample::2::85a4b4c1-8835-46c5-a15c-aea34fad1862',
      )
      .reply(200, fixture('submit-success'));
    const job = await client().upscale({ ...GRID, raw: undefined }, 2);
    expect(scope.isDone()).toBe(true);
    expect(job).toMatchObject({ action: 'upscale-2', parentId: GRID.id, prompt: 'a red fox in snow' });
  });

  it('a parent the server no longer knows is a NotFoundError, and nothing is pressed', async () => {
    server().get('/mj/task/1712345678900003/fetch').reply(200, '');
    const error = await client()
      .upscale({ ...GRID, raw: undefined }, 2)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toMatchObject({ provider: 'mjproxy', message: 'mjproxy does not know task 1712345678900003.' });
  });
});

describe('answers that open no modal (§4.3, §12.2)', () => {
  it('a change answered 21 ("exists") is that task: no modal is sent', async () => {
    const scope = server()
      .post('/mj/submit/change', { taskId: '14001929738841620', action: 'VARIATION', index: 3 })
      .reply(200, { code: 21, description: '任务已存在', result: '5550001' });
    const job = await client().variation(NOVICEZK_GRID, 3);
    expect(scope.isDone()).toBe(true);
    expect(job).toMatchObject({ providerJobId: '5550001', action: 'variation-3', status: 'queued' });
  });

  it('a Vary (Region) accepted without a modal warns that its mask and prompt were not sent', async () => {
    server().post('/mj/submit/action').reply(200, fixture('submit-success'));
    const { logger, lines } = warnings();
    const job = await client({ logger }).act(UPSCALED, 'vary-region', { mask: 'iVBORw0KGgo', prompt: 'a hat' });
    expect(job.providerJobId).toBe('8498455807619990');
    expect(lines).toEqual([
      "mjproxy: 'vary-region' was accepted without a modal; its prompt, mask or zoom was not sent.",
    ]);
  });

  it('a remix prompt accepted without a modal warns; the same action without a prompt does not', async () => {
    server().post('/mj/submit/action').twice().reply(200, fixture('submit-success'));
    const { logger, lines } = warnings();
    await client({ logger }).act(UPSCALED, 'vary-strong', { prompt: 'a fox in a hat' });
    await client({ logger }).act(UPSCALED, 'vary-strong');
    expect(lines).toEqual([
      "mjproxy: 'vary-strong' was accepted without a modal; its prompt, mask or zoom was not sent.",
    ]);
  });

  it('an upscale given a prompt has no modal to send it to: no warning', async () => {
    server()
      .post('/mj/submit/action', (body) => !('enableRemix' in body))
      .reply(200, fixture('submit-success'));
    const { logger, lines } = warnings();
    const job = await client({ logger }).act(UPSCALED, 'upscale-subtle', { prompt: 'sharper' });
    expect(job.prompt).toBe('sharper');
    expect(lines).toEqual([]);
  });

  it('without a logger, or with one that drops warnings, the action still succeeds', async () => {
    server().post('/mj/submit/action').twice().reply(200, fixture('submit-success'));
    const quiet = await client().act(UPSCALED, 'vary-region', { mask: 'iVBORw0KGgo' });
    const errorsOnly = await client({ logger: { error: () => {} }, logLevel: 'error' }).act(UPSCALED, 'vary-region', {
      mask: 'iVBORw0KGgo',
    });
    expect([quiet.status, errorsOnly.status]).toEqual(['queued', 'queued']);
  });
});

describe('the prompt of an action', () => {
  it("without a prompt the job carries the parent's", async () => {
    server().post('/mj/submit/action').reply(200, fixture('submit-success'));
    expect((await client().upscale(GRID, 1)).prompt).toBe('a red fox in snow');
  });

  it('a prompt is sent and kept without its surrounding spaces', async () => {
    const scope = server()
      .post('/mj/submit/action', (body) => body.enableRemix === true)
      .reply(200, { code: 21, description: '窗口等待', result: MODAL_ID })
      .post('/mj/submit/modal', { taskId: MODAL_ID, prompt: 'a fox in a hat' })
      .reply(200, { code: 1, description: 'ok', result: MODAL_ID });
    const job = await client().act(UPSCALED, 'vary-strong', { prompt: '  a fox in a hat  ' });
    expect(scope.isDone()).toBe(true);
    expect(job.prompt).toBe('a fox in a hat');
  });
});

describe('the prompt a Custom Zoom modal falls back to (§4.3)', () => {
  async function zoomPrompt(parent: Job, answer: Record<string, unknown>): Promise<string> {
    let sent = '';
    server()
      .post('/mj/submit/action')
      .reply(200, { code: 21, description: 'Waiting for window confirm', result: MODAL_ID, ...answer })
      .post('/mj/submit/modal', (body) => {
        sent = body.prompt;
        return body.taskId === MODAL_ID;
      })
      .reply(200, { code: 1, description: 'ok', result: MODAL_ID });
    await client().act(parent, 'custom-zoom', { zoom: 2 });
    return sent;
  }

  it("the parent's prompt when neither the answer nor the parent has a final prompt", async () => {
    expect(await zoomPrompt(zoomParent(), {})).toBe('a cat --zoom 2');
  });

  it("a blank final prompt in the answer is skipped for the parent's", async () => {
    const parent = zoomParent({ properties: { finalPrompt: 'a cat --v 6.1' } });
    expect(await zoomPrompt(parent, { properties: { finalPrompt: '   ' } })).toBe('a cat --v 6.1 --zoom 2');
  });

  it("the answer's final prompt, its trailing space dropped (new-api pads it, §6)", async () => {
    expect(await zoomPrompt(zoomParent(), { properties: { finalPrompt: 'Cat --v 6.1 ' } })).toBe(
      'Cat --v 6.1 --zoom 2',
    );
  });
});

describe('a modal that cannot be sent', () => {
  it('an abort between the action and its modal rejects with the abort reason itself', async () => {
    const controller = new AbortController();
    const reason = new Error('the user closed the page');
    const fetch = async (input: Request | URL | string, init?: RequestInit) => {
      const request = input instanceof Request ? input : new Request(input, init);
      if (new URL(request.url).pathname === '/mj/submit/action') {
        return Response.json({ code: 21, description: 'Waiting for window confirm', result: MODAL_ID });
      }
      controller.abort(reason);
      throw reason;
    };
    const mj = client({ fetch: fetch as typeof globalThis.fetch });
    await expect(mj.act(zoomParent(), 'custom-zoom', { zoom: 2 }, { signal: controller.signal })).rejects.toBe(reason);
  });

  it('a mask given as a URL is refused before the action is pressed: no MODAL task is left behind', async () => {
    const press = server().post('/mj/submit/action').reply(200, fixture('submit-modal-trueai'));
    const error = await client()
      .act(UPSCALED, 'vary-region', { mask: 'https://example.com/mask.png' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect((error as Error).message).toBe(
      'midjourney-proxy takes the vary-region mask as base64 image data, not a URL: pass a data URL or a base64 PNG/WebP.',
    );
    expect(press.isDone()).toBe(false);
  });
});
