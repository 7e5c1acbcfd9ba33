import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator, TIMINGS } from '../src/index';
import { renderImage } from '../src/png';
import { call, decodePng, download, pollUntil, startReceiver } from './helpers';

const KEY = 'af-test-key';
let sim: Simulator;
let base: string;

type Task = Record<string, unknown> & { task_id: string; task_type: string; status?: string; percentage?: string };

const post = <T = Record<string, unknown>>(path: string, body: unknown, key = KEY) =>
  call<T>(`${base}${path}`, { body, headers: { authorization: key } });

async function waitTask(taskId: string): Promise<Task[]> {
  return pollUntil(
    async () => (await post<Task>('/fetch', { task_id: taskId })).body,
    (t) => t.status === 'finished' || t.status === 'failed',
  );
}

async function finished(path: string, body: unknown): Promise<Task> {
  const res = await post<{ task_id: string }>(path, body);
  expect(res.status, res.text).toBe(200);
  const seen = await waitTask(res.body.task_id);
  return seen.at(-1) as Task;
}

beforeAll(async () => {
  sim = await startSimulator({ apiKey: KEY, speed: 400, seed: 7 });
  base = sim.urls.apiframe;
});
afterAll(() => sim.close());

describe('APIFRAME auth', () => {
  it('answers 401 with an empty object for a missing or wrong key', async () => {
    const missing = await call(`${base}/imagine`, { body: { prompt: 'x' } });
    expect(missing.status).toBe(401);
    expect(missing.body).toEqual({});
    const wrong = await post('/imagine', { prompt: 'x' }, 'nope');
    expect(wrong.status).toBe(401);
    expect(wrong.body).toEqual({});
  });

  it('accepts the raw key (documented) and a Bearer key (sent by some official clients)', async () => {
    expect((await post('/imagine', { prompt: 'raw key' })).status).toBe(200);
    expect((await post('/imagine', { prompt: 'bearer key' }, `Bearer ${KEY}`)).status).toBe(200);
  });
});

describe('APIFRAME validation', () => {
  it('returns {errors:[{msg}]} with 400 for a missing prompt', async () => {
    const res = await post<{ errors: Array<{ msg: string }> }>('/imagine', {});
    expect(res.status).toBe(400);
    expect(res.body.errors[0]?.msg).toMatch(/prompt/);
  });

  it('rejects a body that is not JSON with a 400 errors body', async () => {
    const res = await call<{ errors: unknown[] }>(`${base}/imagine`, {
      body: '{"prompt": ',
      headers: { authorization: KEY },
    });
    expect(res.status).toBe(400);
    expect(res.body.errors).toHaveLength(1);
  });

  it('enforces 2–20 ids on /fetch-many', async () => {
    const one = await post<{ errors: Array<{ msg: string }> }>('/fetch-many', { task_ids: ['a'] });
    expect(one.status).toBe(400);
    expect(one.body.errors[0]?.msg).toMatch(/between 2 and 20/);
    const many = await post('/fetch-many', { task_ids: Array.from({ length: 21 }, (_, i) => `id-${i}`) });
    expect(many.status).toBe(400);
  });

  it('answers 400 {errors} for an unknown task (§1.4 documents no 404) and 404 for an unknown path', async () => {
    const res = await post<{ errors: Array<{ msg: string }> }>('/fetch', { task_id: 'no-such-task' });
    expect(res.status).toBe(400);
    expect(res.body.errors[0]?.msg).toMatch(/not found/);
    expect((await post('/no-such-endpoint', {})).status).toBe(404);
  });

  it('requires an upscale#N parent for upscale-alt, inpaint, outpaint and pan', async () => {
    const grid = await finished('/imagine', { prompt: 'chain rules' });
    for (const [path, extra] of [
      ['/upscale-alt', { type: 'subtle' }],
      ['/inpaint', { mask: 'data:image/png;base64,AAAA' }],
      ['/outpaint', { zoom_ratio: 2 }],
      ['/pan', { direction: 'up' }],
    ] as const) {
      const res = await post<{ errors: Array<{ msg: string }> }>(path, { parent_task_id: grid.task_id, ...extra });
      expect(res.status, path).toBe(400);
      expect(res.body.errors[0]?.msg).toMatch(/upscale-1x/);
    }
  });

  it('takes index only as a string "1"–"4", as the docs send it', async () => {
    const grid = await finished('/imagine', { prompt: 'string index' });
    for (const index of [1, '5', 'one']) {
      const res = await post<{ errors: Array<{ msg: string }> }>('/upscale-1x', {
        parent_task_id: grid.task_id,
        index,
      });
      expect(res.status, String(index)).toBe(400);
      expect(res.body.errors[0]?.msg).toMatch(/index/);
    }
    const variation = await post('/variations', { parent_task_id: grid.task_id, index: 2 });
    expect(variation.status).toBe(400);
  });

  it('rejects follow-ups on a parent that has not finished', async () => {
    sim.clock.pause();
    try {
      const { body } = await post<{ task_id: string }>('/imagine', { prompt: 'still running' });
      sim.clock.advance(TIMINGS.grid[0] + TIMINGS.grid[1] / 2);
      const res = await post<{ errors: Array<{ msg: string }> }>('/upscale-1x', {
        parent_task_id: body.task_id,
        index: '1',
      });
      expect(res.status).toBe(400);
      expect(res.body.errors[0]?.msg).toMatch(/not finished/);
    } finally {
      sim.clock.resume();
    }
  });
});

describe('APIFRAME lifecycle', () => {
  it('runs imagine → upscale-1x → pan with the documented statuses, task types and real PNGs', async () => {
    // The clock stands still between reads, so each phase is read for sure, however busy the machine.
    sim.clock.pause();
    const seen: Task[] = [];
    let submit: { status: number; body: { task_id: string } };
    try {
      submit = await post<{ task_id: string }>('/imagine', { prompt: 'a red fox in snow', aspect_ratio: '1:1' });
      expect(submit.status).toBe(200);
      expect(Object.keys(submit.body)).toEqual(['task_id']);
      expect(submit.body.task_id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      const read = async () => seen.push((await post<Task>('/fetch', { task_id: submit.body.task_id })).body);
      await read();
      const [queued, running] = TIMINGS.grid;
      for (const step of [queued + 1, running * 0.05, running * 0.4, running * 0.3, running * 0.25]) {
        sim.clock.advance(step);
        await read();
      }
    } finally {
      sim.clock.resume();
    }
    expect(seen.map((t) => [t.status, t.percentage])).toEqual([
      ['pending', '0'],
      ['starting', '0'],
      ['starting', '5'],
      ['processing', '45'],
      ['processing', '75'],
      ['finished', '100'],
    ]);

    const grid = seen.at(-1) as Task & { original_image_url: string; image_urls: string[] };
    expect(grid.task_type).toBe('imagine');
    expect(grid.image_urls).toHaveLength(4);
    const gridFile = await download(grid.original_image_url);
    expect(gridFile.type).toBe('image/png');
    const gridPng = decodePng(gridFile.bytes);
    expect([gridPng.width, gridPng.height]).toEqual([256, 256]);
    expect(gridPng.raw.length).toBe((256 * 3 + 1) * 256);
    const tile = decodePng((await download(grid.image_urls[1] as string)).bytes);
    expect([tile.width, tile.height]).toEqual([128, 128]);

    const up = (await finished('/upscale-1x', { parent_task_id: grid.task_id, index: '2' })) as Task & {
      image_url: string;
    };
    expect(up.task_type).toBe('upscale#2');
    expect(up.status).toBe('finished');
    const upPng = decodePng((await download(up.image_url)).bytes);
    expect([upPng.width, upPng.height]).toEqual([256, 256]);

    const pan = (await finished('/pan', { parent_task_id: up.task_id, direction: 'left' })) as Task & {
      image_urls: string[];
    };
    expect(pan.task_type).toBe('pan-left');
    expect(pan.image_urls).toHaveLength(4);

    const ledger = sim.ledger.submissions({ vendor: 'apiframe' });
    const mine = ledger.filter((s) => [grid.task_id, up.task_id, pan.task_id].includes(s.jobId));
    expect(mine.map((s) => s.route)).toEqual(['/imagine', '/upscale-1x', '/pan']);
  });

  it('serves every documented follow-up with its task_type', async () => {
    const grid = await finished('/imagine', { prompt: 'follow ups --ar 16:9' });
    const up = await finished('/upscale-1x', { parent_task_id: grid.task_id, index: '1' });
    const cases: Array<[string, Record<string, unknown>, string]> = [
      ['/reroll', { parent_task_id: grid.task_id }, 'reroll'],
      ['/variations', { parent_task_id: grid.task_id, index: '3' }, 'variation-3'],
      ['/variations', { parent_task_id: up.task_id, index: 'strong' }, 'variation-strong'],
      ['/upscale-alt', { parent_task_id: up.task_id, type: 'creative' }, 'upscale-creative'],
      ['/upscale-highres', { parent_task_id: up.task_id, type: '2x' }, 'upscale-2x'],
      ['/inpaint', { parent_task_id: up.task_id, mask: 'data:image/png;base64,AAAA', prompt: 'a hat' }, 'inpaint'],
      ['/outpaint', { parent_task_id: up.task_id, zoom_ratio: '2' }, 'outpaint-2'],
      ['/outpaint', { parent_task_id: up.task_id, zoom_ratio: 1 }, 'outpaint-1'],
    ];
    const results = await Promise.all(cases.map(([path, body]) => finished(path, body)));
    expect(results.map((r) => r.task_type)).toEqual(cases.map((c) => c[2]));
    expect(results.every((r) => r.status === 'finished')).toBe(true);
    const wide = decodePng((await download((grid as Task & { original_image_url: string }).original_image_url)).bytes);
    expect(wide.width).toBeGreaterThan(wide.height);
  });

  it('answers describe, shorten, seed, blend, faceswap and video with the documented result fields', async () => {
    const grid = await finished('/imagine', { prompt: 'tools' });
    const describeTask = await finished('/describe', { image_url: 'https://example.com/cat.png' });
    expect(describeTask.content).toHaveLength(4);
    expect((describeTask.content as string[])[0]).toMatch(/^1️⃣ /);
    const shorten = await finished('/shorten', { prompt: 'a very long prompt about a castle on a hill at dusk' });
    expect(shorten.percentage).toBeUndefined();
    expect((shorten.content as string[]).length).toBeGreaterThanOrEqual(3);
    expect(shorten.full_content).toMatch(/^## Important tokens/);
    const seed = await finished('/seed', { task_id: grid.task_id });
    expect(seed.task_type).toBe('seed');
    expect(seed.seed).toMatch(/^\d+$/);
    const blend = await finished('/blend', {
      image_urls: ['https://a/1.png', 'https://a/2.png'],
      dimension: 'portrait',
    });
    expect(blend.task_type).toBe('blend');
    expect(blend.image_urls).toHaveLength(4);
    const badBlend = await post('/blend', { image_urls: ['https://a/1.png'] });
    expect(badBlend.status).toBe(400);
    const swap = await finished('/faceswap', {
      target_image_url: 'https://a/t.png',
      swap_image_url: 'https://a/s.png',
    });
    expect(swap.task_type).toBe('faceswap');
    expect(decodePng((await download(swap.image_url as string)).bytes).width).toBe(256);
    const video = await finished('/imagine-video', {
      prompt: 'waves',
      image_url: 'https://a/frame.png',
      motion: 'high',
    });
    expect(video.task_type).toBe('imagine-video');
    // The newer pages' final shape: a numeric percentage (§11.6).
    expect(video).toMatchObject({ status: 'finished', percentage: 100 });
    const urls = video.video_urls as string[];
    expect(urls).toHaveLength(4);
    const mp4 = await download(urls[0] as string);
    expect(mp4.type).toBe('video/mp4');
    expect(mp4.bytes.toString('latin1', 4, 8)).toBe('ftyp');
    const ext = await finished('/imagine-video-extend', { parent_task_id: video.task_id, index: '2', prompt: 'more' });
    expect(ext.task_type).toBe('imagine-video-extend');
  });

  it('returns tasks for /fetch-many as /fetch has them, omitting unknown ids', async () => {
    sim.clock.pause();
    try {
      const a = await post<{ task_id: string }>('/imagine', { prompt: 'many a' });
      sim.clock.advance(TIMINGS.grid[0] + TIMINGS.grid[1] / 2 + 1);
      const b = await post<{ task_id: string }>('/imagine', { prompt: 'many b' });
      const ids = [a.body.task_id, 'unknown', b.body.task_id];
      const res = await post<{ tasks: Task[] }>('/fetch-many', { task_ids: ids });
      expect(res.status).toBe(200);
      expect(res.body.tasks.map((t) => [t.task_id, t.status, t.percentage])).toEqual([
        [a.body.task_id, 'processing', '50'],
        [b.body.task_id, 'pending', '0'],
      ]);
      sim.clock.advance(TIMINGS.grid[0] + TIMINGS.grid[1]);
      const done = await post<{ tasks: Task[] }>('/fetch-many', { task_ids: ids });
      expect(done.body.tasks.map((t) => t.status)).toEqual(['finished', 'finished']);
      for (const task of done.body.tasks) {
        expect(task).toEqual((await post<Task>('/fetch', { task_id: task.task_id })).body);
      }
    } finally {
      sim.clock.resume();
    }
    expect(sim.countRequests({ vendor: 'apiframe', route: '/fetch-many' })).toBeGreaterThanOrEqual(2);
  });
});

describe('APIFRAME webhooks, policy and credits', () => {
  it('POSTs progress and the final result to webhook_url with x-webhook-secret', async () => {
    const receiver = await startReceiver();
    try {
      const { body } = await post<{ task_id: string }>('/imagine', {
        prompt: 'webhook fox',
        webhook_url: `${receiver.url}/hooks/apiframe`,
        webhook_secret: 's3cret',
      });
      const calls = await receiver.waitFor(2);
      for (const c of calls) {
        expect(c.headers['x-webhook-secret']).toBe('s3cret');
        expect(c.headers['content-type']).toMatch(/application\/json/);
        expect(c.path).toBe('/hooks/apiframe');
        expect(c.body.task_id).toBe(body.task_id);
      }
      expect(calls[0]?.body.status).toBe('processing');
      expect(calls.at(-1)?.body.status).toBe('finished');
      expect(calls.at(-1)?.body.image_urls).toHaveLength(4);
      await sim.ledger.settled();
      expect(sim.ledger.webhooks({ jobId: body.task_id }).map((w) => w.status)).toEqual([200, 200]);
    } finally {
      await receiver.close();
    }
  });

  it('rejects a banned prompt with a 400 errors body and creates no job', async () => {
    const before = sim.ledger.submissions().length;
    const res = await post<{ errors: Array<{ msg: string }> }>('/imagine', { prompt: 'something banned here' });
    expect(res.status).toBe(400);
    expect(res.body.errors[0]?.msg).toMatch(/Banned prompt/);
    expect(sim.ledger.submissions().length).toBe(before);
  });

  it('reports credits on /account and answers 402 when they run out', async () => {
    const local = await startSimulator({ credits: 4, speed: 400 });
    try {
      const acct = await call<Record<string, unknown>>(`${local.urls.apiframe}/account`, {
        headers: { authorization: 'k' },
      });
      expect(acct.body).toMatchObject({ credits: 4, plan: expect.any(String), email: expect.any(String) });
      const ok = await call(`${local.urls.apiframe}/imagine`, {
        body: { prompt: 'one' },
        headers: { authorization: 'k' },
      });
      expect(ok.status).toBe(200);
      const broke = await call<{ errors: Array<{ msg: string }> }>(`${local.urls.apiframe}/imagine`, {
        body: { prompt: 'two' },
        headers: { authorization: 'k' },
      });
      expect(broke.status).toBe(402);
      expect(broke.body.errors[0]?.msg).toMatch(/credits/);
      expect(local.credits('apiframe')).toBe(0);
    } finally {
      await local.close();
    }
  });
});

describe('APIFRAME /upload', () => {
  /** A multipart upload as any client sends it; the field is `image` (§3.20). */
  const upload = async (form: FormData, key = KEY) => {
    const res = await fetch(`${base}/upload`, { method: 'POST', headers: { authorization: key }, body: form });
    return {
      status: res.status,
      body: (await res.json()) as Record<string, unknown> & { errors?: Array<{ msg: string }> },
    };
  };
  const image = (bytes: Uint8Array, name = 'cat.png', type = 'image/png') => {
    const form = new FormData();
    form.append('image', new Blob([new Uint8Array(bytes)], { type }), name);
    return form;
  };

  it('answers {imageURL} and serves the very bytes at that URL', async () => {
    const png = renderImage('upload', 1, 64, 48);
    const before = sim.ledger.submissions().length;
    const credits = sim.credits('apiframe');
    const res = await upload(image(png));
    expect(res.status).toBe(200);
    expect(Object.keys(res.body)).toEqual(['imageURL']);
    const url = res.body.imageURL as string;
    expect(url).toMatch(/\/_sim\/files\/[0-9a-f-]{36}\/[0-9a-f-]{36}\.png$/);
    const served = await download(url);
    expect(served.type).toBe('image/png');
    expect(served.bytes.equals(png)).toBe(true);
    expect(decodePng(served.bytes)).toMatchObject({ width: 64, height: 48 });
    // An upload is no task: no ledger entry, no credits.
    expect(sim.ledger.submissions().length).toBe(before);
    expect(sim.credits('apiframe')).toBe(credits);
  });

  it('refuses a missing field, a non-image, a file over 2 MB and a JSON body with 400 {errors}', async () => {
    const png = renderImage('upload', 2, 8, 8);
    const other = new FormData();
    other.append('file', new Blob([new Uint8Array(png)], { type: 'image/png' }), 'cat.png');
    const big = new Uint8Array(2 * 1024 * 1024 + 1);
    big.set(png);
    for (const [what, res] of [
      ['no image field', await upload(other)],
      ['a text file', await upload(image(new TextEncoder().encode('hello'), 'a.txt', 'text/plain'))],
      ['over 2 MB', await upload(image(big))],
      ['JSON', await post('/upload', { image: 'https://example.com/cat.png' })],
    ] as const) {
      expect(res.status, what).toBe(400);
      expect((res.body as { errors: Array<{ msg: string }> }).errors[0]?.msg, what).toMatch(/image/);
    }
  });

  it('needs the key like every route', async () => {
    expect((await upload(image(renderImage('upload', 3, 8, 8)), 'nope')).status).toBe(401);
  });
});
