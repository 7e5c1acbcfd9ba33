import nock from 'nock';
import * as v from 'valibot';
import { afterEach, describe, expect, it } from 'vitest';
import { emptyJob, type Job, NotFoundError, ProviderError, ResponseValidationError } from '../src/index.js';
import { Batcher, createClient, HttpTransport } from '../src/provider.js';

const BASE = 'https://batch.test';

/** A tiny provider over HTTP whose vendor can check many jobs in one request. */
function provider() {
  const http = new HttpTransport({ provider: 'batchy', baseUrl: BASE, authHeaders: { authorization: 'k' } });
  const record = v.object({ id: v.string(), state: v.string(), pct: v.number() });
  const toJob = (r: v.InferOutput<typeof record>): Job =>
    emptyJob({
      provider: 'batchy',
      providerJobId: r.id,
      operation: 'imagine',
      status: r.state === 'done' ? 'succeeded' : 'running',
      progress: r.pct,
    });
  return createClient({
    provider: 'batchy',
    capabilities: { operations: [], actions: [], batchGet: true, webhooks: false, cancel: false, account: false },
    poll: { intervalMs: 5, maxIntervalMs: 5 },
    batch: { max: 20, min: 2 },
    async get(id, o) {
      return toJob(
        (await http.request({ method: 'POST', path: '/fetch', body: { id }, call: 'read', schema: record }, o)).data,
      );
    },
    async getMany(ids, o) {
      const r = await http.request(
        { method: 'POST', path: '/fetch-many', body: { ids }, call: 'read', schema: v.array(record) },
        o,
      );
      return r.data.map(toJob);
    },
  });
}

afterEach(() => nock.cleanAll());

describe('batched polling', () => {
  it('many concurrent waits share one request per round', async () => {
    nock.disableNetConnect();
    const ids = Array.from({ length: 12 }, (_, i) => `t${i}`);
    const bodies: string[][] = [];
    nock(BASE)
      .post('/fetch-many')
      .times(2)
      .reply(200, async (request: Request) => {
        const req = (await request.json()) as { ids: string[] };
        bodies.push(req.ids);
        const round = bodies.length;
        return req.ids.map((id) => ({ id, state: round === 1 ? 'running' : 'done', pct: round === 1 ? 50 : 100 }));
      });
    const client = provider();
    const jobs = await Promise.all(ids.map((id) => client.wait(`batchy:${id}`)));
    expect(jobs.every((j) => j.status === 'succeeded')).toBe(true);
    expect(bodies).toHaveLength(2);
    expect(bodies[0]).toEqual(ids);
    expect(nock.isDone()).toBe(true);
  });

  it('splits more ids than the vendor takes into chunks, and a lone id uses the single check', async () => {
    nock.disableNetConnect();
    const sizes: number[] = [];
    nock(BASE)
      .post('/fetch-many')
      .times(2)
      .reply(200, async (request: Request) => {
        const { ids } = (await request.json()) as { ids: string[] };
        sizes.push(ids.length);
        return ids.map((id) => ({ id, state: 'done', pct: 100 }));
      })
      .post('/fetch', { id: 'solo' })
      .reply(200, { id: 'solo', state: 'done', pct: 100 });
    const client = provider();
    const many = await client.getMany(Array.from({ length: 25 }, (_, i) => `batchy:x${i}`));
    expect(many).toHaveLength(25);
    expect(sizes).toEqual([20, 5]);
    await expect(client.wait('batchy:solo')).resolves.toMatchObject({ status: 'succeeded' });
  });

  it('an id missing from the batch answer is NotFoundError for that waiter only', async () => {
    nock(BASE)
      .post('/fetch-many')
      .reply(200, [{ id: 'a', state: 'done', pct: 100 }]);
    const client = provider();
    const [a, b] = await Promise.allSettled([client.wait('batchy:a'), client.wait('batchy:b')]);
    expect(a).toMatchObject({ status: 'fulfilled' });
    expect(b.status === 'rejected' && b.reason).toBeInstanceOf(NotFoundError);
  });
});

describe('Batcher', () => {
  const running = (id: string) =>
    emptyJob({ provider: 'batchy', providerJobId: id, operation: 'imagine', status: 'running' });

  it('a waiter that aborts before the batch goes out is left out of it; the others still get answers', async () => {
    const asked: string[][] = [];
    const batcher = new Batcher({
      provider: 'batchy',
      maxBatch: 20,
      windowMs: 5,
      fetchMany: async (ids) => {
        asked.push(ids);
        return ids.map(running);
      },
      fetchOne: async () => {
        throw new Error('not used');
      },
    });
    const controller = new AbortController();
    const a = batcher.get('a');
    const b = batcher.get('b', controller.signal);
    const c = batcher.get('c');
    controller.abort(new Error('gave up'));
    await expect(b).rejects.toThrow('gave up');
    await expect(Promise.all([a, c])).resolves.toHaveLength(2);
    expect(asked).toEqual([['a', 'c']]);
  });

  it('a failing batch request fails every waiter in it with that error', async () => {
    const down = new ProviderError('batchy failed (503)');
    const batcher = new Batcher({
      provider: 'batchy',
      maxBatch: 20,
      windowMs: 1,
      fetchMany: async () => {
        throw down;
      },
      fetchOne: async (id) => running(id),
    });
    const results = await Promise.allSettled([batcher.get('a'), batcher.get('b')]);
    expect(results).toEqual([
      { status: 'rejected', reason: down },
      { status: 'rejected', reason: down },
    ]);
  });
});

describe('getMany', () => {
  it('keeps the order asked, and an id the vendor left out is NotFoundError', async () => {
    nock(BASE)
      .post('/fetch-many')
      .reply(200, [
        { id: 'b', state: 'done', pct: 100 },
        { id: 'a', state: 'done', pct: 100 },
      ]);
    const got = await provider().getMany(['batchy:a', 'batchy:b', 'batchy:a']);
    expect(got.map((j) => j.providerJobId)).toEqual(['a', 'b', 'a']);
    nock(BASE)
      .post('/fetch-many')
      .reply(200, [{ id: 'a', state: 'done', pct: 100 }]);
    await expect(provider().getMany(['batchy:a', 'batchy:zz'])).rejects.toThrow(/does not know job zz/);
  });
});

describe('one unreadable record in a batch answer', () => {
  it('fails only its own wait: the batch is asked again one job at a time', async () => {
    const single: string[] = [];
    const batcher = new Batcher({
      provider: 'acme',
      maxBatch: 10,
      windowMs: 0,
      fetchMany: async () => {
        throw new ResponseValidationError('record a has no usable URL', { provider: 'acme' });
      },
      fetchOne: async (id) => {
        single.push(id);
        if (id === 'a') throw new ResponseValidationError('record a has no usable URL', { provider: 'acme' });
        return emptyJob({ provider: 'acme', providerJobId: id, operation: 'imagine', status: 'running' });
      },
    });
    const [a, b] = await Promise.allSettled([batcher.get('a'), batcher.get('b')]);
    expect(a.status).toBe('rejected');
    expect(b).toMatchObject({ status: 'fulfilled', value: { providerJobId: 'b', status: 'running' } });
    expect(single.sort()).toEqual(['a', 'b']);
  });
});
