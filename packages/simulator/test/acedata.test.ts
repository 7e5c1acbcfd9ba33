import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator, TIMINGS } from '../src/index';
import { call, decodePng, download, pollUntil, startReceiver } from './helpers';

const KEY = 'ad-test-key';
const AUTH = { authorization: `Bearer ${KEY}` };
let sim: Simulator;
let base: string;

type Result = Record<string, unknown> & {
  success: boolean;
  task_id: string;
  image_id: string;
  progress: number;
  actions?: string[];
  image_url: string;
};
type ErrorBody = { error: { code: string; message: string }; trace_id: string };
type TaskRecord = Record<string, unknown> & { id: string; response?: Result; finished_at?: number };

const post = <T = Result>(path: string, body: unknown, headers: Record<string, string> = AUTH) =>
  call<T>(`${base}${path}`, { body, headers });

beforeAll(async () => {
  sim = await startSimulator({ apiKey: KEY, speed: 400, seed: 3 });
  base = sim.urls.acedata;
});
afterAll(() => sim.close());

describe('AceData auth and errors', () => {
  it('answers 400 no_token without a header and 401 invalid_token for a wrong or non-Bearer key', async () => {
    const none = await post<ErrorBody>('/midjourney/imagine', { prompt: 'x' }, {});
    expect(none.status).toBe(400);
    expect(none.body.error.code).toBe('no_token');
    for (const authorization of [KEY, 'Bearer wrong']) {
      const res = await post<ErrorBody>('/midjourney/imagine', { prompt: 'x' }, { authorization });
      expect(res.status).toBe(401);
      expect(res.body.error).toEqual({ code: 'invalid_token', message: 'The specified token is invalid or wrong.' });
      expect(res.body.trace_id).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  it('answers bad_request for a missing prompt, a bad mode and invalid JSON; no_api for an unknown path', async () => {
    const res = await post<ErrorBody>('/midjourney/imagine', { action: 'generate' });
    expect(res.status).toBe(400);
    expect(res.body.error).toEqual({ code: 'bad_request', message: 'prompt is required' });
    expect((await post<ErrorBody>('/midjourney/imagine', { prompt: 'x', mode: 'warp' })).body.error.code).toBe(
      'bad_request',
    );
    const json = await call<ErrorBody>(`${base}/midjourney/imagine`, { body: '{oops', headers: AUTH });
    expect(json.body.error.message).toBe('The json payload is not valid to request the API');
    const unknown = await post<ErrorBody>('/midjourney/nothing', {});
    expect([unknown.status, unknown.body.error.code]).toEqual([404, 'no_api']);
  });

  it('answers 403 forbidden for a banned prompt and 403 used_up for an empty balance', async () => {
    const banned = await post<ErrorBody>('/midjourney/imagine', { prompt: 'gore everywhere' });
    expect([banned.status, banned.body.error.code]).toEqual([403, 'forbidden']);
    const local = await startSimulator({ credits: 0, speed: 400 });
    try {
      const res = await call<ErrorBody>(`${local.urls.acedata}/midjourney/imagine`, {
        body: { prompt: 'x', async: true },
        headers: { authorization: 'Bearer k' },
      });
      expect([res.status, res.body.error.code]).toEqual([403, 'used_up']);
    } finally {
      await local.close();
    }
  });

  it('answers 504 timeout when a blocking call outlives its timeout, once that timeout has passed', async () => {
    const local = await startSimulator({ paused: true });
    try {
      const answer = call<ErrorBody>(`${local.urls.acedata}/midjourney/imagine`, {
        body: { prompt: 'slow', timeout: 5 },
        headers: { authorization: 'Bearer k' },
      });
      let settled = false;
      void answer.finally(() => {
        settled = true;
      });
      await pollUntil(
        async () => local.ledger.submissions().length,
        (n) => n === 1,
      );
      local.clock.advance(4_999);
      // Still blocking 1 ms of vendor time before its timeout: a round trip to the simulator proves
      // the advance was handled without the answer going out.
      await call(`${local.url}/_sim/health`);
      expect(settled).toBe(false);
      local.clock.advance(1_000);
      const res = await answer;
      expect(res.status).toBe(504);
      expect(res.body.error).toEqual({ code: 'timeout', message: 'Timeout to generate the image.' });
    } finally {
      await local.close();
    }
  });
});

describe('AceData imagine modes', () => {
  it('blocks by default and returns the final grid, then upscales and varies it by image_id', async () => {
    const grid = await post('/midjourney/imagine', { prompt: 'a castle', split_images: true });
    expect(grid.status).toBe(200);
    expect(grid.body).toMatchObject({ success: true, progress: 100, image_width: 256, raw_image_height: 256 });
    expect(grid.body.image_id).toMatch(/^\d{19}$/);
    expect(grid.body.actions).toEqual([
      'upscale1',
      'upscale2',
      'upscale3',
      'upscale4',
      'reroll',
      'variation1',
      'variation2',
      'variation3',
      'variation4',
    ]);
    expect(grid.body.sub_image_urls).toHaveLength(4);
    const png = decodePng((await download(grid.body.image_url)).bytes);
    expect([png.width, png.height]).toEqual([256, 256]);

    const up = await post('/midjourney/imagine', { action: 'upscale3', image_id: grid.body.image_id });
    expect(up.body.actions).toContain('variation_region');
    expect(up.body.actions).toContain('pan_left');
    expect(up.body.image_id).not.toBe(grid.body.image_id);

    const wrong = await post<ErrorBody>('/midjourney/imagine', { action: 'upscale1', image_id: up.body.image_id });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.message).toMatch(/not available/);
    const noMask = await post<ErrorBody>('/midjourney/imagine', {
      action: 'variation_region',
      image_id: up.body.image_id,
    });
    expect(noMask.body.error.message).toMatch(/mask/);

    const vary = await post('/midjourney/imagine', {
      action: 'variation_subtle',
      image_id: up.body.image_id,
      mode: 'relax',
    });
    expect(vary.body.actions).toContain('upscale1');
    const legacy = await post('/midjourney/imagine', { action: 'upsample1', image_id: vary.body.image_id });
    expect(legacy.status).toBe(200);
    expect(legacy.body.actions).toContain('upscale_creative');
    const seed = await post<{ seed: string }>('/midjourney/seed', { image_id: grid.body.image_id });
    expect(seed.body.seed).toMatch(/^\d+$/);
  });

  it('returns {task_id} at once with async:true; /tasks shows the record pending, running without success, then done', async () => {
    sim.clock.pause();
    try {
      const res = await post<{ task_id: string }>('/midjourney/imagine', { prompt: 'async fox', async: true });
      expect(res.body).toEqual({ task_id: expect.stringMatching(/^[0-9a-f-]{36}$/) });
      const id = res.body.task_id;
      const retrieve = async () => (await post<TaskRecord>('/midjourney/tasks', { action: 'retrieve', id })).body;
      const listed = async () =>
        (await post<{ items: TaskRecord[] }>('/midjourney/tasks', { action: 'retrieve_batch', ids: [id] })).body
          .items[0];

      // Pending: no response at all, and no status field (§10.3).
      const pending = await retrieve();
      expect(pending).toMatchObject({ id, type: 'imagine', request: { prompt: 'async fox', async: true } });
      expect(pending.response).toBeUndefined();
      expect(pending).not.toHaveProperty('status');
      expect(pending).not.toHaveProperty('finished_at');

      // Running: a response with progress and no actions, and no `success`, which AceData's clients read
      // as "done" (§10.3); in a listing too.
      sim.clock.advance(TIMINGS.grid[0] + TIMINGS.grid[1] / 2 + 1);
      for (const running of [await retrieve(), await listed()]) {
        expect(running?.response).toMatchObject({ task_id: id, progress: 50, actions: [] });
        expect(running?.response).not.toHaveProperty('success');
        expect(running).not.toHaveProperty('finished_at');
      }

      // Done: `success: true`, the final actions and finished_at.
      sim.clock.advance(TIMINGS.grid[1] / 2);
      const done = await retrieve();
      expect(done.response).toMatchObject({ success: true, task_id: id, progress: 100 });
      expect(done.response?.actions).toHaveLength(9);
      expect(typeof done.created_at).toBe('number');
      expect(done.finished_at).toBeGreaterThan(done.created_at as number);
    } finally {
      sim.clock.resume();
    }
    const missing = await post<ErrorBody>('/midjourney/tasks', { action: 'retrieve', id: 'nope' });
    expect([missing.status, missing.body.error.code]).toEqual([404, 'not_found']);
  });

  it('ends a failed task record with success: false, its error and finished_at', async () => {
    sim.faults.add({ vendor: 'acedata', route: '/midjourney/imagine', kind: 'fail-job', times: 1 });
    sim.clock.pause();
    try {
      const { body } = await post<{ task_id: string }>('/midjourney/imagine', { prompt: 'doomed', async: true });
      sim.clock.advance(TIMINGS.grid[0] + TIMINGS.grid[1] / 4);
      const running = (await post<TaskRecord>('/midjourney/tasks', { action: 'retrieve', id: body.task_id })).body;
      expect(running.response).not.toHaveProperty('success');
      sim.clock.advance(TIMINGS.grid[1]);
      const failed = (await post<TaskRecord>('/midjourney/tasks', { action: 'retrieve', id: body.task_id })).body;
      expect(failed.response).toMatchObject({
        success: false,
        task_id: body.task_id,
        error: { code: 'task_failed', message: expect.any(String) },
      });
      expect(typeof failed.finished_at).toBe('number');
    } finally {
      sim.clock.resume();
    }
  });

  it('answers retrieve_batch with {items, count}, omitting unknown ids and capping at 50 ids', async () => {
    const a = await post<{ task_id: string }>('/midjourney/imagine', { prompt: 'batch a', async: true });
    const b = await post<{ task_id: string }>('/midjourney/imagine', { prompt: 'batch b', async: true });
    const res = await post<{ items: TaskRecord[]; count: number }>('/midjourney/tasks', {
      action: 'retrieve_batch',
      ids: [a.body.task_id, 'unknown', b.body.task_id],
    });
    expect(res.body.count).toBe(2);
    expect(res.body.items.map((i) => i.id)).toEqual([a.body.task_id, b.body.task_id]);
    const paged = await post<{ items: TaskRecord[]; count: number }>('/midjourney/tasks', {
      action: 'retrieve_batch',
      ids: [a.body.task_id, b.body.task_id],
      offset: 1,
      limit: 1,
    });
    expect(paged.body.items.map((i) => i.id)).toEqual([b.body.task_id]);
    expect(paged.body.count).toBe(2);
    const tooMany = await post<ErrorBody>('/midjourney/tasks', {
      action: 'retrieve_batch',
      ids: Array.from({ length: 51 }, (_, i) => `id-${i}`),
    });
    expect(tooMany.status).toBe(400);
  });

  it('pages a retrieve_batch by ids with limit, 12 by default', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 14; i++) {
      ids.push(
        (await post<{ task_id: string }>('/midjourney/imagine', { prompt: `page ${i}`, async: true })).body.task_id,
      );
    }
    const batch = (extra: Record<string, unknown>) =>
      post<{ items: TaskRecord[]; count: number }>('/midjourney/tasks', { action: 'retrieve_batch', ids, ...extra });
    const cut = await batch({});
    expect(cut.body.items.map((i) => i.id)).toEqual(ids.slice(0, 12));
    expect(cut.body.count).toBe(14);
    const whole = await batch({ offset: 0, limit: 14 });
    expect(whole.body.items.map((i) => i.id)).toEqual(ids);
  });

  it('streams ndjson snapshots with rising progress, throwaway image_ids and actions only on the last line', async () => {
    const res = await fetch(`${base}/midjourney/imagine`, {
      method: 'POST',
      headers: { ...AUTH, 'content-type': 'application/json', accept: 'application/x-ndjson' },
      body: JSON.stringify({ prompt: 'streamed' }),
    });
    expect(res.headers.get('content-type')).toBe('application/x-ndjson');
    const lines = (await res.text())
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Result);
    expect(lines.map((l) => l.progress)).toEqual([35, 75, 100]);
    // Stream lines are the one place `success: true` comes before the end (§2.2).
    expect(lines.map((l) => l.success)).toEqual([true, true, true]);
    expect(new Set(lines.map((l) => l.task_id)).size).toBe(1);
    expect(new Set(lines.map((l) => l.image_id)).size).toBe(3);
    expect(lines[0]?.actions).toEqual([]);
    expect(lines[2]?.actions).toHaveLength(9);
  });

  it('POSTs nothing while the task runs, then the final result with success and trace_id to callback_url', async () => {
    const receiver = await startReceiver();
    sim.clock.pause();
    try {
      const res = await post<{ task_id: string }>('/midjourney/imagine', {
        prompt: 'callback',
        callback_url: `${receiver.url}/cb`,
      });
      expect(Object.keys(res.body)).toEqual(['task_id']);
      const deliveries = () => sim.ledger.webhooks({ vendor: 'acedata', jobId: res.body.task_id });
      sim.clock.advance(TIMINGS.grid[0] + TIMINGS.grid[1] * 0.9);
      await sim.ledger.settled();
      expect(deliveries()).toEqual([]);
      sim.clock.advance(TIMINGS.grid[1]);
      const [hit] = await receiver.waitFor(1);
      expect(hit?.body).toMatchObject({ success: true, task_id: res.body.task_id, progress: 100 });
      expect(hit?.body.trace_id).toEqual(expect.any(String));
      await sim.ledger.settled();
      expect(deliveries()).toHaveLength(1);
      expect(receiver.calls).toHaveLength(1);
    } finally {
      sim.clock.resume();
      await receiver.close();
    }
  });
});

describe('AceData ndjson callbacks', () => {
  it('with accept: application/x-ndjson, POSTs one callback per progress snapshot, then the final result', async () => {
    const receiver = await startReceiver();
    try {
      const res = await call<{ task_id: string }>(`${base}/midjourney/imagine`, {
        body: { prompt: 'callback stream', callback_url: `${receiver.url}/cb` },
        headers: { ...AUTH, accept: 'application/x-ndjson' },
      });
      expect(Object.keys(res.body)).toEqual(['task_id']);
      const hits = await receiver.waitFor(3);
      expect(hits.map((h) => (h.body as Result).progress)).toEqual([35, 75, 100]);
      // Each POST is a stream line (§2.2, §10.4), `success: true` included; only `progress` tells the end.
      expect(hits.map((h) => (h.body as Result).success)).toEqual([true, true, true]);
      expect(hits.every((h) => (h.body as Result).task_id === res.body.task_id)).toBe(true);
      const [first, , last] = hits.map((h) => h.body as Result);
      expect(first?.actions).toEqual([]);
      expect(last?.actions).toHaveLength(9);
    } finally {
      await receiver.close();
    }
  });
});

describe('AceData describe, shorten, translate and videos', () => {
  it('answers the synchronous endpoints with their documented fields', async () => {
    const d = await post<{ descriptions: string[] }>('/midjourney/describe', { image_url: 'https://a/b.png' });
    expect(d.body.descriptions).toHaveLength(4);
    expect(d.body.descriptions[0]).toMatch(/--ar \d+:\d+$/);
    const s = await post<{ prompts: string[] }>('/midjourney/shorten', { prompt: 'a tall tower of glass and steel' });
    expect(s.body.prompts.length).toBeLessThanOrEqual(5);
    const t = await post<{ content: string }>('/midjourney/translate', { content: 'hello world' });
    expect(t.body.content).toBe('hello world');
    expect((await post<ErrorBody>('/midjourney/describe', {})).body.error.code).toBe('bad_request');
  });

  it('generates and extends videos, serving real video/mp4 files', async () => {
    const gen = await post<Record<string, unknown>>('/midjourney/videos', {
      action: 'generate',
      prompt: 'waves',
      image_url: 'https://a/frame.png',
    });
    expect(gen.body).toMatchObject({ success: true, progress: 100, video_id: expect.stringMatching(/^\d+$/) });
    const urls = gen.body.video_urls as string[];
    expect(urls).toHaveLength(4);
    const mp4 = await download(urls[3] as string);
    expect(mp4.type).toBe('video/mp4');
    expect(mp4.bytes.toString('latin1', 4, 8)).toBe('ftyp');
    const ext = await post<Record<string, unknown>>('/midjourney/videos', {
      action: 'extend',
      video_id: gen.body.video_id,
      video_index: 1,
      prompt: 'more',
    });
    expect(ext.body.video_id).not.toBe(gen.body.video_id);
    expect(
      (await post<ErrorBody>('/midjourney/videos', { action: 'generate', image_url: 'x', mode: 'relax' })).status,
    ).toBe(400);
  });
});
