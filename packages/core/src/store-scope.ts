import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { InvalidRequestError, StoreUnavailableError, summarizeError } from './errors.js';
import type { ProviderName } from './job.js';
import { createMemoryStore } from './memory-store.js';
import type { Store } from './store.js';
import type { Logger } from './types.js';

/** How long an idempotency key holds its job by default: 24 hours, as Stripe keeps its keys. */
export const DEFAULT_IDEMPOTENCY_TTL_MS = 24 * 60 * 60_000;

/**
 * One client's corner of a {@link Store}: the store, and the scope every key and channel of the
 * client starts with — `'<vendor>:<12 hex of SHA-256(API key)>'`, e.g. `imaginepro:3f9a0c12d4e5` —
 * so processes on one key meet on the same keys, clients on other keys never do, and the key itself
 * never reaches the store.
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
 * Lower-case hex of SHA-256 of `text`. Synchronous (@noble/hashes, pure JS, every runtime) where
 * Web Crypto's digest is not: a key is known the moment a client exists, and a fake clock in a
 * test is never overtaken by a digest finishing on another thread.
 */
export function sha256Hex(text: string): string {
  return bytesToHex(sha256(utf8ToBytes(text)));
}

/**
 * The scope for `provider` and the credential that identifies the account (`identity`: the API key;
 * a server's URL for a key-less midjourney-proxy). Without one the scope is `'<vendor>:default'`.
 */
export function scopeName(provider: ProviderName, identity: string | undefined): string {
  return identity ? `${provider}:${sha256Hex(identity).slice(0, 12)}` : `${provider}:default`;
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
  const scope = scopeName(provider, identity);
  return {
    store: options.store ?? createMemoryStore(),
    provider,
    scope,
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
