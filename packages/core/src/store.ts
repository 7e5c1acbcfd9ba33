/**
 * Where clients keep the state that processes sharing one vendor key must agree on: the pace of
 * submissions and status reads, leases on a vendor's concurrent-task slots, the gateway's vendor
 * health, idempotency records, the list of pending jobs, and the channel a verified webhook is
 * published on so a `wait()` in any process ends with it.
 *
 * `createMemoryStore()` (the default) keeps it in this process — today's behaviour for one process.
 * `@mjgate/redis` keeps it in Redis, for many. Every operation is atomic on its own; keys and
 * channels are plain strings chosen by mjgate (the store adds its own prefix), values are strings
 * (JSON where structured). No operation ever receives an API key: scopes are hashes of it.
 */
export interface Store {
  /** `true` when other processes see the same state (Redis); `false` for the in-memory store. */
  readonly shared: boolean;

  /**
   * A short, stable name for `text` (an API key, an idempotency key, a request), the same in every
   * process sharing the store: lower-case hex, at least 32 digits (the Redis store: SHA-256).
   * Required when `shared` is true, because those names leave the process and an API key must not.
   * A store of one process may leave it out: mjgate then names accounts within this process only,
   * and no code for hashing ships with an app that never shares its state.
   */
  digest?(text: string): string;

  /**
   * Reserves the next start of a pace shared by everyone using `key` ("one submission per
   * `intervalMs`"): the slot is `max(now, previous slot + intervalMs)`, recorded atomically, and the
   * answer is how long the caller must wait before starting, ms (0 when it may start now).
   */
  reserveSlot(key: string, intervalMs: number): Promise<number>;

  /**
   * Takes one of `max` leases under `key`, held for `ttlMs` at most (so a crashed holder's lease
   * ends by itself). Resolves with the lease's id, or `undefined` when all `max` are held now.
   */
  acquireLease(key: string, max: number, ttlMs: number): Promise<string | undefined>;
  /** Gives a lease back (unknown or expired leases are ignored). */
  releaseLease(key: string, lease: string): Promise<void>;

  /** The value under `key`, or `undefined` when there is none or it expired. */
  get(key: string): Promise<string | undefined>;
  /** Stores `value` under `key`, expiring after `ttlMs` when given. */
  set(key: string, value: string, ttlMs?: number): Promise<void>;
  /** Stores `value` only when `key` holds nothing; `true` when this call stored it. */
  setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean>;
  /** Removes `key`. */
  delete(key: string): Promise<void>;
  /** Adds 1 to the counter under `key` (a missing one starts at 0 and expires after `ttlMs`); the new value. */
  increment(key: string, ttlMs: number): Promise<number>;

  /** Sets `field` of the map under `key` (pending jobs: one map per scope). */
  setEntry(key: string, field: string, value: string): Promise<void>;
  /** Removes `field` from the map under `key`. */
  deleteEntry(key: string, field: string): Promise<void>;
  /** Every field of the map under `key`. */
  entries(key: string): Promise<Array<[field: string, value: string]>>;

  /** Sends `message` to every subscriber of `channel`, in every process sharing the store. */
  publish(channel: string, message: string): Promise<void>;
  /**
   * Calls `listener` with each message published on `channel` from now on; resolves once the
   * subscription is active, with the function that ends it.
   */
  subscribe(channel: string, listener: (message: string) => void): Promise<() => Promise<void>>;

  /** Releases connections the store opened itself (a client handed in by the app stays open). */
  close?(): Promise<void>;
}
