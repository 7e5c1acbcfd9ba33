import { createHash, randomUUID } from 'node:crypto';
import { type Store, StoreUnavailableError } from '@mjgate/core';
import { createClient, type RedisClientType } from '@redis/client';
import { describeFailure } from './errors.js';
import { ACQUIRE_LEASE, INCREMENT, type LuaScript, RESERVE_SLOT } from './scripts.js';

/**
 * A node-redis client (`redis` or `@redis/client`, v5 or later), with any modules, scripts or RESP
 * version. The store only sends plain commands through it.
 */
// biome-ignore lint/suspicious/noExplicitAny: any client configuration is accepted
export type RedisClient = RedisClientType<any, any, any, any, any>;

/** Options of {@link createRedisStore}: either `url` or `client`. */
export interface RedisStoreOptions {
  /**
   * `redis[s]://[[username][:password]@][host][:port][/db-number]`. The store opens its connections
   * from it (one for commands, one for subscriptions) and closes them in `close()`.
   */
  url?: string;
  /**
   * A client the app already has (connected or not: the store connects it if needed). The store
   * never closes it; it opens one connection of its own for subscriptions (`client.duplicate()`),
   * which `close()` closes.
   */
  client?: RedisClient;
  /** Prepended to every key and channel, so several apps can share one Redis. Default `mjgate:`. */
  prefix?: string;
  /**
   * While Redis is unreachable, how long an operation waits for the connection to come back before
   * rejecting with {@link StoreUnavailableError}, ms. Default 1,000: a restart of a few hundred ms
   * goes unnoticed; a longer outage fails fast instead of piling calls up.
   */
  reconnectWaitMs?: number;
  /**
   * Called with each connection failure of the connections the store opened (a down Redis repeats
   * it at each reconnection attempt), already stripped of the URL's credentials. Default: ignored,
   * since every operation during the outage rejects with a {@link StoreUnavailableError} anyway.
   */
  onError?: (error: StoreUnavailableError) => void;
}

// Between reconnection attempts: quick at first, then at most every 2 s so a long outage is not
// hammered.
const reconnectStrategy = (retries: number) => Math.min(50 * 2 ** retries, 2_000);

/**
 * A {@link Store} in Redis, so every process using it shares pacing, vendor health, idempotency
 * records, pending jobs and webhook fan-out. Needs Redis ≥ 6.2 with `maxmemory-policy noeviction`
 * (see docs/scaling.md in the mjgate repository).
 *
 * It reconnects by itself after Redis restarts; operations during an outage reject with
 * {@link StoreUnavailableError}. Every multi-step operation is one Lua script, atomic in Redis.
 *
 * ```ts
 * import { createRedisStore } from '@mjgate/redis';
 * const store = createRedisStore({ url: process.env.REDIS_URL });
 * ```
 */
export function createRedisStore(options: RedisStoreOptions): Store & { close(): Promise<void> } {
  return new RedisStore(options);
}

class RedisStore implements Store {
  readonly shared = true;

  /** SHA-256 in hex: every process on one API key names it the same, and the key never reaches Redis. */
  digest(text: string): string {
    return createHash('sha256').update(text).digest('hex');
  }
  readonly #prefix: string;
  readonly #reconnectWaitMs: number;
  readonly #onError: ((error: StoreUnavailableError) => void) | undefined;
  readonly #secrets: string[];
  readonly #commands: RedisClient;
  #subscriber: RedisClient | undefined;
  readonly #opened: RedisClient[] = [];
  readonly #connecting = new Map<RedisClient, Promise<void>>();
  readonly #readyWaits = new Map<RedisClient, Promise<void>>();
  #lastFailure: string | undefined;
  #closed = false;

  constructor(options: RedisStoreOptions) {
    if ((options.url === undefined) === (options.client === undefined)) {
      throw new TypeError('createRedisStore needs either `url` or `client` (one of them, not both).');
    }
    this.#prefix = options.prefix ?? 'mjgate:';
    this.#reconnectWaitMs = options.reconnectWaitMs ?? 1_000;
    this.#onError = options.onError;
    this.#secrets = secretsOf(options.url);
    if (options.client) {
      this.#commands = options.client;
    } else {
      this.#commands = this.#own(
        createClient({ url: options.url, disableOfflineQueue: true, socket: { reconnectStrategy } }) as RedisClient,
      );
      // At once, so the first operation rarely waits for the connection.
      this.#connect(this.#commands);
    }
  }

  async reserveSlot(key: string, intervalMs: number): Promise<number> {
    return Number(await this.#eval(RESERVE_SLOT, key, [Math.max(0, Math.ceil(intervalMs))]));
  }

  async acquireLease(key: string, max: number, ttlMs: number): Promise<string | undefined> {
    const lease = await this.#eval(ACQUIRE_LEASE, key, [max, Math.max(1, Math.ceil(ttlMs)), randomUUID()]);
    return typeof lease === 'string' ? lease : undefined;
  }

  async releaseLease(key: string, lease: string): Promise<void> {
    await this.#send(['ZREM', this.#key(key), lease]);
  }

  async get(key: string): Promise<string | undefined> {
    const value = await this.#send(['GET', this.#key(key)]);
    return typeof value === 'string' ? value : undefined;
  }

  async set(key: string, value: string, ttlMs?: number): Promise<void> {
    const expiry = ttlMs === undefined ? [] : ['PX', String(Math.max(1, Math.ceil(ttlMs)))];
    await this.#send(['SET', this.#key(key), value, ...expiry]);
  }

  // One command is atomic already: no script needed.
  async setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean> {
    const reply = await this.#send(['SET', this.#key(key), value, 'NX', 'PX', String(Math.max(1, Math.ceil(ttlMs)))]);
    return reply === 'OK';
  }

  async delete(key: string): Promise<void> {
    await this.#send(['DEL', this.#key(key)]);
  }

  async increment(key: string, ttlMs: number): Promise<number> {
    return Number(await this.#eval(INCREMENT, key, [Math.max(1, Math.ceil(ttlMs))]));
  }

  async setEntry(key: string, field: string, value: string): Promise<void> {
    await this.#send(['HSET', this.#key(key), field, value]);
  }

  async deleteEntry(key: string, field: string): Promise<void> {
    await this.#send(['HDEL', this.#key(key), field]);
  }

  async entries(key: string): Promise<Array<[field: string, value: string]>> {
    const flat = (await this.#send(['HGETALL', this.#key(key)])) as unknown;
    // RESP2 answers a flat [field, value, …] list; RESP3 (a client created with RESP: 3) a map.
    if (Array.isArray(flat)) {
      const out: Array<[string, string]> = [];
      for (let i = 0; i + 1 < flat.length; i += 2) out.push([String(flat[i]), String(flat[i + 1])]);
      return out;
    }
    if (flat instanceof Map) return [...flat].map(([field, value]) => [String(field), String(value)]);
    return Object.entries((flat ?? {}) as Record<string, unknown>).map(([field, value]) => [field, String(value)]);
  }

  async publish(channel: string, message: string): Promise<void> {
    await this.#send(['PUBLISH', this.#key(channel), message]);
  }

  async subscribe(channel: string, listener: (message: string) => void): Promise<() => Promise<void>> {
    const subscriber = await this.#subscriberConnection();
    const name = this.#key(channel);
    // node-redis keeps one SUBSCRIBE per channel on this one connection, however many listeners,
    // and subscribes again by itself after a reconnection.
    const onMessage = (message: string) => listener(message);
    await this.#call(subscriber, () => subscriber.subscribe(name, onMessage));
    let active = true;
    return async () => {
      if (!active || this.#closed) return;
      active = false;
      await this.#call(subscriber, () => subscriber.unsubscribe(name, onMessage));
    };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.all(
      this.#opened.map(async (client) => {
        // A connected client finishes its pending commands; one still trying to connect just stops.
        if (client.isReady) await client.close().catch(() => client.destroy());
        else if (client.isOpen) client.destroy();
      }),
    );
  }

  #key(name: string): string {
    return this.#prefix + name;
  }

  #own(client: RedisClient): RedisClient {
    client.on('error', (error: unknown) => {
      this.#lastFailure = describeFailure(error, this.#secrets);
      this.#onError?.(this.#unavailable(error));
    });
    this.#opened.push(client);
    return client;
  }

  async #subscriberConnection(): Promise<RedisClient> {
    if (!this.#subscriber) {
      // A connection in subscriber mode takes no other command: it gets its own, opened here
      // whichever way the store was made, and shared by every subscription of this store.
      const overrides = { disableOfflineQueue: true, socket: { reconnectStrategy } };
      this.#subscriber = this.#own(this.#commands.duplicate(overrides as never) as RedisClient);
    }
    return this.#subscriber;
  }

  #send(args: string[]): Promise<unknown> {
    return this.#call(this.#commands, () => this.#commands.sendCommand(args));
  }

  // EVALSHA first; the whole script only when Redis does not have it (first use, or after a restart
  // emptied its script cache).
  async #eval(lua: LuaScript, key: string, args: Array<string | number>): Promise<unknown> {
    const tail = ['1', this.#key(key), ...args.map(String)];
    try {
      return await this.#call(this.#commands, () => this.#commands.sendCommand(['EVALSHA', lua.sha, ...tail]), true);
    } catch (error) {
      if (!String((error as Error)?.message).startsWith('NOSCRIPT')) throw this.#wrap(error);
      return this.#call(this.#commands, () => this.#commands.sendCommand(['EVAL', lua.source, ...tail]));
    }
  }

  async #call<T>(client: RedisClient, run: () => Promise<T>, raw = false): Promise<T> {
    if (this.#closed)
      throw new StoreUnavailableError('This Redis store is closed: create a new one with createRedisStore.');
    await this.#ready(client);
    try {
      return await run();
    } catch (error) {
      throw raw ? error : this.#wrap(error);
    }
  }

  #wrap(error: unknown): unknown {
    return StoreUnavailableError.isInstance(error) ? error : this.#unavailable(error);
  }

  // Waits a little for a connection that is (re)connecting, so a short restart of Redis goes
  // unnoticed, then gives up with a typed error rather than queueing calls for an unknown time.
  async #ready(client: RedisClient): Promise<void> {
    if (client.isReady) return;
    this.#connect(client);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const giveUp = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(this.#unavailable(undefined)), this.#reconnectWaitMs);
    });
    try {
      await Promise.race([this.#nextReady(client), giveUp]);
    } finally {
      clearTimeout(timer);
    }
  }

  // Starts connecting a connection that is not open; node-redis then retries by itself until it is.
  #connect(client: RedisClient): void {
    if (client.isOpen || this.#connecting.has(client)) return;
    const connecting = client.connect().then(
      () => undefined,
      (error: unknown) => {
        this.#lastFailure = describeFailure(error, this.#secrets);
      },
    );
    this.#connecting.set(client, connecting);
    void connecting.finally(() => this.#connecting.delete(client));
  }

  // One 'ready' listener per connection, however many operations wait for it.
  #nextReady(client: RedisClient): Promise<void> {
    let ready = this.#readyWaits.get(client);
    if (!ready) {
      ready = new Promise<void>((resolve) => {
        const done = () => {
          client.off('ready', done);
          this.#readyWaits.delete(client);
          resolve();
        };
        // Registered synchronously after `#ready` saw the connection not ready: no 'ready' is missed.
        client.on('ready', done);
      });
      this.#readyWaits.set(client, ready);
    }
    return ready;
  }

  #unavailable(error: unknown): StoreUnavailableError {
    const reason = error === undefined ? (this.#lastFailure ?? 'not connected') : describeFailure(error, this.#secrets);
    const name = error instanceof Error ? error.name : 'RedisError';
    return new StoreUnavailableError(
      `The mjgate Redis store could not reach Redis (${reason}). The store reconnects by itself; check that Redis is up and reachable, then try again.`,
      { cause: { name, message: reason } },
    );
  }
}

// The parts of a redis:// URL no message may show.
function secretsOf(url: string | undefined): string[] {
  if (!url) return [];
  try {
    const parsed = new URL(url);
    return [parsed.password, decodeURIComponent(parsed.password), url].filter((s) => s.length > 0);
  } catch {
    return [url];
  }
}
