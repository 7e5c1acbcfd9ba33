import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAceData } from '@mjgate/acedata';
import { createMockProvider, type MockProvider } from '@mjgate/core/testing';
import { createImaginePro } from '@mjgate/imaginepro';
import { type Simulator, startSimulator, TIMINGS } from '@mjgate/simulator';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { downStore, warnings } from '../../core/test/store-support.js';
import {
  createGateway,
  createMemoryStore,
  createWebhookHandler,
  type Job,
  ProviderError,
  type Store,
  StoreUnavailableError,
} from '../src/index.js';
import { API_KEY, simGateway } from './helpers.js';

/** One gateway instance (one process): its own vendor clients, the store it shares. */
function instance(store: Store, extra: { logger?: { warn?(message: string): void } } = {}) {
  const imaginepro = createMockProvider({ provider: 'imaginepro', steps: 2 });
  const apiframe = createMockProvider({ provider: 'apiframe', steps: 2 });
  const gateway = createGateway({
    providers: { imaginepro, apiframe },
    default: 'imaginepro',
    fallback: ['apiframe'],
    cooldownAfter: 2,
    cooldownMs: 60_000,
    store,
    ...extra,
  });
  return { gateway, imaginepro, apiframe };
}

const submits = (mock: MockProvider) => mock.calls.filter((call) => call.method === 'imagine').length;

describe('shared health: a cool-down one instance found is honoured by every instance on the store', () => {
  it('instance B skips the vendor instance A put in cool-down, without a request to it', async () => {
    const store = createMemoryStore();
    const a = instance(store);
    const b = instance(store);
    a.imaginepro.failNext('imagine', new ProviderError('down'), new ProviderError('down'));
    await a.gateway.imagine({ prompt: '1' });
    await a.gateway.imagine({ prompt: '2' });
    const job = await b.gateway.imagine({ prompt: '3' });
    expect(job.provider).toBe('apiframe');
    expect(submits(b.imaginepro)).toBe(0);
  });

  it('the cool-down ends for everyone after cooldownMs', async () => {
    let now = Date.now();
    const store = createMemoryStore({ now: () => now });
    const a = instance(store);
    const b = instance(store);
    a.imaginepro.failNext('imagine', new ProviderError('down'), new ProviderError('down'));
    await a.gateway.imagine({ prompt: '1' });
    await a.gateway.imagine({ prompt: '2' });
    now += 60_001;
    expect((await b.gateway.imagine({ prompt: '3' })).provider).toBe('imaginepro');
  });

  it('store down: each instance goes on with the health it saw itself, and says so', async () => {
    const { lines, logger } = warnings();
    const a = instance(downStore(), { logger });
    a.imaginepro.failNext('imagine', new ProviderError('down'), new ProviderError('down'));
    await a.gateway.imagine({ prompt: '1' });
    await a.gateway.imagine({ prompt: '2' });
    expect((await a.gateway.imagine({ prompt: '3' })).provider).toBe('apiframe');
    expect(submits(a.imaginepro)).toBe(2);
    expect(lines.join('\n')).toMatch(/store failed counting a failure for imaginepro.*health it saw itself/);
  });
});

describe('gateway idempotency and pending()', () => {
  it('the same key returns the same job from another instance, wherever routing would send it now', async () => {
    const store = createMemoryStore();
    const a = instance(store);
    const b = instance(store);
    const first = await a.gateway.imagine({ prompt: 'a fox' }, { idempotencyKey: 'order-7' });
    // B now sees imaginepro cooling down: a new submission would go to apiframe.
    b.imaginepro.failNext('imagine', new ProviderError('down'), new ProviderError('down'));
    await b.gateway.imagine({ prompt: 'x' });
    await b.gateway.imagine({ prompt: 'y' });
    const again = await b.gateway.imagine({ prompt: 'a fox' }, { idempotencyKey: 'order-7' });
    expect(again.id).toBe(first.id);
    expect(submits(a.imaginepro) + submits(a.apiframe)).toBe(1);
    expect(submits(b.apiframe)).toBe(2);
  });

  it('refuses a keyed submission while the store is down, before any vendor request', async () => {
    const a = instance(downStore());
    await expect(a.gateway.imagine({ prompt: 'a fox' }, { idempotencyKey: 'k' })).rejects.toBeInstanceOf(
      StoreUnavailableError,
    );
    expect(submits(a.imaginepro) + submits(a.apiframe)).toBe(0);
  });

  it('pending() lists the unfinished jobs of every vendor, and forgets them once seen finished', async () => {
    const { gateway, imaginepro } = instance(createMemoryStore());
    const one = await gateway.imagine({ prompt: 'a fox' });
    imaginepro.failNext('imagine', new ProviderError('down'));
    const two = await gateway.imagine({ prompt: 'a hare' });
    expect(two.provider).toBe('apiframe');
    expect((await gateway.pending()).map((job) => job.id).sort()).toEqual([one.id, two.id].sort());
    await gateway.wait(one);
    expect((await gateway.pending()).map((job) => job.id)).toEqual([two.id]);
  });
});

/**
 * Fake time for the paces, real time for the adapters' own I/O (a Request body is read by the
 * runtime, not by a timer): the clock moves in 100 ms steps, each followed by a real turn of the
 * event loop, until `done()` or `ms` pass. Assertions below hold however late that I/O lands.
 */
async function advanceUntil(done: () => boolean, ms: number): Promise<void> {
  for (let passed = 0; passed < ms && !done(); passed += 100) {
    await vi.advanceTimersByTimeAsync(100);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

const fakeClock = () =>
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });

describe('global limits through the real adapters, two clients on one key and one store', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('ImaginePro: "one submission per 3 s" holds between them (§5)', async () => {
    fakeClock();
    const fetch: typeof globalThis.fetch = async (input, init) => {
      new Request(input, init);
      return Response.json({ success: true, messageId: 'm-1', createdAt: new Date().toISOString() });
    };
    // The slot each submission was given, read off the store: when its request may start at the earliest.
    const slots: Array<[key: string, at: number]> = [];
    const memory = createMemoryStore();
    const store: Store = {
      ...memory,
      async reserveSlot(key, intervalMs) {
        const wait = await memory.reserveSlot(key, intervalMs);
        if (key.endsWith(':pace:submit')) slots.push([key, Date.now() + wait]);
        return wait;
      },
    };
    const one = createImaginePro({ apiKey: API_KEY, fetch, store });
    const two = createImaginePro({ apiKey: API_KEY, fetch, store });
    const all = Promise.all([one.imagine({ prompt: 'a' }), two.imagine({ prompt: 'b' }), one.imagine({ prompt: 'c' })]);
    await advanceUntil(() => false, 10_000);
    await all;
    expect(slots).toHaveLength(3);
    expect(new Set(slots.map(([key]) => key)).size).toBe(1);
    expect(slots[0]![0]).toMatch(/^imaginepro:local-\d+:pace:submit$/);
    expect(slots[0]![0]).not.toContain(API_KEY);
    const times = slots.map(([, at]) => at).sort((a, b) => a - b);
    expect(times.slice(1).every((time, index) => time - times[index]! >= 3_000)).toBe(true);
  });

  it('AceData: at most maxInFlight requests open between them (§12.3)', async () => {
    fakeClock();
    const answer = readFileSync(new URL('../../acedata/test/fixtures/describe.json', import.meta.url), 'utf8');
    const gates: Array<() => void> = [];
    const fetch: typeof globalThis.fetch = async (input, init) => {
      new Request(input, init);
      await new Promise<void>((resolve) => gates.push(resolve));
      return new Response(answer, { headers: { 'content-type': 'application/json' } });
    };
    const store = createMemoryStore();
    const options = { apiKey: API_KEY, fetch, store, maxInFlight: 2, pace: { submit: 0, read: 0 } };
    const one = createAceData(options);
    const two = createAceData(options);
    const image = { imageUrl: 'https://img.example/cat.png' };
    const all = Promise.all([one.describe(image), two.describe(image), two.describe(image)]);
    await advanceUntil(() => gates.length >= 2, 30_000);
    // Time for a third to slip through, were the cap per client: it does not.
    await advanceUntil(() => gates.length > 2, 5_000);
    expect(gates).toHaveLength(2);
    gates[0]!();
    await advanceUntil(() => gates.length > 2, 30_000);
    expect(gates).toHaveLength(3);
    gates[1]!();
    gates[2]!();
    expect(await all).toHaveLength(3);
  });
});

describe('webhook → wait fan-out through the facade handler (simulator, paused clock)', () => {
  const SECRET = 'whsec_fanout_0123456789';
  let sim: Simulator;
  let server: Server;
  let hookUrl: string;
  const store = createMemoryStore();

  beforeAll(async () => {
    sim = await startSimulator({ port: 0, apiKey: API_KEY, seed: 7, paused: true });
    // Instance A receives the callbacks.
    const receiver = simGateway(sim, { webhookSecret: SECRET, store });
    const handler = createWebhookHandler(receiver, { onJob: () => {} });
    server = createServer((req, res) => void handler.node(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    hookUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/mj`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await sim.close();
  });

  it('a callback delivered to instance A ends a wait() in instance B before B polls again', async () => {
    // Instance B submits and waits, polling only every 10 minutes: only the callback can end it soon.
    const waiter = simGateway(sim, {
      default: 'apiframe',
      webhookSecret: SECRET,
      store,
      poll: { intervalMs: 600_000, maxIntervalMs: 600_000 },
    });
    const job = await waiter.imagine({ prompt: 'a red fox', webhookUrl: hookUrl });
    let done: Job | undefined;
    const waiting = waiter.wait(job, { timeoutMs: 1_200_000 }).then((result) => {
      done = result;
      return result;
    });
    const deliveries = () => sim.ledger.toJSON().webhooks.length;
    expect(done).toBeUndefined();
    sim.clock.advance(TIMINGS.grid.reduce((sum, ms) => sum + ms, 0) + 60_000);
    await sim.ledger.settled();
    expect(deliveries()).toBeGreaterThan(0);
    const result = await waiting;
    expect(result).toMatchObject({ id: job.id, status: 'succeeded' });
  });
});
