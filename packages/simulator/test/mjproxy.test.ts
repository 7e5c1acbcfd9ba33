// The midjourney-proxy vendor (vendors/mjproxy.md) in its three dialects, over raw HTTP with the paused clock:
// every phase is reached by advancing vendor time, never by waiting on the wall clock.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MjProxyOptions, type Simulator, startSimulator, TIMINGS } from '../src/index';
import { call, decodePng, download, startReceiver } from './helpers';

const KEY = 'mjp-test-key';
const GRID = TIMINGS.grid[0] + TIMINGS.grid[1];
const UPSCALE = TIMINGS.upscale[0] + TIMINGS.upscale[1];

type Vo = { code: number; description: string; result?: string; properties?: Record<string, unknown> };
type Button = { customId: string; emoji: string; label: string; type: number; style: number };
type Task = Record<string, unknown> & {
  id: string;
  action: string;
  status: string;
  progress: string | null;
  imageUrl: string | null;
  buttons?: Button[] | null;
  properties?: Record<string, unknown>;
};

async function simulator(mjproxy: MjProxyOptions): Promise<Simulator> {
  return startSimulator({ apiKey: KEY, paused: true, seed: 11, mjproxy, log: () => {} });
}

/** A client of one simulator: the headers its dialect reads. */
function client(sim: Simulator, headers: Record<string, string> = { 'mj-api-secret': KEY }) {
  const base = sim.urls.mjproxy;
  return {
    post: <T = Vo>(path: string, body: unknown, h = headers) =>
      call<T>(`${base}${path}`, { method: 'POST', body, headers: h }),
    get: <T = Task>(path: string, h = headers) => call<T>(`${base}${path}`, { headers: h }),
    fetchTask: async (id: string) => (await call<Task>(`${base}/mj/task/${id}/fetch`, { headers })).body,
  };
}

const button = (task: Task, label: string) => {
  const found = task.buttons?.find((b) => b.label === label);
  if (!found) throw new Error(`no button ${label} in ${JSON.stringify(task.buttons)}`);
  return found;
};
const PNG_MASK = `data:image/png;base64,${Buffer.from('mask').toString('base64')}`;
const PNG_INPUT = `data:image/png;base64,${Buffer.from('picture').toString('base64')}`;

describe('trueai dialect', () => {
  let sim: Simulator;
  let api: ReturnType<typeof client>;
  beforeAll(async () => {
    sim = await simulator({ dialect: 'trueai' });
    api = client(sim);
  });
  afterAll(() => sim.close());

  it('reads a raw Authorization or Mj-Api-Secret; Bearer is looked up verbatim and refused (§1.2)', async () => {
    const body = { prompt: 'auth check' };
    expect((await api.post('/mj/submit/imagine', body, {})).status).toBe(401);
    expect((await api.post('/mj/submit/imagine', body, {})).text).toBe('Authorization header missing.');
    expect((await api.post('/mj/submit/imagine', body, { authorization: KEY })).body.code).toBe(1);
    expect((await api.post('/mj/submit/imagine', body, { 'Mj-Api-Secret': KEY })).body.code).toBe(1);
    expect((await api.post('/mj/submit/imagine', body, { authorization: `Bearer ${KEY}` })).status).toBe(401);
    // both headers: Authorization wins, so a wrong one fails even with the right secret
    expect((await api.post('/mj/submit/imagine', body, { authorization: 'nope', 'mj-api-secret': KEY })).status).toBe(
      401,
    );
  });

  it('imagine walks NOT_START → SUBMITTED → IN_PROGRESS → SUCCESS with a real PNG grid and buttons', async () => {
    const res = await api.post('/mj/submit/imagine', { prompt: 'a red fox --ar 3:2', state: 'ref-1' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ code: expect.any(Number), properties: { discordInstanceId: expect.any(String) } });
    expect([1, 22]).toContain(res.body.code);
    const id = res.body.result as string;
    expect(id).toMatch(/^\d{16}$/);

    let task = await api.fetchTask(id);
    expect(task).toMatchObject({ id, action: 'IMAGINE', status: 'NOT_START', progress: null, state: 'ref-1' });
    expect(task.buttons).toEqual([]);
    sim.clock.advance(TIMINGS.grid[0] / 2);
    expect(await api.fetchTask(id)).toMatchObject({ status: 'SUBMITTED', progress: '0%' });
    sim.clock.advance(TIMINGS.grid[0] / 2 + TIMINGS.grid[1] / 2);
    task = await api.fetchTask(id);
    expect(task.status).toBe('IN_PROGRESS');
    expect(task.progress).toMatch(/^\d+%$/);
    expect(task.imageUrl).toMatch(/grid\.png$/); // a preview while running (§2.1)
    sim.clock.advance(TIMINGS.grid[1] / 2);
    task = await api.fetchTask(id);
    expect(task).toMatchObject({ status: 'SUCCESS', progress: '100%', failReason: null, botType: 'MID_JOURNEY' });
    expect(task.properties?.finalPrompt).toBe('a red fox --ar 3:2 --v 6.1');
    expect(task.buttons?.map((b) => b.label)).toEqual(['U1', 'U2', 'U3', 'U4', '', 'V1', 'V2', 'V3', 'V4']);
    expect(button(task, 'U2').customId).toMatch(/^MJ::JOB::upsample::2::[0-9a-f-]{36}$/);
    expect(task.imageUrls).toHaveLength(4);
    const png = await download(task.imageUrl as string);
    expect(png.type).toBe('image/png');
    const decoded = decodePng(png.bytes);
    expect(decoded.width).toBeGreaterThan(decoded.height);
  });

  it('refuses a blank prompt with code 4 and accepts a banned one, failing it later (§1.3 code 24)', async () => {
    expect((await api.post('/mj/submit/imagine', { prompt: ' ' })).body).toMatchObject({
      code: 4,
      description: 'prompt不能为空',
    });
    const res = await api.post('/mj/submit/imagine', { prompt: 'something banned here' });
    expect(res.body.code).toBe(1);
    sim.clock.advance(GRID);
    expect(await api.fetchTask(res.body.result as string)).toMatchObject({
      status: 'FAILURE',
      progress: '',
      failReason: '可能包含敏感词',
    });
  });

  it('upscales through a button, then Vary (Region) answers 21 and waits in MODAL until /submit/modal', async () => {
    const grid = (await api.post('/mj/submit/imagine', { prompt: 'a lighthouse' })).body.result as string;
    sim.clock.advance(GRID);
    const gridTask = await api.fetchTask(grid);
    const up = await api.post('/mj/submit/action', { taskId: grid, customId: button(gridTask, 'U1').customId });
    expect(up.body.code).toBe(1);
    sim.clock.advance(UPSCALE);
    const upTask = await api.fetchTask(up.body.result as string);
    expect(upTask).toMatchObject({ action: 'UPSCALE', status: 'SUCCESS', parentId: grid });
    expect(upTask.imageUrl).toMatch(/image\.png$/);
    const labels = upTask.buttons?.map((b) => b.label) ?? [];
    expect(labels).toEqual(
      expect.arrayContaining(['Upscale (Subtle)', 'Vary (Strong)', 'Vary (Region)', 'Custom Zoom']),
    );
    expect(button(upTask, 'Upscale (Subtle)').customId).toMatch(/^MJ::JOB::upsample_v6r1_2x_subtle::1::/);

    const region = button(upTask, 'Vary (Region)').customId;
    expect(region).toMatch(/^MJ::Inpaint::1::.+::SOLO$/);
    const wait = await api.post('/mj/submit/action', { taskId: upTask.id, customId: region });
    expect(wait.body).toMatchObject({
      code: 21,
      description: 'Waiting for window confirm',
      properties: { remix: true, finalPrompt: 'a lighthouse --v 6.1' },
    });
    const modalId = wait.body.result as string;
    sim.clock.advance(GRID * 3); // nothing moves while the modal is pending
    expect(await api.fetchTask(modalId)).toMatchObject({ status: 'MODAL', action: 'INPAINT' });
    expect((await api.post('/mj/submit/modal', { taskId: modalId, prompt: 'a lighthouse' })).body.code).toBe(4);
    const confirmed = await api.post('/mj/submit/modal', { taskId: modalId, maskBase64: PNG_MASK, prompt: 'a tower' });
    expect(confirmed.body).toMatchObject({ code: 1, result: modalId });
    expect((await api.fetchTask(modalId)).status).toBe('NOT_START');
    sim.clock.advance(GRID);
    expect(await api.fetchTask(modalId)).toMatchObject({ status: 'SUCCESS', prompt: 'a tower' });
    const ledger = sim.ledger.submissions({ vendor: 'mjproxy', jobId: modalId });
    expect(ledger.map((s) => [s.route, s.operation])).toEqual([['/mj/submit/action', 'INPAINT']]);
    const again = await api.post('/mj/submit/modal', { taskId: modalId, maskBase64: PNG_MASK });
    expect(again.body).toMatchObject({ code: 4, description: '关联任务状态错误' });
  });

  it('Custom Zoom needs --zoom in (1, 2] in the modal prompt', async () => {
    const grid = (await api.post('/mj/submit/imagine', { prompt: 'a field' })).body.result as string;
    sim.clock.advance(GRID);
    const up = await api.post('/mj/submit/action', {
      taskId: grid,
      customId: button(await api.fetchTask(grid), 'U3').customId,
    });
    sim.clock.advance(UPSCALE);
    const upTask = await api.fetchTask(up.body.result as string);
    const zoom = button(upTask, 'Custom Zoom').customId;
    expect(zoom).toMatch(/^MJ::CustomZoom::/);
    const wait = await api.post('/mj/submit/action', { taskId: upTask.id, customId: zoom });
    expect(wait.body.code).toBe(21);
    const id = wait.body.result as string;
    expect((await api.post('/mj/submit/modal', { taskId: id, prompt: 'a field --zoom 3' })).body.code).toBe(4);
    expect((await api.post('/mj/submit/modal', { taskId: id, prompt: 'a field --zoom 1.5' })).body.code).toBe(1);
  });

  it('answers the action rules: unknown parent 404 + code 3, unknown customId code 4, unfinished parent code 4', async () => {
    const unknown = await api.post('/mj/submit/action', { taskId: '1', customId: 'MJ::JOB::upsample::1::x' });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ code: 3, description: '关联任务不存在或已失效' });
    const grid = (await api.post('/mj/submit/imagine', { prompt: 'rules' })).body.result as string;
    const early = await api.post('/mj/submit/action', { taskId: grid, customId: 'MJ::JOB::upsample::1::x' });
    expect(early.body).toMatchObject({ code: 4, description: '关联任务状态错误' });
    sim.clock.advance(GRID);
    const foreign = await api.post('/mj/submit/action', {
      taskId: grid,
      customId: 'MJ::JOB::upsample::1::not-its-hash',
    });
    expect(foreign.body).toMatchObject({ code: 4, description: '未知的 Action 类型' });
    expect((await api.post('/mj/submit/modal', { taskId: '2', prompt: 'x' })).status).toBe(404);
  });

  it('answers 204 for an unknown task and list-by-condition omits unknown ids', async () => {
    const missing = await api.get('/mj/task/123/fetch');
    expect(missing.status).toBe(204);
    expect(missing.text).toBe('');
    const a = (await api.post('/mj/submit/imagine', { prompt: 'one' })).body.result as string;
    const b = (await api.post('/mj/submit/imagine', { prompt: 'two' })).body.result as string;
    const list = await api.post<Task[]>('/mj/task/list-by-condition', { ids: [a, 'nope', b] });
    expect(list.status).toBe(200);
    expect(list.body.map((t) => t.id).sort()).toEqual([a, b].sort());
    expect((await api.post<Task[]>('/mj/task/list-by-ids', { ids: [a] })).body).toHaveLength(1);
    expect((await api.post<Task[]>('/mj/task/list-by-condition', {})).body).toEqual([]);
  });

  it('seeds, cancels, describes, shortens, blends, swaps faces and makes videos', async () => {
    const grid = (await api.post('/mj/submit/imagine', { prompt: 'seeded' })).body.result as string;
    expect((await api.get<Vo>(`/mj/task/${grid}/image-seed`)).status).toBe(400);
    sim.clock.advance(GRID);
    const seed = await api.get<Vo>(`/mj/task/${grid}/image-seed`);
    expect(seed.body).toMatchObject({ code: 1, result: expect.stringMatching(/^\d+$/) });
    expect((await api.fetchTask(grid)).seed).toBe(seed.body.result);
    expect((await api.get<Vo>('/mj/task/9/image-seed')).status).toBe(404);

    const running = (await api.post('/mj/submit/imagine', { prompt: 'to cancel' })).body.result as string;
    const cancelled = await api.post(`/mj/task/${running}/cancel`, undefined);
    expect(cancelled.status).toBe(200);
    expect(cancelled.text).toBe('');
    expect(await api.fetchTask(running)).toMatchObject({ status: 'FAILURE', failReason: '取消任务' });

    const describeId = (await api.post('/mj/submit/describe', { link: 'https://example.com/cat.png' })).body
      .result as string;
    const shortenId = (await api.post('/mj/submit/shorten', { prompt: 'a very long and winding prompt about cats' }))
      .body.result as string;
    const blend = await api.post('/mj/submit/blend', { base64Array: [PNG_INPUT], dimensions: 'SQUARE' });
    expect(blend.body).toMatchObject({ code: 4, description: '图片参数错误，2~5张图片' });
    const blendId = (await api.post('/mj/submit/blend', { base64Array: [PNG_INPUT, 'https://example.com/b.png'] })).body
      .result as string;
    const swapId = (await api.post('/mj/insight-face/swap', { sourceBase64: PNG_INPUT, targetBase64: PNG_INPUT })).body
      .result as string;
    const videoId = (await api.post('/mj/submit/video', { prompt: 'waves', image: PNG_INPUT, motion: 'high' })).body
      .result as string;
    sim.clock.advance(TIMINGS.video[0] + TIMINGS.video[1]);

    const described = await api.fetchTask(describeId);
    expect(described).toMatchObject({ action: 'DESCRIBE', status: 'SUCCESS' });
    expect(String(described.properties?.finalPrompt)).toMatch(/^1️⃣ .+\n\n2️⃣ .+\n\n3️⃣ .+\n\n4️⃣ /);
    expect(described.buttons?.[0]?.customId).toBe('MJ::Job::PicReader::1');
    const shortened = await api.fetchTask(shortenId);
    expect(String(shortened.properties?.finalPrompt)).toMatch(/## Shortened prompts\n1️⃣ /);
    expect((await api.fetchTask(blendId)).action).toBe('BLEND');
    const swapped = await api.fetchTask(swapId);
    expect(swapped).toMatchObject({ action: 'SWAP_FACE', status: 'SUCCESS', botType: 'INSIGHT_FACE' });
    expect(decodePng((await download(swapped.imageUrl as string)).bytes).width).toBeGreaterThan(0);
    const video = await api.fetchTask(videoId);
    expect(video).toMatchObject({ action: 'VIDEO', status: 'SUCCESS' });
    expect(video.videoUrls).toHaveLength(4);
    expect(video.imageUrl).toMatch(/\.mp4$/);
    const extend = await api.post('/mj/submit/video', { action: 'extend', taskId: videoId, index: 0, prompt: 'more' });
    expect(extend.body.code).toBe(1);
  });

  it('routes the speed prefixes and records the mode (§1.1)', async () => {
    const res = await api.post('/mj-relax/mj/submit/imagine', { prompt: 'slow please' });
    expect(res.body.code).toBe(1);
    expect((await api.fetchTask(res.body.result as string)).mode).toBe('RELAX');
    expect(sim.ledger.submissions({ jobId: res.body.result as string })[0]?.route).toBe('/mj/submit/imagine');
  });

  it('posts the whole Task to notifyHook on each change, the last one SUCCESS', async () => {
    const receiver = await startReceiver();
    try {
      const res = await api.post('/mj/submit/imagine', {
        prompt: 'hooked',
        notifyHook: `${receiver.url}/cb`,
        state: 's',
      });
      const id = res.body.result as string;
      sim.clock.advance(GRID);
      await sim.ledger.settled();
      const calls = await receiver.waitFor(3);
      expect(calls.map((c) => c.body.status)).toEqual(['IN_PROGRESS', 'IN_PROGRESS', 'SUCCESS']);
      expect(calls.at(-1)?.body).toEqual(await api.fetchTask(id));
      expect(calls[0]?.headers['content-type']).toMatch(/application\/json/);
      expect(sim.ledger.webhooks({ vendor: 'mjproxy', jobId: id })).toHaveLength(3);
    } finally {
      await receiver.close();
    }
  });

  it('applies faults like the other vendors', async () => {
    sim.faults.add({ vendor: 'mjproxy', route: '/mj/submit/imagine', kind: 'rate-limit', retryAfter: 7, times: 1 });
    const limited = await api.post('/mj/submit/imagine', { prompt: 'limited' });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('7');
    sim.faults.add({ vendor: 'mjproxy', route: '/mj/submit/imagine', kind: 'fail-job', error: 'boom', times: 1 });
    const failing = (await api.post('/mj/submit/imagine', { prompt: 'fails' })).body.result as string;
    sim.clock.advance(GRID);
    expect(await api.fetchTask(failing)).toMatchObject({ status: 'FAILURE', failReason: 'boom' });
    const before = sim.ledger.submissions({ vendor: 'mjproxy' }).length;
    sim.faults.add({ vendor: 'mjproxy', category: 'submit', kind: 'accept-then-error', status: 500, times: 1 });
    const ambiguous = await api.post<Record<string, unknown>>('/mj/submit/imagine', { prompt: 'accepted anyway' });
    expect(ambiguous.status).toBe(500);
    expect(ambiguous.body).toMatchObject({ success: false, code: -1 });
    expect(sim.ledger.submissions({ vendor: 'mjproxy' })).toHaveLength(before + 1);
  });
});

describe('novicezk open dialect', () => {
  let sim: Simulator;
  let api: ReturnType<typeof client>;
  beforeAll(async () => {
    sim = await simulator({ dialect: 'novicezk', coreSize: 1, queueSize: 1 });
    api = client(sim);
  });
  afterAll(() => sim.close());

  it('reads only mj-api-secret: a wrong or Bearer key is 401 with an empty body', async () => {
    const bearer = await api.post('/mj/submit/imagine', { prompt: 'x' }, { authorization: `Bearer ${KEY}` });
    expect(bearer.status).toBe(401);
    expect(bearer.text).toBe('');
    expect((await api.post('/mj/submit/imagine', { prompt: 'x' }, { 'mj-api-secret': 'wrong' })).status).toBe(401);
  });

  it('queues beyond core-size (22), refuses a full queue (23, no task), refuses banned prompts (24)', async () => {
    sim.clock.advance(GRID); // the auth test's tasks were refused; start from an idle account
    const first = await api.post('/mj/submit/imagine', { prompt: 'first' });
    expect(first.body).toMatchObject({ code: 1, description: '成功' });
    const second = await api.post('/mj/submit/imagine', { prompt: 'second' });
    expect(second.body).toMatchObject({ code: 22, properties: { numberOfQueues: 1 } });
    const before = sim.ledger.submissions({ vendor: 'mjproxy' }).length;
    const third = await api.post('/mj/submit/imagine', { prompt: 'third' });
    expect(third.body).toEqual({ code: 23, description: '队列已满，请稍后尝试' });
    expect(sim.ledger.submissions({ vendor: 'mjproxy' })).toHaveLength(before);
    sim.clock.advance(GRID);
    const banned = await api.post('/mj/submit/imagine', { prompt: 'nsfw thing' });
    expect(banned.body).toMatchObject({ code: 24, properties: { bannedWord: 'nsfw' } });
    expect(banned.body.result).toBeUndefined();
  });

  it('has no buttons and no /submit/action: follow-ups go through /submit/change (§4.2)', async () => {
    const grid = (await api.post('/mj/submit/imagine', { prompt: 'classic' })).body.result as string;
    sim.clock.advance(GRID);
    const task = await api.fetchTask(grid);
    expect(task.status).toBe('SUCCESS');
    expect('buttons' in task).toBe(false);
    expect(task).toMatchObject({ failReason: null, description: '/imagine classic' });
    expect((await api.post('/mj/submit/action', { taskId: grid, customId: 'x' })).status).toBe(404);
    expect((await api.post('/mj/submit/modal', { taskId: grid })).status).toBe(404);
    const up = await api.post('/mj/submit/change', { taskId: grid, action: 'UPSCALE', index: 2 });
    expect(up.body.code).toBe(1);
    sim.clock.advance(UPSCALE);
    const upTask = await api.fetchTask(up.body.result as string);
    expect(upTask).toMatchObject({ action: 'UPSCALE', status: 'SUCCESS', description: `/up ${grid} U2` });
    expect(
      (await api.post('/mj/submit/change', { taskId: upTask.id, action: 'VARIATION', index: 1 })).body,
    ).toMatchObject({ code: 4, description: '关联任务不允许执行变化' });
    expect((await api.post('/mj/submit/change', { taskId: '42', action: 'REROLL' })).body.code).toBe(3);
    expect((await api.post('/mj/submit/simple-change', { content: `${grid} V3` })).body.code).toBe(1);
  });

  it('answers an unknown task with 200 and an empty body; describe needs a data URL', async () => {
    const missing = await api.get('/mj/task/123/fetch');
    expect(missing.status).toBe(200);
    expect(missing.text).toBe('');
    expect((await api.post('/mj/submit/describe', { link: 'https://example.com/a.png' })).body).toMatchObject({
      code: 4,
      description: 'base64不能为空',
    });
    sim.clock.advance(GRID);
    expect((await api.post('/mj/submit/describe', { base64: PNG_INPUT })).body.code).toBe(1);
    expect((await api.post('/mj/submit/video', { prompt: 'x' })).status).toBe(404);
  });
});

describe('new-api dialect', () => {
  let sim: Simulator;
  let api: ReturnType<typeof client>;
  beforeAll(async () => {
    sim = await simulator({ dialect: 'new-api' });
    api = client(sim, { authorization: `Bearer ${KEY}` });
  });
  afterAll(() => sim.close());

  it('reads Authorization (Bearer stripped), falling back to mj-api-secret; refusals are OpenAI-style', async () => {
    expect((await api.post('/mj/submit/imagine', { prompt: 'x' })).body.code).toBe(1);
    expect((await api.post('/mj/submit/imagine', { prompt: 'x' }, { 'mj-api-secret': KEY })).body.code).toBe(1);
    const wrong = await api.post<Record<string, unknown>>(
      '/mj/submit/imagine',
      { prompt: 'x' },
      { authorization: 'Bearer x' },
    );
    expect(wrong.status).toBe(401);
    expect(wrong.body).toMatchObject({ error: { message: expect.any(String) } });
  });

  it('serves its own trimmed copy: status "" first, no imageUrls/parentId, buttons on success', async () => {
    const id = (await api.post('/mj/submit/imagine', { prompt: 'relayed' })).body.result as string;
    expect(await api.fetchTask(id)).toMatchObject({ status: '', progress: '0%', description: 'Submit success' });
    sim.clock.advance(GRID);
    const task = await api.fetchTask(id);
    expect(task).toMatchObject({ status: 'SUCCESS', failReason: '', customId: '', botType: '' });
    expect(task).not.toHaveProperty('imageUrls');
    expect(task.properties).toEqual({ finalPrompt: 'relayed --v 6.1' });
    const up = await api.post('/mj/submit/action', { taskId: id, customId: button(task, 'U4').customId });
    sim.clock.advance(UPSCALE);
    const upTask = await api.fetchTask(up.body.result as string);
    expect(upTask).not.toHaveProperty('parentId');
    // 21 passes only for Vary (Region) and Custom Zoom; a remix variation is rewritten to 1 and sits in MODAL
    const region = await api.post('/mj/submit/action', {
      taskId: upTask.id,
      customId: button(upTask, 'Vary (Region)').customId,
    });
    expect(region.body.code).toBe(21);
    const remix = await api.post('/mj/submit/action', {
      taskId: id,
      customId: button(task, 'V1').customId,
      enableRemix: true,
    });
    expect(remix.body.code).toBe(1);
    expect((await api.fetchTask(remix.body.result as string)).status).toBe('MODAL');
    expect((await api.fetchTask(remix.body.result as string)).action).toBe('VARIATION');
  });

  it('answers its own errors as HTTP 400 {description, type, code}', async () => {
    const missing = await api.get<Record<string, unknown>>('/mj/task/404/fetch');
    expect(missing.status).toBe(400);
    expect(missing.body).toEqual({ description: 'task_no_found ', type: 'upstream_error', code: 4 });
    expect((await api.post<Record<string, unknown>>('/mj/submit/imagine', {})).body.description).toBe(
      'prompt_is_required ',
    );
    expect((await api.post<Record<string, unknown>>('/mj/submit/action', { taskId: '1' })).body.description).toBe(
      'custom_id_is_required ',
    );
    expect((await api.post('/mj/task/1/cancel', undefined)).status).toBe(404);
    expect((await api.post('/mj/submit/imagine', { prompt: 'gore scene' })).body.code).toBe(24);
  });

  it('drops notifyHook unless told to forward it (§5)', async () => {
    const receiver = await startReceiver();
    try {
      const id = (await api.post('/mj/submit/imagine', { prompt: 'quiet', notifyHook: `${receiver.url}/cb` })).body
        .result as string;
      sim.clock.advance(GRID);
      await sim.ledger.settled();
      expect(sim.ledger.webhooks({ jobId: id })).toEqual([]);
    } finally {
      await receiver.close();
    }
  });

  it('with an upstream that sends no buttons: "buttons": null, and /submit/change works', async () => {
    const bare = await simulator({ dialect: 'new-api', buttons: false });
    try {
      const bareApi = client(bare, { 'mj-api-secret': KEY });
      const id = (await bareApi.post('/mj/submit/imagine', { prompt: 'no buttons' })).body.result as string;
      bare.clock.advance(GRID);
      expect((await bareApi.fetchTask(id)).buttons).toBeNull();
      expect(
        (await bareApi.post<Record<string, unknown>>('/mj/submit/change', { taskId: id, action: 'REROLL' })).body,
      ).toEqual({
        description: 'index_is_required ',
        type: 'upstream_error',
        code: 4,
      });
      expect((await bareApi.post('/mj/submit/change', { taskId: id, action: 'REROLL', index: 1 })).body.code).toBe(1);
      expect((await bareApi.post('/fast/mj/submit/imagine', { prompt: 'mode prefix' })).body.code).toBe(1);
    } finally {
      await bare.close();
    }
  });
});

describe('more of each dialect', () => {
  it('trueai: PicReader imagines one of the described prompts through a modal', async () => {
    const sim = await simulator({ dialect: 'trueai' });
    try {
      const api = client(sim);
      const id = (await api.post('/mj/submit/describe', { base64: PNG_INPUT })).body.result as string;
      sim.clock.advance(TIMINGS.text[0] + TIMINGS.text[1]);
      const described = await api.fetchTask(id);
      const wait = await api.post('/mj/submit/action', { taskId: id, customId: 'MJ::Job::PicReader::2' });
      expect(wait.body.code).toBe(21);
      const task = wait.body.result as string;
      expect((await api.post('/mj/submit/modal', { taskId: task })).body.code).toBe(1);
      sim.clock.advance(GRID);
      const imagined = await api.fetchTask(task);
      expect(imagined).toMatchObject({ action: 'IMAGINE', status: 'SUCCESS', parentId: id });
      expect(String(described.properties?.finalPrompt)).toContain(imagined.prompt as string);
      // ❤️ creates nothing: code 1 with the parent's id
      const grid = (await api.post('/mj/submit/change', { taskId: task, action: 'UPSCALE', index: 1 })).body.result;
      sim.clock.advance(UPSCALE);
      const upscaled = await api.fetchTask(grid as string);
      const before = sim.ledger.submissions().length;
      const heart = await api.post('/mj/submit/action', {
        taskId: upscaled.id,
        customId: upscaled.buttons?.find((b) => b.emoji === '❤️')?.customId,
      });
      expect(heart.body).toMatchObject({ code: 1, result: upscaled.id });
      expect(sim.ledger.submissions()).toHaveLength(before);
    } finally {
      await sim.close();
    }
  });

  it('new-api with notify: true forwards notifyHook; callbacks come in the upstream (trueai) shape', async () => {
    const sim = await simulator({ dialect: 'new-api', notify: true });
    const receiver = await startReceiver();
    try {
      const api = client(sim, { authorization: `Bearer ${KEY}` });
      const id = (await api.post('/mj/submit/imagine', { prompt: 'loud', notifyHook: `${receiver.url}/cb` })).body
        .result as string;
      sim.clock.advance(GRID);
      await sim.ledger.settled();
      const calls = await receiver.waitFor(3);
      expect(calls.at(-1)?.body).toMatchObject({ id, status: 'SUCCESS', imageUrls: expect.any(Array) });
    } finally {
      await receiver.close();
      await sim.close();
    }
  });

  it('novicezk: list-by-condition puts unfinished tasks first; simple-change R rerolls', async () => {
    const sim = await simulator({ dialect: 'novicezk' });
    try {
      const api = client(sim);
      const done = (await api.post('/mj/submit/imagine', { prompt: 'done first' })).body.result as string;
      sim.clock.advance(GRID);
      const running = (await api.post('/mj/submit/imagine', { prompt: 'still going' })).body.result as string;
      const list = await api.post<Task[]>('/mj/task/list-by-condition', { ids: [done, running] });
      expect(list.body.map((t) => t.id)).toEqual([running, done]);
      const reroll = await api.post('/mj/submit/simple-change', { content: `${done} R` });
      expect(reroll.body.code).toBe(1);
      expect((await api.fetchTask(reroll.body.result as string)).action).toBe('REROLL');
      expect((await api.get<Task[]>('/mj/task/queue')).body.map((t) => t.id)).toContain(running);
    } finally {
      await sim.close();
    }
  });

  it('answers faults in each dialect’s envelope', async () => {
    const expected = {
      novicezk: { credits: { code: 3 }, server: { status: 500, error: 'Internal Server Error' } },
      trueai: { credits: { code: 4 }, server: { success: false, code: -1 } },
      'new-api': { credits: { description: 'quota_not_enough ', code: 4 }, server: { code: 5 } },
    } as const;
    for (const dialect of ['novicezk', 'trueai', 'new-api'] as const) {
      const sim = await simulator({ dialect });
      try {
        const api = client(sim);
        sim.faults.add({ vendor: 'mjproxy', kind: 'no-credits', times: 1 });
        expect((await api.post('/mj/submit/imagine', { prompt: 'x' })).body, dialect).toMatchObject(
          expected[dialect].credits,
        );
        sim.faults.add({ vendor: 'mjproxy', kind: 'content-policy', times: 1 });
        expect((await api.post('/mj/submit/imagine', { prompt: 'x' })).body.code, dialect).toBe(24);
        sim.faults.add({ vendor: 'mjproxy', kind: 'status', status: 502, times: 1 });
        const server = await api.post<Record<string, unknown>>('/mj/submit/imagine', { prompt: 'x' });
        expect(server.status).toBe(502);
        expect(server.body, dialect).toMatchObject(
          dialect === 'novicezk' ? { error: 'Internal Server Error' } : expected[dialect].server,
        );
        expect(sim.ledger.submissions({ vendor: 'mjproxy' }), dialect).toEqual([]);
      } finally {
        await sim.close();
      }
    }
  });
});
