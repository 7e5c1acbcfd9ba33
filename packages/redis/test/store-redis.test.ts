import { createHash } from 'node:crypto';
import { storeScope } from '@mjgate/core/provider';
import { createClient } from '@redis/client';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type RedisServer, startRedisServer } from '../../../scripts/redis.mjs';
import { createRedisStore, type RedisClient, StoreUnavailableError } from '../src/index.js';
import { redisAvailable } from './redis-available.js';
import { storeContract } from './store-contract.js';

describe.skipIf(!redisAvailable)('Redis store', () => {
  let server: RedisServer;
  let admin: RedisClient;
  beforeAll(async () => {
    server = await startRedisServer();
    admin = createClient({ url: server.url }) as RedisClient;
    await admin.connect();
  });
  afterAll(async () => {
    await admin?.close();
    await server?.stop();
  });

  storeContract('Redis, from a URL', async () => {
    const store = createRedisStore({ url: server.url });
    return { store, cleanup: () => store.close() };
  });

  storeContract('Redis, on a client the app handed in', async () => {
    const client = createClient({ url: server.url }) as RedisClient;
    await client.connect();
    const store = createRedisStore({ client, prefix: 'app-client:' });
    return {
      store,
      cleanup: async () => {
        await store.close();
        await client.close();
      },
    };
  });

  it('puts every key and channel under its prefix, and two prefixes never meet', async () => {
    const one = createRedisStore({ url: server.url, prefix: 'team-one:' });
    const two = createRedisStore({ url: server.url });
    try {
      await one.set('health:imaginepro', 'down', 60_000);
      await one.reserveSlot('pace:abc', 3_000);
      await one.acquireLease('lease:abc', 2, 60_000);
      await one.increment('count:abc', 60_000);
      await one.setEntry('pending:abc', 'job-1', '{}');
      expect((await admin.keys('team-one:*')).sort()).toEqual([
        'team-one:count:abc',
        'team-one:health:imaginepro',
        'team-one:lease:abc',
        'team-one:pace:abc',
        'team-one:pending:abc',
      ]);
      expect(await two.get('health:imaginepro')).toBeUndefined();
      await two.set('health:imaginepro', 'up');
      expect(await admin.get('mjgate:health:imaginepro')).toBe('up');
      expect(await one.get('health:imaginepro')).toBe('down');

      const heard: string[] = [];
      const end = await admin.duplicate();
      await end.connect();
      await end.subscribe('team-one:jobs', (m) => heard.push(m));
      await one.publish('jobs', 'done');
      await vi.waitFor(() => expect(heard).toEqual(['done']), { timeout: 10_000 });
      await end.close();
    } finally {
      await one.close();
      await two.close();
    }
  });

  it('sets the TTLs asked for, on Redis’s clock', async () => {
    const store = createRedisStore({ url: server.url, prefix: 'ttl:' });
    try {
      await store.set('value', 'x', 60_000);
      await store.setIfAbsent('absent', 'x', 30_000);
      await store.increment('count', 20_000);
      await store.increment('count', 5);
      await store.acquireLease('lease', 5, 10_000);
      await store.acquireLease('lease', 5, 40_000);
      await store.acquireLease('lease', 5, 1_000);
      await store.reserveSlot('pace', 3_000);
      await store.set('forever', 'x');
      const pttl = async (key: string) => Number(await admin.pTTL(`ttl:${key}`));
      expect(await pttl('value')).toBeGreaterThan(50_000);
      expect(await pttl('value')).toBeLessThanOrEqual(60_000);
      expect(await pttl('absent')).toBeGreaterThan(20_000);
      expect(await pttl('absent')).toBeLessThanOrEqual(30_000);
      // A counter keeps the TTL it was created with.
      expect(await pttl('count')).toBeGreaterThan(10_000);
      // A lease set lives as long as its longest lease.
      expect(await pttl('lease')).toBeGreaterThan(30_000);
      expect(await pttl('lease')).toBeLessThanOrEqual(40_000);
      expect(await pttl('pace')).toBeGreaterThan(0);
      expect(await pttl('pace')).toBeLessThanOrEqual(3_000);
      expect(await pttl('forever')).toBe(-1);
    } finally {
      await store.close();
    }
  });

  it('runs many operations sent before its first connection is up, waiting on it once', async () => {
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on('warning', onWarning);
    const store = createRedisStore({ url: server.url, prefix: 'burst:', reconnectWaitMs: 15_000 });
    try {
      const values = await Promise.all(Array.from({ length: 50 }, () => store.increment('count', 60_000)));
      expect([...values].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings.map((w) => w.name)).not.toContain('MaxListenersExceededWarning');
    } finally {
      process.off('warning', onWarning);
      await store.close();
    }
  });

  it('closes only the connections it opened: a client the app handed in stays open', async () => {
    const client = createClient({ url: server.url, name: 'app-owned' }) as RedisClient;
    await client.connect();
    const store = createRedisStore({ client });
    await store.set('x', '1');
    const end = await store.subscribe('c', () => {});
    // One connection of its own: the subscriber.
    const clientsNow = async () =>
      String(await admin.sendCommand(['CLIENT', 'LIST']))
        .trim()
        .split('\n').length;
    const withStore = await clientsNow();
    await end();
    await store.close();
    await vi.waitFor(async () => expect(await clientsNow()).toBe(withStore - 1), { timeout: 10_000 });
    expect(client.isReady).toBe(true);
    expect(await client.get('mjgate:x')).toBe('1');
    await expect(store.get('x')).rejects.toSatisfy((e) => StoreUnavailableError.isInstance(e));
    await client.close();
  });

  it('rejects while Redis is down with a typed error, then recovers by itself after a restart', async () => {
    const own = await startRedisServer();
    const store = createRedisStore({ url: own.url, reconnectWaitMs: 100 });
    try {
      expect(await store.reserveSlot('pace', 60_000)).toBe(0);
      const heard: string[] = [];
      await store.subscribe('done', (m) => heard.push(m));
      await own.kill();

      const down = await store.get('anything').catch((e: unknown) => e);
      expect(StoreUnavailableError.isInstance(down)).toBe(true);
      expect(down).toMatchObject({ code: 'store_unavailable', retryable: true });
      expect((down as Error).message).toMatch(/could not reach Redis/);
      await expect(store.reserveSlot('pace', 60_000)).rejects.toSatisfy((e) => StoreUnavailableError.isInstance(e));

      await own.start();
      // The same store, no restart of the app: the script cache was emptied by the restart, so the
      // first script call goes through EVAL again; the subscription is renewed by the client.
      await vi.waitFor(async () => expect(await store.reserveSlot('pace', 60_000)).toBe(0), { timeout: 15_000 });
      await vi.waitFor(
        async () => {
          await store.publish('done', 'after restart');
          expect(heard).toContain('after restart');
        },
        { timeout: 15_000, interval: 50 },
      );
    } finally {
      await store.close();
      await own.stop();
    }
  });

  it('goes on through a short restart without the caller seeing it', async () => {
    const own = await startRedisServer();
    // Long enough a wait for any restart on a busy machine.
    const store = createRedisStore({ url: own.url, reconnectWaitMs: 15_000 });
    try {
      await store.set('before', '1');
      await own.restart();
      await store.set('after', '2');
      expect(await store.get('after')).toBe('2');
    } finally {
      await store.close();
      await own.stop();
    }
  });
});

describe('Redis store without Redis', () => {
  it('never shows the password of the URL in an error', async () => {
    const errors: unknown[] = [];
    const store = createRedisStore({
      url: 'redis://worker:p%40ss-s3cret-word@127.0.0.1:1/0',
      reconnectWaitMs: 50,
      onError: (e) => errors.push(e),
    });
    const failure = await store.set('x', '1').catch((e: unknown) => e);
    await store.close();
    expect(StoreUnavailableError.isInstance(failure)).toBe(true);
    for (const error of [failure, ...errors]) {
      const shown = `${String(error)} ${JSON.stringify(error)} ${(error as Error).stack} ${JSON.stringify((error as Error).cause)}`;
      expect(shown).not.toMatch(/s3cret|p@ss|p%40ss|worker/);
    }
  });

  it('names an API key by its SHA-256, so every process on the key meets on one scope and Redis never sees the key', async () => {
    const key = 'sk-live-0123456789';
    const store = createRedisStore({ url: 'redis://127.0.0.1:1/0' });
    const one = storeScope('imaginepro', key, { store });
    const two = storeScope('imaginepro', key, { store: createRedisStore({ url: 'redis://127.0.0.1:1/0' }) });
    const expected = createHash('sha256').update(key).digest('hex');
    expect(store.digest?.(key)).toBe(expected);
    expect(one.scope).toBe(`imaginepro:${expected.slice(0, 12)}`);
    expect(two.scope).toBe(one.scope);
    await store.close();
  });

  it('needs a URL or a client', () => {
    expect(() => createRedisStore({})).toThrow(/either `url` or `client`/);
  });
});
