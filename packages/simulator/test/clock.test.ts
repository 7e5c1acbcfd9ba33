// The simulator's clock: paused and stepped by a test, and, left running on a busy machine, late but never
// wrong — events keep their order and content, and answers depend on the jobs' deadlines, not on the load.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Clock } from '../src/clock';
import { type Simulator, startSimulator, TIMINGS } from '../src/index';
import { call, pollUntil, startReceiver } from './helpers';

const AF = { authorization: 'k' };
const ACE = { authorization: 'Bearer k' };

/** Holds the event loop, as a loaded machine would: every timer due meanwhile fires late. */
function busy(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // spin
  }
}

describe('reading the time', () => {
  it('fires every event due by then first, so a job seen finished has already queued its webhook', () => {
    const clock = new Clock(100);
    const fired: string[] = [];
    clock.setTimer(() => fired.push('final webhook'), 1);
    // The event loop is held past the timer's due time, as between two steps of a request on a
    // loaded machine: the timer itself cannot have run, but a reading of the time runs it.
    busy(20);
    expect(fired).toEqual([]);
    const at = clock.now();
    clock.catchUp(at);
    expect(fired).toEqual(['final webhook']);
    clock.close();
  });
});

describe('the Clock', () => {
  it('fires timers in due order, each seeing its own due time when stepped', () => {
    const clock = new Clock(100, { paused: true });
    const start = clock.now();
    const fired: Array<[string, number]> = [];
    for (const [name, ms] of [
      ['c', 30],
      ['a', 10],
      ['b', 20],
      ['a2', 10],
    ] as const) {
      clock.setTimer(() => fired.push([name, Math.round((clock.now() - start) * 1e6) / 1e6]), ms);
    }
    clock.advance(1_500); // 15 clock ms at speed 100
    expect(fired).toEqual([
      ['a', 10],
      ['a2', 10],
    ]);
    clock.advance(5_000);
    expect(fired.map(([name]) => name)).toEqual(['a', 'a2', 'b', 'c']);
    expect(clock.now() - start).toBeCloseTo(65, 6);
    clock.close();
  });

  it('fires late timers in due order after the process was held up', async () => {
    const clock = new Clock();
    const fired: string[] = [];
    const last = new Promise<void>((resolve) => {
      clock.setTimer(() => {
        fired.push('c');
        resolve();
      }, 30);
    });
    clock.setTimer(() => fired.push('a'), 10);
    clock.setTimer(() => fired.push('b'), 20);
    busy(60);
    await last;
    expect(fired).toEqual(['a', 'b', 'c']);
    clock.close();
  });

  it('refuses a negative or non-finite step', () => {
    const clock = new Clock();
    expect(() => clock.advance(-1)).toThrow(RangeError);
    expect(() => clock.advance(Number.NaN)).toThrow(RangeError);
    clock.close();
  });
});

describe('a paused simulator', () => {
  let sim: Simulator;
  beforeEach(async () => {
    sim = await startSimulator({ paused: true, speed: 400 });
  });
  afterEach(() => sim.close());

  it('keeps jobs where they are until the clock is stepped or resumed', async () => {
    expect(sim.clock.paused).toBe(true);
    const { body } = await call<{ task_id: string }>(`${sim.urls.apiframe}/imagine`, {
      body: { prompt: 'held' },
      headers: AF,
    });
    const status = async () =>
      (await call<{ status: string }>(`${sim.urls.apiframe}/fetch`, { body, headers: AF })).body.status;
    // Real time passes (two round trips), the job does not move.
    expect(await status()).toBe('pending');
    expect(await status()).toBe('pending');
    sim.clock.advance(TIMINGS.grid[0] + TIMINGS.grid[1] / 2);
    expect(await status()).toBe('processing');
    sim.clock.resume();
    expect(sim.clock.paused).toBe(false);
    await pollUntil(status, (s) => s === 'finished');
  });

  it('is paused, stepped and resumed over HTTP at /_sim/clock', async () => {
    const clock = (body?: unknown) =>
      call<{ paused: boolean; speed: number; error?: string }>(`${sim.url}/_sim/clock`, body ? { body } : {});
    expect((await clock()).body).toEqual({ paused: true, speed: 400 });
    const { body } = await call<{ task_id: string }>(`${sim.urls.apiframe}/imagine`, {
      body: { prompt: 'over http' },
      headers: AF,
    });
    expect((await clock({ action: 'advance', vendorMs: TIMINGS.grid[0] + TIMINGS.grid[1] })).body.paused).toBe(true);
    const task = await call<{ status: string }>(`${sim.urls.apiframe}/fetch`, { body, headers: AF });
    expect(task.body.status).toBe('finished');
    expect((await clock({ action: 'resume' })).body).toEqual({ paused: false, speed: 400 });
    expect((await clock({ action: 'pause' })).body.paused).toBe(true);
    const bad = await clock({ action: 'rewind' });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/advance/);
    expect((await clock({ action: 'advance', vendorMs: -5 })).status).toBe(400);
  });

  it('still answers a slow fault: latency is real time, not job time', async () => {
    sim.faults.add({ vendor: 'apiframe', route: '/account', kind: 'slow', delayMs: 30 });
    expect((await call(`${sim.urls.apiframe}/account`, { headers: AF })).status).toBe(200);
  });
});

describe('a running simulator on a busy machine', () => {
  let sim: Simulator;
  beforeEach(async () => {
    sim = await startSimulator({ speed: 400 });
  });
  afterEach(() => sim.close());

  it('sends every APIFRAME webhook, in order and as of its own moment, when the process wakes up late', async () => {
    const receiver = await startReceiver();
    try {
      const { body } = await call<{ task_id: string }>(`${sim.urls.apiframe}/imagine`, {
        body: { prompt: 'late hooks', webhook_url: `${receiver.url}/hook` },
        headers: AF,
      });
      busy(250); // the whole grid (100 ms at speed 400) passes while the process is held
      const calls = await receiver.waitFor(2);
      expect(calls.map((c) => [c.body.task_id, c.body.status, c.body.percentage])).toEqual([
        [body.task_id, 'processing', '50'],
        [body.task_id, 'finished', '100'],
      ]);
    } finally {
      await receiver.close();
    }
  });

  it('writes every AceData ndjson line when the process wakes up after the job ended', async () => {
    const answer = fetch(`${sim.urls.acedata}/midjourney/imagine`, {
      method: 'POST',
      headers: { ...ACE, 'content-type': 'application/json', accept: 'application/x-ndjson' },
      body: JSON.stringify({ prompt: 'late stream' }),
    });
    await pollUntil(
      async () => sim.ledger.submissions().length,
      (n) => n === 1,
      { intervalMs: 1 },
    );
    busy(250);
    const lines = (await (await answer).text())
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { progress: number });
    expect(lines.map((l) => l.progress)).toEqual([35, 75, 100]);
  });

  it('answers an AceData blocking call 504 at its timeout even when the process wakes up after the job ended', async () => {
    const answer = call<{ error: { code: string } }>(`${sim.urls.acedata}/midjourney/imagine`, {
      body: { prompt: 'late timeout', timeout: 5 },
      headers: ACE,
    });
    await pollUntil(
      async () => sim.ledger.submissions().length,
      (n) => n === 1,
      { intervalMs: 1 },
    );
    busy(250); // the 5 s timeout (12.5 ms) and the whole grid (100 ms) pass while the process is held
    const res = await answer;
    expect([res.status, res.body.error.code]).toEqual([504, 'timeout']);
  });
});

describe('progress at an event’s own moment', () => {
  it('reads exactly the fraction the event was scheduled at, whatever the start time’s floating point', async () => {
    const { phaseOf } = await import('../src/jobs');
    // Start times like these (performance.now() values) made (t - runStart) / runMs come out at
    // 0.4999… for t = runStart + runMs * 0.5, so the 50 % webhook said 49.
    for (const start of [1234.567, 98765.4321, 0.1 + 0.2, 7.000000001, 123456789.987]) {
      for (const runMs of [100, 75, 33.3, 250]) {
        const job = { start, queuedMs: 12.34, runMs, createdAt: 0 } as unknown as Parameters<typeof phaseOf>[0];
        const half = start + 12.34 + runMs * 0.5;
        expect(phaseOf(job, half).progress, `start ${start}, runMs ${runMs}`).toBe(50);
      }
    }
  });
});

describe('the proxy queue at its own moment', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('reads an mjproxy task SUBMITTED once the clock is stepped exactly half-way through its wait, whatever the start time’s floating point', async () => {
    // A start time like 1000.003 (a performance.now() value) made `start + 15` come out below
    // `start + (start + 30 - start) / 2`: the task stepped half-way still read NOT_START, and the
    // trueai dialect's test in mjproxy.test.ts failed in a CI run whose start time was such a value.
    for (const start of [1000.003, 1234.567, 98765.4321]) {
      const now = vi.spyOn(performance, 'now').mockReturnValue(start);
      const sim = await startSimulator({ apiKey: 'k', paused: true, mjproxy: { dialect: 'trueai' }, log: () => {} });
      now.mockRestore();
      try {
        const headers = { 'mj-api-secret': 'k' };
        const { body } = await call<{ result: string }>(`${sim.urls.mjproxy}/mj/submit/imagine`, {
          body: { prompt: 'a red fox' },
          headers,
        });
        const status = async () =>
          (await call<{ status: string }>(`${sim.urls.mjproxy}/mj/task/${body.result}/fetch`, { headers })).body.status;
        expect(await status(), `start ${start}`).toBe('NOT_START');
        sim.clock.advance(TIMINGS.grid[0] / 2);
        expect(await status(), `start ${start}`).toBe('SUBMITTED');
        sim.clock.advance(TIMINGS.grid[0] / 2);
        expect(await status(), `start ${start}`).toBe('IN_PROGRESS');
      } finally {
        await sim.close();
      }
    }
  });
});
