import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator, TIMINGS } from '../src/index';
import { call, decodePng, download } from './helpers';

// ImaginePro's Flux route (vendors/imaginepro.md §3.12) on a paused clock: the test moves time, so a
// busy machine cannot make a job finish early or late.

const KEY = 'ip-flux-key';
const AUTH = { authorization: `Bearer ${KEY}` };
let sim: Simulator;
let base: string;

type Message = { messageId: string; status: string; uri?: string; images?: string[]; buttons?: string[] };
type Created = { success: boolean; messageId: string };
type NestError = { message: string; statusCode: number };

const post = <T = Created>(path: string, body: unknown) => call<T>(`${base}${path}`, { body, headers: AUTH });
const message = async (id: string) =>
  (await call<Message>(`${base}/api/v1/message/fetch/${id}`, { headers: AUTH })).body;
const finish = () => sim.clock.advance(TIMINGS.grid[0] + TIMINGS.grid[1]);

beforeAll(async () => {
  sim = await startSimulator({ apiKey: KEY, paused: true, seed: 16 });
  base = sim.urls.imaginepro;
});
afterAll(() => sim.close());

describe('ImaginePro Flux imagine (§3.12)', () => {
  it('makes n distinct PNG images: images = all n, uri = the first, no buttons', async () => {
    const before = sim.credits('imaginepro');
    const res = await post('/api/v1/flux/imagine', {
      prompt: 'a lighthouse at dawn',
      n: 3,
      aspect_ratio: '16:9',
      output_format: 'png',
      model: 'flux-1.1-pro',
    });
    expect(res.status, res.text).toBe(200);
    expect(sim.credits('imaginepro')).toBe(before - 18); // 6 credits per image (§5)
    expect((await message(res.body.messageId)).status).toBe('QUEUED');
    finish();
    const done = await message(res.body.messageId);
    expect(done.status).toBe('DONE');
    expect(done.images).toHaveLength(3);
    expect(done.uri).toBe(done.images?.[0]);
    expect(done.buttons).toBeUndefined();
    const files = await Promise.all((done.images ?? []).map(download));
    const pngs = files.map((file) => {
      expect(file.status).toBe(200);
      expect(file.type).toBe('image/png');
      return decodePng(file.bytes);
    });
    expect(pngs[0]!.width).toBeGreaterThan(pngs[0]!.height); // 16:9
    expect(new Set(files.map((file) => file.bytes.toString('base64'))).size).toBe(3);
  });

  it('makes one image by default, and refuses a Midjourney button on it', async () => {
    const res = await post('/api/v1/flux/imagine', { prompt: 'a red fox' });
    finish();
    const done = await message(res.body.messageId);
    expect(done.images).toHaveLength(1);
    const press = await post<NestError>('/api/v1/nova/button', { messageId: res.body.messageId, button: 'U1' });
    expect(press.status).toBe(400);
  });

  it('answers 400 for what §3.12 does not allow', async () => {
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{}, /Prompt is required/],
      [{ prompt: 'x', n: 5 }, /n must be an integer between 1 and 4/],
      [{ prompt: 'x', width: 1020 }, /width must be a multiple of 8/],
      [{ prompt: 'x', aspect_ratio: 'wide' }, /aspect_ratio/],
      [{ prompt: 'x', output_quality: 90 }, /output_quality must be a string/],
      [{ prompt: 'x', model: 'flux-dev' }, /model must be one of: flux-1.1-pro/],
    ];
    for (const [body, message] of cases) {
      const res = await post<NestError>('/api/v1/flux/imagine', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.message).toMatch(message);
    }
  });
});
