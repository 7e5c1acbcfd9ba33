import { InvalidRequestError, StoreUnavailableError, summarizeError } from './errors.js';
import type { ProviderName } from './job.js';
import { createMemoryStore } from './memory-store.js';
import type { Store } from './store.js';
import type { Logger } from './types.js';

/** How long an idempotency key holds its job by default: 24 hours, as Stripe keeps its keys. */
export const DEFAULT_IDEMPOTENCY_TTL_MS = 24 * 60 * 60_000;

/**
 * One client's corner of a {@link Store}: the store, and the scope every key and channel of the
 * client starts with — `'<vendor>:<12 hex of the store's digest of the API key>'` on a shared store
 * (e.g. `imaginepro:3f9a0c12d4e5` on Redis: SHA-256), so processes on one key meet on the same keys,
 * clients on other keys never do, and the key itself never reaches the store. A store of one process
 * names accounts within the process (`imaginepro:local-1`).
 */
export interface StoreScope {
  readonly store: Store;
  readonly provider: ProviderName;
  /** The prefix of every key and channel of the client, e.g. `imaginepro:3f9a0c12d4e5`. */
  readonly scope: string;
  /** Where "the store failed, going on locally" lines go. */
  readonly logger?: Logger;
  /** How long an idempotency key holds its job, ms. */
  readonly idempotencyTtlMs: number;
}

/** What a factory hands to {@link storeScope}: the user's options. */
export interface StoreScopeOptions {
  store?: Store;
  logger?: Logger;
  idempotencyTtlMs?: number;
}

/**
 * Names of accounts for stores of one process. Numbers, not hashes: within one process a name only
 * has to tell accounts apart, and an app that shares no state then ships no hash function.
 */
const localNames = new Map<string, string>();

/**
 * `text` (an identity, an idempotency key, a request's JSON) as `store` names it: the first `length`
 * hex digits of its digest on a store that has one, else `text` itself (a store of one process).
 */
export function storeName(store: Store, text: string, length: number): string {
  return store.digest ? store.digest(text).slice(0, length) : text;
}

/**
 * The scope for `provider` and the credential that identifies the account (`identity`: the API key;
 * a server's URL for a key-less midjourney-proxy) on `store`. Without one the scope is `'<vendor>:default'`.
 */
export function scopeName(provider: ProviderName, identity: string | undefined, store: Store): string {
  if (!identity) return `${provider}:default`;
  if (store.digest) return `${provider}:${storeName(store, identity, 12)}`;
  let local = localNames.get(identity);
  if (local === undefined) {
    local = `local-${localNames.size + 1}`;
    localNames.set(identity, local);
  }
  return `${provider}:${local}`;
}

/**
 * A client's {@link StoreScope}: `options.store`, or a memory store of its own (one process, as
 * before stores existed).
 */
export function storeScope(
  provider: ProviderName,
  identity: string | undefined,
  options: StoreScopeOptions = {},
): StoreScope {
  const ttl = options.idempotencyTtlMs;
  if (ttl !== undefined && !(Number.isFinite(ttl) && ttl > 0)) {
    throw new InvalidRequestError(`idempotencyTtlMs must be a number of milliseconds above 0; got ${ttl}.`, {
      provider,
    });
  }
  const store = options.store ?? createMemoryStore();
  if (store.shared && typeof store.digest !== 'function') {
    // Without a digest the API key would have to be named in the shared store, or named differently
    // in each process (so processes on one key would not share their pace and records).
    throw new InvalidRequestError(
      'This store is shared (store.shared is true) but has no digest(text) method: a shared store must name API keys by a hash. Use @mjgate/redis, or add digest() to your store.',
      { provider },
    );
  }
  return {
    store,
    provider,
    scope: scopeName(provider, identity, store),
    logger: options.logger,
    idempotencyTtlMs: ttl ?? DEFAULT_IDEMPOTENCY_TTL_MS,
  };
}

/**
 * Logs that a store operation failed and what the client does instead. One line per feature per
 * failure streak would need state; a line per failure is what an operator grepping for an outage wants.
 */
export function warnStoreDown(shared: StoreScope, feature: string, instead: string, error: unknown): void {
  const why = summarizeError(error)?.message ?? String(error);
  shared.logger?.warn?.(`mjgate: the store failed for ${feature} (${why}); ${instead}.`, {
    provider: shared.provider,
  });
}

/** `error` as a {@link StoreUnavailableError} (a store's own one as is), for the callers that must stop. */
export function storeUnavailable(shared: StoreScope, error: unknown, what: string): StoreUnavailableError {
  if (StoreUnavailableError.isInstance(error)) return error;
  const summary = summarizeError(error);
  const why = summary ? ` (${summary.message})` : '';
  return new StoreUnavailableError(`The store is unreachable${why}: ${what} Retry once the store is back.`, {
    provider: shared.provider,
    cause: error,
  });
}
