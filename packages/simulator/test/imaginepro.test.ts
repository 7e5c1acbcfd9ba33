import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator, TIMINGS } from '../src/index';
import { call, decodePng, download, pollUntil, startReceiver } from './helpers';

const KEY = 'ip-test-key';
const AUTH = { authorization: `Bearer ${KEY}` };
let sim: Simulator;
let base: string;

type Message = Record<string, unknown> & {
  messageId: string;
  status: string;
  progress: number;
  buttons?: string[];
  uri?: string;
  images?: string[];
};
type Created = { success: boolean; messageId: string; createdAt: string };
type NestError = { message: string; error: string; statusCode: number };

const post = <T = Created>(path: string, body: unknown, headers: Record<string, string> = AUTH) =>
  call<T>(`${base}${path}`, { body, headers });
const get = <T = Message>(path: string, headers: Record<string, string> = AUTH) =>
  call<T>(`${base}${path}`, { headers });

async function waitMessage(id: string): Promise<Message[]> {
  return pollUntil(
    async () => (await get(`/api/v1/message/fetch/${id}`)).body,
    (m) => m.status === 'DONE' || m.status === 'FAIL',
  );
}

async function done(path: string, body: unknown): Promise<Message> {
  const res = await post(path, body);
  expect(res.status, res.text).toBe(200);
  return (await waitMessage(res.body.messageId)).at(-1) as Message;
}

beforeAll(async () => {
  sim = await startSimulator({ apiKey: KEY, speed: 400, seed: 11 });
  base = sim.urls.imaginepro;
});
afterAll(() => sim.close());

describe('ImaginePro auth and validation', () => {
  it('answers 401 Unauthorized without a Bearer key or with a wrong one', async () => {
    for (const headers of [{}, { authorization: KEY }, { authorization: 'Bearer wrong' }] as Record<string, string>[]) {
      const res = await post<NestError>('/api/v1/nova/imagine', { prompt: 'x' }, headers);
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ message: 'Unauthorized', statusCode: 401 });
    }
  });

  it('answers NestJS-style 400s for missing fields and bad timeouts', async () => {
    const res = await post<NestError>('/api/v1/nova/imagine', {});
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ message: 'Prompt is required.', error: 'Bad Request', statusCode: 400 });
    const t = await post<NestError>('/api/v1/nova/imagine', { prompt: 'x', timeout: 5 });
    expect(t.status).toBe(400);
    expect(t.body.message).toMatch(/timeout/);
    const b = await post<NestError>('/api/v1/nova/button', { messageId: 'x' });
    expect(b.body.message).toMatch(/button is required/);
  });

  it('answers 404 for an unknown message, and NestJS "Cannot GET" for an unknown path', async () => {
    const res = await get<NestError>('/api/v1/message/fetch/00000000-0000-4000-8000-000000000000');
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ error: 'Not Found', statusCode: 404 });
    const path = await get<NestError>('/api/v1/nope');
    expect(path.body.message).toBe('Cannot GET /api/v1/nope');
  });

  it('answers 400 Bad Request for a malformed messageId on polling, as clients observed', async () => {
    const res = await get<NestError>('/api/v1/message/fetch/not-a-message-id');
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      message: 'Invalid messageId: not-a-message-id',
      error: 'Bad Request',
      statusCode: 400,
    });
  });

  it('a 403 fault is the full job queue, NestJS-style', async () => {
    sim.faults.add({ vendor: 'imaginepro', route: '/api/v1/nova/imagine', kind: 'status', status: 403, times: 1 });
    const res = await post<NestError>('/api/v1/nova/imagine', { prompt: 'x' });
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ error: 'Forbidden', statusCode: 403 });
    expect(res.body.message).toMatch(/queue is full/);
    expect((await post('/api/v1/nova/imagine', { prompt: 'x' })).status).toBe(200);
  });
});

describe('ImaginePro lifecycle', () => {
  it('a new job reads QUEUED, then PROCESSING with progress, then DONE, on the vendor clock', async () => {
    // Paused, the job moves only when the test steps the clock: each phase is read for sure.
    sim.clock.pause();
    try {
      const created = await post('/api/v1/nova/imagine', { prompt: 'a slow lighthouse' });
      const read = async () => (await get<Message>(`/api/v1/message/fetch/${created.body.messageId}`)).body;
      expect(await read()).toMatchObject({ status: 'QUEUED', progress: 0 });
      const [queued, running] = TIMINGS.grid;
      sim.clock.advance(queued - 1);
      expect(await read()).toMatchObject({ status: 'QUEUED', progress: 0 });
      sim.clock.advance(running * 0.3 + 2);
      expect(await read()).toMatchObject({ status: 'PROCESSING', progress: 30 });
      sim.clock.advance(running * 0.7);
      expect(await read()).toMatchObject({ status: 'DONE', progress: 100 });
    } finally {
      sim.clock.resume();
    }
  });

  it('runs imagine → U2 → Vary (Region) with QUEUED/PROCESSING/DONE, buttons and originatingMessageId', async () => {
    const created = await post('/api/v1/nova/imagine', { prompt: 'a lighthouse at dusk', ref: 'order-42' });
    expect(created.status).toBe(200);
    expect(created.body.success).toBe(true);
    expect(created.body.messageId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4/);
    expect(new Date(created.body.createdAt).toISOString()).toBe(created.body.createdAt);

    const seen = await waitMessage(created.body.messageId);
    const statuses = [...new Set(seen.map((m) => m.status))];
    // Polling may miss the few milliseconds a phase lasts at speed 400: check the order, not each phase.
    expect(['QUEUED', 'PROCESSING', 'DONE'].filter((s) => statuses.includes(s))).toEqual(statuses);
    expect(statuses.at(-1)).toBe('DONE');
    const progress = seen.map((m) => m.progress);
    expect([...progress].sort((a, b) => a - b)).toEqual(progress);
    const grid = seen.at(-1) as Message;
    expect(grid.progress).toBe(100);
    expect(grid.ref).toBe('order-42');
    expect(grid.buttons).toEqual(['U1', 'U2', 'U3', 'U4', '🔄', 'V1', 'V2', 'V3', 'V4']);
    expect(grid.images).toHaveLength(4);
    const png = decodePng((await download(grid.uri as string)).bytes);
    expect([png.width, png.height, png.colorType, png.bitDepth]).toEqual([256, 256, 2, 8]);

    const up = await done('/api/v1/nova/button', { messageId: grid.messageId, button: 'U2' });
    expect(up.originatingMessageId).toBe(grid.messageId);
    expect(up.buttons).toContain('Vary (Region)');
    expect(up.buttons).toContain('⬅️');
    expect(up.buttons).toContain('Upscale (Subtle)');
    expect(up.images).toEqual([up.uri]);
    // the upscale of tile 2 is tile 2 drawn at twice the size: same colours in the top-left corner
    const tile = decodePng((await download((grid.images as string[])[1] as string)).bytes);
    const big = decodePng((await download(up.uri as string)).bytes);
    expect(big.width).toBe(tile.width * 2);
    expect(big.raw.subarray(1, 4)).toEqual(tile.raw.subarray(1, 4));

    const noMask = await post<NestError>('/api/v1/nova/button', { messageId: up.messageId, button: 'Vary (Region)' });
    expect(noMask.status).toBe(400);
    expect(noMask.body.message).toMatch(/mask/);
    // The mask is bare base64: a data URL or an image URL is refused.
    for (const mask of ['data:image/webp;base64,UklGRiQAAABXRUJQVlA4', 'https://img.example/mask.png']) {
      const bad = await post<NestError>('/api/v1/nova/button', {
        messageId: up.messageId,
        button: 'Vary (Region)',
        mask,
      });
      expect(bad.status).toBe(400);
      expect(bad.body.message).toMatch(/base64/);
    }
    const region = await done('/api/v1/nova/button', {
      messageId: up.messageId,
      button: 'Vary (Region)',
      mask: 'UklGRiQAAABXRUJQVlA4',
      prompt: 'a red door',
    });
    expect(region.originatingMessageId).toBe(up.messageId);
    expect(region.prompt).toBe('a red door');
    expect(region.buttons).toContain('U1');
  });

  it('accepts every documented label with exact code points where the message offers it', async () => {
    const grid = await done('/api/v1/nova/imagine', { prompt: 'labels --ar 3:2' });
    const up = await done('/api/v1/nova/button', { messageId: grid.messageId, button: 'U1' });
    expect(up.buttons).toContain('Make Square');
    const onGrid = ['V1', '🔄'];
    const onUp = ['Zoom Out 2x', 'Zoom Out 1.5x', 'Vary (Strong)', 'Vary (Subtle)', '⬅️', '➡️', '⬆️', '⬇️'];
    const reUp = ['Make Square', 'Upscale (2x)', 'Upscale (4x)', 'Upscale (Creative)', 'Upscale (Subtle)'];
    const results = await Promise.all([
      ...onGrid.map((button) => done('/api/v1/nova/button', { messageId: grid.messageId, button })),
      ...[...onUp, ...reUp].map((button) => done('/api/v1/midjourney/button', { messageId: up.messageId, button })),
    ]);
    expect(results.every((m) => m.status === 'DONE')).toBe(true);
    const twoX = results[onGrid.length + onUp.length + 1] as Message;
    expect(twoX.buttons).toContain('Redo Upscale (2x)');
    const redo = await done('/api/v1/nova/button', { messageId: twoX.messageId, button: 'Redo Upscale (2x)' });
    expect(redo.status).toBe('DONE');
    expect('⬅️'.codePointAt(0)).toBe(0x2b05);
    const wrong = await post<NestError>('/api/v1/nova/button', { messageId: grid.messageId, button: '⬅' });
    expect(wrong.status).toBe(400);
    expect(wrong.body.message).toMatch(/not available/);
  });

  it('cancels a running job with Cancel Job, and refuses to cancel a finished one', async () => {
    sim.clock.pause();
    let body: Created;
    try {
      body = (await post('/api/v1/nova/imagine', { prompt: 'cancel me' })).body;
      sim.clock.advance(TIMINGS.grid[0] + TIMINGS.grid[1] / 2);
      expect((await get(`/api/v1/message/fetch/${body.messageId}`)).body.status).toBe('PROCESSING');
      const cancel = await post('/api/v1/nova/button', { messageId: body.messageId, button: 'Cancel Job' });
      expect(cancel.status).toBe(200);
      expect(cancel.body.messageId).not.toBe(body.messageId);
    } finally {
      sim.clock.resume();
    }
    const target = (await get(`/api/v1/message/fetch/${body.messageId}`)).body;
    expect(target.status).toBe('FAIL');
    expect(target.error).toMatch(/cancel/i);
    const again = await post<NestError>('/api/v1/nova/button', { messageId: body.messageId, button: 'Cancel Job' });
    expect(again.status).toBe(400);
    expect(again.body.message).toMatch(/only available while/);
  });

  it('describes, blends, swaps faces and makes MJ videos', async () => {
    const d = await done('/api/v1/nova/describe', { url: 'https://example.com/a.png' });
    expect(d.content).toHaveLength(4);
    const blend = await done('/api/v1/midjourney/blend', { urls: ['https://a/1.png', 'https://a/2.png'] });
    expect(blend.images).toHaveLength(4);
    const swap = await done('/api/v1/nova/faceswap', { source: 'https://a/s.png', target: 'https://a/t.png' });
    expect(swap.uri).toMatch(/image\.png$/);
    const gen = await post('/api/v1/video/mj/generate', { prompt: 'waves', startFrameUrl: 'https://a/f.png' });
    const video = (
      await pollUntil(
        async () => (await get(`/api/v1/video/mj/fetch/${gen.body.messageId}`)).body,
        (m) => m.status === 'DONE',
      )
    ).at(-1) as Message;
    expect(video.results).toHaveLength(4);
    const mp4 = await download(video.videoUrl as string);
    expect(mp4.type).toBe('video/mp4');
    expect(mp4.bytes.toString('latin1', 4, 8)).toBe('ftyp');
    const ext = await post('/api/v1/video/mj/extend', { messageId: video.messageId, index: 0, animateMode: 'smooth' });
    expect(ext.status).toBe(200);
  });

  it('delivers the message payload to webhookOverride', async () => {
    const receiver = await startReceiver();
    try {
      const { body } = await post('/api/v1/nova/imagine', { prompt: 'hooked', webhookOverride: `${receiver.url}/ip` });
      const [hit] = await receiver.waitFor(1);
      expect(hit?.body).toMatchObject({ messageId: body.messageId, status: 'DONE', progress: 100 });
      expect(hit?.headers['content-type']).toMatch(/application\/json/);
    } finally {
      await receiver.close();
    }
  });
});

describe('ImaginePro policy, prompt-check and account', () => {
  it('rejects a banned prompt and flags it in prompt-check', async () => {
    const res = await post<NestError>('/api/v1/nova/imagine', { prompt: 'NSFW fox' });
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/^Banned prompt detected/);
    const check = await post<{ status: string; message?: string }>('/api/v1/nova/prompt-check', { prompt: 'nsfw fox' });
    expect(check.body.status).toBe('FAIL');
    const clean = await post<{ status: string }>('/api/v1/nova/prompt-check', { prompt: 'a calm fox' });
    expect(clean.body).toEqual({ status: 'SUCCESS' });
  });

  it('reports credits and answers 401 Insufficient credits when they run out', async () => {
    const local = await startSimulator({ credits: 10, speed: 400 });
    try {
      const h = { authorization: 'Bearer any' };
      const acct = await call(`${local.urls.imaginepro}/api/v1/subscription/account-info`, { headers: h });
      expect(acct.body).toMatchObject({ credits: 10, creditsQuota: 10, type: expect.any(String) });
      expect(
        (await call(`${local.urls.imaginepro}/api/v1/nova/imagine`, { body: { prompt: 'a' }, headers: h })).status,
      ).toBe(200);
      const broke = await call<NestError>(`${local.urls.imaginepro}/api/v1/nova/imagine`, {
        body: { prompt: 'b' },
        headers: h,
      });
      expect(broke.status).toBe(401);
      expect(broke.body.message).toMatch(/Insufficient credits/);
    } finally {
      await local.close();
    }
  });
});
