import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../src/index';
import { call, pollUntil } from './helpers';

let sim: Simulator;
const AF = { authorization: 'k' };
const IP = { authorization: 'Bearer k' };

const apiframe = (path: string, body: unknown) => call(`${sim.urls.apiframe}${path}`, { body, headers: AF });

beforeEach(async () => {
  sim = await startSimulator({ speed: 400, seed: 99 });
});
afterEach(() => sim.close());

describe('faults', () => {
  it('answers 503 once, then normally; the failed attempt is not in the ledger', async () => {
    const fault = sim.faults.add({ vendor: 'apiframe', route: '/imagine', kind: 'status', status: 503, times: 1 });
    const first = await apiframe('/imagine', { prompt: 'x' });
    expect(first.status).toBe(503);
    expect(first.body).toEqual({});
    const second = await apiframe('/imagine', { prompt: 'x' });
    expect(second.status).toBe(200);
    expect(fault.hits).toBe(1);
    expect(fault.remaining).toBe(0);
    expect(sim.ledger.submissions({ vendor: 'apiframe' })).toHaveLength(1);
  });

  it('answers 429 with Retry-After and each vendor’s rate-limit body', async () => {
    sim.faults.add({ kind: 'rate-limit', retryAfter: 2, category: 'submit' });
    const af = await apiframe('/imagine', { prompt: 'x' });
    expect(af.status).toBe(429);
    expect(af.headers.get('retry-after')).toBe('2');
    expect(af.body).toMatchObject({ errors: [{ msg: expect.any(String) }] });
    const ace = await call<{ error: { code: string } }>(`${sim.urls.acedata}/midjourney/imagine`, {
      body: { prompt: 'x', async: true },
      headers: IP,
    });
    expect([ace.status, ace.body.error.code]).toEqual([429, 'too_many_requests']);
    const ip = await call(`${sim.urls.imaginepro}/api/v1/nova/imagine`, { body: { prompt: 'x' }, headers: IP });
    expect(ip.body).toMatchObject({ statusCode: 429, error: 'Too Many Requests' });
    expect(sim.ledger.submissions()).toHaveLength(0);
  });

  it('resets the connection before any response and creates no job', async () => {
    sim.faults.add({ vendor: 'apiframe', category: 'submit', kind: 'reset', times: 1 });
    await expect(apiframe('/imagine', { prompt: 'x' })).rejects.toThrow();
    expect(sim.ledger.submissions()).toHaveLength(0);
    expect(sim.requests({ vendor: 'apiframe' }).at(-1)).toMatchObject({ status: 0, fault: 'reset' });
    expect((await apiframe('/imagine', { prompt: 'x' })).status).toBe(200);
  });

  it('accept-then-error creates the job but answers 500', async () => {
    sim.faults.add({ vendor: 'imaginepro', route: '/api/v1/nova/imagine', kind: 'accept-then-error', times: 1 });
    const res = await call(`${sim.urls.imaginepro}/api/v1/nova/imagine`, { body: { prompt: 'ghost' }, headers: IP });
    expect(res.status).toBe(500);
    expect(res.body).toMatchObject({ statusCode: 500, error: 'Internal Server Error' });
    const [entry] = sim.ledger.submissions({ vendor: 'imaginepro' });
    expect(entry).toMatchObject({ route: '/api/v1/nova/imagine', body: { prompt: 'ghost' } });
    const msg = await call<{ status: string }>(`${sim.urls.imaginepro}/api/v1/message/fetch/${entry?.jobId}`, {
      headers: IP,
    });
    expect(msg.status).toBe(200);
  });

  it('sends malformed JSON on a status route', async () => {
    const { body } = await apiframe('/imagine', { prompt: 'x' });
    sim.faults.add({ vendor: 'apiframe', route: '/fetch', kind: 'malformed', times: 1 });
    const res = await apiframe('/fetch', body);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/json/);
    expect(() => JSON.parse(res.text)).toThrow();
  });

  it('slows a response by delayMs', async () => {
    sim.faults.add({ vendor: 'apiframe', route: '/account', kind: 'slow', delayMs: 150 });
    const t0 = performance.now();
    const res = await call(`${sim.urls.apiframe}/account`, { headers: AF });
    expect(res.status).toBe(200);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(145);
  });

  it('fails the created job with the given error', async () => {
    sim.faults.add({
      vendor: 'apiframe',
      route: '/imagine',
      kind: 'fail-job',
      error: 'Job failed: invalid parameter --foo',
    });
    const { body } = await apiframe('/imagine', { prompt: 'x' });
    const seen = await pollUntil(
      async () => (await apiframe('/fetch', body)).body as { status: string; message?: string },
      (t) => t.status === 'failed' || t.status === 'finished',
    );
    expect(seen.at(-1)).toMatchObject({ status: 'failed', message: 'Job failed: invalid parameter --foo' });
  });

  it('forces content-policy and no-credits answers per vendor', async () => {
    sim.faults.add({ vendor: 'acedata', kind: 'content-policy', times: 1 });
    sim.faults.add({ vendor: 'acedata', kind: 'no-credits', times: 1 });
    const send = () =>
      call<{ error: { code: string } }>(`${sim.urls.acedata}/midjourney/imagine`, {
        body: { prompt: 'x', async: true },
        headers: IP,
      });
    expect((await send()).body.error.code).toBe('forbidden');
    expect((await send()).body.error.code).toBe('used_up');
    expect((await send()).status).toBe(200);
  });

  it('runs a script in order and can skip the first matches', async () => {
    sim.faults.script([
      { vendor: 'apiframe', route: '/fetch-many', kind: 'status', status: 502, times: 1, skip: 1 },
      { vendor: 'apiframe', route: '/fetch-many', kind: 'rate-limit', times: 1 },
    ]);
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await apiframe('/fetch-many', { task_ids: ['a', 'b'] })).status);
    expect(statuses).toEqual([429, 502, 200, 200]);
  });

  it('rolls probabilistic faults the same way under the same seed', async () => {
    const run = async (seed: number) => {
      const s = await startSimulator({ seed, faultRate: 0.5 });
      const out: number[] = [];
      try {
        for (let i = 0; i < 20; i++) {
          const r = await call(`${s.urls.apiframe}/account`, { headers: AF }).then(
            (x) => x.status,
            () => 0,
          );
          out.push(r);
        }
      } finally {
        await s.close();
      }
      return out;
    };
    const a = await run(1234);
    expect(await run(1234)).toEqual(a);
    expect(a.some((s) => s !== 200)).toBe(true);
    expect(a.some((s) => s === 200)).toBe(true);
  });

  it('installs faults over HTTP at /_sim/faults', async () => {
    const add = await call<{ faults: Array<{ id: number }> }>(`${sim.url}/_sim/faults`, {
      body: { vendor: 'apiframe', route: '/account', kind: 'status', status: 500, times: 1 },
    });
    expect(add.body.faults).toHaveLength(1);
    expect((await call(`${sim.urls.apiframe}/account`, { headers: AF })).status).toBe(500);
    expect((await call(`${sim.urls.apiframe}/account`, { headers: AF })).status).toBe(200);
    const bad = await call(`${sim.url}/_sim/faults`, { body: { kind: 'explode' } });
    expect(bad.status).toBe(400);
    await call(`${sim.url}/_sim/faults`, { method: 'DELETE' });
    expect(sim.faults.list()).toHaveLength(0);
  });
});

describe('ledger, stats and clock', () => {
  it('exposes the ledger and request counts in code and over HTTP', async () => {
    const { body } = await apiframe('/imagine', { prompt: 'count me' });
    for (let i = 0; i < 3; i++) await apiframe('/fetch', body);
    expect(sim.countRequests({ vendor: 'apiframe', category: 'status' })).toBe(3);
    expect(sim.countRequests({ vendor: 'apiframe', route: '/fetch' })).toBe(3);
    const stats = sim.stats();
    expect(stats.byRoute['apiframe POST /fetch']).toBe(3);
    expect(stats.submissions).toBe(1);
    const http = await call<{ byRoute: Record<string, number> }>(`${sim.url}/_sim/stats`);
    expect(http.body.byRoute['apiframe POST /imagine']).toBe(1);
    const ledger = await call<{ submissions: Array<{ jobId: string; vendor: string }> }>(`${sim.url}/_sim/ledger`);
    expect(ledger.body.submissions).toEqual([
      expect.objectContaining({ vendor: 'apiframe', route: '/imagine', jobId: (body as { task_id: string }).task_id }),
    ]);
    sim.reset();
    expect(sim.stats().requests).toBe(0);
    expect(sim.ledger.submissions()).toHaveLength(0);
  });

  it('runs a grid for 40 s of vendor time: 400 ms at the default speed, never sooner', async () => {
    const s = await startSimulator({ paused: true });
    try {
      expect(s.speed).toBe(100);
      const { body } = await call<{ task_id: string }>(`${s.urls.apiframe}/imagine`, {
        body: { prompt: 'x' },
        headers: AF,
      });
      const read = async () =>
        (await call<{ status: string; percentage: string }>(`${s.urls.apiframe}/fetch`, { body, headers: AF })).body;
      // Stepped, the whole 40 s: still running 1 ms of vendor time before the end, finished at it.
      s.clock.advance(39_999);
      expect(await read()).toMatchObject({ status: 'processing', percentage: '99' });
      s.clock.advance(2);
      expect(await read()).toMatchObject({ status: 'finished' });

      // Running on its own, the clock follows real time at speed 100: the next grid cannot finish before
      // 400 real ms (a lower bound only, which load can never break).
      s.clock.resume();
      const t0 = performance.now();
      const next = await call<{ task_id: string }>(`${s.urls.apiframe}/imagine`, {
        body: { prompt: 'y' },
        headers: AF,
      });
      await pollUntil(
        async () => (await call<{ status: string }>(`${s.urls.apiframe}/fetch`, { body: next.body, headers: AF })).body,
        (t) => t.status === 'finished',
        { timeoutMs: 15_000 },
      );
      expect(performance.now() - t0).toBeGreaterThanOrEqual(399);
    } finally {
      await s.close();
    }
  });

  it('picks a free port for port 0, binds 127.0.0.1 and rejects a taken port', async () => {
    const other = await startSimulator({ port: 0 });
    try {
      expect(other.port).not.toBe(sim.port);
      expect(other.url).toBe(`http://127.0.0.1:${other.port}`);
      await expect(startSimulator({ port: other.port })).rejects.toThrow(/EADDRINUSE/);
    } finally {
      await other.close();
    }
  });
});
